import shutil
import subprocess
from pathlib import Path

import pytest
from django.utils import translation

LOCALE = Path(__file__).resolve().parents[2] / "locale"


@pytest.mark.skipif(not shutil.which("msgfmt"), reason="GNU gettext (msgfmt) is not installed")
def test_it_translates_every_string_into_bahasa_indonesia():
    result = subprocess.run(
        [
            "msgfmt",
            "--check",
            "--statistics",
            "-o",
            "/dev/null",
            str(LOCALE / "id" / "LC_MESSAGES" / "django.po"),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    statistics = result.stderr.strip().splitlines()[-1]
    assert "untranslated" not in statistics, statistics
    assert "fuzzy" not in statistics, statistics


def test_it_has_compiled_catalogues_that_django_uses():
    with translation.override("id"):
        assert translation.gettext("Skip to main content") == "Lewati ke isi utama"
    with translation.override("en"):
        assert translation.gettext("Skip to main content") == "Skip to main content"

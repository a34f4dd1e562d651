"""The import graph (import-linter over the source's syntax trees, contracts in pyproject.toml):
the kernel sits below every app and imports none, accounts knows no domain app, the domain apps
depend one way, privacy reaches them only through the kernel's registries, no app imports the
wiring (rakumpit_asn), and no two modules or packages of one app import each other. Each
contract is also shown to fail on a tree that breaks it."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("importlinter", reason="import-linter runs on Python 3.11 and newer")

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = (
    "core",
    "accounts",
    "notifications",
    "workforce",
    "forums",
    "training",
    "recruitment",
    "performance",
    "privacy",
    "opendata",
    "rakumpit_asn",
)
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_import_graph_keeps_every_contract():
    result = lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.fixture(scope="module")
def copy(tmp_path_factory):
    """The source packages (Python files only) and the contracts, in a scratch folder."""
    target = tmp_path_factory.mktemp("source")
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package,
            target / package,
            ignore=lambda folder, names: [
                name
                for name in names
                if (not name.endswith(".py") and not (Path(folder) / name).is_dir())
                or name == "__pycache__"
            ],
        )
    shutil.copy(ROOT / "pyproject.toml", target / "pyproject.toml")
    return target


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        ("core/paging.py", "import workforce.models", "kernel"),
        ("workforce/selectors/needs.py", "import rakumpit_asn.settings", "kernel"),
        ("accounts/roles.py", "import recruitment.models", "kernel"),
        ("notifications/services.py", "import workforce.models", "kernel"),
        ("workforce/models.py", "import forums.models", "kernel"),
        ("training/models.py", "import recruitment.models", "do not know each other"),
        ("privacy/services.py", "import workforce.models", "privacy reaches"),
        ("recruitment/selectors/hr.py", "import opendata.selectors", "kernel"),
        ("recruitment/models/periods.py", "import recruitment.tasks", "No cycle"),
    ],
    ids=[
        "the kernel imports a domain app",
        "a domain app imports the wiring",
        "accounts imports a domain app",
        "notifications imports a domain app",
        "two apps import each other",
        "recruitment and training",
        "privacy imports a domain app",
        "a domain app imports open data",
        "a cycle inside an app",
    ],
)
def test_each_contract_fails_when_the_graph_breaks_it(copy, module, line, contract):
    path = copy / module
    original = path.read_text()
    try:
        path.write_text(f"{original}\n{line}  # noqa\n")
        result = lint(copy)
    finally:
        path.write_text(original)
    assert result.returncode != 0, result.stdout
    broken = result.stdout.split("Broken contracts", 1)[-1]
    assert contract in broken, result.stdout

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from forums.models import Comment, Topic
from performance.models import Review, Skp
from recruitment.models import Application, Document, Formation
from recruitment.services.periods import default_required_slugs
from workforce.models import Employee, Unit

pytestmark = pytest.mark.django_db

SMALL = {
    "formations": 4,
    "applicants": 30,
    "units": 3,
    "employees": 20,
    "topics": 5,
    "comments": 30,
    "review_year": 2025,
    "quiet": True,
}


def _seed(**options):
    out = StringIO()
    call_command("seed_scale", stdout=out, **{**SMALL, **options})
    return out.getvalue()


def _counts():
    return {
        "units": Unit.objects.count(),
        "employees": Employee.objects.count(),
        "skps": Skp.objects.count(),
        "reviews": Review.objects.count(),
        "topics": Topic.objects.count(),
        "comments": Comment.objects.count(),
        "formations": Formation.objects.count(),
        "applications": Application.objects.count(),
        "documents": Document.objects.count(),
    }


@pytest.mark.postgres
def test_it_creates_the_asked_volumes(settings):
    settings.DEBUG = True
    _seed()
    counts = _counts()
    assert counts["units"] >= 3 + 1  # the needs-map units and the recruitment unit
    assert counts["employees"] == 20
    assert counts["skps"] == 20
    assert counts["reviews"] == 20 * 5  # four quarters and the annual evaluation
    assert counts["topics"] == 5
    assert counts["comments"] == 30
    assert counts["formations"] == 4
    assert counts["applications"] == 30
    finalised = Application.objects.exclude(status=Application.Status.DRAFT)
    assert finalised.count() == 27  # one in ten is a draft
    assert counts["documents"] == 27 * len(default_required_slugs())
    assert Formation.objects.filter(is_published=True, period__is_published=True).count() == 4


@pytest.mark.postgres
def test_it_skips_what_is_already_there_and_never_doubles(settings):
    settings.DEBUG = True
    _seed()
    before = _counts()
    output = _seed()
    assert _counts() == before
    assert output.count("already there") == 4
    assert "skipped" in output


def test_it_refuses_sqlite(settings, monkeypatch):
    settings.DEBUG = True
    monkeypatch.setattr(connection, "vendor", "sqlite")
    with pytest.raises(CommandError, match="needs PostgreSQL"):
        _seed()
    assert Application.objects.count() == 0


@pytest.mark.postgres
def test_it_refuses_to_run_with_debug_off_unless_forced(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        _seed()
    assert Application.objects.count() == 0
    _seed(force=True)
    assert Application.objects.count() == 30

"""manage.py breach_report: whose data a time window of the audit trail touched, on which models,
for the breach notification (docs/operations/breach-runbook.md)."""

import csv
import io
import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command

from core.audit import breach_report, log_access
from tests.factories import ApplicantProfileFactory, ApplicationFactory, EmployeeFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

WIB = ZoneInfo("Asia/Jakarta")
INSIDE = datetime(2026, 11, 1, 10, 0, tzinfo=WIB)
BEFORE = datetime(2026, 10, 31, 23, 59, tzinfo=WIB)
AFTER = datetime(2026, 11, 2, 0, 0, tzinfo=WIB)  # the end of the window is not included
WINDOW = ["--since", "2026-11-01 00:00", "--until", "2026-11-02 00:00"]


def at(moment, instance):
    """Move every log entry of `instance` to `moment` (entries are written at now())."""
    content_type = ContentType.objects.get_for_model(instance)
    LogEntry.objects.filter(content_type=content_type, object_pk=str(instance.pk)).update(
        timestamp=moment
    )


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("breach_report", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def profiles():
    """Three applicants' profiles, changed before, inside and at the end of the window."""
    early, inside, late = (ApplicantProfileFactory() for _i in range(3))
    for profile, moment in ((early, BEFORE), (inside, INSIDE), (late, AFTER)):
        at(moment, profile)
    return early, inside, late


def test_it_lists_exactly_the_users_touched_in_the_window_on_the_model(profiles):
    _early, inside, _late = profiles
    other = ApplicantProfileFactory()  # its account entries inside: another model
    at(INSIDE, other.user)

    report = breach_report(
        since=datetime(2026, 11, 1, tzinfo=WIB),
        until=datetime(2026, 11, 2, tzinfo=WIB),
        models=["recruitment.applicantprofile"],
    )

    assert [s.user_id for s in report.subjects] == [inside.user_id]
    subject = report.subjects[0]
    assert subject.email == inside.user.email
    assert dict(subject.counts) == {("recruitment.ApplicantProfile", "create"): 1}
    assert report.entries == 1
    assert report.models == ["recruitment.ApplicantProfile"]


def test_it_follows_records_to_their_applicant_even_after_deletion(applicant):
    application = ApplicationFactory(applicant=applicant)
    outsider = ApplicationFactory()
    at(BEFORE, application)
    at(BEFORE, outsider)
    application_pk = application.pk

    application.delete()  # now, then moved into the window
    LogEntry.objects.filter(object_pk=str(application_pk), action=LogEntry.Action.DELETE).update(
        timestamp=INSIDE
    )

    out, _err = run(*WINDOW, "--model", "recruitment.Application", "--format", "json")

    data = json.loads(out)
    assert [s["user_id"] for s in data["subjects"]] == [applicant.pk]
    assert data["subjects"][0]["email"] == applicant.email
    assert data["subjects"][0]["counts"] == [
        {"model": "recruitment.Application", "action": "delete", "entries": 1}
    ]


def test_it_counts_downloads_and_reaches_through_two_relations(applicant, hr, rf):
    from recruitment.models import DocumentCheck

    application = ApplicationFactory(applicant=applicant)
    requirement = application.period.document_requirements.first()
    check = DocumentCheck.objects.create(
        application=application, requirement=requirement, result="MS", checked_by=hr
    )
    at(INSIDE, check)
    request = rf.get("/")
    request.user = hr
    log_access(application, request)
    at(INSIDE, application)

    report = breach_report(
        since=datetime(2026, 11, 1, tzinfo=WIB),
        until=datetime(2026, 11, 2, tzinfo=WIB),
        models=["recruitment.DocumentCheck", "recruitment.Application"],
    )

    assert [s.user_id for s in report.subjects] == [applicant.pk]
    counts = report.subjects[0].counts
    assert counts["recruitment.DocumentCheck", "create"] == 1
    assert counts["recruitment.Application", "access"] == 1
    assert hr.pk not in {s.user_id for s in report.subjects}  # the actor is not the subject


def test_it_lists_records_of_people_without_an_account_apart(db):
    employee = EmployeeFactory(user=None)
    at(INSIDE, employee)

    out, _err = run(*WINDOW, "--model", "workforce.Employee")

    assert "Data subjects with an account: 0" in out
    assert f"workforce.Employee create: ids {employee.pk}" in out
    assert employee.nip not in out


def test_it_writes_text_with_the_zone_named_and_warns_on_stderr(profiles):
    _early, inside, _late = profiles

    out, err = run(*WINDOW)

    assert "personal data" in err and "breach-runbook.md" in err
    assert "personal data" not in out
    assert "2026-11-01 00:00:00 to 2026-11-02 00:00:00 WIB (Asia/Jakarta)" in out
    assert f"user {inside.user_id}  {inside.user.email}" in out
    assert "recruitment.ApplicantProfile create: 1" in out


def test_it_writes_csv_one_row_per_user_model_and_action(profiles):
    _early, inside, _late = profiles

    out, _err = run(*WINDOW, "--format", "csv", "--model", "recruitment.ApplicantProfile")

    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows == [
        {
            "user_id": str(inside.user_id),
            "email": inside.user.email,
            "model": "recruitment.ApplicantProfile",
            "action": "create",
            "entries": "1",
            "object_ids": str(inside.pk),
        }
    ]


def test_it_reads_times_with_an_offset_too(profiles):
    _early, inside, _late = profiles

    out, _err = run(
        "--since", "2026-10-31T17:00:00+00:00", "--until", "2026-11-01T17:00:00+00:00",
        "--format", "json", "--model", "recruitment.ApplicantProfile",
    )  # fmt: skip

    data = json.loads(out)
    assert data["since"] == "2026-11-01T00:00:00+07:00"
    assert [s["user_id"] for s in data["subjects"]] == [inside.user_id]


@pytest.mark.parametrize("name", ["recruitment.Nothing", "auth.Group", "ApplicantProfile"])
def test_it_refuses_unknown_or_unaudited_models_naming_the_valid_ones(name):
    with pytest.raises(CommandError, match=f"Unknown or unaudited model: {name}") as error:
        run(*WINDOW, "--model", name)

    assert "recruitment.ApplicantProfile" in str(error.value)


@pytest.mark.parametrize(
    ("since", "until", "message"),
    [
        ("yesterday", "2026-11-02 00:00", "is not a time"),
        ("2026-11-02 00:00", "2026-11-01 00:00", "must be later"),
    ],
)
def test_it_refuses_a_bad_window(since, until, message):
    with pytest.raises(CommandError, match=message):
        run("--since", since, "--until", until)

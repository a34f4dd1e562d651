import io
import json
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from privacy.models import Purpose
from privacy.services import consent_record, data_request_submit
from tests.conftest import two_factor_login
from tests.factories import EmployeeFactory
from tests.forums.factories import CommentFactory, TopicFactory
from tests.privacy.conftest import add_document, submitted

pytestmark = pytest.mark.django_db


def _download(client, user) -> zipfile.ZipFile:
    two_factor_login(client, user)
    response = client.get(reverse("privacy:export"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def _everything(archive) -> bytes:
    return b"".join(archive.read(name) for name in archive.namelist())


@pytest.fixture
def two_people(applicant, other_applicant):
    mine = submitted(applicant)
    add_document(mine, "ijazah", b"%PDF-1.4 MY-DIPLOMA v1")
    add_document(mine, "ijazah", b"%PDF-1.4 MY-DIPLOMA v2", version=2)
    theirs = submitted(other_applicant)
    add_document(theirs, "ijazah", b"%PDF-1.4 THEIR-DIPLOMA")
    my_topic = TopicFactory(
        author=applicant, title="My topic", photo=ContentFile(b"MY-PHOTO", name="a.jpg")
    )
    their_topic = TopicFactory(
        author=other_applicant, title="Their topic", photo=ContentFile(b"THEIR-PHOTO", name="b.jpg")
    )
    CommentFactory(topic=their_topic, author=applicant, body="my reply on their topic")
    CommentFactory(topic=my_topic, author=other_applicant, body="their reply on my topic")
    consent_record(user=applicant, purpose=Purpose.SIGNUP)
    data_request_submit(user=applicant, kind="correction", details="fix my address")
    return mine, theirs


def test_it_exports_all_of_my_data_and_files(client, applicant, two_people):
    mine, _theirs = two_people
    archive = _download(client, applicant)
    names = archive.namelist()
    assert "data.json" in names
    data = json.loads(archive.read("data.json"))
    assert data["account"]["email"] == applicant.email
    assert "applicant" in data["account"]["roles"]
    assert data["recruitment"]["applicant_profile"]["nik"] == applicant.applicant_profile.nik
    assert data["recruitment"]["applicant_profile"]["kk_number"]
    (application,) = data["recruitment"]["applications"]
    assert application["registration_number"] == mine.registration_number
    assert application["applicant_nik"] == applicant.applicant_profile.nik
    assert application["applicant"] == "you"
    assert len(application["documents"]) == 2  # every version
    files = [d["file"] for d in application["documents"]]
    assert {archive.read(name) for name in files} == {
        b"%PDF-1.4 MY-DIPLOMA v1",
        b"%PDF-1.4 MY-DIPLOMA v2",
    }
    (topic,) = data["forums"]["topics"]
    assert topic["title"] == "My topic"
    assert archive.read(topic["photo"]) == b"MY-PHOTO"
    assert [c["body"] for c in data["forums"]["comments"]] == ["my reply on their topic"]
    assert data["privacy"]["consents"][0]["purpose"] == "signup"
    assert data["privacy"]["requests"][0]["details"] == "fix my address"
    assert data["missing_files"] == []


def test_it_never_exports_another_persons_data(client, applicant, other_applicant, two_people):
    archive = _download(client, applicant)
    everything = _everything(archive)
    assert other_applicant.applicant_profile.nik.encode() not in everything
    assert other_applicant.email.encode() not in everything
    assert other_applicant.full_name.encode() not in everything
    assert b"THEIR-DIPLOMA" not in everything
    assert b"THEIR-PHOTO" not in everything
    assert b"their reply on my topic" not in everything
    assert b"Their topic" not in everything


def test_it_exports_the_employment_records_of_a_linked_employee(client, employee):
    record = EmployeeFactory(user=employee, full_name="Pegawai Ekspor")
    archive = _download(client, employee)
    data = json.loads(archive.read("data.json"))
    assert data["employment"]["employee"]["nip"] == record.nip
    assert data["employment"]["training_enrolments"] == []
    assert data["employment"]["skps"] == []


def test_it_lists_a_missing_file_instead_of_failing(client, applicant, private_root):
    mine = submitted(applicant)
    document = add_document(mine, "ijazah", b"%PDF-1.4 gone")
    (private_root / document.file.name).unlink()
    data = json.loads(_download(client, applicant).read("data.json"))
    assert len(data["missing_files"]) == 1


def test_it_sends_anonymous_users_to_sign_in(client):
    response = client.get(reverse("privacy:export"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_it_logs_each_copy_and_limits_them_per_hour(client, applicant):
    from auditlog.models import LogEntry

    from privacy.views import EXPORTS_PER_HOUR

    two_factor_login(client, applicant)
    url = reverse("privacy:export")
    for _ in range(EXPORTS_PER_HOUR):
        assert client.get(url).status_code == 200
    access = LogEntry.objects.filter(action=LogEntry.Action.ACCESS, object_pk=str(applicant.pk))
    assert access.count() == EXPORTS_PER_HOUR
    assert access.first().actor == applicant
    refused = client.get(url)
    assert refused.status_code == 302 and refused["Location"] == reverse("privacy:my_data")
    assert access.count() == EXPORTS_PER_HOUR  # a refused copy is no copy

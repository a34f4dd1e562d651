"""The audit trail (django-auditlog): what is audited, who is recorded, what is masked, the
read-only admin for administrators only, and the access entries for downloads of personal files."""

import datetime as dt
import io

import pytest
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.apps import apps
from django.conf import settings as django_settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms.models import model_to_dict
from django.urls import reverse
from PIL import Image

from core.audit import (
    audited_model_labels,
    log_access,
    mask_identifier,
    scrub_identifiers,
)
from recruitment.forms.applicant import ApplicantProfileForm
from recruitment.models import ApplicantProfile
from recruitment.services.documents import document_upload
from recruitment.validators import build_nik
from tests.factories import ApplicantProfileFactory, ApplicationFactory, EmployeeFactory
from tests.training.factories import employee_with_user, enrolment, past_session
from training.models import Certificate

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def entries_for(instance, action=None):
    content_type = ContentType.objects.get_for_model(instance)
    entries = LogEntry.objects.filter(content_type=content_type, object_pk=str(instance.pk))
    return entries if action is None else entries.filter(action=action)


# --- what is audited ------------------------------------------------------------------------------


def test_it_audits_each_listed_model_and_every_listed_model_exists():
    labels = audited_model_labels()

    for label in labels:
        model = apps.get_model(label)  # LookupError: a listed model that does not exist
        assert auditlog.contains(model), label
    assert len(labels) == len(set(labels)) == 24
    # Recruitment III: the appointment (who becomes staff) and the SKB parts (the rules of a
    # formation's test, fixed before registration opens).
    assert {"recruitment.Appointment", "recruitment.SkbPart"} <= set(labels)


def test_it_knows_the_data_subject_of_every_audited_model():
    from core.audit import subject_path

    for label in audited_model_labels():
        path = subject_path(label)
        if path:  # the path is a real chain of relations ending at a user
            model = apps.get_model(label)
            str(model._base_manager.values_list("pk", path).query)
            field = model._meta.get_field(path.split("__")[0])
            for hop in path.split("__")[1:]:
                field = field.related_model._meta.get_field(hop)
            assert field.related_model is apps.get_model(django_settings.AUTH_USER_MODEL), label


def test_it_masks_identifiers_down_to_the_last_four_digits():
    assert mask_identifier("6271045204980001") == "************0001"
    assert mask_identifier("None") == "None"
    assert scrub_identifiers("Siti (199804122015032001)") == "Siti (**************2001)"
    assert scrub_identifiers("RKP-2026-000042") == "RKP-2026-000042"


# --- changes: who, when, what, masked -------------------------------------------------------------


def test_it_logs_a_profile_change_with_the_actor_and_a_masked_nik(client_as, applicant):
    profile = ApplicantProfileFactory(user=applicant)
    new_nik = build_nik(
        region="627104", birth_date=profile.birth_date, gender=profile.gender, sequence=4321
    )
    data = model_to_dict(profile, fields=ApplicantProfileForm._meta.fields)
    data.update(nik=new_nik, phone="081298765432", birth_date="1998-04-12")

    response = client_as(applicant).post(reverse("recruitment:profile"), data)

    assert response.status_code == 302
    entry = entries_for(profile, LogEntry.Action.UPDATE).get()
    assert (entry.actor, entry.actor_email) == (applicant, applicant.email)
    assert entry.remote_addr == "127.0.0.1"
    assert entry.changes_dict["phone"] == ["********", "********"]  # changed, not to what
    assert "081298765432" not in str(entry.changes)
    old, new = entry.changes_dict["nik"]
    assert (old[-4:], new) == (profile.nik[-4:], "************4321")
    assert profile.nik not in str(entry.changes) and new_nik not in str(entry.changes)
    assert entry.serialized_data is None


def test_it_takes_the_address_from_the_proxy_not_from_the_client(client_as, applicant, settings):
    settings.BEHIND_TLS_PROXY = True
    profile = ApplicantProfileFactory(user=applicant)
    data = model_to_dict(profile, fields=ApplicantProfileForm._meta.fields)
    data.update(phone="081298765432", birth_date="1998-04-12")

    client_as(applicant).post(
        reverse("recruitment:profile"), data, HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7"
    )

    assert entries_for(profile, LogEntry.Action.UPDATE).get().remote_addr == "203.0.113.7"


def test_it_logs_a_deletion_with_the_fields_it_held():
    profile = ApplicantProfileFactory()
    pk, user_id = profile.pk, profile.user_id

    profile.delete()

    entry = LogEntry.objects.get(
        content_type=ContentType.objects.get_for_model(ApplicantProfile),
        object_pk=str(pk),
        action=LogEntry.Action.DELETE,
    )
    assert entry.actor is None  # outside a request: the system
    assert entry.changes_dict["user"] == [str(user_id), "None"]
    assert entry.changes_dict["nik"][0].startswith("************")


def test_it_masks_the_personal_fields_of_a_profile_and_an_account(applicant):
    profile = ApplicantProfileFactory(user=applicant)
    applicant.phone = "081234567890"
    applicant.save()

    changes = entries_for(profile, LogEntry.Action.CREATE).get().changes_dict
    account = entries_for(applicant, LogEntry.Action.UPDATE).latest().changes_dict

    for name in ("name_on_ktp", "address", "phone", "birth_date", "birth_place"):
        assert changes[name][1] == "********", name
    assert str(profile.birth_date) not in str(changes) and profile.address not in str(changes)
    assert account["phone"] == ["", "********"]
    assert entries_for(applicant, LogEntry.Action.CREATE).get().changes_dict["full_name"]


def test_it_masks_a_nik_typed_into_free_text():
    from tests.forums.factories import TopicFactory

    nik = "6271045204980001"
    topic = TopicFactory(body=f"Tolong cek data saya, NIK {nik}, belum masuk.")

    entry = entries_for(topic, LogEntry.Action.CREATE).get()

    assert nik not in str(entry.changes)
    assert "NIK ************0001, belum masuk." in entry.changes_dict["body"][1]


def test_it_keeps_passwords_out_of_the_log(applicant):
    applicant.set_password("Another-horse-battery-7")
    applicant.full_name = "Nama Baru"
    applicant.save()

    entry = entries_for(applicant, LogEntry.Action.UPDATE).latest()
    assert set(entry.changes_dict) == {"full_name"}
    assert not any("password" in e.changes_dict for e in entries_for(applicant))


def test_it_logs_role_changes(applicant):
    entry = entries_for(applicant, LogEntry.Action.UPDATE).get(changes__has_key="groups")

    assert entry.changes_dict["groups"]["operation"] == "add"
    assert entry.changes_dict["groups"]["objects"] == ["applicant"]


def test_it_keeps_the_full_nip_out_of_the_object_representation():
    employee = EmployeeFactory()

    entry = entries_for(employee, LogEntry.Action.CREATE).get()

    assert employee.nip not in entry.object_repr
    assert entry.object_repr.endswith(f"{employee.nip[-4:]})")
    assert entry.changes_dict["nip"][1] == "*" * 14 + employee.nip[-4:]


# --- the admin: administrators only, read-only ------------------------------------------------


@pytest.fixture
def entry(applicant):
    return entries_for(ApplicantProfileFactory(user=applicant), LogEntry.Action.CREATE).get()


def admin_url(name, *args):
    return reverse(f"admin:auditlog_logentry_{name}", args=args)


@pytest.mark.parametrize("persona", ["hr", "moderator"])
def test_it_hides_the_log_from_other_back_office_roles(request, client_as, entry, persona):
    client = client_as(request.getfixturevalue(persona))

    assert client.get(admin_url("changelist")).status_code == 403
    assert client.get(admin_url("change", entry.pk)).status_code == 403
    assert b"auditlog" not in client.get(reverse("admin:index")).content


def test_it_shows_the_log_to_administrators_filterable(client_as, admin_user, entry):
    client = client_as(admin_user)
    profile_type = ContentType.objects.get_for_model(ApplicantProfile)

    assert client.get(admin_url("changelist")).status_code == 200
    for query in (
        {"action__exact": LogEntry.Action.CREATE},
        {"content_type": profile_type.pk},
        {"actor__id__exact": admin_user.pk},
        {"timestamp__gte": "2026-01-01"},
        {"q": entry.object_repr},
        {"q": "someone@example.org"},
    ):
        response = client.get(admin_url("changelist"), query)
        assert response.status_code == 200, query
    response = client.get(admin_url("changelist"), {"content_type": profile_type.pk})
    assert entry.object_repr in response.content.decode()
    assert client.get(admin_url("change", entry.pk)).status_code == 200


def test_it_lets_nobody_add_change_or_delete_an_entry(client_as, admin_user, entry):
    client = client_as(admin_user)
    before = (entry.object_repr, entry.changes)

    assert client.get(admin_url("add")).status_code == 403
    assert client.post(admin_url("change", entry.pk), {"object_repr": "x"}).status_code == 403
    assert client.get(admin_url("delete", entry.pk)).status_code == 403
    assert client.post(admin_url("delete", entry.pk), {"post": "yes"}).status_code == 403
    bulk = {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"}
    client.post(admin_url("changelist"), bulk)

    entry.refresh_from_db()
    assert (entry.object_repr, entry.changes) == before
    page = client.get(admin_url("change", entry.pk)).content.decode()
    assert 'name="_save"' not in page and "deletelink" not in page


# --- access: downloads of personal files ----------------------------------------------------------


def jpeg_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (120, 160), (190, 30, 40)).save(out, "JPEG", quality=90)
    return out.getvalue()


@pytest.fixture
def stored_photo(settings, tmp_path, applicant):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "private", "base_url": None},
        },
    }
    application = ApplicationFactory(applicant=applicant)
    requirement = application.period.document_requirements.get(slug="pas-foto")
    return document_upload(
        application=application,
        requirement=requirement,
        uploaded_file=SimpleUploadedFile("foto.jpg", jpeg_bytes()),
        user=applicant,
    )


@pytest.mark.parametrize("persona", ["applicant", "hr"])
def test_it_logs_each_document_download_with_the_reader(request, client_as, stored_photo, persona):
    reader = request.getfixturevalue(persona)
    client = client_as(reader)

    assert client.get(stored_photo.get_absolute_url()).status_code == 200
    assert client.get(stored_photo.get_absolute_url()).status_code == 200

    entries = entries_for(stored_photo, LogEntry.Action.ACCESS)
    assert entries.count() == 2
    entry = entries.first()
    assert (entry.actor, entry.actor_email) == (reader, reader.email)
    assert entry.additional_data == {"view": "recruitment:document_download"}
    assert entry.remote_addr == "127.0.0.1"


def test_it_logs_no_access_when_the_download_is_refused(client_as, other_applicant, stored_photo):
    assert client_as(other_applicant).get(stored_photo.get_absolute_url()).status_code == 404

    assert not entries_for(stored_photo, LogEntry.Action.ACCESS).exists()


def test_it_logs_a_certificate_download(client_as, employee):
    place = enrolment(past_session(), employee_with_user(employee))
    certificate = Certificate.objects.create(
        enrolment=place,
        number="RKP/DIKLAT/2026/000001",
        verification_code="ABCDEFGHJKLM",
        issued_at=dt.datetime(2026, 11, 1, tzinfo=dt.timezone.utc),
    )

    response = client_as(employee).get(reverse("training:certificate_pdf", args=[place.pk]))

    assert response.status_code == 200
    entry = entries_for(certificate, LogEntry.Action.ACCESS).get()
    assert entry.actor == employee


def test_it_refuses_to_log_access_to_an_unaudited_model():
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="not audited"):
        log_access(ContentType.objects.first())

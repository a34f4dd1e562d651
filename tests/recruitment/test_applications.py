import threading
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.roles import Role, has_role
from recruitment.models import Application, Document, SelectionPeriod
from recruitment.selectors.eligibility import age_on, check_eligibility
from recruitment.services import applications as services
from recruitment.validators import build_nik, nik_matches, validate_kk, validate_nik
from tests.factories import (
    ApplicantProfileFactory,
    ApplicationFactory,
    FormationFactory,
    PositionFactory,
    SelectionPeriodFactory,
)

pytestmark = pytest.mark.django_db


def make_document(application, slug):
    requirement = application.period.document_requirements.get(slug=slug)
    extension = "jpg" if requirement.file_format == "jpeg" else "pdf"
    count = Document.objects.filter(application=application).count()
    return Document.objects.create(
        application=application,
        requirement=requirement,
        version=1,
        token=f"t{application.pk}x{count}",
        extension=extension,
        file=ContentFile(b"%PDF-1.4 test", name=f"x.{extension}"),
        original_name=f"{slug}.{extension}",
        content_type="application/pdf",
        size=13,
        sha256="0" * 64,
    )


def ready_application(**kwargs):
    application = ApplicationFactory(**kwargs)
    for requirement in application.formation.required_documents.all():
        make_document(application, requirement.slug)
    return application


# --- NIK and KK ------------------------------------------------------------------------------


def test_it_accepts_a_valid_nik_for_a_woman_and_a_man():
    validate_nik(build_nik(region="627104", birth_date=date(1998, 4, 12), gender="F", sequence=1))
    validate_nik("6271041204980001")


@pytest.mark.parametrize(
    ("nik", "message"),
    [
        ("627104120498", "exactly 16 digits"),
        ("62710412049800012", "exactly 16 digits"),
        ("62710412O4980001", "exactly 16 digits"),
        ("9971041204980001", "region code"),
        ("6200041204980001", "region code"),
        ("6271043204980001", "birth date"),  # day 32
        ("6271047204980001", "birth date"),  # day 72 - 40 = 32
        ("6271041213980001", "birth date"),  # month 13
        ("6271041204980000", "sequence"),
    ],
)
def test_it_refuses_a_malformed_nik_with_the_reason(nik, message):
    with pytest.raises(ValidationError, match=message):
        validate_nik(nik)


def test_it_checks_the_nik_against_the_birth_date_and_gender():
    nik = build_nik(region="627104", birth_date=date(1998, 4, 12), gender="F", sequence=1)
    assert nik_matches(nik, birth_date=date(1998, 4, 12), gender="F") is None
    assert "date of birth" in nik_matches(nik, birth_date=date(1998, 4, 13), gender="F")
    assert "gender" in nik_matches(nik, birth_date=date(1998, 4, 12), gender="M")


def test_it_validates_the_kk_number():
    validate_kk("6271040101090001")
    with pytest.raises(ValidationError):
        validate_kk("12345")


# --- eligibility -----------------------------------------------------------------------------


def test_it_computes_age_on_the_reference_date():
    assert age_on(date(1990, 11, 28), date(2025, 11, 27)) == 34
    assert age_on(date(1990, 11, 28), date(2025, 11, 28)) == 35


@pytest.mark.parametrize(
    ("birth", "eligible"),
    [
        (date(1990, 11, 29), True),  # 35 years and 364 days on the day: still 35
        (date(1990, 11, 28), False),  # turns 36 on the reference day
        (date(2008, 11, 28), True),  # exactly 18
        (date(2008, 11, 29), False),  # one day short of 18
    ],
)
def test_it_applies_the_age_limits_to_the_day(birth, eligible):
    period = SelectionPeriodFactory(age_reference_date=date(2026, 11, 28))
    formation = FormationFactory(period=period)
    profile = ApplicantProfileFactory(
        birth_date=birth,
        nik=build_nik(region="627104", birth_date=birth, gender="F", sequence=7),
    )
    assert check_eligibility(profile, formation).eligible is eligible


def test_it_lets_a_formation_raise_the_age_limit():
    period = SelectionPeriodFactory(age_reference_date=date(2026, 11, 28))
    formation = FormationFactory(period=period, age_max_override=40)
    birth = date(1988, 1, 1)
    profile = ApplicantProfileFactory(
        birth_date=birth, nik=build_nik(region="627104", birth_date=birth, gender="F", sequence=3)
    )
    assert check_eligibility(profile, formation).eligible


def test_it_uses_one_year_before_retirement_for_pppk():
    period = SelectionPeriodFactory(
        procurement_type="PPPK", age_min=20, age_max=59, age_reference_date=date(2026, 11, 28)
    )
    formation = FormationFactory(period=period, position=PositionFactory(retirement_age=58))
    birth = date(1968, 1, 1)  # 58 on the day: above 57
    profile = ApplicantProfileFactory(
        birth_date=birth, nik=build_nik(region="627104", birth_date=birth, gender="F", sequence=4)
    )
    reasons = check_eligibility(profile, formation).reasons
    assert len(reasons) == 1
    assert "at most 57" in reasons[0]


def test_it_checks_education_level_with_d4_as_s1():
    formation = FormationFactory(education_level="S1")
    assert not check_eligibility(ApplicantProfileFactory(education_level="D3"), formation).eligible
    assert check_eligibility(ApplicantProfileFactory(education_level="D4"), formation).eligible


def test_it_checks_the_study_programme_when_the_formation_lists_them():
    formation = FormationFactory(accepted_programmes="D3 Kebidanan\nD4 Kebidanan")
    profile = ApplicantProfileFactory(programme="d3  keperawatan")
    reasons = check_eligibility(profile, formation).reasons
    assert any("D3 Kebidanan" in reason for reason in reasons)
    assert check_eligibility(ApplicantProfileFactory(programme="d3 kebidanan"), formation).eligible


def test_it_asks_for_a_profile_first(applicant):
    assert "profile" in check_eligibility(None, FormationFactory()).reasons[0]


# --- applying --------------------------------------------------------------------------------


def test_it_opens_a_draft_with_a_timeline_event():
    profile = ApplicantProfileFactory()
    formation = FormationFactory()
    application = services.application_start(user=profile.user, formation=formation)
    assert application.status == Application.Status.DRAFT
    assert application.budget_year == formation.period.year
    assert list(application.events.values_list("status", flat=True)) == ["draft"]


def test_it_refuses_a_second_application_in_the_same_period_or_year():
    profile = ApplicantProfileFactory()
    first = FormationFactory()
    services.application_start(user=profile.user, formation=first)
    same_period = FormationFactory(period=first.period)
    with pytest.raises(services.ApplicationError, match="already have an application"):
        services.application_start(user=profile.user, formation=same_period)
    other_period_same_year = FormationFactory(
        period=SelectionPeriodFactory(year=first.period.year, procurement_type="PPPK")
    )
    with pytest.raises(services.ApplicationError, match="already have an application"):
        services.application_start(user=profile.user, formation=other_period_same_year)
    assert Application.objects.count() == 1


def test_it_refuses_to_apply_when_not_eligible_with_the_reason():
    formation = FormationFactory(education_level="S2")
    with pytest.raises(services.ApplicationError, match="education level"):
        services.application_start(user=ApplicantProfileFactory().user, formation=formation)


def test_it_refuses_an_unpublished_or_closed_formation():
    profile = ApplicantProfileFactory()
    with pytest.raises(services.ApplicationError, match="closed"):
        services.application_start(
            user=profile.user, formation=FormationFactory(is_published=False)
        )
    closed = SelectionPeriodFactory(
        registration_closes_at=timezone.now() - timedelta(minutes=1),
        registration_opens_at=timezone.now() - timedelta(days=20),
    )
    with pytest.raises(services.ApplicationError, match="closed"):
        services.application_start(user=profile.user, formation=FormationFactory(period=closed))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_it_keeps_one_application_when_two_requests_race():
    profile = ApplicantProfileFactory()
    period = SelectionPeriodFactory()
    formations = [FormationFactory(period=period), FormationFactory(period=period)]
    barrier = threading.Barrier(2)
    outcomes = []

    def start(formation):
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            services.application_start(user=profile.user, formation=formation)
            outcomes.append("ok")
        except services.ApplicationError:
            outcomes.append("refused")
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=start, args=(f,)) for f in formations]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ok", "refused"]
    assert Application.objects.filter(applicant=profile.user).count() == 1


# --- finalising and withdrawing ----------------------------------------------------------


def test_it_refuses_to_finalise_with_missing_documents():
    application = ApplicationFactory()
    make_document(application, "pas-foto")
    with pytest.raises(services.ApplicationError, match="Upload these documents first"):
        services.application_finalise(application=application, user=application.applicant)
    application.refresh_from_db()
    assert application.status == Application.Status.DRAFT


def test_it_finalises_once_with_a_registration_number_and_code():
    application = ready_application()
    services.application_finalise(application=application, user=application.applicant)
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    assert application.registration_number == f"RKP-2026-{application.pk:06d}"
    assert len(application.verification_code) == 12
    assert application.submitted_at is not None
    stale = Application.objects.get(pk=application.pk)
    stale.status = Application.Status.DRAFT  # a second click from a page opened earlier
    with pytest.raises(services.ApplicationError, match="already been finalised"):
        services.application_finalise(application=stale, user=application.applicant)
    assert application.events.filter(status="submitted").count() == 1


def test_it_refuses_to_finalise_after_the_deadline_from_a_page_opened_before():
    application = ready_application()
    SelectionPeriod.objects.filter(pk=application.period_id).update(
        registration_closes_at=timezone.now() - timedelta(seconds=1)
    )
    application = Application.objects.get(pk=application.pk)
    with pytest.raises(services.ApplicationError, match="closed"):
        services.application_finalise(application=application, user=application.applicant)


def test_it_withdraws_a_finalised_application_before_the_deadline_only():
    application = ready_application()
    services.application_finalise(application=application, user=application.applicant)
    services.application_withdraw(
        application=application, user=application.applicant, reason="Pindah kota"
    )
    application.refresh_from_db()
    assert application.status == Application.Status.WITHDRAWN
    assert application.official_code == "APS"
    assert application.events.last().note == "Pindah kota"
    late = ready_application()
    services.application_finalise(application=late, user=late.applicant)
    SelectionPeriod.objects.filter(pk=late.period_id).update(
        registration_closes_at=timezone.now() - timedelta(seconds=1)
    )
    late = Application.objects.get(pk=late.pk)
    with pytest.raises(services.ApplicationError, match="deadline has passed"):
        services.application_withdraw(application=late, user=late.applicant, reason="")


def test_it_discards_a_withdrawn_draft_so_another_formation_can_be_chosen():
    draft = ready_application()
    user, period = draft.applicant, draft.period
    assert services.application_withdraw(application=draft, user=user, reason="") is None
    assert not Application.objects.filter(pk=draft.pk).exists()
    other = FormationFactory(period=period)
    assert services.application_start(user=user, formation=other).status == "draft"


def test_it_keeps_one_application_per_nik_and_year_across_accounts():
    first = ready_application()
    services.application_finalise(application=first, user=first.applicant)
    services.application_withdraw(application=first, user=first.applicant, reason="")
    twin = ready_application(formation=FormationFactory(period=first.period))
    ApplicantProfileFactory._meta.model.objects.filter(user=twin.applicant).update(nik="0" * 16)
    profile = twin.applicant.applicant_profile
    profile.refresh_from_db()
    first_nik = first.applicant.applicant_profile.nik
    type(profile).objects.filter(pk=first.applicant.applicant_profile.pk).update(
        nik="6271041204980999"
    )  # the first account changed its NIK after withdrawing
    type(profile).objects.filter(pk=profile.pk).update(nik=first_nik)
    twin.applicant.applicant_profile.refresh_from_db()
    with pytest.raises(services.ApplicationError, match="NIK has already been used"):
        services.application_finalise(
            application=Application.objects.get(pk=twin.pk), user=twin.applicant
        )


def test_it_refuses_applications_from_back_office_accounts(hr):
    formation = FormationFactory()
    ApplicantProfileFactory(user=hr)
    with pytest.raises(services.ApplicationError, match="back-office role"):
        services.application_start(user=hr, formation=formation)


# --- pages -----------------------------------------------------------------------------------


def test_it_lists_only_published_vacancies_with_filters(client):
    shown = FormationFactory(position=PositionFactory(name="Dokter Gigi"))
    FormationFactory(is_published=False, position=PositionFactory(name="Rahasia"))
    FormationFactory(
        period=SelectionPeriodFactory(is_published=False),
        position=PositionFactory(name="Belum terbit"),
    )
    page = client.get("/recruitment/vacancies/").content.decode()
    assert "Dokter Gigi" in page
    assert "Rahasia" not in page
    assert "Belum terbit" not in page
    page = client.get("/recruitment/vacancies/?q=gigi&asn_type=PNS").content.decode()
    assert "Dokter Gigi" in page
    assert client.get(shown.get_absolute_url()).status_code == 200


def test_it_keeps_the_vacancy_list_query_count_constant(page_cache_off, client):
    period = SelectionPeriodFactory()
    FormationFactory.create_batch(2, period=period)
    with CaptureQueriesContext(connection) as small:
        client.get("/recruitment/vacancies/")
    FormationFactory.create_batch(18, period=period)
    for formation in period.formations.all()[:5]:
        ApplicationFactory(formation=formation)
    with CaptureQueriesContext(connection) as large:
        response = client.get("/recruitment/vacancies/")
    assert response.status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)


def test_it_hides_unpublished_vacancy_pages(client):
    formation = FormationFactory(is_published=False)
    assert client.get(formation.get_absolute_url()).status_code == 404


def test_it_applies_from_the_vacancy_page(client_as):
    profile = ApplicantProfileFactory()
    formation = FormationFactory()
    url = f"/recruitment/vacancies/{formation.pk}/apply/"
    client = client_as(profile.user)
    refused = client.post(url, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert "Tick the box to confirm that you have read the privacy notice." in (
        refused.content.decode()
    )
    assert not Application.objects.exists()
    response = client.post(url, {"privacy_consent": "on"})
    application = Application.objects.get(applicant=profile.user)
    assert response["Location"] == application.get_absolute_url()
    consent = profile.user.privacy_consents.get()  # recorded by the privacy app, with the version
    assert (consent.purpose, consent.notice_version) == ("application", "2026-11")


def test_it_explains_a_refused_application_on_the_vacancy_page(client_as):
    profile = ApplicantProfileFactory(education_level="S1")
    formation = FormationFactory(education_level="D3")
    client = client_as(profile.user)
    page = client.get(formation.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "This formation needs the education level" in page
    response = client.post(
        f"/recruitment/vacancies/{formation.pk}/apply/",
        {"privacy_consent": "on"},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "This formation needs the education level" in response.content.decode()
    assert not Application.objects.exists()


def test_it_shows_an_application_to_its_owner_and_hr_only(client_as, hr, resident):
    application = ApplicationFactory()
    other = ApplicantProfileFactory().user
    url = application.get_absolute_url()
    assert client_as(application.applicant).get(url).status_code == 200
    assert client_as(hr).get(url).status_code == 200
    assert client_as(other).get(url).status_code == 404
    assert client_as(resident).get(url).status_code == 404


def test_it_sends_anonymous_visitors_to_sign_in(client):
    application = ApplicationFactory()
    response = client.get(application.get_absolute_url())
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_it_lets_only_the_owner_finalise_or_withdraw(client_as, hr):
    application = ready_application()
    for url in (
        f"/recruitment/applications/{application.pk}/finalise/",
        f"/recruitment/applications/{application.pk}/withdraw/",
    ):
        assert client_as(hr).post(url, {"confirm": "on"}).status_code == 404
        other = ApplicantProfileFactory().user
        assert client_as(other).post(url, {"confirm": "on"}).status_code == 404
    application.refresh_from_db()
    assert application.status == Application.Status.DRAFT


def test_it_needs_the_confirmation_box_to_finalise(client_as):
    application = ready_application()
    client = client_as(application.applicant)
    response = client.post(
        f"/recruitment/applications/{application.pk}/finalise/",
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "Tick the box" in response.content.decode()
    client.post(f"/recruitment/applications/{application.pk}/finalise/", {"confirm": "on"})
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED


def test_it_saves_a_profile_and_makes_the_user_an_applicant(client_as, resident):
    birth = date(1997, 2, 3)
    data = {
        "nik": build_nik(region="627104", birth_date=birth, gender="M", sequence=12),
        "kk_number": "6271040101090001",
        "name_on_ktp": "YOHANES NGABUT",
        "birth_place": "Palangka Raya",
        "birth_date": "1997-02-03",
        "gender": "M",
        "address": "Jl. Tjilik Riwut Km 32",
        "phone": "081234567890",
        "education_level": "S1",
        "institution": "Universitas Palangka Raya",
        "programme": "S1 Teknik Sipil",
        "gpa": "3.25",
        "graduation_year": "2020",
        "accreditation": "baik",
    }
    client = client_as(resident)
    response = client.post(
        "/recruitment/profile/", {**data, "gender": "F"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "The NIK does not match your gender" in page
    assert 'value="YOHANES NGABUT"' in page
    response = client.post("/recruitment/profile/", data)
    assert response.status_code == 302
    resident.refresh_from_db()
    assert has_role(resident, Role.APPLICANT)
    assert resident.applicant_profile.programme == "S1 Teknik Sipil"


def test_it_locks_the_profile_after_finalising_even_after_withdrawing(client_as):
    application = ready_application()
    services.application_finalise(application=application, user=application.applicant)
    services.application_withdraw(application=application, user=application.applicant, reason="")
    profile = application.applicant.applicant_profile
    valid = {
        "nik": profile.nik, "kk_number": profile.kk_number, "name_on_ktp": "CHANGED",
        "birth_place": profile.birth_place, "birth_date": profile.birth_date.isoformat(),
        "gender": profile.gender, "address": profile.address, "phone": profile.phone,
        "education_level": profile.education_level, "institution": profile.institution,
        "programme": profile.programme, "gpa": str(profile.gpa),
        "graduation_year": profile.graduation_year, "accreditation": profile.accreditation,
    }  # fmt: skip
    response = client_as(application.applicant).post(
        "/recruitment/profile/", valid, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "can no longer change" in response.content.decode()
    profile.refresh_from_db()
    assert profile.name_on_ktp != "CHANGED"
    assert profile.nik not in response.content.decode()


def test_the_profile_unlocks_once_the_selection_is_over():
    """Locked from the final submit until the final result is announced, or until the planned
    day of that announcement has passed."""
    from recruitment.models import Announcement
    from recruitment.services.profiles import profile_is_locked

    application = ready_application()
    services.application_finalise(application=application, user=application.applicant)
    user, period = application.applicant, application.period
    assert profile_is_locked(user)
    period.final_announcement_at = timezone.now() + timedelta(minutes=1)
    period.save(update_fields=["final_announcement_at"])
    assert profile_is_locked(user)
    period.final_announcement_at = timezone.now() - timedelta(seconds=1)
    period.save(update_fields=["final_announcement_at"])
    assert not profile_is_locked(user)
    period.final_announcement_at = None
    period.save(update_fields=["final_announcement_at"])
    assert profile_is_locked(user)
    Announcement.objects.create(period=period, kind=Announcement.Kind.FINAL)
    assert not profile_is_locked(user)


def test_it_closes_registration_exactly_at_the_deadline():
    period = SelectionPeriodFactory()
    deadline = period.registration_closes_at
    assert period.is_registration_open(now=deadline - timedelta(microseconds=1))
    assert not period.is_registration_open(now=deadline)
    period.registration_closed = True  # set by the scheduled job
    assert not period.is_registration_open(now=deadline - timedelta(days=1))


def test_it_never_redirects_a_saved_profile_to_another_site(client_as):
    profile = ApplicantProfileFactory()
    data = {
        "nik": profile.nik, "kk_number": profile.kk_number, "name_on_ktp": "NAMA",
        "birth_place": "Palangka Raya", "birth_date": profile.birth_date.isoformat(),
        "gender": profile.gender, "address": "Jl. A", "phone": "081234567890",
        "education_level": "D3", "institution": "X", "programme": "D3 Keperawatan",
        "gpa": "3.00", "graduation_year": "2020", "accreditation": "baik",
    }  # fmt: skip
    response = client_as(profile.user).post(
        "/recruitment/profile/?next=https://evil.example/phish", data
    )
    assert response.status_code == 302
    assert response["Location"] == "/recruitment/applications/"

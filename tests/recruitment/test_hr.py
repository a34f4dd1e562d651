"""HR's side of recruitment: periods, formations (by hand and from an approved proposal),
publication, the application list with its export, the public statistics, and the admin."""

import threading
from datetime import date, datetime, timedelta
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from core.clock import end_of_minute
from recruitment.models import Application, DocumentRequirement, Formation, SelectionPeriod
from recruitment.services.periods import (
    PeriodError,
    default_required_slugs,
    formation_create,
    formations_from_proposal,
    period_create,
    period_update,
)
from tests.factories import (
    ApplicantProfileFactory,
    ApplicationFactory,
    FormationFactory,
    PlanningYearFactory,
    PositionFactory,
    SelectionPeriodFactory,
)
from workforce.models import AsnType, EducationLevel, FormationProposal, ProposalItem
from workforce.services.reference import reference_data_ensure

pytestmark = pytest.mark.django_db

WIB = ZoneInfo("Asia/Jakarta")
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
Status = Application.Status


def wib(*args) -> datetime:
    return datetime(*args, tzinfo=WIB)


def period_data(**overrides) -> dict:
    """POST data of the period form, typed in WIB."""
    data = {
        "name": "Seleksi CASN Kota Palangka Raya 2026",
        "year": "2026",
        "procurement_type": "CPNS",
        "description": "",
        "registration_opens_at": "2026-09-01T08:00",
        "registration_closes_at": "2026-09-16T08:00",
        "appeal_days": "3",
        "appeal_answer_days": "7",
    }
    data.update(overrides)
    return data


def approved_proposal(user, items, status=FormationProposal.Status.APPROVED):
    """A proposal with items given as (position, asn_type, count)."""
    proposal = FormationProposal.objects.create(
        planning_year=PlanningYearFactory(year=2026),
        title="Usulan formasi 2026",
        status=status,
        created_by=user,
    )
    for position, asn_type, count in items:
        ProposalItem.objects.create(
            proposal=proposal,
            position=position,
            asn_type=asn_type,
            count=count,
            justification=f"Beban kerja {position.name}",
        )
    return proposal


def submitted(formation, n, **kwargs):
    return ApplicationFactory(
        formation=formation,
        status=Status.SUBMITTED,
        registration_number=f"REG-{formation.pk}-{n:04d}",
        submitted_at=timezone.now() - timedelta(hours=n),
        **kwargs,
    )


# --- periods ------------------------------------------------------------------------------


def test_it_creates_a_cpns_period_with_the_default_rules():
    period = period_create(
        name="Seleksi CASN 2026",
        year=2026,
        procurement_type="CPNS",
        registration_opens_at=wib(2026, 9, 1, 8, 0),
        # 23:30 WIB is still 16:30 UTC the same day; the reference date is the WIB day.
        registration_closes_at=wib(2026, 9, 16, 23, 30),
    )
    assert (period.age_min, period.age_max) == (18, 35)
    assert period.age_reference_date == date(2026, 9, 16)
    assert period.is_published is False
    slugs = set(period.document_requirements.values_list("slug", flat=True))
    assert set(default_required_slugs()) <= slugs
    assert len(slugs) == 8


def test_it_takes_the_reference_date_in_wib_not_utc():
    period = period_create(
        name="Seleksi PPPK 2026",
        year=2026,
        procurement_type="PPPK",
        registration_opens_at=wib(2026, 9, 1, 0, 30),
        registration_closes_at=wib(2026, 9, 17, 0, 30),  # 16 Sep 17:30 UTC
    )
    assert (period.age_min, period.age_max) == (20, 59)
    assert period.age_reference_date == date(2026, 9, 17)


def test_it_keeps_given_age_limits_and_reference_date():
    period = period_create(
        name="Seleksi CASN 2026",
        year=2026,
        procurement_type="CPNS",
        registration_opens_at=wib(2026, 9, 1, 8, 0),
        registration_closes_at=wib(2026, 9, 20, 8, 0),
        age_min=21,
        age_max=40,
        age_reference_date=date(2026, 8, 1),
    )
    assert (period.age_min, period.age_max, period.age_reference_date) == (
        21,
        40,
        date(2026, 8, 1),
    )


def test_it_refuses_14_days_of_registration_and_accepts_15():
    opens = wib(2026, 9, 1, 8, 0)
    with pytest.raises(PeriodError) as error:
        period_create(
            name="Terlalu singkat",
            year=2026,
            procurement_type="CPNS",
            registration_opens_at=opens,
            registration_closes_at=opens + timedelta(days=13, hours=15),  # 14 Sep 23:00
        )
    assert "registration_closes_at" in error.value.errors
    assert "15" in str(error.value)
    assert not SelectionPeriod.objects.exists()
    period = period_create(
        name="Cukup",
        year=2026,
        procurement_type="CPNS",
        registration_opens_at=opens,
        registration_closes_at=wib(2026, 9, 15, 0, 30),  # 1 to 15 September: 15 calendar days
    )
    assert period.pk


def test_it_shows_the_15_day_rule_on_the_form_and_keeps_what_was_typed(client_as, hr):
    data = period_data(name="Seleksi Kilat 2026", registration_closes_at="2026-09-14T23:00")
    response = client_as(hr).post(reverse("recruitment:hr_period_create"), data, **EN)
    assert response.status_code == 200
    page = response.content.decode()
    assert "at least 15 calendar days" in page
    assert "Seleksi Kilat 2026" in page
    assert "2026-09-14T23:00" in page
    assert not SelectionPeriod.objects.exists()


def test_it_creates_a_period_from_the_form_with_times_in_wib(client_as, hr):
    response = client_as(hr).post(reverse("recruitment:hr_period_create"), period_data())
    period = SelectionPeriod.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("recruitment:hr_period_detail", args=[period.pk])
    assert period.registration_opens_at == wib(2026, 9, 1, 8, 0)
    # A deadline typed to the minute covers the whole minute (SelectionPeriod.clean).
    assert period.registration_closes_at == end_of_minute(wib(2026, 9, 16, 8, 0))
    assert period.age_reference_date == date(2026, 9, 16)
    assert period.document_requirements.count() == 8


def test_it_labels_the_form_times_as_wib(client_as, hr):
    page = client_as(hr).get(reverse("recruitment:hr_period_create"), **EN).content.decode()
    assert "Registration opens (WIB)" in page
    assert "Registration closes (WIB)" in page


def test_it_edits_a_period_and_shows_its_times_in_wib(client_as, hr):
    period = SelectionPeriodFactory(
        registration_opens_at=wib(2026, 9, 1, 8, 0),
        registration_closes_at=wib(2026, 9, 20, 16, 0),
    )
    client = client_as(hr)
    url = reverse("recruitment:hr_period_edit", args=[period.pk])
    assert "2026-09-20T16:00" in client.get(url).content.decode()
    data = period_data(
        name="Nama baru",
        registration_opens_at="2026-09-01T08:00",
        registration_closes_at="2026-09-25T16:00",
        age_min="18",
        age_max="35",
        age_reference_date="2026-09-25",
    )
    assert client.post(url, data).status_code == 302
    period.refresh_from_db()
    assert period.name == "Nama baru"
    assert period.registration_closes_at == end_of_minute(wib(2026, 9, 25, 16, 0))


def test_it_opens_a_closed_registration_again_when_hr_extends_the_deadline():
    period = SelectionPeriodFactory(
        registration_opens_at=timezone.now() - timedelta(days=20),
        registration_closes_at=timezone.now() - timedelta(hours=1),
    )
    SelectionPeriod.objects.filter(pk=period.pk).update(registration_closed=True)
    period.refresh_from_db()
    period_update(period=period, registration_closes_at=timezone.now() + timedelta(days=2))
    period.refresh_from_db()
    assert period.registration_closed is False
    assert period.is_registration_open()


def test_it_refuses_to_change_the_procurement_type_once_there_are_formations():
    formation = FormationFactory()
    with pytest.raises(PeriodError) as error:
        period_update(period=formation.period, procurement_type="PPPK")
    assert "procurement_type" in error.value.errors


# --- formations ---------------------------------------------------------------------------


def test_it_creates_an_unpublished_formation_with_the_default_documents():
    period = SelectionPeriodFactory()
    formation = formation_create(
        period=period,
        position=PositionFactory(),
        asn_type=AsnType.PNS,
        category="umum",
        quota=3,
        education_level=EducationLevel.D3,
    )
    assert formation.is_published is False
    assert set(formation.required_documents.values_list("slug", flat=True)) == set(
        default_required_slugs()
    )


def test_it_explains_a_duplicate_formation_instead_of_failing(client_as, hr):
    existing = FormationFactory(category="umum")
    data = {
        "position": existing.position_id,
        "asn_type": existing.asn_type,
        "category": "umum",
        "quota": "4",
        "education_level": existing.education_level,
        "accepted_programmes": "D3 Keperawatan",
        "required_documents": list(
            existing.period.document_requirements.values_list("pk", flat=True)[:2]
        ),
    }
    url = reverse("recruitment:hr_formation_create", args=[existing.period_id])
    response = client_as(hr).post(url, data, **EN)
    assert response.status_code == 200
    page = response.content.decode()
    assert "already has a formation for" in page
    assert "D3 Keperawatan" in page  # what was typed is kept
    assert Formation.objects.count() == 1


def test_it_raises_a_period_error_for_a_duplicate_formation():
    existing = FormationFactory(category="umum")
    with pytest.raises(PeriodError) as error:
        formation_create(
            period=existing.period,
            position=existing.position,
            asn_type=existing.asn_type,
            category="umum",
            quota=1,
            education_level=existing.education_level,
        )
    assert "already has a formation for" in str(error.value)


def test_it_refuses_a_pppk_formation_in_a_cpns_period(client_as, hr):
    period = SelectionPeriodFactory(procurement_type="CPNS")
    with pytest.raises(PeriodError) as error:
        formation_create(
            period=period,
            position=PositionFactory(),
            asn_type=AsnType.PPPK,
            category="umum",
            quota=1,
            education_level=EducationLevel.S1,
        )
    assert "asn_type" in error.value.errors


def test_it_creates_and_edits_a_formation_through_the_pages(client_as, hr):
    period = SelectionPeriodFactory()
    position = PositionFactory(name="Bidan Terampil")
    client = client_as(hr)
    ktp = period.document_requirements.get(slug="ktp")
    data = {
        "position": position.pk,
        "asn_type": "PNS",
        "category": "umum",
        "quota": "2",
        "education_level": "D3",
        "accepted_programmes": " D3 Kebidanan \n\n Kebidanan ",
        "required_documents": [ktp.pk],
    }
    response = client.post(reverse("recruitment:hr_formation_create", args=[period.pk]), data)
    formation = Formation.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"#formation-{formation.pk}")
    assert formation.accepted_programmes == "D3 Kebidanan\nKebidanan"
    assert list(formation.required_documents.all()) == [ktp]
    data["quota"] = "5"
    url = reverse("recruitment:hr_formation_edit", args=[formation.pk])
    assert client.post(url, data).status_code == 302
    formation.refresh_from_db()
    assert formation.quota == 5


def test_it_keeps_what_a_vacancy_is_once_people_have_applied(client_as, hr):
    formation = FormationFactory()
    ApplicationFactory(formation=formation)
    other = PositionFactory()
    data = {
        "position": other.pk,
        "asn_type": formation.asn_type,
        "category": formation.category,
        "quota": "3",
        "education_level": formation.education_level,
    }
    url = reverse("recruitment:hr_formation_edit", args=[formation.pk])
    response = client_as(hr).post(url, data, **EN)
    assert response.status_code == 200
    assert "People have already applied" in response.content.decode()
    formation.refresh_from_db()
    assert formation.position_id != other.pk


# --- formations from an approved proposal -------------------------------------------------


@pytest.fixture
def proposal_positions():
    nurse = PositionFactory(
        name="Perawat Terampil",
        education_level=EducationLevel.D3,
        education_fields="D3 Keperawatan, Keperawatan ,",
    )
    dentist = PositionFactory(
        name="Dokter Gigi",
        education_level=EducationLevel.PROFESI,
        education_fields="Kedokteran Gigi, Pendidikan Dokter Gigi",
    )
    teacher = PositionFactory(name="Guru Kelas", asn_type=AsnType.PPPK)
    return nurse, dentist, teacher


def test_it_turns_an_approved_proposal_into_formations_in_one_step(hr, proposal_positions):
    nurse, dentist, teacher = proposal_positions
    proposal = approved_proposal(
        hr, [(nurse, AsnType.PNS, 2), (dentist, AsnType.PNS, 1), (teacher, AsnType.PPPK, 4)]
    )
    period = SelectionPeriodFactory(procurement_type="CPNS")
    created = formations_from_proposal(proposal=proposal, period=period, user=hr)
    assert len(created) == 2  # the PPPK item waits for a PPPK period
    by_position = {f.position_id: f for f in Formation.objects.filter(period=period)}
    nurse_formation = by_position[nurse.pk]
    assert nurse_formation.quota == 2
    assert nurse_formation.asn_type == AsnType.PNS
    assert nurse_formation.education_level == EducationLevel.D3
    assert nurse_formation.accepted_programmes == "D3 Keperawatan\nKeperawatan"
    assert nurse_formation.is_published is False
    assert nurse_formation.source_proposal_item.proposal == proposal
    assert by_position[dentist.pk].accepted_programmes == (
        "Kedokteran Gigi\nPendidikan Dokter Gigi"
    )
    assert set(nurse_formation.required_documents.values_list("slug", flat=True)) == set(
        default_required_slugs()
    )
    pppk_period = SelectionPeriodFactory(procurement_type="PPPK")
    [teacher_formation] = formations_from_proposal(proposal=proposal, period=pppk_period, user=hr)
    assert (teacher_formation.position, teacher_formation.quota) == (teacher, 4)


def test_it_creates_nothing_new_when_run_twice(hr, proposal_positions):
    nurse, dentist, _teacher = proposal_positions
    proposal = approved_proposal(hr, [(nurse, AsnType.PNS, 2), (dentist, AsnType.PNS, 1)])
    period = SelectionPeriodFactory()
    assert len(formations_from_proposal(proposal=proposal, period=period, user=hr)) == 2
    assert formations_from_proposal(proposal=proposal, period=period, user=hr) == []
    assert Formation.objects.filter(period=period).count() == 2


def test_it_skips_an_item_that_hr_already_created_by_hand(hr, proposal_positions):
    nurse, dentist, _teacher = proposal_positions
    period = SelectionPeriodFactory()
    FormationFactory(period=period, position=nurse, category="umum")
    proposal = approved_proposal(hr, [(nurse, AsnType.PNS, 2), (dentist, AsnType.PNS, 1)])
    created = formations_from_proposal(proposal=proposal, period=period, user=hr)
    assert [f.position for f in created] == [dentist]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_it_creates_each_formation_once_when_two_runs_race(hr):
    # Real transactions: an earlier transactional test may have flushed the seeded sectors.
    reference_data_ensure()
    positions = [PositionFactory() for _ in range(3)]
    proposal = approved_proposal(hr, [(p, AsnType.PNS, 1) for p in positions])
    period = SelectionPeriodFactory()
    barrier = threading.Barrier(2)
    created = []

    def run():
        try:
            barrier.wait(timeout=10)
            created.extend(formations_from_proposal(proposal=proposal, period=period, user=hr))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(created) == 3
    assert Formation.objects.filter(period=period).count() == 3


@pytest.mark.parametrize(
    "status",
    [
        FormationProposal.Status.DRAFT,
        FormationProposal.Status.SUBMITTED,
        FormationProposal.Status.REJECTED,
    ],
)
def test_it_refuses_a_proposal_that_is_not_approved(hr, proposal_positions, status):
    nurse, _dentist, _teacher = proposal_positions
    proposal = approved_proposal(hr, [(nurse, AsnType.PNS, 2)], status=status)
    with pytest.raises(PeriodError) as error:
        formations_from_proposal(proposal=proposal, period=SelectionPeriodFactory(), user=hr)
    assert "approved" in str(error.value)
    assert not Formation.objects.exists()


def test_it_creates_formations_from_a_proposal_through_the_page(client_as, hr, proposal_positions):
    nurse, dentist, _teacher = proposal_positions
    proposal = approved_proposal(hr, [(nurse, AsnType.PNS, 2), (dentist, AsnType.PNS, 1)])
    period = SelectionPeriodFactory()
    client = client_as(hr)
    detail = client.get(reverse("recruitment:hr_period_detail", args=[period.pk]), **EN)
    assert "Usulan formasi 2026" in detail.content.decode()
    url = reverse("recruitment:hr_formations_from_proposal", args=[period.pk])
    response = client.post(url, {"proposal": proposal.pk}, follow=True, **EN)
    page = response.content.decode()
    assert "2 formations have been created" in page
    assert "Perawat Terampil" in page
    response = client.post(url, {"proposal": proposal.pk}, follow=True, **EN)
    assert "No new formations" in response.content.decode()
    assert Formation.objects.count() == 2


def test_it_gives_the_reason_when_a_draft_proposal_is_posted(client_as, hr, proposal_positions):
    nurse, _dentist, _teacher = proposal_positions
    proposal = approved_proposal(hr, [(nurse, AsnType.PNS, 2)], status="draft")
    period = SelectionPeriodFactory()
    url = reverse("recruitment:hr_formations_from_proposal", args=[period.pk])
    response = client_as(hr).post(url, {"proposal": proposal.pk}, follow=True, **EN)
    assert "Only an approved proposal can become formations" in response.content.decode()
    assert not Formation.objects.exists()
    response = client_as(hr).post(url, {"proposal": 999999}, follow=True, **EN)
    assert response.status_code == 200
    assert "Choose an approved proposal" in response.content.decode()


# --- publication --------------------------------------------------------------------------


def test_it_publishes_and_unpublishes_a_period_and_a_formation(client_as, hr):
    period = SelectionPeriodFactory(is_published=False)
    formation = FormationFactory(period=period, is_published=False)
    client = client_as(hr)
    period_url = reverse("recruitment:hr_period_publish", args=[period.pk])
    formation_url = reverse("recruitment:hr_formation_publish", args=[formation.pk])
    assert client.post(period_url, {"published": "1"}).status_code == 302
    assert client.post(formation_url, {"published": "1"}).status_code == 302
    period.refresh_from_db()
    formation.refresh_from_db()
    assert period.is_published and formation.is_published
    client.post(formation_url, {"published": "0"})
    client.post(period_url, {"published": "0"})
    period.refresh_from_db()
    formation.refresh_from_db()
    assert not period.is_published and not formation.is_published


def test_it_only_publishes_by_post_with_a_clear_value(client_as, hr):
    period = SelectionPeriodFactory(is_published=False)
    client = client_as(hr)
    url = reverse("recruitment:hr_period_publish", args=[period.pk])
    assert client.get(url).status_code == 405
    assert client.post(url, {"published": "maybe"}).status_code == 400
    period.refresh_from_db()
    assert not period.is_published


# --- applications -------------------------------------------------------------------------


@pytest.fixture
def formation_with_applications():
    formation = FormationFactory()
    first = submitted(
        formation,
        1,
        applicant=ApplicantProfileFactory(name_on_ktp="Siti Nurhaliza").user,
    )
    submitted(formation, 2, applicant=ApplicantProfileFactory(name_on_ktp="Budi Santoso").user)
    ApplicationFactory(formation=formation)  # a draft
    ApplicationFactory(formation=formation, status=Status.WITHDRAWN)
    ApplicationFactory(formation=FormationFactory())  # another formation's
    return formation, first


def test_it_lists_applications_with_counts_and_masked_nik(
    client_as, hr, formation_with_applications
):
    formation, first = formation_with_applications
    url = reverse("recruitment:hr_application_list", args=[formation.pk])
    response = client_as(hr).get(url, **EN)
    assert response.status_code == 200
    counts = {item.status: item.count for item in response.context["status_counts"]}
    assert counts == {Status.DRAFT: 1, Status.SUBMITTED: 2, Status.WITHDRAWN: 1}
    assert response.context["total"] == 4
    page = response.content.decode()
    profile = first.applicant.applicant_profile
    assert profile.nik_masked in page
    assert profile.nik not in page
    assert first.registration_number in page
    assert "Siti Nurhaliza" in page


def test_it_filters_applications_by_status_and_search(client_as, hr, formation_with_applications):
    formation, first = formation_with_applications
    client = client_as(hr)
    url = reverse("recruitment:hr_application_list", args=[formation.pk])
    page = client.get(url, {"status": "submitted"})
    assert page.context["page"].paginator.count == 2
    assert page.context["total"] == 4  # the counts stay those of the whole formation
    # by registration number only: a name would travel in the address (UU PDP)
    assert client.get(url, {"q": "nurhal"}).context["page"].paginator.count == 0
    by_number = client.get(url, {"q": first.registration_number})
    assert [a.pk for a in by_number.context["page"]] == [first.pk]
    assert (
        client.get(url, {"status": "withdrawn", "q": first.registration_number})
        .context["page"]
        .paginator.count
        == 0
    )


def test_it_shows_an_unknown_status_as_an_error_and_lists_everything(
    client_as, hr, formation_with_applications
):
    formation, _first = formation_with_applications
    url = reverse("recruitment:hr_application_list", args=[formation.pk])
    response = client_as(hr).get(url, {"status": "nonsense"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert response.context["page"].paginator.count == 4


def test_it_exports_the_filtered_applications_to_excel(client_as, hr, formation_with_applications):
    formation, first = formation_with_applications
    url = reverse("recruitment:hr_application_export", args=[formation.pk])
    response = client_as(hr).get(url, {"status": "submitted"}, **EN)
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="pelamar-{formation.pk}.xlsx"'
    )
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[2][:3] == ("Registration number", "Name on KTP", "NIK (masked)")
    data = rows[3:]
    assert len(data) == 2
    profile = first.applicant.applicant_profile
    first_row = next(row for row in data if row[0] == first.registration_number)
    assert first_row[1] == "Siti Nurhaliza"
    assert first_row[2] == profile.nik_masked
    assert isinstance(first_row[8], datetime)
    assert profile.nik.encode() not in response.content


def test_it_writes_formula_like_names_as_text(client_as, hr):
    formation = FormationFactory()
    submitted(formation, 1, applicant=ApplicantProfileFactory(name_on_ktp="=HYPERLINK(1)").user)
    url = reverse("recruitment:hr_application_export", args=[formation.pk])
    sheet = load_workbook(BytesIO(client_as(hr).get(url).content)).active
    cell = sheet.cell(row=4, column=2)
    assert cell.data_type == "s"
    assert cell.value == "=HYPERLINK(1)"  # as typed, kept as text by Excel's quote prefix
    assert cell.quotePrefix


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context)


def test_it_lists_applications_with_the_same_queries_at_2_and_20(page_cache_off, client_as, hr):
    formation = FormationFactory()
    client = client_as(hr)
    url = reverse("recruitment:hr_application_list", args=[formation.pk])
    for n in range(2):
        submitted(formation, n)
    client.get(url)  # warm the session and role caches
    small = _queries(client, url)
    for n in range(2, 20):
        submitted(formation, n)
    assert _queries(client, url) == small
    # session, user, roles, formation, counts per status, paginator count, the page
    assert small <= 8  # +1: the header's unread-notification count


def test_it_shows_periods_and_formations_with_the_same_queries_at_2_and_10(
    page_cache_off, client_as, hr
):
    period = SelectionPeriodFactory()
    client = client_as(hr)
    list_url = reverse("recruitment:hr_period_list")
    detail_url = reverse("recruitment:hr_period_detail", args=[period.pk])
    for _ in range(2):
        submitted(FormationFactory(period=period), 1)
    client.get(list_url)
    small = (_queries(client, list_url), _queries(client, detail_url))
    for _ in range(8):
        submitted(FormationFactory(period=period), 1)
        SelectionPeriodFactory()
    assert (_queries(client, list_url), _queries(client, detail_url)) == small
    # list: session, user, roles, paginator count, the page;
    # detail: session, user, roles, period, formations with counts, approved proposals, the
    # screening summary, the published announcements
    assert small[0] <= 6 and small[1] <= 9  # +1: the header's unread-notification count


def test_it_counts_each_periods_formations_and_finalised_applications():
    """Counted per period in subqueries: joining formations and applications to count them
    would multiply the rows (200 formations x 50,000 applications at scale)."""
    from recruitment.selectors.hr import period_list

    period, other = SelectionPeriodFactory(), SelectionPeriodFactory()
    first = FormationFactory(period=period)
    second = FormationFactory(period=period, is_published=False)
    FormationFactory(period=other)
    for n in range(3):
        submitted(first, n)
    submitted(second, 1)
    ApplicationFactory(formation=first)  # a draft: not finalised
    ApplicationFactory(formation=second, status=Status.WITHDRAWN)
    counts = {
        p.pk: (p.formation_count, p.published_formation_count, p.finalised_count)
        for p in period_list()
    }
    assert counts[period.pk] == (2, 1, 4)
    assert counts[other.pk] == (1, 1, 0)


# --- public statistics --------------------------------------------------------------------


def test_it_shows_quota_and_finalised_applicants_without_personal_data(client):
    period = SelectionPeriodFactory(name="Seleksi CASN Rakumpit 2026")
    formation = FormationFactory(period=period, quota=3, position=PositionFactory(name="Perawat"))
    first = submitted(formation, 1)
    submitted(formation, 2)
    ApplicationFactory(formation=formation)  # draft: not counted
    hidden = FormationFactory(
        period=period, is_published=False, position=PositionFactory(name="Rahasia")
    )
    unpublished_period = FormationFactory(
        period=SelectionPeriodFactory(is_published=False), position=PositionFactory(name="Belum")
    )
    response = client.get(reverse("recruitment:statistics"), **EN)
    assert response.status_code == 200
    [group] = response.context["periods"]
    assert [f.pk for f in group.formations] == [formation.pk]
    assert (group.formations[0].quota, group.formations[0].finalised) == (3, 2)
    page = response.content.decode()
    assert "Seleksi CASN Rakumpit 2026" in page
    assert hidden.position.name not in page
    assert unpublished_period.position.name not in page
    profile = first.applicant.applicant_profile
    for personal in (
        profile.name_on_ktp,
        profile.nik,
        profile.nik_masked,
        first.registration_number,
    ):
        assert personal not in page


def test_it_shows_the_statistics_with_the_same_queries_at_2_and_10_formations(
    page_cache_off, client
):
    period = SelectionPeriodFactory()
    url = reverse("recruitment:statistics")
    for _ in range(2):
        submitted(FormationFactory(period=period), 1)
    small = _queries(client, url)
    for _ in range(8):
        submitted(FormationFactory(period=SelectionPeriodFactory()), 1)
    assert _queries(client, url) == small
    assert small <= 2


# --- permissions --------------------------------------------------------------------------


@pytest.fixture
def hr_urls():
    formation = FormationFactory()
    period = formation.period
    return [
        ("get", reverse("recruitment:hr_period_list")),
        ("get", reverse("recruitment:hr_period_create")),
        ("get", reverse("recruitment:hr_period_detail", args=[period.pk])),
        ("get", reverse("recruitment:hr_period_edit", args=[period.pk])),
        ("post", reverse("recruitment:hr_period_publish", args=[period.pk])),
        ("get", reverse("recruitment:hr_formation_create", args=[period.pk])),
        ("get", reverse("recruitment:hr_formation_edit", args=[formation.pk])),
        ("post", reverse("recruitment:hr_formation_publish", args=[formation.pk])),
        ("post", reverse("recruitment:hr_formations_from_proposal", args=[period.pk])),
        ("get", reverse("recruitment:hr_application_list", args=[formation.pk])),
        ("get", reverse("recruitment:hr_application_export", args=[formation.pk])),
    ]


def test_it_sends_anonymous_visitors_to_sign_in(client, hr_urls):
    for method, url in hr_urls:
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/"), url


def test_it_forbids_applicants_residents_and_employees(
    client_as, applicant, resident, employee, hr_urls
):
    for user in (applicant, resident, employee):
        client = client_as(user)
        for method, url in hr_urls:
            assert getattr(client, method)(url, {"published": "0"}).status_code == 403, url
    assert SelectionPeriod.objects.get().is_published


def test_it_opens_every_page_to_hr(client_as, hr, hr_urls):
    client = client_as(hr)
    for method, url in hr_urls:
        if method == "get":
            assert client.get(url).status_code == 200, url


def test_it_gives_404_for_missing_ids(client_as, hr):
    client = client_as(hr)
    missing = 999999
    for name in ("hr_period_detail", "hr_period_edit", "hr_formation_create"):
        assert client.get(reverse(f"recruitment:{name}", args=[missing])).status_code == 404
    for name in ("hr_formation_edit", "hr_application_list", "hr_application_export"):
        assert client.get(reverse(f"recruitment:{name}", args=[missing])).status_code == 404
    for name in ("hr_period_publish", "hr_formations_from_proposal"):
        url = reverse(f"recruitment:{name}", args=[missing])
        assert client.post(url, {"published": "1"}).status_code == 404
    url = reverse("recruitment:hr_formation_publish", args=[missing])
    assert client.post(url, {"published": "1"}).status_code == 404


def test_it_opens_the_statistics_to_everyone(client):
    assert client.get(reverse("recruitment:statistics")).status_code == 200


# --- admin --------------------------------------------------------------------------------


def test_it_lists_every_recruitment_model_in_the_admin(client_as, admin_user):
    client = client_as(admin_user)
    formation = FormationFactory()
    application = submitted(formation, 1)
    for model in ("selectionperiod", "documentrequirement", "formation", "applicantprofile",
                  "application", "applicationevent", "document", "statusnotification"):  # fmt: skip
        assert client.get(f"/admin/recruitment/{model}/").status_code == 200, model
    page = client.get("/admin/recruitment/applicantprofile/").content.decode()
    profile = application.applicant.applicant_profile
    assert profile.nik_masked in page
    assert profile.nik not in page
    found = client.get("/admin/recruitment/applicantprofile/", {"q": profile.name_on_ktp})
    assert profile.nik_masked in found.content.decode()  # no search by NIK: it would be in URLs
    assert client.get(f"/admin/recruitment/application/{application.pk}/change/").status_code == 200


def test_it_adds_the_default_document_slots_to_a_period_made_in_the_admin(client_as, admin_user):
    data = {
        "name": "Seleksi dari admin",
        "year": "2026",
        "procurement_type": "CPNS",
        "description": "",
        "is_published": "",
        "registration_opens_at_0": "2026-09-01",
        "registration_opens_at_1": "08:00",
        "registration_closes_at_0": "2026-09-20",
        "registration_closes_at_1": "08:00",
        "appeal_days": "3",
        "appeal_answer_days": "7",
        "age_min": "18",
        "age_max": "35",
        "age_reference_date": "2026-09-20",
        "document_requirements-TOTAL_FORMS": "0",
        "document_requirements-INITIAL_FORMS": "0",
        "document_requirements-MIN_NUM_FORMS": "0",
        "document_requirements-MAX_NUM_FORMS": "1000",
        "skb_multiplier": "3",
        "skd_weight": "40",
        "skb_weight": "60",
        "skb_max": "500",
        "skb_cat_min_share": "50",
        "skd_twk_max": "150",
        "skd_tiu_max": "175",
        "skd_tkp_max": "225",
        "skd_points_per_correct": "5",
        "pppk_teknis_max": "450",
        "pppk_teknis_points": "5",
        "pppk_manajerial_max": "100",
        "pppk_sosiokultural_max": "80",
        "pppk_wawancara_max": "40",
        "pppk_priority_order": "thk2,non_asn,umum",
        "pppk_tie_break": "teknis,manajerial_sosiokultural,wawancara,older",
    }
    for prefix in ("passing_grades", "assignments"):
        data |= {
            f"{prefix}-TOTAL_FORMS": "0",
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        }
    response = client_as(admin_user).post("/admin/recruitment/selectionperiod/add/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    period = SelectionPeriod.objects.get()
    assert DocumentRequirement.objects.filter(period=period).count() == 8
    assert period.passing_grades.get(category="umum").tkp_min == 166  # docs/domain.md 1.7 defaults

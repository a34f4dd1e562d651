"""The help page of each selection period (read from its own data), the committee's contact point
(stored on the period, edited by HR, shown where applicants get stuck) and the help index."""

import pytest
from django.urls import reverse

from recruitment.models import AdminResult, Announcement, DocumentRequirement, SelectionPeriod
from recruitment.services.announcements import announcement_publish
from recruitment.services.periods import period_create
from tests.factories import ApplicationFactory, FormationFactory, SelectionPeriodFactory
from tests.recruitment.factories_selection import (
    closed_period,
    formation_in,
    screened_application,
    wib,
)

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
CONTACT = {
    "contact_email": "panitia@rakumpit.go.id",
    "contact_phone": "(0536) 322 1000",
    "contact_whatsapp": "0811 5200 1000",
    "contact_hours": "Senin-Jumat 08.00-15.00 WIB",
    "contact_address": "Kantor Kecamatan Rakumpit, Jl. Tjilik Riwut Km 34",
}


def help_url(period):
    return reverse("recruitment:period_help", args=[period.pk])


@pytest.fixture
def period():
    return SelectionPeriodFactory(**CONTACT)


def test_it_reads_the_slots_formats_and_sizes_from_the_period(client, period):
    FormationFactory(period=period, required=["pas-foto", "ijazah"])
    FormationFactory(period=period, required=["pas-foto"])
    DocumentRequirement.objects.filter(period=period, slug="pas-foto").update(
        max_kb=250, name_en="Passport photo, red background", help_text="Latar merah, 4x6."
    )

    page = client.get(help_url(period), **EN).content.decode()

    photo = page.split('data-help-slot="pas-foto"')[1].split("</li>")[0]
    # A photo slot says that any phone photo is taken and made smaller (core.photos).
    assert "A photo (JPEG, PNG, WebP or HEIC), kept at most 250 KB" in photo
    assert "required for every vacancy" in photo
    assert "Latar merah, 4x6." in photo
    diploma = page.split('data-help-slot="ijazah"')[1].split("</li>")[0]
    assert "PDF, at most 800 KB" in diploma
    assert "required for 1 vacancy; read the vacancy" in diploma
    other = page.split('data-help-slot="pendukung"')[1].split("</li>")[0]
    assert "optional" in other


def test_it_explains_the_codes_and_the_appeal_window_of_the_period(client, hr):
    period = closed_period(appeal_days=5, appeal_answer_days=7)
    screened_application(formation_in(period), result=AdminResult.TMS)
    announcement_publish(
        period=period, kind=Announcement.Kind.ADMIN, actor=hr, now=wib(2026, 10, 13, 16, 0)
    )

    page = client.get(help_url(period), **EN).content.decode()

    for code in ("MS", "TMS", "P/L", "TL", "TH", "L-1", "TMS-1", "APS"):
        assert f'<span class="badge text-bg-secondary">{code}</span>' in page
    assert "lasts 5 calendar days" in page
    assert "For this selection: from 14 October 2026 to 18 October 2026, 23:59 WIB." in page
    assert "For this selection: by 25 October 2026." in page


def test_a_pppk_period_lists_no_skd_codes(client):
    period = SelectionPeriodFactory(procurement_type="PPPK")

    page = client.get(help_url(period), **EN).content.decode()

    assert "SKD result" not in page
    assert '<span class="badge text-bg-secondary">P/L</span>' not in page


def test_it_shows_the_committees_contact_with_links_a_phone_opens(client, period):
    page = client.get(help_url(period), **EN).content.decode()

    assert 'href="mailto:panitia@rakumpit.go.id"' in page
    assert 'href="tel:05363221000"' in page
    assert 'href="https://wa.me/6281152001000"' in page  # 08... written as 628...
    assert "Senin-Jumat 08.00-15.00 WIB" in page
    assert "Kantor Kecamatan Rakumpit, Jl. Tjilik Riwut Km 34" in page


def test_it_says_whom_to_ask_when_the_period_has_no_contact(client):
    page = client.get(help_url(SelectionPeriodFactory()), **EN).content.decode()

    assert "The committee has not published its contact yet." in page
    assert "mailto:" not in page.split("data-committee-contact")[1]


def test_an_unpublished_or_unknown_period_has_no_help_page(client):
    hidden = SelectionPeriodFactory(is_published=False)

    assert client.get(help_url(hidden)).status_code == 404
    assert client.get(reverse("recruitment:period_help", args=[hidden.pk + 999])).status_code == 404


def test_the_help_index_lists_published_periods_only(client, period):
    hidden = SelectionPeriodFactory(is_published=False, name="Seleksi rahasia")

    page = client.get(reverse("recruitment:help_index")).content.decode()

    assert help_url(period) in page
    assert help_url(hidden) not in page and "Seleksi rahasia" not in page


def test_it_reads_the_help_page_in_a_constant_number_of_queries(
    client, period, django_assert_max_num_queries, page_cache_off
):
    FormationFactory(period=period)
    with django_assert_max_num_queries(8) as small:
        assert client.get(help_url(period)).status_code == 200
    for _ in range(6):
        FormationFactory(period=period, required=["pas-foto", "ktp", "ijazah"])
    with django_assert_max_num_queries(8) as large:
        assert client.get(help_url(period)).status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)


def test_a_kept_help_page_shows_a_changed_slot_and_contact_at_once(client, period, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 60
    first = client.get(help_url(period), **EN)
    assert "kept at most 200 KB" in first.content.decode()
    assert client.get(help_url(period), **EN)["X-Page-Cache"] == "hit"

    DocumentRequirement.objects.filter(period=period, slug="pas-foto").update(max_kb=180)
    SelectionPeriod.objects.filter(pk=period.pk).update(contact_email="baru@rakumpit.go.id")

    page = client.get(help_url(period), **EN).content.decode()
    assert "kept at most 180 KB" in page
    assert "mailto:baru@rakumpit.go.id" in page


# --- the contact point: stored on the period, edited by HR -------------------------------------


def _period_form(**overrides):
    data = {
        "name": "Seleksi CASN 2026",
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


def test_hr_edits_the_contact_on_the_period_form(client_as, hr, period):
    url = reverse("recruitment:hr_period_edit", args=[period.pk])
    client = client_as(hr)
    form = client.get(url, **EN).content.decode()
    assert "Contact point of the selection committee" in form
    assert 'value="panitia@rakumpit.go.id"' in form

    data = _period_form(
        contact_email="seleksi@rakumpit.go.id",
        contact_phone="0536 3221000",
        contact_whatsapp="+62 811 5200 2000",
        contact_hours="Senin-Kamis 08.00-14.00 WIB",
        contact_address="Aula Kecamatan",
    )
    assert client.post(url, data).status_code == 302

    period.refresh_from_db()
    assert period.contact_email == "seleksi@rakumpit.go.id"
    assert period.whatsapp_url == "https://wa.me/6281152002000"
    assert period.contact_address == "Aula Kecamatan"


def test_a_bad_phone_number_is_refused_with_a_clear_error_and_nothing_is_lost(
    client_as, hr, period
):
    url = reverse("recruitment:hr_period_edit", args=[period.pk])
    data = _period_form(contact_email="seleksi@rakumpit.go.id", contact_whatsapp="call me maybe")

    response = client_as(hr).post(url, data, **EN)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Write a telephone number with digits" in page
    assert 'value="seleksi@rakumpit.go.id"' in page and 'value="call me maybe"' in page
    period.refresh_from_db()
    assert period.contact_email == "panitia@rakumpit.go.id"


def test_a_new_period_takes_the_latest_periods_contact_unless_given(period):
    created = period_create(
        name="Seleksi berikutnya",
        year=2027,
        procurement_type="CPNS",
        registration_opens_at=wib(2027, 9, 1, 8, 0),
        registration_closes_at=wib(2027, 9, 20, 23, 59),
    )
    assert created.contact_email == CONTACT["contact_email"]
    assert created.contact_whatsapp == CONTACT["contact_whatsapp"]

    own = period_create(
        name="Seleksi lain",
        year=2028,
        procurement_type="CPNS",
        registration_opens_at=wib(2028, 9, 1, 8, 0),
        registration_closes_at=wib(2028, 9, 20, 23, 59),
        contact_email="lain@rakumpit.go.id",
    )
    assert own.contact_email == "lain@rakumpit.go.id"
    assert own.contact_phone == ""


# --- shown where applicants get stuck ---------------------------------------------------------


def test_the_application_page_shows_the_contact_and_follows_its_changes(client_as, period):
    application = ApplicationFactory(formation=FormationFactory(period=period))
    client = client_as(application.applicant)

    page = client.get(application.get_absolute_url(), **EN).content.decode()
    assert "data-committee-contact" in page
    assert "mailto:panitia@rakumpit.go.id" in page
    assert help_url(period) in page

    period.contact_email = "baru@rakumpit.go.id"
    period.save()
    page = client.get(application.get_absolute_url(), **EN).content.decode()
    assert "mailto:baru@rakumpit.go.id" in page  # the kept part moved on with the period


def test_the_upload_page_and_the_appeal_form_show_the_contact(client_as, period, hr):
    application = ApplicationFactory(formation=FormationFactory(period=period))
    upload = reverse("recruitment:document_upload", args=[application.pk, "pas-foto"])
    page = client_as(application.applicant).get(upload, **EN).content.decode()
    assert "mailto:panitia@rakumpit.go.id" in page

    tms = screened_application(formation_in(closed_period(**CONTACT)), result=AdminResult.TMS)
    appeal = reverse("recruitment:appeal_create", args=[tms.pk])
    page = client_as(tms.applicant).get(appeal, **EN).content.decode()
    assert "mailto:panitia@rakumpit.go.id" in page


def test_the_vacancy_and_announcement_pages_link_the_help(client, period, hr):
    formation = FormationFactory(period=period)
    page = client.get(formation.get_absolute_url(), **EN).content.decode()
    assert help_url(period) in page
    announcements = reverse("recruitment:announcement_list", args=[period.pk])
    assert help_url(period) + "#codes" in client.get(announcements).content.decode()
    vacancies = client.get(reverse("recruitment:vacancy_list")).content.decode()
    assert reverse("recruitment:help_index") in vacancies


def test_the_not_found_page_points_an_applicant_to_the_help(client, client_as, applicant):
    missing = reverse("recruitment:application_detail", args=[999999])

    anonymous = client.get(reverse("recruitment:period_help", args=[999999]))
    assert anonymous.status_code == 404
    assert "data-applicant-help" not in anonymous.content.decode()

    response = client_as(applicant).get(missing)
    assert response.status_code == 404
    assert reverse("recruitment:help_index") in response.content.decode()

from decimal import Decimal

import pytest
from openpyxl import load_workbook

from tests.conftest import two_factor_login
from tests.factories import (
    AbkSheetFactory,
    EmployeeFactory,
    PlanningYearFactory,
    PositionFactory,
    abk_with_minutes,
)
from workforce.models import AbkSheet, AbkTask

pytestmark = pytest.mark.django_db

HR_PAGES = [
    "/workforce/needs/",
    "/workforce/needs/export.xlsx",
    "/workforce/needs/chart/sector.svg",
]


@pytest.mark.parametrize("url", HR_PAGES)
def test_it_sends_anonymous_visitors_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("url", HR_PAGES)
def test_it_forbids_residents_applicants_and_employees(
    client_as, resident, applicant, employee, url
):
    for user in (resident, applicant, employee):
        assert client_as(user).get(url).status_code == 403


def test_it_forbids_the_unit_page_and_abk_to_non_hr(client_as, employee):
    position = PositionFactory()
    PlanningYearFactory(year=2026)
    client = client_as(employee)
    assert client.get(f"/workforce/units/{position.unit_id}/").status_code == 403
    assert client.get(f"/workforce/abk/{position.pk}/2026/").status_code == 403


def test_it_gives_404_for_a_missing_unit_or_year(client_as, hr):
    client = client_as(hr)
    assert client.get("/workforce/units/999999/").status_code == 404
    position = PositionFactory()
    assert client.get(f"/workforce/abk/{position.pk}/1999/").status_code == 404
    assert client.get("/workforce/needs/chart/nonsense.svg").status_code == 404


def test_it_shows_hr_the_needs_map_in_both_languages(client_as, hr):
    year = PlanningYearFactory(year=2026)
    position = PositionFactory(name="Dokter Gigi")
    abk_with_minutes(position, year, [90_000])
    client = client_as(hr)
    page = client.get("/workforce/needs/?year=2026", HTTP_ACCEPT_LANGUAGE="id").content.decode()
    assert "Peta kebutuhan pegawai" in page
    assert "Dokter Gigi" in page
    page = client.get("/workforce/needs/?year=2026", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Staffing needs map" in page
    assert "1 short" in page


def test_it_refuses_a_bad_filter_with_a_message(client_as, hr):
    response = client_as(hr).get("/workforce/needs/?sector=999999", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_it_exports_the_needs_in_e_formasi_shape(client_as, hr):
    year = PlanningYearFactory(year=2026)
    position = PositionFactory(name="Perawat Terampil")
    abk_with_minutes(position, year, [150_000])
    EmployeeFactory(position=position)
    response = client_as(hr).get("/workforce/needs/export.xlsx?year=2026")
    assert response["Content-Disposition"] == 'attachment; filename="kebutuhan-pegawai-2026.xlsx"'
    from io import BytesIO

    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][3] == "Perawat Terampil"
    assert rows[1][9:12] == (2, 1, 1)  # need, current, gap


def test_it_renders_the_chart_as_svg(client_as, hr):
    PlanningYearFactory(year=2026)
    response = client_as(hr).get("/workforce/needs/chart/kelurahan.svg?year=2026")
    assert response["Content-Type"] == "image/svg+xml"
    assert b"<svg" in response.content


def _abk_post(version, tasks):
    data = {
        "version": version or "",
        "tasks-TOTAL_FORMS": str(len(tasks)),
        "tasks-INITIAL_FORMS": "0",
        "tasks-MIN_NUM_FORMS": "0",
        "tasks-MAX_NUM_FORMS": "1000",
    }
    for i, (description, volume, minutes) in enumerate(tasks):
        data.update(
            {
                f"tasks-{i}-description": description,
                f"tasks-{i}-output_unit": "pasien",
                f"tasks-{i}-yearly_volume": str(volume),
                f"tasks-{i}-standard_minutes": str(minutes),
            }
        )
    return data


def test_it_saves_an_abk_sheet_and_shows_the_result(client_as, hr):
    PlanningYearFactory(year=2026)
    position = PositionFactory()
    client = client_as(hr)
    response = client.post(
        f"/workforce/abk/{position.pk}/2026/",
        _abk_post(None, [("Pemeriksaan pasien", 3000, 15), ("Kunjungan", 20, 480)]),
    )
    assert response.status_code == 302
    sheet = AbkSheet.objects.get(position=position)
    assert sheet.version == 1
    assert sorted(sheet.tasks.values_list("description", flat=True)) == [
        "Kunjungan",
        "Pemeriksaan pasien",
    ]
    page = client.get(f"/workforce/abk/{position.pk}/2026/", HTTP_ACCEPT_LANGUAGE="en")
    assert "54600 minutes of work" in page.content.decode()


def test_it_refuses_negative_or_zero_values_and_keeps_the_input(client_as, hr):
    PlanningYearFactory(year=2026)
    position = PositionFactory()
    response = client_as(hr).post(
        f"/workforce/abk/{position.pk}/2026/",
        _abk_post(None, [("Tugas A", 0, 15), ("Tugas B", 10, -5)]),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "The volume must be at least 1 a year." in page
    assert "Ensure this value is greater than or equal to 0.01." in page
    assert 'value="Tugas A"' in page
    assert not AbkSheet.objects.exists()


def test_it_warns_the_second_of_two_editors_and_keeps_their_input(client_as, hr, admin_user):
    year = PlanningYearFactory(year=2026)
    position = PositionFactory()
    sheet = AbkSheetFactory(position=position, planning_year=year)  # version 1
    first = client_as(hr).post(
        f"/workforce/abk/{position.pk}/2026/", _abk_post(1, [("Versi pertama", 10, 10)])
    )
    assert first.status_code == 302
    from django.test import Client

    second_client = Client()
    two_factor_login(second_client, admin_user)
    second = second_client.post(
        f"/workforce/abk/{position.pk}/2026/",
        _abk_post(1, [("Versi kedua", 20, 20)]),  # opened at version 1 too
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert second.status_code == 200
    page = second.content.decode()
    assert "Someone else saved this sheet while you were editing it." in page
    assert 'value="Versi kedua"' in page  # their input is kept
    assert "Versi pertama" in page  # and they see what is saved now
    assert list(AbkTask.objects.values_list("description", flat=True)) == ["Versi pertama"]
    sheet.refresh_from_db()
    assert sheet.version == 2
    third = second_client.post(  # saving again, now at the version shown, replaces it
        f"/workforce/abk/{position.pk}/2026/", _abk_post(2, [("Versi kedua", 20, 20)])
    )
    assert third.status_code == 302
    assert list(AbkTask.objects.values_list("description", flat=True)) == ["Versi kedua"]


def test_it_shows_the_unit_page_with_norms_and_history(client_as, hr):
    this_year = PlanningYearFactory(year=2026)
    last_year = PlanningYearFactory(year=2025)
    position = PositionFactory(name="Perawat Pustu", norm_key="perawat")
    abk_with_minutes(position, this_year, [90_000])
    abk_with_minutes(position, last_year, [40_000])
    response = client_as(hr).get(
        f"/workforce/units/{position.unit_id}/?year=2026", HTTP_ACCEPT_LANGUAGE="en"
    )
    page = response.content.decode()
    assert "Perawat Pustu" in page
    assert "Service norms beside the ABK" in page
    history = response.context["history"]
    assert [(row["year"].year, row["required"]) for row in history] == [(2026, 1), (2025, 1)]
    assert history[1]["exact"] == Decimal("0.53")  # 40,000 / 75,000 = 0.5333…, cut


def test_it_shows_the_public_summary_without_personal_data(client):
    year = PlanningYearFactory(year=2026)
    position = PositionFactory()
    abk_with_minutes(position, year, [150_000])
    employee = EmployeeFactory(position=position, full_name="Nama Rahasia")
    page = client.get("/workforce/summary/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Public-service staffing in Rakumpit" in page
    assert "Nama Rahasia" not in page
    assert employee.nip not in page


def _form_data_from_page(html):
    """What a browser would post: every input of the ABK form with its rendered value."""
    import re

    data = {}
    for tag in re.findall(r"<input[^>]+>", html):
        name = re.search(r'name="([^"]+)"', tag)
        if not name or name.group(1) == "csrfmiddlewaretoken":
            continue
        value = re.search(r'value="([^"]*)"', tag)
        if 'type="checkbox"' in tag:
            continue
        data[name.group(1)] = value.group(1) if value else ""
    return data


def test_it_warns_the_second_editor_of_a_sheet_that_already_has_tasks(client_as, hr, admin_user):
    year = PlanningYearFactory(year=2026)
    position = PositionFactory()
    abk_with_minutes(position, year, ["30000", "20000"])
    url = f"/workforce/abk/{position.pk}/2026/"
    first = client_as(hr)
    from django.test import Client

    second = Client()
    two_factor_login(second, admin_user)
    page_a = _form_data_from_page(first.get(url).content.decode())
    page_b = _form_data_from_page(second.get(url).content.decode())
    assert page_a["tasks-0-description"] == "Task 0"
    page_a["tasks-0-yearly_volume"] = "2"
    assert first.post(url, page_a).status_code == 302
    page_b["tasks-1-description"] = "Tugas baru B"
    response = second.post(url, page_b, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Someone else saved this sheet while you were editing it." in page
    assert 'value="Tugas baru B"' in page
    # Saving again from the page now shown replaces the sheet on purpose.
    retry = _form_data_from_page(page)
    assert second.post(url, retry).status_code == 302
    descriptions = sorted(AbkTask.objects.values_list("description", flat=True))
    assert descriptions == ["Task 0", "Tugas baru B"]


def test_it_explains_a_row_without_a_description_instead_of_failing(client_as, hr):
    PlanningYearFactory(year=2026)
    position = PositionFactory()
    data = _abk_post(None, [("", 10, 15), ("Tugas B", 10, 5)])
    response = client_as(hr).post(
        f"/workforce/abk/{position.pk}/2026/", data, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()

import datetime as dt
import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import EmployeeFactory, PositionFactory, UnitFactory, make_nip
from workforce.models import AsnType, Employee, Kelurahan, Sector
from workforce.resources import COLUMNS
from workforce.validators import parse_nip

pytestmark = pytest.mark.django_db

BIRTH = dt.date(1990, 5, 17)
LIST_URL = reverse("workforce:employee_list")
EXPORT_URL = reverse("workforce:employee_export")


# --- the NIP -------------------------------------------------------------------------------


def test_it_reads_a_valid_pns_nip():
    parts = parse_nip("199005172015032001")
    assert parts.birth_date == BIRTH
    assert (parts.appointment_year, parts.appointment_month) == (2015, 3)
    assert parts.gender == "F"
    assert parts.sequence == 1
    assert not parts.is_pppk


def test_it_reads_a_valid_pppk_nip_with_21_as_the_month():
    parts = parse_nip("198501312022211007")
    assert parts.is_pppk
    assert parts.appointment_month is None
    assert parts.gender == "M"


@pytest.mark.parametrize(
    ("nip", "code"),
    [
        ("19900517201503200", "nip_length"),  # 17 digits
        ("1990051720150320011", "nip_length"),  # 19 digits
        ("19900517201503200A", "nip_length"),  # not all digits
        ("199002302015032001", "nip_birth"),  # 30 February
        ("199005172015132001", "nip_month"),  # month 13
        ("199005172015033001", "nip_gender"),  # gender digit 3
    ],
)
def test_it_rejects_a_malformed_nip(nip, code):
    with pytest.raises(ValidationError) as excinfo:
        parse_nip(nip)
    assert excinfo.value.code == code


def _unsaved_employee(**overrides):
    position = PositionFactory()
    fields = {
        "nip": make_nip(BIRTH, gender="F"),
        "full_name": "Siti Aminah",
        "gender": Employee.Gender.FEMALE,
        "birth_date": BIRTH,
        "asn_type": AsnType.PNS,
        "position": position,
        "start_date": dt.date(2015, 3, 1),
        "retirement_date": Employee.retirement_date_for(BIRTH, position.retirement_age),
    }
    fields.update(overrides)
    return Employee(**fields)


def test_it_accepts_an_employee_whose_nip_matches():
    _unsaved_employee().full_clean()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"birth_date": dt.date(1991, 5, 17)}, "birth_date"),
        ({"gender": Employee.Gender.MALE}, "gender"),
        ({"asn_type": AsnType.PPPK}, "asn_type"),
        ({"nip": make_nip(BIRTH, gender="F", pppk=True)}, "asn_type"),
    ],
)
def test_it_rejects_an_employee_whose_nip_does_not_match(overrides, field):
    with pytest.raises(ValidationError) as excinfo:
        _unsaved_employee(**overrides).full_clean()
    assert field in excinfo.value.message_dict


# --- who may see the register --------------------------------------------------------------


@pytest.mark.parametrize("url", [LIST_URL, EXPORT_URL])
def test_it_sends_anonymous_visitors_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={url}"


@pytest.mark.parametrize("url", [LIST_URL, EXPORT_URL])
@pytest.mark.parametrize("persona", ["applicant", "resident", "employee", "moderator"])
def test_it_forbids_everyone_but_hr(client_as, request, url, persona):
    EmployeeFactory(full_name="Siti Aminah")
    response = client_as(request.getfixturevalue(persona)).get(url)
    assert response.status_code == 403
    assert b"Siti Aminah" not in response.content


@pytest.mark.parametrize("persona", ["hr", "admin_user"])
def test_it_shows_the_register_to_hr_and_administrators(client_as, request, persona):
    employee = EmployeeFactory(full_name="Siti Aminah")
    response = client_as(request.getfixturevalue(persona)).get(LIST_URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Siti Aminah" in page
    assert employee.nip in page
    assert employee.position.name in page
    assert employee.position.unit.name in page
    assert "no-store" in response["Cache-Control"]
    assert f'href="{reverse("admin:workforce_employee_import")}"' in page


def test_it_says_the_nip_is_pending_rather_than_none(client_as, hr):
    EmployeeFactory(full_name="Ayu Pratama", nip=None)
    page = client_as(hr).get(LIST_URL, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "NIP pending" in page
    assert ">None<" not in page


# --- the list ------------------------------------------------------------------------------


def _names(response):
    return [employee.full_name for employee in response.context["page"]]


@pytest.fixture
def register(db):
    """Three employees in different sectors, kelurahan, ASN types and statuses."""
    health = UnitFactory(name="Puskesmas Rakumpit")
    school = UnitFactory(
        name="SDN 1 Rakumpit",
        sector=Sector.objects.get(slug="pendidikan"),
        kelurahan=Kelurahan.objects.get(slug="pager"),
    )
    return {
        "ani": EmployeeFactory(
            full_name="Ani Lestari",
            nip=make_nip(BIRTH, sequence=11),
            position=PositionFactory(unit=health, name="Bidan"),
        ),
        "budi": EmployeeFactory(
            full_name="Budi Santoso",
            gender=Employee.Gender.MALE,
            nip=make_nip(BIRTH, gender="M", sequence=12, pppk=True),
            asn_type=AsnType.PPPK,
            position=PositionFactory(unit=school, name="Guru Kelas"),
        ),
        "citra": EmployeeFactory(
            full_name="Citra Dewi",
            nip=make_nip(BIRTH, sequence=13),
            position=PositionFactory(unit=health, name="Perawat"),
            status=Employee.Status.RETIRED,
        ),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ["Ani Lestari", "Budi Santoso", "Citra Dewi"]),
        ({"sector": "pendidikan"}, ["Budi Santoso"]),
        ({"kelurahan": "pager"}, ["Budi Santoso"]),
        ({"unit": "Puskesmas Rakumpit"}, ["Ani Lestari", "Citra Dewi"]),
        ({"asn_type": "PPPK"}, ["Budi Santoso"]),
        ({"status": "retired"}, ["Citra Dewi"]),
        ({"search": "citra"}, ["Citra Dewi"]),
        ({"search": "19900517 201503 2 011"}, []),  # no NIP in addresses: name only
        ({"search": "2022"}, []),
    ],
)
def test_it_filters_the_register(client_as, hr, register, query, expected):
    params = dict(query)
    if "sector" in params:
        params["sector"] = Sector.objects.get(slug=params["sector"]).pk
    if "kelurahan" in params:
        params["kelurahan"] = Kelurahan.objects.get(slug=params["kelurahan"]).pk
    if "unit" in params:
        params["unit"] = register["ani"].position.unit_id
    response = client_as(hr).get(LIST_URL, params)
    assert _names(response) == expected


def test_it_matches_nobody_when_a_filter_is_unknown(client_as, hr, register):
    response = client_as(hr).get(LIST_URL, {"sector": 999999})
    assert response.status_code == 200
    assert _names(response) == []
    assert response.context["form"].errors["sector"]


def test_it_pages_by_fifty(client_as, hr):
    position = PositionFactory()
    EmployeeFactory.create_batch(51, position=position)
    client = client_as(hr)
    assert len(client.get(LIST_URL).context["page"]) == 50
    assert len(client.get(LIST_URL, {"page": 2}).context["page"]) == 1


def _list_queries(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST_URL)
    assert response.status_code == 200
    return len(queries)


def test_it_reads_the_list_in_the_same_number_of_queries_for_3_or_30_employees(
    page_cache_off, client_as, hr, django_assert_max_num_queries
):
    # session, user, user's roles; page count, sectors, units, kelurahan (the filter's
    # choices); the page of employees with position, unit, sector and kelurahan joined.
    budget = 9  # +1: the header's unread-notification count
    client = client_as(hr)
    EmployeeFactory.create_batch(3)
    with django_assert_max_num_queries(budget):
        few = _list_queries(client)
    EmployeeFactory.create_batch(27)
    with django_assert_max_num_queries(budget):
        many = _list_queries(client)
    assert few == many


# --- the export ----------------------------------------------------------------------------


def _workbook(response):
    return openpyxl.load_workbook(io.BytesIO(response.content)).active


def test_it_exports_the_filtered_register_as_xlsx(client_as, hr, register):
    response = client_as(hr).get(EXPORT_URL, {"asn_type": "PNS"})

    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"].startswith('attachment; filename="daftar-pegawai-')
    assert response["Content-Disposition"].endswith('.xlsx"')
    assert "no-store" in response["Cache-Control"]
    rows = list(_workbook(response).values)
    assert rows[0] == COLUMNS
    ani = register["ani"]
    assert rows[1] == (
        ani.nip,
        "Ani Lestari",
        "F",
        "1990-05-17",
        "PNS",
        "Puskesmas Rakumpit",
        "Bidan",
        "2015-03-01",
        "active",
    )
    assert [row[1] for row in rows[1:]] == ["Ani Lestari", "Citra Dewi"]


def test_it_never_writes_a_formula_into_the_export(client_as, hr):
    EmployeeFactory(full_name='=HYPERLINK("http://example.org")')
    sheet = _workbook(client_as(hr).get(EXPORT_URL))
    cell = sheet.cell(row=2, column=2)
    assert cell.data_type != "f"
    assert not str(cell.value).startswith("=")

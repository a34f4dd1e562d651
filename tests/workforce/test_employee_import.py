import datetime as dt
import io

import openpyxl
import pytest
from django.contrib.admin.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from import_export.formats.base_formats import CSV, XLSX

from tests.factories import EmployeeFactory, PositionFactory, UnitFactory, make_nip
from workforce.models import AsnType, Employee
from workforce.resources import COLUMNS, EmployeeResource

pytestmark = pytest.mark.django_db

BIRTH = dt.date(1990, 5, 17)


@pytest.fixture(autouse=True)
def _english(client, settings):
    """Messages are asserted in English, the source language, in code and in pages alike."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def perawat(db):
    unit = UnitFactory(name="Pustu Mungku Baru")
    return PositionFactory(unit=unit, name="Perawat", retirement_age=58)


@pytest.fixture
def guru(db):
    unit = UnitFactory(name="SDN 1 Rakumpit")
    return PositionFactory(unit=unit, name="Guru Kelas", asn_type=AsnType.PPPK, retirement_age=60)


def _row(**overrides):
    row = {
        "nip": make_nip(BIRTH, gender="F", sequence=1),
        "full_name": "Siti Aminah",
        "gender": "F",
        "birth_date": "1990-05-17",
        "asn_type": "PNS",
        "unit": "Pustu Mungku Baru",
        "position": "Perawat",
        "start_date": "2015-03-01",
        "status": "active",
    }
    row.update(overrides)
    return row


def _pppk_row(**overrides):
    birth = dt.date(1985, 1, 31)
    return _row(
        nip=make_nip(birth, appointment=(2022, 1), gender="M", sequence=7, pppk=True),
        full_name="Budi Santoso",
        gender="M",
        birth_date="1985-01-31",
        asn_type="PPPK",
        unit="SDN 1 Rakumpit",
        position="Guru Kelas",
        start_date="2022-04-01",
        **overrides,
    )


def _csv(rows, columns=COLUMNS) -> bytes:
    lines = [",".join(columns)]
    lines += [",".join(str(row.get(column, "")) for column in columns) for row in rows]
    return ("\n".join(lines) + "\n").encode()


def _dataset(rows, columns=COLUMNS):
    return CSV(encoding="utf-8-sig").create_dataset(_csv(rows, columns))


def _import(dataset, *, dry_run=False):
    return EmployeeResource().import_data(dataset, dry_run=dry_run, raise_errors=False)


def _errors_by_row(result):
    return {row.number: row.error_dict for row in result.invalid_rows}


def test_it_imports_a_good_csv_file_with_retirement_dates(perawat, guru):
    dataset = _dataset([_row(), _pppk_row()])

    preview = _import(dataset, dry_run=True)
    assert not preview.has_errors() and not preview.has_validation_errors()
    assert [row.import_type for row in preview.rows] == ["new", "new"]
    assert not Employee.objects.exists()  # a preview writes nothing

    result = _import(_dataset([_row(), _pppk_row()]))
    assert not result.has_errors() and not result.has_validation_errors()
    siti = Employee.objects.get(full_name="Siti Aminah")
    assert siti.position == perawat
    assert siti.retirement_date == dt.date(2048, 6, 1)  # BUP 58, the month after the birthday
    budi = Employee.objects.get(full_name="Budi Santoso")
    assert budi.asn_type == AsnType.PPPK
    assert budi.retirement_date == dt.date(2045, 2, 1)  # BUP 60


def test_it_updates_the_employee_whose_nip_is_already_registered(perawat):
    existing = EmployeeFactory(
        nip=make_nip(BIRTH, gender="F", sequence=1), position=perawat, full_name="Old Name"
    )
    result = _import(_dataset([_row(full_name="Siti Aminah", status="on_leave")]))

    assert [row.import_type for row in result.rows] == ["update"]
    existing.refresh_from_db()
    assert existing.full_name == "Siti Aminah"
    assert existing.status == Employee.Status.ON_LEAVE
    assert Employee.objects.count() == 1


def test_it_applies_nothing_and_reports_each_bad_row(perawat):
    duplicate = make_nip(BIRTH, gender="F", sequence=4)
    dataset = _dataset(
        [
            _row(),  # 1: good
            _row(nip=make_nip(BIRTH, sequence=2), unit="Pustu Nowhere"),  # 2
            _row(nip=make_nip(BIRTH, sequence=3), position="Bidan"),  # 3
            _row(nip=duplicate, full_name="Ani"),  # 4
            _row(nip=duplicate, full_name="Ina"),  # 5
            _row(nip="19900517201503200"),  # 6: 17 digits
            _row(nip=make_nip(BIRTH, sequence=6), birth_date="1991-05-17"),  # 7
        ]
    )

    result = _import(dataset)

    assert not Employee.objects.exists()
    errors = _errors_by_row(result)
    assert sorted(errors) == [2, 3, 4, 5, 6, 7]
    assert errors[2] == {"unit": ["There is no unit named “Pustu Nowhere”."]}
    assert errors[3] == {
        "position": ["The unit “Pustu Mungku Baru” has no position named “Bidan”."]
    }
    for number in (4, 5):
        assert errors[number] == {
            "nip": ["This NIP appears more than once in the file (rows 4, 5)."]
        }
    assert errors[6] == {"nip": ["A NIP has exactly 18 digits (you entered 17 characters)."]}
    assert errors[7] == {"birth_date": ["The birth date does not match digits 1–8 of the NIP."]}


def test_it_reports_a_date_that_is_not_yyyy_mm_dd(perawat):
    result = _import(_dataset([_row(birth_date="17/05/1990"), _row(start_date="2015-02-30")]))

    assert not Employee.objects.exists()
    errors = _errors_by_row(result)
    assert errors[1]["birth_date"] == [
        "“17/05/1990” is not a date: write it as YYYY-MM-DD, for example 1990-05-17."
    ]
    assert errors[2]["start_date"] == [
        "“2015-02-30” is not a date: write it as YYYY-MM-DD, for example 1990-05-17."
    ]


def test_it_reports_empty_and_wrong_codes(perawat):
    result = _import(_dataset([_row(gender="", asn_type="X", unit="")]))

    errors = _errors_by_row(result)[1]
    assert errors["gender"] == ["This field cannot be null."]
    assert errors["asn_type"] == ["Value 'X' is not a valid choice."]
    assert errors["unit"] == ["Enter the name of the unit."]
    assert "position" not in errors  # not looked up without a unit; no second error


def test_it_refuses_a_file_with_wrong_columns_naming_them(perawat):
    columns = [column for column in COLUMNS if column not in {"full_name", "status"}] + ["name"]
    dataset = _dataset([_row(name="Siti Aminah")], columns=columns)

    result = _import(dataset)

    assert result.has_errors()
    assert not result.rows and not result.invalid_rows  # no row was even read
    message = str(result.base_errors[0].error)
    assert "The file is missing these columns: full_name, status." in message
    assert "The file has columns the register does not know: name." in message
    assert result.base_errors[0].traceback == ""
    assert not Employee.objects.exists()


def test_it_accepts_headers_in_any_case_and_names_ignoring_case(perawat):
    def header(column):
        return column.upper().replace("_", " ")  # "FULL NAME"

    row = _row(unit="pustu mungku baru", position=" PERAWAT ")
    result = _import(
        _dataset([{header(c): v for c, v in row.items()}], columns=[header(c) for c in COLUMNS])
    )

    assert not result.has_validation_errors(), _errors_by_row(result)
    assert Employee.objects.get().position == perawat


def test_it_keeps_the_status_when_the_cell_is_empty(perawat):
    existing = EmployeeFactory(
        nip=make_nip(BIRTH, gender="F", sequence=1),
        position=perawat,
        status=Employee.Status.RETIRED,
    )
    _import(_dataset([_row(status="")]))

    existing.refresh_from_db()
    assert existing.status == Employee.Status.RETIRED


def _xlsx(rows, columns=COLUMNS) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(list(columns))
    for row in rows:
        sheet.append([row.get(column) for column in columns] if row else [])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_it_imports_an_xlsx_file_with_date_cells_and_blank_lines(perawat, guru):
    rows = [
        _row(birth_date=dt.datetime(1990, 5, 17), start_date=dt.date(2015, 3, 1)),
        None,  # a blank line between the rows
        _pppk_row(),
    ]
    dataset = XLSX().create_dataset(_xlsx(rows))

    result = _import(dataset)

    assert not result.has_errors() and not result.has_validation_errors(), _errors_by_row(result)
    assert Employee.objects.count() == 2
    assert Employee.objects.get(full_name="Siti Aminah").birth_date == dt.date(1990, 5, 17)


def test_it_asks_for_the_nip_as_text_when_excel_stored_a_number(perawat):
    rounded = float(make_nip(BIRTH, gender="F", sequence=1))
    dataset = XLSX().create_dataset(_xlsx([_row(nip=rounded)]))

    errors = _errors_by_row(_import(dataset))[1]

    assert "Store the NIP as text: as a number, Excel rounds its last digits." in errors["nip"]
    assert not Employee.objects.exists()


def test_it_imports_back_its_own_export(perawat, guru):
    EmployeeFactory.create_batch(3, position=perawat)
    exported = EmployeeResource().export(Employee.objects.all()).xlsx

    result = _import(XLSX().create_dataset(exported))

    assert not result.has_errors() and not result.has_validation_errors(), _errors_by_row(result)
    assert [row.import_type for row in result.rows] == ["update"] * 3


# --- through the admin ---------------------------------------------------------------------


def _upload(content, name):
    return SimpleUploadedFile(name, content)


XLSX_FORMAT, CSV_FORMAT = "0", "1"  # EmployeeAdmin.formats


def test_it_imports_through_the_admin_after_a_preview(client_as, hr, perawat, guru):
    client = client_as(hr)
    changelist = client.get(reverse("admin:workforce_employee_changelist")).content.decode()
    assert reverse("admin:workforce_employee_import") in changelist
    assert client.get(reverse("admin:workforce_employee_import")).status_code == 200

    preview = client.post(
        reverse("admin:workforce_employee_import"),
        {
            "resource": "0",
            "format": CSV_FORMAT,
            "import_file": _upload(_csv([_row(), _pppk_row()]), "pegawai.csv"),
        },
    )
    assert preview.status_code == 200
    assert "Siti Aminah" in preview.content.decode()
    confirm_form = preview.context["confirm_form"]
    assert confirm_form is not None
    assert not Employee.objects.exists()

    response = client.post(
        reverse("admin:workforce_employee_process_import"), dict(confirm_form.initial)
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:workforce_employee_changelist")
    assert Employee.objects.count() == 2
    assert LogEntry.objects.filter(user=hr).count() == 2


def test_it_imports_nothing_when_the_data_changed_between_preview_and_confirm(
    client_as, hr, perawat, guru
):
    client = client_as(hr)
    preview = client.post(
        reverse("admin:workforce_employee_import"),
        {
            "resource": "0",
            "format": CSV_FORMAT,
            "import_file": _upload(_csv([_row(), _pppk_row()]), "pegawai.csv"),
        },
    )
    guru.delete()  # someone removes a position the file names

    response = client.post(
        reverse("admin:workforce_employee_process_import"),
        dict(preview.context["confirm_form"].initial),
        follow=True,
    )

    assert response.redirect_chain[-1][0] == reverse("admin:workforce_employee_import")
    assert "Nothing was imported" in response.content.decode()
    assert not Employee.objects.exists()  # not even the row that was still valid


def test_it_shows_the_bad_rows_in_the_admin_and_offers_no_confirm(client_as, admin_user, perawat):
    content = _xlsx([_row(), _row(nip=make_nip(BIRTH, sequence=2), unit="Pustu Nowhere")])

    response = client_as(admin_user).post(
        reverse("admin:workforce_employee_import"),
        {"resource": "0", "format": XLSX_FORMAT, "import_file": _upload(content, "p.xlsx")},
    )

    page = response.content.decode()
    assert "There is no unit named “Pustu Nowhere”." in page
    assert "confirm_form" not in response.context or not response.context["confirm_form"]
    assert not Employee.objects.exists()


def test_it_refuses_the_wrong_columns_in_the_admin_without_a_traceback(client_as, hr, perawat):
    content = _csv([_row()], columns=[c for c in COLUMNS if c != "unit"])

    response = client_as(hr).post(
        reverse("admin:workforce_employee_import"),
        {"resource": "0", "format": CSV_FORMAT, "import_file": _upload(content, "p.csv")},
    )

    page = response.content.decode()
    assert "The file is missing these columns: unit." in page
    assert "Traceback" not in page
    assert not Employee.objects.exists()


def test_it_keeps_other_staff_out_of_the_admin_import_and_export(client_as, moderator):
    client = client_as(moderator)
    assert client.get(reverse("admin:workforce_employee_import")).status_code == 403
    assert client.get(reverse("admin:workforce_employee_export")).status_code == 403


def test_it_sends_non_staff_to_the_admin_login(client_as, resident, applicant):
    for user in (resident, applicant):
        response = client_as(user).get(reverse("admin:workforce_employee_import"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


def test_it_fills_the_retirement_date_when_an_employee_is_added_in_the_admin(
    client_as, hr, perawat
):
    response = client_as(hr).post(
        reverse("admin:workforce_employee_add"),
        {
            "nip": make_nip(BIRTH, gender="F", sequence=1),
            "full_name": "Siti Aminah",
            "gender": "F",
            "birth_date": "1990-05-17",
            "asn_type": "PNS",
            "position": perawat.pk,
            "start_date": "2015-03-01",
            "status": "active",
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Employee.objects.get().retirement_date == dt.date(2048, 6, 1)

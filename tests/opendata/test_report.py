"""The leadership report (issue 20): its figures against numbers worked out by hand from small
factory data, the small-cell rule at its edge, the PDF drawn to an image, the XLSX read back,
HR's page and downloads, and the monthly task run twice."""

import datetime as dt
import io
from datetime import timedelta
from decimal import Decimal

import openpyxl
import pytest
from dateutil.relativedelta import relativedelta
from django.urls import reverse
from django.utils import timezone, translation

from forums.models import IkmPeriod, IkmResponse, Topic
from opendata.models import LeadershipReport
from opendata.report import generate_report
from opendata.report.cells import PROTECTED, cell, protect_table
from opendata.report.figures import build_figures
from opendata.report.navigation import register_report_navigation
from opendata.report.sections import sections, staffing_reading
from opendata.tasks import generate_monthly_report
from performance.models import Checkpoint, Cycle, Review, Skp
from recruitment.models import Application
from recruitment.models.applications import AdminResult
from tests.factories import (
    ApplicationFactory,
    EmployeeFactory,
    FormationFactory,
    PlanningYearFactory,
    PositionFactory,
    SelectionPeriodFactory,
    UnitFactory,
    UserFactory,
    abk_with_minutes,
    make_nip,
)
from tests.pdf_checks import A4, draw_pdf
from training.selectors.ledger import rule_for_year
from workforce.models import Kelurahan

pytestmark = pytest.mark.django_db

Kind = LeadershipReport.Kind


def last_month() -> dt.date:
    return timezone.localdate().replace(day=1) - relativedelta(months=1)


def _staff(position, count, start):
    return [
        EmployeeFactory(
            position=position,
            nip=make_nip(dt.date(1990, 5, 17), sequence=start + i),
        )
        for i in range(count)
    ]


def _ikm_answers(unit, period, count, score):
    for _ in range(count):
        IkmResponse.objects.create(
            unit=unit,
            period=period,
            respondent=UserFactory(verified=False),
            **{f"u{n}": score for n in range(1, 10)},
        )


@pytest.fixture
def world(settings):
    """Three units: A (Mungku Baru) needs 6 and has 4 PNS; B (Mungku Baru) has 7 PNS in a
    position without a workload analysis (surplus 7); C (another kelurahan) needs 14 and has
    9. Nobody completed a training. Reviews: A 4 x Baik; C 6 x Baik, 3 x Sangat Baik. IKM: A 5
    respondents all scoring 3, B 4 respondents. One period with one formation (quota 2): three
    finalised applications (2 MS, 1 TMS) and one draft. Two answered topics: 2 and 4 days."""
    settings.OPEN_DATA_MIN_CELL = 5
    month = last_month()
    end = month + relativedelta(months=1) - timedelta(days=1)
    year = PlanningYearFactory(year=end.year)
    a, b = UnitFactory(name="Pustu Alpha"), UnitFactory(name="Pustu Beta")
    other = Kelurahan.objects.exclude(pk=a.kelurahan_id).order_by("name").first()
    c = UnitFactory(name="Puskesmas Gamma", kelurahan=other)
    pa, pb, pc = PositionFactory(unit=a), PositionFactory(unit=b), PositionFactory(unit=c)
    abk_with_minutes(pa, year, [year.effective_minutes] * 6)
    abk_with_minutes(pc, year, [year.effective_minutes] * 14)
    staff_a, _staff_b, staff_c = _staff(pa, 4, 1), _staff(pb, 7, 10), _staff(pc, 9, 20)

    cycle = Cycle.objects.create(year=end.year, skp_due_date=end)
    checkpoint = Checkpoint.objects.create(
        cycle=cycle,
        kind=Checkpoint.Kind.PERIODIC,
        number=1,
        period_start=month,
        period_end=month + timedelta(days=9),
        due_date=month + timedelta(days=20),
    )
    for i, employee in enumerate(staff_a + staff_c):
        skp = Skp.objects.create(employee=employee, cycle=cycle, status=Skp.Status.AGREED)
        predikat = "sangat_baik" if i >= 10 else "baik"
        Review.objects.create(
            skp=skp,
            checkpoint=checkpoint,
            status=Review.Status.FINAL,
            hasil_kerja="meets",
            perilaku="meets",
            predikat=predikat,
        )

    ikm = IkmPeriod.objects.create(name="Semester uji", starts_on=month, ends_on=end)
    _ikm_answers(a, ikm, 5, 3)
    _ikm_answers(b, ikm, 4, 4)

    opens = timezone.make_aware(dt.datetime.combine(month + timedelta(days=1), dt.time(8)))
    period = SelectionPeriodFactory(
        name="Seleksi uji",
        year=end.year,
        registration_opens_at=opens,
        registration_closes_at=opens + timedelta(days=10),
        documents=False,
    )
    formation = FormationFactory(period=period, position=pa, quota=2, required=[])
    for result in (AdminResult.MS, AdminResult.MS, AdminResult.TMS):
        ApplicationFactory(
            formation=formation,
            status=Application.Status.SUBMITTED,
            submitted_at=opens + timedelta(days=2),
            announced_result=result,
        )
    ApplicationFactory(formation=formation)

    author = UserFactory(verified=False)
    for days in (2, 4):
        created = timezone.now() - timedelta(days=10)
        Topic.objects.create(
            title="Antrean puskesmas",
            body="Mohon ditambah loket.",
            author=author,
            sector=a.sector,
            kelurahan=a.kelurahan,
            created_at=created,
            first_answer_at=created + timedelta(days=days),
        )
    return {"month": month, "a": a, "b": b, "c": c, "period": period, "end": end}


def _by_label(rows):
    return {row["label"]: row for row in rows}


def test_it_counts_each_section_as_worked_out_by_hand(world):
    figures = build_figures(kind=Kind.MONTH, month=world["month"])

    kelurahan = _by_label(figures["staffing"]["by_kelurahan"])
    mungku, other = kelurahan[world["a"].kelurahan.name], kelurahan[world["c"].kelurahan.name]
    assert (mungku["required"], mungku["current"], mungku["shortage"]) == (6, 11, 2)
    assert mungku["surplus"] == 7
    assert (other["required"], other["current"], other["shortage"], other["surplus"]) == (
        14,
        9,
        5,
        0,
    )
    assert figures["staffing"]["total"]["shortage"] == 7
    assert figures["staffing"]["total"]["change"] is None  # no report of the month before

    [period] = figures["recruitment"]["periods"]
    assert period == {
        "label": "Seleksi uji",
        "formations": 1,
        "quota": 2,
        "finalised": 3,
        "eligible": 2,
        "not_eligible": 1,
        "appointed": 0,
        "finalised_in_month": 3,
    }

    minimum = rule_for_year(world["end"].year).pns_min_jp
    training = figures["training"]
    assert training["total"] == {
        "total": 20,
        "short": 20,
        "missing_jp": 20 * minimum,
        "complete_percent": 0,
    }
    units = _by_label(training["by_unit"])
    assert units["Puskesmas Gamma"] == {
        "label": "Puskesmas Gamma",
        "total": 9,
        "short": 9,
        "missing_jp": 9 * minimum,
    }
    # A's 4 is small; B's 7 is hidden too, or the total 20 would give A's back.
    assert units["Pustu Alpha"]["total"] is None and units["Pustu Alpha"]["short"] is None
    assert units["Pustu Alpha"]["missing_jp"] is None
    assert units["Pustu Beta"]["total"] == PROTECTED == units["Pustu Beta"]["short"]
    assert units["Pustu Beta"]["missing_jp"] is None

    performance = figures["performance"]
    assert performance["total"]["counts"] == [3, 10, 0, 0, 0]
    reviews = _by_label(performance["by_unit"])
    # Sangat Baik: C's 3 is small and A's 0 is hidden with it (the column's total 3 is shown);
    # Baik: A's 4 is small, so C's 6 goes too.
    assert reviews["Pustu Alpha"]["counts"] == [PROTECTED, None, 0, 0, 0]
    assert reviews["Puskesmas Gamma"]["counts"] == [None, PROTECTED, 0, 0, 0]

    ikm = _by_label(figures["ikm"]["by_unit"])
    assert figures["ikm"]["period"] == "Semester uji"
    assert ikm["Pustu Alpha"]["respondents"] == 5
    assert Decimal(str(ikm["Pustu Alpha"]["value"])) == Decimal("75.00")  # 3 x 25
    assert ikm["Pustu Beta"] == {
        "label": "Pustu Beta",
        "respondents": None,
        "value": None,
        "grade": None,
    }

    [sector] = figures["answers"]["by_sector"]
    assert (sector["topics"], sector["answered"], sector["median_days"]) == (2, 2, 3.0)


def test_it_shows_the_change_against_the_previous_months_report(world):
    month = world["month"]
    slug = world["c"].kelurahan.slug
    LeadershipReport.objects.create(
        kind=Kind.MONTH,
        month=month - relativedelta(months=1),
        generated_at=timezone.now(),
        figures={
            "as_of": "2026-01-01",
            "staffing": {
                "by_kelurahan": [{"key": slug, "shortage": 8}],
                "by_sector": [],
                "total": {"shortage": 9},
            },
        },
    )
    staffing = build_figures(kind=Kind.MONTH, month=month)["staffing"]
    row = next(r for r in staffing["by_kelurahan"] if r["key"] == slug)
    assert (row["previous_shortage"], row["change"]) == (8, -3)
    assert staffing["total"]["change"] == -2
    with translation.override("en"):
        reading = staffing_reading(staffing)
    assert reading == (
        f"The largest shortage is in Kelurahan {world['c'].kelurahan.name}: 5 positions short. "
        "In all 7 positions short, 2 fewer than in the previous report."
    )


def test_it_hides_counts_below_the_threshold_and_shows_the_threshold_itself(settings):
    settings.OPEN_DATA_MIN_CELL = 5
    assert [cell(n) for n in (0, 1, 4, 5, 6)] == [0, None, None, 5, 6]
    assert protect_table([[5], [9]], column_totals=True) == ([[5], [9]], set())
    # With a total published, a lone hidden cell takes the next smallest with it, a zero last.
    assert protect_table([[4], [5], [9]], column_totals=True) == ([[None], [PROTECTED], [9]], set())
    assert protect_table([[4], [3], [9]], column_totals=True) == ([[None], [None], [9]], set())
    assert protect_table([[4], [0], [9]], column_totals=True)[0] == [[None], [0], [PROTECTED]]
    assert protect_table([[4, 0]], row_totals=True)[0] == [[None, PROTECTED]]
    # A line of one cell cannot be protected: its total must go.
    assert protect_table([[4]], column_totals=True) == ([[None]], {("column", 0)})
    settings.OPEN_DATA_MIN_CELL = 3
    assert [cell(n) for n in (2, 3)] == [None, 3]


def test_it_lists_a_period_reports_formations_through_the_small_cell_rule(world):
    figures = build_figures(kind=Kind.PERIOD, period=world["period"])
    [formation] = figures["recruitment"]["formations"]
    assert formation["quota"] == 2
    assert [formation[k] for k in ("finalised", "eligible", "not_eligible", "appointed")] == [
        None,
        None,
        None,
        0,
    ]
    [period] = figures["recruitment"]["periods"]
    assert "finalised_in_month" not in period
    # One formation: the period's totals would be its counts.
    assert (period["quota"], period["finalised"], period["appointed"]) == (2, None, 0)


def test_it_draws_the_pdf_and_writes_the_xlsx(world, hr):
    report = generate_report(Kind.MONTH, month=world["month"], user=hr)

    drawn = draw_pdf(report.pdf.read(), name="leadership-report")
    assert drawn.is_size(A4)
    assert drawn.pages >= 2
    assert "Puskesmas Gamma" in drawn.text and world["c"].kelurahan.name in drawn.text
    assert "<5" in drawn.text
    # Not a blank page: the letterhead, tables and charts leave ink on it.
    assert drawn.pixels_near((255, 255, 255), tolerance=10) < drawn.image.width * drawn.image.height
    assert drawn.pixels_near((0, 0, 0), tolerance=60) > 2000
    for employee_name in Skp.objects.values_list("employee__full_name", flat=True):
        assert employee_name not in drawn.text

    book = openpyxl.load_workbook(io.BytesIO(report.xlsx.read()))
    with translation.override("id"):
        expected = [s.sheet for s in sections(report.figures)]
    assert book.sheetnames[1:] == expected
    for name in expected:
        sheet = book[name]
        assert sheet["A1"].value and sheet["A2"].value  # the title and the reading
    staffing = book[expected[0]]
    assert len(staffing._charts) == 1
    labels = [row[0] for row in staffing.iter_rows(values_only=True)]
    assert world["c"].kelurahan.name in labels


def test_hr_generates_lists_and_downloads_a_report(
    world, client_as, hr, settings, django_capture_on_commit_callbacks
):
    register_report_navigation()
    client = client_as(hr)
    page = client.get(reverse("opendata:report_list"))
    assert page.status_code == 200
    assert reverse("opendata:report_list").encode() in page.content  # the menu link
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("opendata:report_generate"),
            {"kind": Kind.PERIOD, "period": world["period"].pk},
        )
    assert response.status_code == 302
    report = LeadershipReport.objects.get(kind=Kind.PERIOD, period=world["period"])
    assert report.generated_by == hr
    listing = client.get(reverse("opendata:report_list"))
    pdf_url = reverse("opendata:report_download", args=[report.pk, "pdf"])
    assert pdf_url.encode() in listing.content
    pdf = client.get(pdf_url)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    xlsx = client.get(reverse("opendata:report_download", args=[report.pk, "xlsx"]))
    assert xlsx.status_code == 200 and "attachment" in xlsx["Content-Disposition"]


def test_it_refuses_a_month_that_has_not_begun(client_as, hr):
    future = timezone.localdate().replace(day=1) + relativedelta(months=1)
    response = client_as(hr).post(
        reverse("opendata:report_generate"), {"kind": Kind.MONTH, "month": f"{future:%Y-%m}"}
    )
    assert response.status_code == 400
    assert not LeadershipReport.objects.exists()


@pytest.mark.parametrize("persona", ["applicant", "employee", "moderator"])
def test_only_hr_reaches_the_reports(persona, request, client_as, client):
    report = LeadershipReport.objects.create(
        kind=Kind.MONTH, month=last_month(), generated_at=timezone.now()
    )
    urls = [
        reverse("opendata:report_list"),
        reverse("opendata:report_download", args=[report.pk, "pdf"]),
    ]
    for url in urls:
        anonymous = client.get(url)
        assert anonymous.status_code == 302 and "login" in anonymous["Location"]
    signed_in = client_as(request.getfixturevalue(persona))
    for url in urls:
        assert signed_in.get(url).status_code == 403
    assert signed_in.post(reverse("opendata:report_generate"), {"kind": "month"}).status_code == 403


def test_the_monthly_task_generates_last_months_report_once(
    world, django_capture_on_commit_callbacks
):
    first = generate_monthly_report()
    old_pdf = LeadershipReport.objects.get().pdf.name
    with django_capture_on_commit_callbacks(execute=True):
        second = generate_monthly_report()
    assert first == second
    report = LeadershipReport.objects.get()
    assert (report.kind, report.month, report.generated_by) == (Kind.MONTH, world["month"], None)
    storage = report.pdf.storage
    assert storage.exists(report.pdf.name) and storage.exists(report.xlsx.name)
    assert report.pdf.name != old_pdf and not storage.exists(old_pdf)  # replaced, not piled up

"""Journey: a PPPK selection from the competency test to the first training. HR imports the
competency test file (a wrong one first), computes the ranking, publishes the final result,
appoints the people who passed, and sees the needs map's staff grow and the places in selection
shrink, and the new employees proposed for the PPPK orientation; the applicant reads their
PPPK result. HR in Bahasa Indonesia, the applicant in English; phone and desktop."""

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.conftest import check_accessibility, html_lang, open_nav, screenshot, sign_in

VIEWPORT = "desktop"  # what CI runs: tests/e2e/conftest.py


def _submit(page, action_part):
    with page.expect_navigation():
        page.locator(f"form[action*='{action_part}'] [type=submit]").first.click()


def _csv(rows):
    return ("\n".join(",".join(str(cell) for cell in row) for row in rows) + "\n").encode()


def _pppk_period_after_appeals(users):
    """Next year's PPPK selection of a position the needs map shows short, at the competency
    test: four applicants (applicant2@ among them) screened MS, the administrative result and
    the result after appeals announced. Returns (period, formation, applications)."""
    from recruitment.models import (
        AdminResult,
        Announcement,
        Application,
        Formation,
        PriorityGroup,
        SelectionPeriod,
    )
    from recruitment.services.periods import period_add_default_documents
    from tests.factories import ApplicantProfileFactory
    from workforce.models import AsnType, PlanningYear
    from workforce.selectors.needs import needs_positions

    today = timezone.localdate()
    position = (
        needs_positions(PlanningYear.objects.get(year=today.year), asn_type=AsnType.PPPK)
        .filter(gap__gte=2)
        .order_by("-gap", "pk")
        .first()
    )
    now = timezone.now()
    period = SelectionPeriod.objects.create(
        name="Seleksi PPPK Kecamatan Rakumpit Tahap II",
        year=today.year + 1,
        procurement_type="PPPK",
        registration_opens_at=now - timedelta(days=40),
        registration_closes_at=now - timedelta(days=20),
        registration_closed=True,
        age_reference_date=today - timedelta(days=20),
        is_published=True,
    )
    period_add_default_documents(period=period)
    formation = Formation.objects.create(
        period=period,
        position=position,
        asn_type="PPPK",
        category="umum",
        quota=2,
        education_level=position.education_level,
        is_published=True,
    )
    siti = users["applicant2"]
    people = [siti] + [
        ApplicantProfileFactory(education_level=position.education_level).user for _ in range(3)
    ]
    applications = []
    for index, user in enumerate(people):
        applications.append(
            Application.objects.create(
                applicant=user,
                period=period,
                formation=formation,
                budget_year=period.year,
                status=Application.Status.SUBMITTED,
                submitted_at=now - timedelta(days=30),
                registration_number=f"PPPK-{period.year}-{index + 1:04d}",
                announced_result=AdminResult.MS,
                priority_group=PriorityGroup.NON_ASN if user == siti else PriorityGroup.UMUM,
                declared_priority_group=(
                    PriorityGroup.NON_ASN if user == siti else PriorityGroup.UMUM
                ),
            )
        )
    for kind in (Announcement.Kind.ADMIN, Announcement.Kind.POST_APPEAL):
        Announcement.objects.create(period=period, kind=kind, published_at=now - timedelta(days=9))
    return period, formation, applications


def _needs_row(page, position_id):
    """(current staff, places in selection) of the position on the needs map."""
    page.goto("/workforce/needs/?asn_type=PPPK&sort=unit")
    row = page.locator(f"tr[data-position='{position_id}']")
    expect(row).to_be_visible()
    current = int(row.locator("td").nth(4).inner_text().strip())
    places = row.locator("[data-in-selection]").inner_text().strip()
    return current, 0 if places in {"–", ""} else int(places)


def test_it_takes_hr_from_the_competency_test_to_the_first_training(
    page, live_server, demo, tmp_path
):
    from recruitment.models import Appointment
    from workforce.models import Employee

    users = demo["users"]
    period, formation, applications = _pppk_period_after_appeals(users)
    siti, *others = applications

    sign_in(page, "hr@demo.rakumpit.go.id")
    assert html_lang(page) == "id"
    before = _needs_row(page, formation.position_id)
    assert before[1] >= 2  # the quota of the running selection is in selection
    page.goto(f"/recruitment/hr/periods/{period.pk}/")
    with page.expect_navigation():
        page.locator(f"a[href$='/hr/periods/{period.pk}/scores/']").first.click()
    check_accessibility(page)

    # A file with an impossible technical score (not a multiple of 5) and one above the maximum
    # of the interview: refused row by row, nothing applied.
    header = ["registration_number", "teknis", "manajerial", "sosiokultural", "wawancara",
              "presence"]  # fmt: skip
    bad = tmp_path / "pppk-bad.csv"
    bad.write_bytes(
        _csv(
            [
                header,
                [siti.registration_number, 383, 80, 70, 30, "present"],
                [others[0].registration_number, 300, 80, 70, 41, "present"],
            ]
        )
    )
    page.locator("input[type=file][name=file]").set_input_files(str(bad))
    _submit(page, "/scores/import/")
    report = page.locator("main").inner_text()
    assert "383" in report and "41" in report
    assert page.locator("form[action$='/apply/']").count() == 0
    screenshot(page, "50-pppk-import-errors-id")

    good = tmp_path / "pppk.csv"
    good.write_bytes(
        _csv(
            [
                header,
                [siti.registration_number, 385, 88, 71, 36, "present"],
                [others[0].registration_number, 400, 90, 75, 38, "present"],
                [others[1].registration_number, 250, 60, 50, 20, "present"],
                [others[2].registration_number, "", "", "", "", "TH"],
            ]
        )
    )
    page.goto(f"/recruitment/hr/periods/{period.pk}/scores/")
    page.locator("input[type=file][name=file]").set_input_files(str(good))
    _submit(page, "/scores/import/")
    _submit(page, "/apply/")
    expect(page.locator(".alert-success").first).to_be_visible()
    page.goto(f"/recruitment/hr/periods/{period.pk}/scores/")
    _submit(page, "/scores/ranking/")
    expect(page.locator(".alert-success").first).to_be_visible()
    page.goto(f"/recruitment/hr/periods/{period.pk}/scores/merit/")
    merit = page.locator("main").inner_text()
    assert siti.registration_number in merit
    check_accessibility(page)
    screenshot(page, "51-pppk-merit-list-id")

    page.goto(f"/recruitment/hr/periods/{period.pk}/announcements/")
    form = page.locator("form[action$='/announcements/final/publish/']")
    form.locator("input[name=confirm]").check()
    with page.expect_navigation():
        form.locator("[type=submit]").click()
    expect(page.locator(".alert-success").first).to_be_visible()

    # Appoint the two who passed: Siti (non-ASN, first by priority) and the best general one.
    page.goto(f"/recruitment/hr/periods/{period.pk}/")
    with page.expect_navigation():
        page.locator(f"a[href$='/hr/periods/{period.pk}/appointments/']").first.click()
    check_accessibility(page)
    # After the final result: quota 2, two passed, none appointed yet.
    cells = page.locator(f"[data-places] tr[data-formation='{formation.pk}'] td")
    assert [cells.nth(i).inner_text().strip() for i in range(4)] == ["2", "2", "0", "2"]
    tmt = (timezone.localdate() + timedelta(days=30)).isoformat()
    page.locator("input[name=tmt]").fill(tmt)
    for application in (siti, others[0]):
        page.locator(f"#tick-{application.pk}").check()
    screenshot(page, "52-pppk-appointments-id")
    with page.expect_navigation():
        page.locator("#appoint-form [type=submit]").click()
    expect(page.locator(".alert-success").first).to_be_visible()
    assert Appointment.objects.filter(formation=formation, status="appointed").count() == 2
    employee = Employee.objects.get(user=users["applicant2"])
    assert employee.position_id == formation.position_id and employee.asn_type == "PPPK"

    after = _needs_row(page, formation.position_id)
    assert after[0] == before[0] + 2
    # The two places of this selection are filled (other selections of the position may still
    # count theirs).
    assert after[1] == before[1] - 2
    screenshot(page, "53-needs-map-after-appointment-id")

    open_nav(page, "Pelatihan pertama")
    page.wait_for_url("**/training/hr/onboarding/")
    proposals = page.locator("[data-onboarding]").inner_text()
    assert employee.full_name in proposals
    assert "Orientasi PPPK" in proposals
    check_accessibility(page)
    screenshot(page, "54-onboarding-proposal-id")

    sign_in(page, "applicant2@demo.rakumpit.go.id")
    with page.expect_navigation():
        page.get_by_role("button", name="English").click()
    assert html_lang(page) == "en"
    page.goto(f"/recruitment/applications/{siti.pk}/")
    panel = page.locator("section[aria-labelledby=exam-result-heading]")
    expect(panel).to_contain_text("Technical")
    expect(panel).to_contain_text("385")
    expect(panel).to_contain_text("Passed")
    check_accessibility(page)
    screenshot(page, "55-applicant-pppk-result-en")

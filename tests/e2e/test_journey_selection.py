"""Journey 3: the selection committee's work. A verifier screens an application MS/TMS and HR
announces the administrative result, which the applicant then reads with the reason; an
applicant in the appeal window sends a sanggah and HR accepts it; HR imports SKD and SKB score
files (a bad one first), computes the ranking and publishes the results, which the public reads
by registration number and the applicant reads with the explanation. Phone and desktop;
Bahasa Indonesia, with the score pages in English."""

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.conftest import check_accessibility, html_lang, open_nav, screenshot, sign_in

VIEWPORT = "desktop"  # what CI runs: tests/e2e/conftest.py


def _submit(page, action_part):
    with page.expect_navigation():
        page.locator(f"form[action*='{action_part}'] [type=submit]").first.click()


def _open_period_for_screening(users):
    """The open period's registration ends now; the other finalised applications are already
    screened MS, so the demo applicant's is the last one in the verifier's queue."""
    from recruitment.models import AdminResult, Application, PeriodAssignment
    from recruitment.services.screening import CheckInput, screening_save

    mine = Application.objects.get(applicant=users["applicant"], period__registration_closed=False)
    period = mine.period
    type(period).objects.filter(pk=period.pk).update(
        registration_closes_at=timezone.now() - timedelta(minutes=5), registration_closed=True
    )
    PeriodAssignment.objects.get_or_create(
        period=period, user=users["verifier"], duty=PeriodAssignment.Duty.VERIFIER
    )
    for application in Application.objects.filter(period=period, status="submitted").exclude(
        pk=mine.pk
    ):
        checks = [
            CheckInput(requirement.pk, AdminResult.MS)
            for requirement in application.formation.required_documents.all()
        ]
        screening_save(application=application, actor=users["hr"], checks=checks)
    return mine


def test_it_takes_a_verifier_and_hr_from_screening_to_the_announced_result(page, live_server, demo):
    users = demo["users"]
    mine = _open_period_for_screening(users)

    sign_in(page, "verifier@demo.rakumpit.go.id")
    assert html_lang(page) == "id"
    open_nav(page, "Verifikasi")
    page.wait_for_url("**/recruitment/screening/")
    check_accessibility(page)
    with page.expect_navigation():
        page.get_by_role("link", name=mine.period.name, exact=True).click()
    with page.expect_navigation():
        page.locator(f"a[href$='/screening/formations/{mine.formation_id}/']").first.click()
    check_accessibility(page)
    screenshot(page, "30-screening-queue-id")
    with page.expect_navigation():
        page.get_by_role("link", name=mine.registration_number).click()
    check_accessibility(page)

    required = list(mine.formation.required_documents.order_by("order"))
    ijazah = next(req for req in required if req.slug == "ijazah")
    # TMS without a reason is refused and nothing typed is lost.
    for requirement in required:
        page.locator(f"input[name='result_{requirement.pk}'][value='MS']").check()
    page.locator(f"input[name='result_{ijazah.pk}'][value='TMS']").check()
    page.locator(f"[name='note_{ijazah.pk}']").fill("Nama pada ijazah tidak sama dengan KTP.")
    _submit(page, "/screening/applications/")
    assert page.locator(f"[name='note_{ijazah.pk}']").input_value() == (
        "Nama pada ijazah tidak sama dengan KTP."
    )
    assert page.locator(f"input[name='result_{ijazah.pk}'][value='TMS']").is_checked()
    expect(page.locator(".invalid-feedback, .alert-danger").first).to_be_visible()
    page.locator(f"select[name='reason_{ijazah.pk}']").select_option(
        label="Nama pada KTP dan ijazah berbeda"
    )
    _submit(page, "/screening/applications/")
    expect(page.get_by_text("TMS").first).to_be_visible()
    check_accessibility(page)
    screenshot(page, "31-screening-application-id")

    sign_in(page, "hr@demo.rakumpit.go.id")
    page.goto(f"/recruitment/hr/periods/{mine.period_id}/")
    check_accessibility(page)
    with page.expect_navigation():
        page.locator(f"a[href$='/hr/periods/{mine.period_id}/announcements/']").first.click()
    check_accessibility(page)
    form = page.locator("form[action$='/announcements/admin/publish/']")
    form.locator("input[name=confirm]").check()
    with page.expect_navigation():
        form.locator("[type=submit]").click()
    expect(page.locator(".alert-success").first).to_be_visible()
    screenshot(page, "32-announcements-hr-id")

    # The public announcement: registration numbers and results, no names.
    page.context.clear_cookies()
    page.goto(f"/recruitment/announcements/periods/{mine.period_id}/")
    with page.expect_navigation():
        page.locator("main a[href^='/recruitment/announcements/']").first.click()
    body = page.locator("main").inner_text()
    assert mine.registration_number in body
    assert users["applicant"].full_name not in body
    assert mine.applicant.applicant_profile.nik not in body
    check_accessibility(page)
    screenshot(page, "33-announcement-public-id")

    sign_in(page, "applicant@demo.rakumpit.go.id")
    page.goto(f"/recruitment/applications/{mine.pk}/")
    result = page.locator("[data-announced-result]")
    assert "TMS" in result.inner_text()
    checks = page.locator("[data-announced-checks]").inner_text()
    assert "Nama pada KTP dan ijazah berbeda" in checks
    assert "Nama pada ijazah tidak sama dengan KTP." in checks
    check_accessibility(page)
    screenshot(page, "34-applicant-result-id")


def test_it_takes_an_appeal_from_the_applicant_to_hrs_answer(page, live_server, demo):
    from recruitment.models import Application

    mine = Application.objects.get(applicant=demo["users"]["applicant3"])
    sign_in(page, "applicant3@demo.rakumpit.go.id")
    open_nav(page, "Lamaran saya")
    with page.expect_navigation():
        page.locator(f"main a[href='/recruitment/applications/{mine.pk}/']").first.click()
    assert "TMS" in page.locator("[data-announced-result]").inner_text()
    check_accessibility(page)
    with page.expect_navigation():
        page.locator(f"a[href$='/applications/{mine.pk}/appeal/']").click()
    check_accessibility(page)
    # Without the statement ticked, the appeal is refused and the reason is kept.
    page.locator("input[name=documents]").first.check()
    page.locator("textarea[name=reason]").fill("Ijazah saya atas nama yang sama dengan KTP.")
    page.locator("form[method=post] [type=submit]").last.click()
    assert page.locator("input[name=confirm]:invalid").count() == 1
    assert page.locator("textarea[name=reason]").input_value() == (
        "Ijazah saya atas nama yang sama dengan KTP."
    )
    page.locator("input[name=confirm]").check()
    with page.expect_navigation():
        page.locator("form[method=post] [type=submit]").last.click()
    expect(page.locator("[data-appeal]")).to_be_visible()
    screenshot(page, "35-appeal-sent-id")

    sign_in(page, "hr@demo.rakumpit.go.id")
    page.goto(f"/recruitment/hr/periods/{mine.period_id}/appeals/")
    check_accessibility(page)
    with page.expect_navigation():
        page.locator(f"a[href$='/hr/appeals/{mine.appeal.pk}/']").first.click()
    check_accessibility(page)
    page.locator("input[name=decision][value=accept]").check()
    page.locator("textarea[name=answer]").fill("Diperiksa ulang: nama pada ijazah sesuai KTP.")
    with page.expect_navigation():
        page.locator("form[method=post] [type=submit]").last.click()
    expect(page.locator(".alert-success").first).to_be_visible()
    screenshot(page, "36-appeal-answered-id")

    sign_in(page, "applicant3@demo.rakumpit.go.id")
    page.goto(f"/recruitment/applications/{mine.pk}/")
    appeal = page.locator("[data-appeal]").inner_text()
    assert "Diperiksa ulang: nama pada ijazah sesuai KTP." in appeal


def _appeal_period_after_appeals(users):
    """Move the appeal-window period on by two weeks: its appeals answered, the result after
    appeals published, exam sessions assigned. Returns the period."""
    from datetime import time

    from recruitment.models import Announcement, Appeal, Application
    from recruitment.services.announcements import announcement_publish
    from recruitment.services.appeals import appeal_answer, appeal_submit
    from recruitment.services.exams import exam_session_create, exam_sessions_assign

    mine = Application.objects.get(applicant=users["applicant3"])
    period = mine.period
    earlier = timezone.now() - timedelta(days=14)
    Announcement.objects.filter(period=period).update(published_at=earlier)
    appeal_submit(
        application=mine,
        user=users["applicant3"],
        requirement_ids=mine.document_checks.filter(announced_result="TMS").values_list(
            "requirement_id", flat=True
        ),
        reason="Nama pada ijazah sama dengan KTP.",
        confirmed=True,
        now=earlier + timedelta(days=1, hours=1),
    )
    for appeal in Appeal.objects.filter(application__period=period, status="pending"):
        appeal_answer(
            appeal=appeal,
            actor=users["hr"],
            accept=True,
            answer="Diterima.",
            now=earlier + timedelta(days=2),
            notify=False,
        )
    announcement_publish(
        period=period, kind="post_appeal", actor=users["hr"], now=earlier + timedelta(days=11)
    )
    exam_session_create(
        period=period,
        name="Sesi 1",
        location="UPT BKN Palangka Raya",
        address="Jl. Tjilik Riwut Km 5",
        date=timezone.localdate() - timedelta(days=1),
        starts_at=time(8),
        ends_at=time(10),
        capacity=200,
    )
    exam_sessions_assign(period=period, actor=users["hr"], notify=False)
    return period


def _csv(rows):
    return ("\n".join(",".join(str(cell) for cell in row) for row in rows) + "\n").encode()


def test_it_takes_hr_from_score_files_to_the_published_ranking(page, live_server, demo, tmp_path):
    from recruitment.models import Application

    users = demo["users"]
    period = _appeal_period_after_appeals(users)
    participants = list(
        Application.objects.filter(period=period, announced_result="MS").order_by(
            "registration_number"
        )
    )
    mine = Application.objects.get(applicant=users["applicant3"])
    assert mine in participants

    sign_in(page, "hr@demo.rakumpit.go.id")
    with page.expect_navigation():
        page.get_by_role("button", name="English").click()
    assert html_lang(page) == "en"
    page.goto(f"/recruitment/hr/periods/{period.pk}/")
    with page.expect_navigation():
        page.locator(f"a[href$='/hr/periods/{period.pk}/scores/']").first.click()
    check_accessibility(page)

    # A file with an out-of-range TWK and an unknown number: refused row by row, nothing applied.
    bad = tmp_path / "skd-bad.csv"
    bad.write_bytes(
        _csv(
            [
                ["registration_number", "twk", "tiu", "tkp", "presence"],
                [participants[0].registration_number, 151, 100, 170, "present"],
                ["RKP-0000-999999", 80, 100, 170, "present"],
            ]
        )
    )
    page.locator("select[name=kind]").select_option("skd")
    page.locator("input[type=file][name=file]").set_input_files(str(bad))
    _submit(page, "/scores/import/")
    report = page.locator("main").inner_text()
    assert "151 is above the maximum of 150." in report
    assert "Unknown registration number in this selection period." in report
    assert page.locator("form[action$='/apply/']").count() == 0
    check_accessibility(page)
    screenshot(page, "37-score-import-errors-en")

    skd = [["registration_number", "twk", "tiu", "tkp", "presence"]]
    for index, application in enumerate(participants):
        best = application == mine
        # TWK and TIU are multiples of 5: 5 points per correct answer.
        skd.append([application.registration_number, 120 if best else 70 + 5 * (index % 8),
                    150 if best else 85 + 5 * (index % 10), 200 if best else 166 + index % 30,
                    "present"])  # fmt: skip
    good = tmp_path / "skd.csv"
    good.write_bytes(_csv(skd))
    page.goto(f"/recruitment/hr/periods/{period.pk}/scores/")
    page.locator("select[name=kind]").select_option("skd")
    page.locator("input[type=file][name=file]").set_input_files(str(good))
    _submit(page, "/scores/import/")
    _submit(page, "/apply/")
    expect(page.locator(".alert-success").first).to_be_visible()
    page.goto(f"/recruitment/hr/periods/{period.pk}/scores/")
    _submit(page, "/scores/ranking/")
    expect(page.locator(".alert-success").first).to_be_visible()

    ranked_in = Application.objects.filter(period=period, exam_result__skd_code="P/L")
    skb = [["registration_number", "skb", "presence"]]
    skb += [[app.registration_number, 450 if app == mine else 300, "present"] for app in ranked_in]
    skb_file = tmp_path / "skb.csv"
    skb_file.write_bytes(_csv(skb))
    page.goto(f"/recruitment/hr/periods/{period.pk}/scores/")
    page.locator("select[name=kind]").select_option("skb")
    page.locator("input[type=file][name=file]").set_input_files(str(skb_file))
    _submit(page, "/scores/import/")
    _submit(page, "/apply/")
    page.goto(f"/recruitment/hr/periods/{period.pk}/scores/")
    _submit(page, "/scores/ranking/")
    page.goto(f"/recruitment/hr/periods/{period.pk}/scores/merit/")
    assert mine.registration_number in page.locator("main").inner_text()
    check_accessibility(page)
    screenshot(page, "38-merit-list-en")

    page.goto(f"/recruitment/hr/periods/{period.pk}/announcements/")
    for kind in ("skd", "final"):
        form = page.locator(f"form[action$='/announcements/{kind}/publish/']")
        form.locator("input[name=confirm]").check()
        with page.expect_navigation():
            form.locator("[type=submit]").click()
        expect(page.locator(".alert-success").first, kind).to_be_visible()

    page.context.clear_cookies()
    page.goto(f"/recruitment/announcements/periods/{period.pk}/")
    with page.expect_navigation():
        page.locator("main a[href^='/recruitment/announcements/']").last.click()
    body = page.locator("main").inner_text()
    assert mine.registration_number in body
    assert users["applicant3"].full_name not in body
    check_accessibility(page)
    screenshot(page, "39-final-ranking-public-id")

    sign_in(page, "applicant3@demo.rakumpit.go.id")
    page.goto(f"/recruitment/applications/{mine.pk}/")
    panel = page.locator("section[aria-labelledby=exam-result-heading]")
    expect(panel).to_be_visible()
    check_accessibility(page)
    screenshot(page, "40-applicant-ranking-id")

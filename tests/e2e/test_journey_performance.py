"""Journey: the supervisor evaluates the demo employee (a low predikat opens a coaching plan),
the employee objects in Bahasa Indonesia, HR resolves it. Phone and desktop, with axe checks.

Elements of this app are found by their names and addresses, not their words, so the journey
holds whether or not the Indonesian catalogue has the new strings yet; the words checked are the
official predikat names, which are the same in both languages."""

from playwright.sync_api import expect

from performance import demo as performance_demo
from performance.models import Checkpoint, CoachingPlan, Review, Skp
from tests.e2e.conftest import check_accessibility, html_lang, screenshot, sign_in

VIEWPORT = "desktop"  # what CI runs: tests/e2e/conftest.py


def test_it_takes_a_review_from_evaluation_through_objection_to_resolution(page, live_server, demo):
    users = demo["users"]
    performance_demo.seed(users)
    skp = Skp.objects.get(
        employee__user=users["employee"],
        cycle__year=Checkpoint.objects.latest("cycle__year").cycle.year,
    )
    q3 = Checkpoint.objects.get(cycle=skp.cycle, kind="periodic", number=3)

    # The supervisor sees the team, then rates every indicator and value below expectation.
    sign_in(page, "supervisor@demo.rakumpit.go.id")
    page.goto("/performance/team/")
    assert page.locator(f"a[href='{skp.get_absolute_url()}']").count() == 1
    check_accessibility(page)
    page.goto(f"/performance/skp/{skp.pk}/review/{q3.pk}/")
    check_accessibility(page)
    selects = page.locator("form select")
    for i in range(selects.count()):
        selects.nth(i).select_option("below")
    page.locator("#id_feedback").fill("Target layanan belum tercapai.")
    page.locator("#id_development_plan").fill(
        "Pendampingan mingguan dan pelatihan pelayanan prima."
    )
    with page.expect_navigation():
        page.locator("input[name=preview]").click()
    # The predikat is shown first; nothing is final until the supervisor confirms.
    assert Review.objects.get(skp=skp, checkpoint=q3).status == "draft"
    expect(page.get_by_test_id("predikat-preview")).to_contain_text("Sangat Kurang")
    with page.expect_navigation():
        page.locator("form:has(input[name=version]) button[type=submit]").click()
    review = Review.objects.get(skp=skp, checkpoint=q3)
    assert page.url.endswith(review.get_absolute_url())
    assert review.predikat == "sangat_kurang"
    expect(page.get_by_text("Sangat Kurang").first).to_be_visible()
    plan = CoachingPlan.objects.get(review=review)
    assert page.locator(f"a[href='{plan.get_absolute_url()}']").count() == 1
    check_accessibility(page)
    screenshot(page, "40-review-final")

    # The employee, in Bahasa Indonesia, sees the review and files an objection.
    sign_in(page, "employee@demo.rakumpit.go.id")
    page.goto("/performance/")
    assert html_lang(page) == "id"
    check_accessibility(page)
    page.goto(review.get_absolute_url())
    with page.expect_navigation():
        page.locator(f"a[href='/performance/reviews/{review.pk}/object/']").click()
    check_accessibility(page)
    page.locator("#id_reasons").fill("Bukti kunjungan rumah belum dinilai.")
    with page.expect_navigation():
        page.locator("input[name=object]").click()
    assert page.url.endswith(review.get_absolute_url())
    expect(page.get_by_text("Bukti kunjungan rumah belum dinilai.")).to_be_visible()
    page.goto(plan.get_absolute_url())
    check_accessibility(page)

    # HR resolves it: upheld, the results are corrected to "meets" (Kurang/Misconduct stays low).
    sign_in(page, "hr@demo.rakumpit.go.id")
    page.goto("/performance/objections/")
    check_accessibility(page)
    with page.expect_navigation():
        page.locator(f"a[href='/performance/reviews/{review.pk}/resolve/']").click()
    check_accessibility(page)
    page.locator("#id_hasil_kerja").select_option("meets")
    page.locator("#id_perilaku").select_option("meets")
    page.locator("#id_reason").fill("Bukti tambahan diterima.")
    with page.expect_navigation():
        page.locator("input[name=uphold]").click()
    review.refresh_from_db()
    assert (review.status, review.predikat) == ("resolved", "baik")
    expect(page.get_by_text("Baik").first).to_be_visible()
    check_accessibility(page)
    page.goto("/performance/dashboard/")
    check_accessibility(page)
    screenshot(page, "41-performance-dashboard")

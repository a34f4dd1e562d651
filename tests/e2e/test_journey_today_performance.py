"""Journey: from the Today page to a written, confirmed review and back.

The demo supervisor signs in and lands on Today, follows the task "Review of <employee>" for
the third quarter, rates, sees the predikat the matrix gives on the preview, goes back (what
they typed is kept), then confirms. The demo employee signs in, lands on Today, follows "Confirm
your review" and acknowledges it. On a phone (390 x 844) and a desktop, in Bahasa Indonesia and
in English (the accounts' saved language), with axe on every page.

Elements are found by their addresses and data attributes, not their words, so the journey
holds whether or not the Indonesian catalogue has the new strings yet."""

import pytest
from playwright.sync_api import expect

from accounts.models import User
from performance.models import Checkpoint, PredikatRule, Review, Skp
from performance.selectors.today import reviews_to_write
from performance.services import reviews as review_services
from tests.e2e.conftest import check_accessibility, html_lang, screenshot, sign_in
from tests.performance.factories import ratings

TODAY = "/accounts/today/"


def _write_the_other_reviews(supervisor, skp, checkpoint):
    """The supervisor has written the team's other overdue reviews already: the demo
    employee's one is what remains on Today (the page shows the first few of a long list)."""
    for row in reviews_to_write(supervisor):
        if (row["skp"]["pk"], row["checkpoint"].pk) == (skp.pk, checkpoint.pk):
            continue
        other = Skp.objects.get(pk=row["skp"]["pk"])
        review_services.review_save(
            skp=other,
            checkpoint=row["checkpoint"],
            data=ratings(other),
            user=supervisor,
            finalise=True,
        )
    assert [(r["skp"]["pk"], r["checkpoint"].pk) for r in reviews_to_write(supervisor)] == [
        (skp.pk, checkpoint.pk)
    ]


@pytest.mark.parametrize("language", ["id", "en"])
def test_a_review_goes_from_a_today_task_to_the_employees_confirmation(
    page, live_server, demo, language
):
    users = demo["users"]
    User.objects.filter(pk__in=[users["supervisor"].pk, users["employee"].pk]).update(
        preferred_language=language
    )
    skp = Skp.objects.get(
        employee__user=users["employee"],
        cycle__year=Checkpoint.objects.latest("cycle__year").cycle.year,
    )
    q3 = Checkpoint.objects.get(cycle=skp.cycle, kind="periodic", number=3)
    edit_url = f"/performance/skp/{skp.pk}/review/{q3.pk}/"
    _write_the_other_reviews(users["supervisor"], skp, q3)
    shot = f"today-performance-{language}"

    # The supervisor lands on Today, where the review waits with its due date.
    sign_in(page, "supervisor@demo.rakumpit.go.id")
    assert page.url.endswith(TODAY)
    assert html_lang(page) == language
    task = page.locator(f"[data-section=performance-reviews] a[href='{edit_url}']")
    expect(task).to_be_visible()
    check_accessibility(page)
    screenshot(page, f"{shot}-01-supervisor-today")
    with page.expect_navigation():
        task.click()
    assert page.url.endswith(edit_url)
    check_accessibility(page)

    # Every rating "meets", then the preview: the matrix's predikat, nothing final yet.
    selects = page.locator("form select")
    for i in range(selects.count()):
        selects.nth(i).select_option("meets")
    page.locator("#id_feedback").fill("Pelayanan sesuai standar; laporan tepat waktu.")
    with page.expect_navigation():
        page.locator("input[name=preview]").click()
    assert page.url.endswith(f"{edit_url}confirm/")
    review = Review.objects.get(skp=skp, checkpoint=q3)
    assert review.status == Review.Status.DRAFT and review.predikat == ""
    expected = PredikatRule.objects.get(hasil_kerja="meets", perilaku="meets")
    expect(page.get_by_test_id("predikat-preview")).to_contain_text("Baik")
    assert expected.predikat == "baik"
    check_accessibility(page)
    screenshot(page, f"{shot}-02-predikat-preview")

    # Back to the ratings: what was typed is still there.
    with page.expect_navigation():
        page.locator(f"a[href='{edit_url}']").last.click()
    expect(page.locator("#id_feedback")).to_have_value(
        "Pelayanan sesuai standar; laporan tepat waktu."
    )
    expect(page.locator("#id_hasil_kerja")).to_have_value("meets")
    with page.expect_navigation():
        page.locator("input[name=preview]").click()

    # Confirmed: final and shared with the employee.
    with page.expect_navigation():
        page.locator("form:has(input[name=version]) button[type=submit]").click()
    review.refresh_from_db()
    assert (review.status, review.predikat) == (Review.Status.FINAL, "baik")
    assert page.url.endswith(review.get_absolute_url())
    check_accessibility(page)

    # The employee lands on Today, where the review waits for their confirmation.
    sign_in(page, "employee@demo.rakumpit.go.id")
    assert page.url.endswith(TODAY)
    assert html_lang(page) == language
    confirm = page.locator(
        f"[data-section=performance-confirm] a[href='{review.get_absolute_url()}']"
    )
    expect(confirm).to_be_visible()
    check_accessibility(page)
    screenshot(page, f"{shot}-03-employee-today")
    with page.expect_navigation():
        confirm.click()
    check_accessibility(page)
    with page.expect_navigation():
        page.locator(f"form[action='/performance/reviews/{review.pk}/acknowledge/'] button").click()
    review.refresh_from_db()
    assert review.status == Review.Status.ACKNOWLEDGED
    page.goto(TODAY)
    assert (
        page.locator(
            f"[data-section=performance-confirm] a[href='{review.get_absolute_url()}']"
        ).count()
        == 0
    )
    check_accessibility(page)


def test_the_dashboard_opens_on_data_and_its_charts_read_on_a_phone(page, live_server, demo):
    """HR's dashboard opens on the latest checkpoint with reviews, names its empty filter
    choice, and its charts' smallest text renders at 12 px or more (the phone gets a chart
    drawn for its width)."""
    import re

    sign_in(page, "hr@demo.rakumpit.go.id")
    page.goto("/performance/dashboard/")
    latest = (
        Checkpoint.objects.filter(reviews__status__in=["final", "acknowledged", "objected"])
        .order_by("-period_end")
        .first()
    )
    expect(page.locator("main")).to_contain_text(str(latest.number))
    assert page.locator("#id_checkpoint option").first.inner_text() != "---------"
    check_accessibility(page)
    charts = page.locator("picture img")
    assert charts.count() == 2
    for i in range(charts.count()):
        chart = charts.nth(i)
        chart.scroll_into_view_if_needed()
        page.wait_for_function(
            "img => img.complete && img.naturalWidth > 0", arg=chart.element_handle()
        )
        source = chart.evaluate("img => img.currentSrc")
        svg = page.request.get(source).text()
        drawn = float(re.search(r'viewBox="0 0 ([\d.]+) ', svg).group(1))
        smallest = min(float(s) for s in re.findall(r"font-size:\s*([\d.]+)px", svg))
        shown = chart.bounding_box()["width"]
        assert smallest * shown / drawn >= 12, (page.viewport_name, source, shown, drawn)
    screenshot(page, "today-performance-04-dashboard")

"""Journey: one status, put first. An applicant whose application was found TMS, with the appeal
window open, signs in and lands on their own page: the status as announced, the reason, the
sanggah with its deadline and the time left. The application page opens with the outcome card
(the sanggah at the top, the documents folded away below). Phone and desktop, Bahasa Indonesia
and English, axe clean, nothing wider than the screen."""

from playwright.sync_api import expect

from tests.e2e.conftest import check_accessibility, html_lang, screenshot, sign_in

NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= document.documentElement.clientWidth"


def _fits(page):
    assert page.evaluate(NO_SIDEWAYS_SCROLL), f"{page.url} scrolls sideways"


def test_it_puts_the_tms_reason_and_the_sanggah_first(page, live_server, demo):
    from recruitment.models import Application

    mine = Application.objects.get(applicant=demo["users"]["applicant3"])
    detail_url = f"/recruitment/applications/{mine.pk}/"
    appeal_url = f"{detail_url}appeal/"

    sign_in(page, "applicant3@demo.rakumpit.go.id")
    # Landed on their own page, not the home page.
    assert page.url.endswith("/recruitment/applications/"), page.url
    assert html_lang(page) == "id"
    card = page.locator(f"[data-application='{mine.pk}']")
    expect(card.locator("[data-status='tms']")).to_have_text("Tidak memenuhi syarat (TMS)")
    expect(card.get_by_text("Nama pada KTP dan ijazah berbeda", exact=False)).to_be_visible()
    expect(card.locator("[data-next-step='appeal'] [data-deadline]")).to_be_visible()
    expect(card.locator(f"[data-next-step='appeal'] a[href='{appeal_url}']")).to_be_visible()
    _fits(page)
    check_accessibility(page)
    screenshot(page, "60-my-applications-tms-id")

    with page.expect_navigation():
        card.locator(f"h2 a[href='{detail_url}']").click()
    outcome = page.locator("[data-outcome]")
    expect(outcome.locator("[data-status-header] [data-status='tms']")).to_have_text(
        "Tidak memenuhi syarat (TMS)"
    )
    expect(outcome.get_by_text("Nama pada KTP dan ijazah berbeda", exact=False)).to_be_visible()
    sanggah = outcome.locator(f"a[href='{appeal_url}']")
    expect(sanggah).to_be_visible()
    # The sanggah comes before any other card, within the first screens of a phone; the
    # documents are folded away under one line, and there is one sanggah button on the page.
    documents = page.locator("details[data-documents]")
    assert not documents.evaluate("el => el.open")
    assert sanggah.bounding_box()["y"] < documents.bounding_box()["y"]
    assert sanggah.bounding_box()["y"] < 2 * page.viewport_size["height"]
    assert page.locator(f"a[href='{appeal_url}']").count() == 1
    _fits(page)
    check_accessibility(page)
    screenshot(page, "61-application-outcome-tms-id")

    # The documents open on demand, still without sideways scrolling.
    documents.locator("summary").click()
    expect(documents.locator(".document-slot").first).to_be_visible()
    _fits(page)

    with page.expect_navigation():
        page.get_by_role("button", name="English").click()
    assert html_lang(page) == "en"
    outcome = page.locator("[data-outcome]")
    expect(outcome.locator("[data-status='tms']")).to_have_text(
        "Does not meet the requirements (TMS)"
    )
    expect(outcome.get_by_role("link", name="Send an appeal (sanggah)")).to_be_visible()
    _fits(page)
    check_accessibility(page)
    screenshot(page, "62-application-outcome-tms-en")

    page.goto("/recruitment/applications/")
    card = page.locator(f"[data-application='{mine.pk}']")
    expect(card.locator("[data-status='tms']")).to_have_text("Does not meet the requirements (TMS)")
    expect(card.locator("[data-deadline]")).to_contain_text("closes in")
    _fits(page)
    check_accessibility(page)
    screenshot(page, "63-my-applications-tms-en")

"""Journey: help where people get stuck. A visitor finds the help of a selection from the vacancy
list (how to apply, the document sizes of that selection, the codes, the committee's e-mail and
WhatsApp number) and the accessibility statement from the footer, in Bahasa Indonesia and in
English. Then applicant3, TMS with the appeal window open, finds the committee's contact on her
application and adds her dates to her calendar: the .ics file holds her appeal window in UTC.
Phone and desktop, axe clean and no sideways scrolling on every page."""

import icalendar
from playwright.sync_api import expect

from tests.e2e.conftest import check_accessibility, html_lang, screenshot, sign_in


def _check(page, name):
    check_accessibility(page)
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{page.url} scrolls sideways: {widths}"
    screenshot(page, name)


def _follow(page, locator):
    with page.expect_navigation():
        locator.click()


def _language(page, code):
    """Switch with the header's switcher (a link for visitors, a button once signed in)."""
    switcher = page.locator(f".language-switcher [lang='{code}']")
    _follow(page, switcher)
    assert html_lang(page) == code


def test_a_visitor_finds_the_help_of_a_selection_and_the_accessibility_statement(
    page, live_server, demo
):
    page.goto("/recruitment/vacancies/")
    assert html_lang(page) == "id"
    _follow(page, page.locator("main a[data-help-link]"))
    assert page.url.endswith("/recruitment/help/")
    _check(page, "70-help-index-id")

    _follow(page, page.locator("main .list-group a").first)
    assert "/recruitment/periods/" in page.url and page.url.endswith("/help/")
    contact = page.locator("[data-committee-contact]")
    expect(contact.locator("a[href^='mailto:']")).to_be_visible()
    expect(contact.locator("a[href^='https://wa.me/62']")).to_be_visible()
    expect(page.locator("[data-help-slot='pas-foto']")).to_contain_text("200 KB")
    expect(page.locator("#codes")).to_contain_text("TMS")
    _check(page, "71-help-period-id")

    _language(page, "en")
    expect(page.locator("h1")).to_contain_text("Help:")
    expect(page.locator("[data-help-slot='pas-foto']")).to_contain_text("kept at most 200 KB")
    expect(page.get_by_role("heading", name="Ask the selection committee")).to_be_visible()
    _check(page, "71-help-period-en")

    _follow(page, page.locator("footer a[href='/accessibility/']"))
    expect(page.locator("h1")).to_have_text("Accessibility statement")
    expect(page.locator("main")).to_contain_text("axe-core")
    expect(page.locator("main")).to_contain_text("390 pixels")
    _check(page, "72-accessibility-en")

    _language(page, "id")
    expect(page.locator("main a[href^='mailto:']")).to_be_visible()
    _check(page, "72-accessibility-id")


def test_an_applicant_finds_the_committee_and_adds_her_dates_to_her_calendar(
    page, live_server, demo
):
    sign_in(page, "applicant3@demo.rakumpit.go.id")
    page.goto("/recruitment/applications/")
    _follow(page, page.locator("main a[href*='/recruitment/applications/']").first)
    assert html_lang(page) == "id"
    contact = page.locator("[data-committee-contact]")
    expect(contact.locator("a[href^='mailto:']")).to_be_visible()
    expect(contact.locator("a[href*='/help/']")).to_be_visible()
    link = page.locator("[data-calendar-link]")
    expect(link).to_be_visible()
    _check(page, "73-application-help-id")

    response = page.request.get(link.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"].startswith("text/calendar")
    events = {
        str(event["UID"]).split("@")[0]: event
        for event in icalendar.Calendar.from_ical(response.body()).walk("VEVENT")
    }
    window = next(event for uid, event in events.items() if uid.endswith("-appeal-window"))
    start = window.decoded("DTSTART")
    assert start.utcoffset().total_seconds() == 0
    assert start.hour == 17 and start.minute == 0  # 00:00 WIB, the day after the announcement
    assert any(uid.endswith("-admin-result") for uid in events)

    _language(page, "en")
    expect(page.locator("[data-calendar-link]")).to_have_text("Add to calendar (.ics)")
    expect(page.get_by_role("heading", name="Ask the selection committee")).to_be_visible()
    _check(page, "73-application-help-en")

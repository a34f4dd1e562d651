"""Journey: a visitor on a phone and on a desktop reads the vacancy list. The open vacancies come
first and alone by default, each marked with its registration state and its period's name, the
deadline at 23:59 WIB; last year's periods are behind their tab, marked closed. In Bahasa
Indonesia and in English, axe clean, and no page wider than the window."""

import re

from playwright.sync_api import expect

from tests.e2e.conftest import check_accessibility, html_lang, screenshot

URL = "/recruitment/vacancies/"
CARDS = "main ul.list-unstyled > li.card"
OPEN, CLOSED = "open", "closed"
BADGE = f"{CARDS} [data-registration]"


def _follow(page, locator):
    with page.expect_navigation():
        locator.click()


def _no_sideways_scroll(page):
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"{page.url} scrolls sideways: {width}"


def _badges(page) -> set[str]:
    """The registration state of every card on the page, from its badge."""
    badges = page.locator(BADGE)
    assert badges.count() == page.locator(CARDS).count()  # one badge on every card
    return set(badges.evaluate_all("els => els.map(el => el.dataset.registration)"))


def _period_cards(page, name):
    """The cards whose period is exactly `name` ("... 2026", not "... 2026 Tahap I")."""
    exact = re.compile("^" + re.escape(name) + "$")
    return page.locator(CARDS).filter(has=page.locator("p.text-break", has_text=exact))


def _check(page, name):
    _no_sideways_scroll(page)
    check_accessibility(page)
    screenshot(page, name)


def test_a_visitor_sees_open_vacancies_first_and_past_periods_behind_their_tab(
    page, live_server, demo
):
    from django.utils import timezone

    from recruitment.demo import OPEN_PERIOD
    from recruitment.demo_selection import DONE_PERIOD

    year = timezone.localdate().year
    page.goto(URL)
    assert html_lang(page) == "id"
    expect(page.locator(f"{CARDS}").first).to_be_visible()
    # Only the current selection, every card marked open, with its period and its deadline.
    assert _badges(page) == {OPEN}
    cards = page.locator(CARDS)
    expect(_period_cards(page, OPEN_PERIOD.format(year=year))).to_have_count(cards.count())
    expect(cards.first).to_contain_text("23:59 WIB")
    expect(_period_cards(page, DONE_PERIOD.format(year=year - 1))).to_have_count(0)
    expect(page.locator("main nav [aria-current=page]")).to_have_count(1)
    _check(page, "20-vacancies-open-id")

    # The past periods' tab: only closed vacancies, each marked closed.
    _follow(page, page.locator("main nav a[href$='status=closed']"))
    assert _badges(page) == {CLOSED}
    expect(_period_cards(page, DONE_PERIOD.format(year=year - 1)).first).to_be_visible()
    expect(_period_cards(page, OPEN_PERIOD.format(year=year))).to_have_count(0)
    _check(page, "21-vacancies-past-id")

    # A search stays in the tab it was made in.
    if not page.locator("main details").evaluate("el => el.open"):
        page.locator("main details > summary").click()
    page.locator("#id_q").fill("Perawat")
    _follow(page, page.locator("main form [type=submit]"))
    assert "status=closed" in page.url
    assert _badges(page) <= {CLOSED}
    _no_sideways_scroll(page)

    # In English: the same list, its words and its numbers in English.
    page.goto(URL)
    _follow(page, page.locator(".language-switcher [lang='en']"))
    assert html_lang(page) == "en"
    expect(page.locator("main nav [aria-current=page]")).to_have_text("Open and upcoming")
    expect(page.locator(BADGE).first).to_have_text("Open")
    expect(page.locator(CARDS).first).to_contain_text(re.compile(r"closes \d+ \w+ \d{4} 23:59 WIB"))
    expect(page.locator(CARDS).first).to_contain_text(re.compile(r"\d+ places? ·"))
    _check(page, "22-vacancies-open-en")
    _follow(page, page.get_by_role("link", name="All", exact=True))
    # Open ones first, then the closed ones, never mixed: page after page.
    order = page.locator(BADGE).all_inner_texts()
    _check(page, "23-vacancies-all-en")
    while page.locator("main .pagination a", has_text="Next").count():
        _follow(page, page.locator("main .pagination a", has_text="Next"))
        order += page.locator(BADGE).all_inner_texts()
        assert "status=all" in page.url
    assert order == sorted(order, key=lambda text: text != "Open")
    assert set(order) == {"Open", "Closed"}
    _no_sideways_scroll(page)

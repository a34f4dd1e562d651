"""HR and the screening verifier, from signing in to one finished task, through "Today": each
lands on their Today page, follows the task at the top, meets the error summary on the way and
finishes the task; Today then counts one less. At 390x844 and on the desktop (the `page`
fixture), in both languages, axe clean."""

import re

import pytest
from django.conf import settings

from tests.e2e.conftest import check_accessibility, html_lang, open_nav, screenshot, sign_in

TODAY = {"id": "Hari ini", "en": "Today"}
LANGUAGE_BUTTON = {"id": "Bahasa Indonesia", "en": "English"}


def _in_language(page, live_server, language):
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
    )


def _switch_to(page, language):
    """Signing in brings the account's own language back: switch as a person would."""
    if html_lang(page) != language:
        with page.expect_navigation():
            page.get_by_role("button", name=LANGUAGE_BUTTON[language]).click()
    assert html_lang(page) == language


def _section_count(page, key) -> int:
    badge = page.locator(f'[data-section="{key}"] h2 .badge')
    return int(badge.inner_text()) if badge.count() else 0


def _lands_on_today(page, language):
    assert page.url.rstrip("/").endswith("/accounts/today"), page.url
    _switch_to(page, language)
    assert page.locator("h1").inner_text().strip() == TODAY[language]
    # Exactly one menu item is current: Today.
    assert page.locator('.nav-menu [aria-current="page"]').count() == 1


def _back_to_today(page, language):
    open_nav(page, TODAY[language], exact=True)
    page.wait_for_load_state()
    _lands_on_today(page, language)


@pytest.mark.parametrize("language", ["id", "en"])
def test_hr_answers_an_appeal_from_today(page, live_server, demo, language):
    _in_language(page, live_server, language)
    sign_in(page, "hr@demo.rakumpit.go.id")
    _lands_on_today(page, language)
    check_accessibility(page)
    screenshot(page, f"today-hr-{language}")
    waiting = _section_count(page, "recruitment-appeals")
    assert waiting >= 1

    page.locator('[data-section="recruitment-appeals"] .today-tasks a').first.click()
    page.wait_for_load_state()
    assert "/appeals/" in page.url
    page.locator("table a[href*='/recruitment/hr/appeals/']").first.click()
    page.wait_for_load_state()

    # Reject without a reason: the summary takes the focus and links to the answer field.
    page.locator("input[name=decision][value=reject]").check()
    page.locator("form button[type=submit], form input[type=submit]").last.click()
    page.wait_for_load_state()
    summary = page.locator("[data-error-summary]")
    assert summary.count() == 1
    assert page.evaluate("() => document.activeElement.hasAttribute('data-error-summary')")
    assert page.locator("input[name=decision][value=reject]").is_checked()  # kept
    check_accessibility(page)
    screenshot(page, f"today-hr-appeal-error-{language}")
    summary.locator('a[href="#id_answer"]').click()
    assert page.evaluate("() => document.activeElement.id") == "id_answer"

    page.locator("#id_answer").fill("Dokumen yang diunggah tetap tidak memenuhi syarat.")
    page.locator("form button[type=submit], form input[type=submit]").last.click()
    page.wait_for_load_state()
    assert page.locator(".alert-success").count() == 1

    _back_to_today(page, language)
    assert _section_count(page, "recruitment-appeals") == waiting - 1


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_verifier_screens_an_application_from_today(page, live_server, demo, language):
    _in_language(page, live_server, language)
    sign_in(page, "verifier@demo.rakumpit.go.id")
    _lands_on_today(page, language)
    check_accessibility(page)
    screenshot(page, f"today-verifier-{language}")
    waiting = _section_count(page, "recruitment-screening")
    assert waiting >= 1
    # The verifier sees the committee's work only: no HR section.
    assert page.locator('[data-section="recruitment-appeals"]').count() == 0

    task = page.locator('[data-section="recruitment-screening"] .today-tasks a').first
    task.click()
    page.wait_for_load_state()
    assert re.search(r"/screening/formations/\d+/\?state=unscreened$", page.url)
    page.locator("table a[href*='/recruitment/screening/applications/']").first.click()
    page.wait_for_load_state()

    # One document TMS without its reason: refused, with the summary on top.
    radios = page.locator("input[type=radio][value=MS]")
    for index in range(radios.count()):
        radios.nth(index).check()
    page.locator("input[type=radio][value=TMS]").first.check()
    page.get_by_role("button", name=re.compile("Simpan hasil|Save the screening")).click()
    page.wait_for_load_state()
    summary = page.locator("[data-error-summary]")
    assert summary.count() == 1
    assert page.evaluate("() => document.activeElement.hasAttribute('data-error-summary')")
    check_accessibility(page)
    screenshot(page, f"today-verifier-screening-error-{language}")

    # Every document MS: saved.
    radios = page.locator("input[type=radio][value=MS]")
    for index in range(radios.count()):
        radios.nth(index).check()
    page.get_by_role("button", name=re.compile("Simpan hasil|Save the screening")).click()
    page.wait_for_load_state()
    assert page.locator(".alert-success").count() == 1

    _back_to_today(page, language)
    assert _section_count(page, "recruitment-screening") == waiting - 1


def test_the_menu_works_with_the_keyboard(page, live_server, demo):
    """Tab reaches a concern, Enter opens it, Tab walks its pages, Escape closes it and gives
    the focus back; opening another concern closes the first."""
    _in_language(page, live_server, "en")
    sign_in(page, "hr@demo.rakumpit.go.id")
    _switch_to(page, "en")
    folded = page.locator(".nav-menu > summary")
    if folded.is_visible():
        folded.focus()
        page.keyboard.press("Enter")
    recruitment = page.locator("[data-nav-dropdown]").filter(
        has=page.locator("summary", has_text="Recruitment")
    )
    workforce = page.locator("[data-nav-dropdown]").filter(
        has=page.locator("summary", has_text="Workforce")
    )
    recruitment.locator("summary").focus()
    page.keyboard.press("Enter")
    assert recruitment.evaluate("el => el.open")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.textContent.trim()") == "Vacancies"
    page.keyboard.press("Escape")
    assert not recruitment.evaluate("el => el.open")
    assert page.evaluate("() => document.activeElement.tagName") == "SUMMARY"

    # Tabbing past its last page closes it too.
    page.keyboard.press("Enter")
    for _ in range(recruitment.locator("a").count() + 1):
        page.keyboard.press("Tab")
    assert not recruitment.evaluate("el => el.open")

    recruitment.locator("summary").click()
    workforce.locator("summary").click()
    assert workforce.evaluate("el => el.open")
    assert not recruitment.evaluate("el => el.open")
    check_accessibility(page)
    screenshot(page, "menu-open-hr-en")

    # Following a page from the menu marks exactly that page as current.
    open_nav(page, "Staffing needs")
    page.wait_for_load_state()
    current = page.locator('.nav-menu [aria-current="page"]')
    assert current.count() == 1
    assert current.text_content().strip() == "Staffing needs"

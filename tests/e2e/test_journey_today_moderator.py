"""The moderator, from signing in to a decision, through "Today": lands on the Today page, follows
the moderation-queue task, hides the reported reply in place (on the queue itself, back to the
same row with a message) and sees the decision in the row's history; Today then counts one less.
At 390x844 and on the desktop (the `page` fixture), in both languages, axe clean. The demo data
holds one reported reply (forums/demo.py: a phone number given out on the teachers' topic)."""

import pytest
from django.conf import settings

from tests.e2e.conftest import check_accessibility, html_lang, screenshot, sign_in

TODAY = {"id": "Hari ini", "en": "Today"}
SECTION = '[data-section="forums-moderation"]'


def _in_language(page, live_server, language):
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
    )


def _waiting(page) -> int:
    badge = page.locator(f"{SECTION} h2 .badge")
    return int(badge.inner_text()) if badge.count() else 0


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_moderator_hides_a_reported_reply_from_today(page, live_server, demo, language):
    sign_in(page, "moderator@demo.rakumpit.go.id")  # starts a fresh session: cookies cleared
    assert page.url.rstrip("/").endswith("/accounts/today"), page.url
    _in_language(page, live_server, language)
    page.reload()
    assert html_lang(page) == language
    assert page.locator("h1").inner_text().strip() == TODAY[language]
    waiting = _waiting(page)
    assert waiting >= 1
    check_accessibility(page)
    screenshot(page, f"today-moderator-{language}")

    page.locator(f"{SECTION} .today-tasks a").first.click()
    page.wait_for_load_state()
    assert "/forums/moderation/" in page.url
    row = page.locator("[data-queue-item]").filter(has_text="0812-0000-1234")
    assert row.count() == 1
    # The report's reason and the reporter's note are beside the post.
    assert "Ada nomor telepon pribadi dan iklan les." in row.inner_text()
    check_accessibility(page)
    screenshot(page, f"moderation-queue-{language}")

    row.locator("input[name=reason]").fill("Nomor telepon pribadi dan iklan: disembunyikan.")
    row.locator("button[name=kind][value=hide]").click()
    page.wait_for_load_state()
    # Back on the queue, at the same row, with a message saying what happened.
    assert "/forums/moderation/" in page.url and "#queue-comment-" in page.url
    assert page.locator(".alert-success").count() == 1
    row = page.locator("[data-queue-item]").filter(has_text="0812-0000-1234")
    # Hidden now: the row offers to restore it, and its history shows the decision.
    assert row.locator("button[name=kind][value=unhide]").count() == 1
    assert row.locator("button[name=kind][value=hide]").count() == 0
    history = row.locator(".queue-history")
    assert "Nomor telepon pribadi dan iklan: disembunyikan." in history.inner_text()
    assert "Fransiska Natalia" in history.inner_text()  # the moderator (accounts/demo.py)
    check_accessibility(page)
    screenshot(page, f"moderation-queue-decided-{language}")

    page.goto("/accounts/today/")
    assert _waiting(page) == waiting - 1

"""Errors that cannot be missed, in the browser: a failed form's error summary takes the focus
when the page loads, each of its links focuses its field, nothing typed is lost, and the page
passes axe; at 390x844 and on the desktop (the `page` fixture), in both languages."""

import pytest
from django.conf import settings
from django.urls import reverse

from tests.e2e.conftest import check_accessibility, html_lang, screenshot

ACTIVE_IS_SUMMARY = "() => document.activeElement.hasAttribute('data-error-summary')"


@pytest.mark.parametrize("language", ["id", "en"])
def test_a_failed_form_focuses_its_error_summary_and_links_to_the_fields(
    page, live_server, demo, language
):
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
    )
    # No error, no focus stealing.
    page.goto(reverse("account_signup"))
    assert html_lang(page) == language
    assert page.locator("[data-error-summary]").count() == 0
    assert page.evaluate("() => document.activeElement === document.body")

    page.locator("#id_email").fill("bukan-email")
    page.locator("#id_full_name").fill("Warga Teliti")
    page.locator("#id_password1").fill("Rungan-River-2026")
    page.locator("#id_password2").fill("Rungan-River-2026")
    page.get_by_role("button", name="Daftar" if language == "id" else "Sign Up").click()
    page.wait_for_load_state()

    summary = page.locator("[data-error-summary]")
    assert summary.count() == 1
    heading = "There is a problem" if language == "en" else None
    if heading:
        assert heading in summary.inner_text()
    assert page.evaluate(ACTIVE_IS_SUMMARY)
    assert summary.get_attribute("role") == "alert"
    assert summary.evaluate("el => el.getBoundingClientRect().top >= 0")
    check_accessibility(page)
    screenshot(page, f"error-summary-signup-{language}")

    # What was typed is kept.
    assert page.locator("#id_full_name").input_value() == "Warga Teliti"
    assert page.locator("#id_email").input_value() == "bukan-email"

    summary.locator('a[href="#id_email"]').click()
    assert page.evaluate("() => document.activeElement.id") == "id_email"
    summary.locator('a[href="#id_privacy_consent"]').click()
    assert page.evaluate("() => document.activeElement.id") == "id_privacy_consent"

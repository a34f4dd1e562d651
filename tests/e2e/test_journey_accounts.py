"""Journey 1: sign up, verify the e-mail from the mailbox, sign in, switch language, sign out."""

import re

from django.core import mail
from playwright.sync_api import expect

from tests.e2e.conftest import (
    answer_totp,
    check_accessibility,
    html_lang,
    open_nav,
    screenshot,
    sign_out,
)


def test_it_signs_up_verifies_switches_language_and_signs_out(page, live_server, demo):
    page.goto("/")
    assert html_lang(page) == "id"
    check_accessibility(page)
    screenshot(page, "01-home-id")

    open_nav(page, "Daftar")
    page.get_by_label("Email").fill("warga.e2e@example.org")
    page.get_by_label("Nama lengkap").fill("Warga Uji Peramban")
    page.get_by_label("Warga").check()
    page.locator("#id_password1").fill("Rungan-River-2026")
    page.locator("#id_password2").fill("Rungan-River-2026")
    page.locator("#id_privacy_consent").check()
    check_accessibility(page)
    screenshot(page, "02-signup-id")
    page.get_by_role("button", name="Daftar").click()
    page.wait_for_url("**/accounts/confirm-email/")
    check_accessibility(page)

    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[-1].body).group(0)
    page.goto(link)
    page.get_by_role("button", name="Konfirmasi").click()
    page.wait_for_url(f"{live_server.url}/")
    # Signed in: the (possibly folded) menu offers "Keluar" (sign out).
    assert page.locator(".nav-menu button", has_text="Keluar").count() == 1

    with page.expect_navigation():
        page.get_by_role("button", name="English").click()
    assert html_lang(page) == "en"
    open_nav(page, "My profile")
    expect(page.get_by_role("heading", name="My profile")).to_be_visible()
    check_accessibility(page)
    screenshot(page, "03-profile-en")

    sign_out(page)
    page.wait_for_url(f"{live_server.url}/")
    open_nav(page, "Sign in")
    check_accessibility(page)
    page.get_by_label("Email").fill("warga.e2e@example.org")
    page.locator("#id_password").fill("Rungan-River-2026")
    page.get_by_role("button", name="Sign In").click()
    # A resident signing in lands on their own page: their topics, answers and sessions.
    page.wait_for_url(f"{live_server.url}/forums/mine/")
    assert html_lang(page) == "en"
    open_nav(page, "My profile")
    expect(page.locator("main")).to_contain_text("warga.e2e@example.org")


def test_it_signs_in_a_demo_account_and_shows_its_navigation(page, live_server, demo):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("hr@demo.rakumpit.go.id")
    page.locator("#id_password").fill("Rakumpit-demo-2026")
    page.get_by_role("button", name="Masuk").click()
    # Staff sign in with a second factor: the code of the demo authenticator app.
    page.wait_for_url("**/accounts/2fa/authenticate/")
    check_accessibility(page)
    answer_totp(page, "hr@demo.rakumpit.go.id")
    # Staff land on "Hari ini" (Today): what waits for them.
    page.wait_for_url(f"{live_server.url}/accounts/today/")
    summary = page.locator(".nav-menu > summary")
    if summary.is_visible():
        summary.click()
    # The back office sits in its concern's menu: Administrasi holds the admin site.
    page.locator("[data-nav-dropdown] summary", has_text="Administrasi").click()
    expect(page.get_by_role("link", name="Halaman admin")).to_be_visible()
    check_accessibility(page)

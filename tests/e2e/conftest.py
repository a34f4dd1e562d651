"""Browser journeys: Playwright driving Debian's Chromium against a live server on 127.0.0.1.

The live server runs in this process, so the test mailbox (`django.core.mail.outbox`) is shared.
Playwright's sync API runs an event loop in this thread, hence DJANGO_ALLOW_ASYNC_UNSAFE.
"""

import os
import re
import threading
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import sync_playwright

from tests.conftest import REQUIRE_SERVICES

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}
ROOT = Path(__file__).resolve().parents[2]


def _serialise_live_server_on_sqlite():
    """On SQLite (make test without services) the test database is in memory, and Django hands
    its one connection to every thread of the live server: a page whose charts load in parallel
    then runs queries on that connection at the same time, which Django documents as unsafe
    (it hung inside SQLite here). One request at a time there; PostgreSQL keeps its threads."""
    from django.conf import settings
    from django.test import testcases

    if not settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        return
    lock = threading.Lock()
    handle = testcases.FSFilesHandler.__call__

    def one_at_a_time(self, environ, start_response):
        with lock:
            return handle(self, environ, start_response)

    testcases.FSFilesHandler.__call__ = one_at_a_time


_serialise_live_server_on_sqlite()
# `make screenshots` saves into docs/screenshots (committed, for reviewers); otherwise they go to
# test-artifacts/ (ignored by git).
SCREENSHOT_DIR = ROOT / (
    "docs/screenshots" if os.environ.get("SAVE_SCREENSHOTS") else "test-artifacts/screenshots"
)
_axe = Axe()


# What CI runs (20 minutes on 2 cores): each journey on one viewport. A journey written for
# both languages runs Bahasa Indonesia on the phone and English on the desktop; the others run on
# the phone (applicants, residents and visitors are mostly on phones) unless their module says
# `VIEWPORT = "desktop"` (the staff's journeys) or `"both"`. test_no_horizontal_scroll walks
# every role's pages at 390 px besides. `E2E_ALL_VIEWPORTS=1` runs every journey on both
# viewports and in every pairing: before an issue that changes pages is resolved.
LANGUAGE_VIEWPORTS = {("phone", "id"), ("desktop", "en")}
ALL_VIEWPORTS = bool(os.environ.get("E2E_ALL_VIEWPORTS"))


def _runs_in_ci(item) -> bool:
    params = item.callspec.params if hasattr(item, "callspec") else {}
    viewport, language = params.get("page"), params.get("language")
    if ALL_VIEWPORTS or viewport is None:
        return True
    if language is not None:
        return (viewport, language) in LANGUAGE_VIEWPORTS
    wanted = getattr(item.module, "VIEWPORT", "phone")
    return wanted in ("both", viewport)


def pytest_collection_modifyitems(config, items):
    kept, dropped = [], []
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)
            if not _runs_in_ci(item):
                dropped.append(item)
                continue
        kept.append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        message = f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
        if REQUIRE_SERVICES:
            pytest.fail(message)
        pytest.skip(message)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(params=list(VIEWPORTS))
def page(request, browser, live_server):
    context = browser.new_context(
        viewport=VIEWPORTS[request.param],
        base_url=live_server.url,
        locale="id-ID",
    )
    page = context.new_page()
    # Generous: the journeys must not depend on the machine's speed. CI runs them beside the
    # rest of the suite on two cores, and a publish that e-mails every applicant in-process (no
    # broker in tests) takes seconds there; a busy machine without Redis took over 20 s. A wait
    # ends as soon as the page is ready, so a long limit costs a passing journey nothing.
    page.set_default_timeout(60_000)
    page.set_default_navigation_timeout(90_000)
    page.viewport_name = request.param
    problems = []
    page.on(
        "console",
        lambda msg: problems.append(msg.text) if msg.type == "error" else None,
    )
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    yield page
    context.close()
    assert not problems, f"browser console errors: {problems}"


DEMO_PASSWORD = "Rakumpit-demo-2026"  # settings.DEMO_PASSWORD
MFA_AUTHENTICATE = "/accounts/2fa/authenticate/"


def sign_in(page, email, password=DEMO_PASSWORD):
    """Sign in from a fresh browser session. Staff demo accounts have an authenticator app: the
    second step is answered with the current code of the documented demo secret."""
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.locator("#id_login").fill(email)
    page.locator("#id_password").fill(password)
    page.locator("form[action='/accounts/login/'] button[type=submit]").click()
    page.wait_for_load_state()
    if page.url.split("?")[0].endswith(MFA_AUTHENTICATE):
        answer_totp(page, email)
    assert "/accounts/login/" not in page.url and MFA_AUTHENTICATE not in page.url, (
        f"{email} could not sign in: {page.url}"
    )


def answer_totp(page, email):
    """Type the account's current TOTP code on allauth's two-factor page. allauth accepts only the
    current time step (MFA_TOTP_TOLERANCE 0): a code read in the last seconds of a step could reach
    the server in the next one, so those seconds are waited out first."""
    import time

    from django.conf import settings

    left = settings.MFA_TOTP_PERIOD - time.time() % settings.MFA_TOTP_PERIOD
    if left < 3:
        time.sleep(left + 0.1)
    page.locator("#id_code").fill(totp_code_for(email))
    page.locator(f"form[action='{MFA_AUTHENTICATE}'] button[type=submit]:not([form])").click()
    page.wait_for_load_state()


def totp_code_for(email):
    """The demo account's current code, computed with allauth's TOTP functions. allauth refuses
    a code twice within its time step; a journey that signs the same account in twice within 30
    seconds would be refused, so the marker of an earlier use in this test is dropped (the live
    server shares this process's cache)."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP
    from django.core.cache import cache

    from accounts.demo import demo_totp_code
    from accounts.models import User

    user = User.objects.get(email__iexact=email)
    code = demo_totp_code(user)
    assert code, f"{email} has no authenticator with the demo secret"
    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    cache.delete(TOTP(authenticator)._get_used_cache_key(code))
    return code


def check_accessibility(page):
    """axe-core on the current page: no serious or critical violation."""
    results = _axe.run(page)
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]
    assert not bad, f"accessibility violations on {page.url}: {bad}"


def screenshot(page, name):
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOT_DIR / f"{name}-{page.viewport_name}.png", full_page=True)


def open_nav(page, name, *, exact=False):
    """Follow a main-navigation link as a person would: on phones the menu is unfolded first,
    and a page inside a concern (Recruitment, Workforce ...) is reached by opening that
    concern's dropdown."""
    summary = page.locator(".nav-menu > summary")
    if summary.is_visible() and not page.locator(".nav-menu").evaluate("el => el.open"):
        summary.click()
    text = re.compile(rf"^\s*{re.escape(name)}\s*$") if exact else name
    dropdown = page.locator("[data-nav-dropdown]").filter(
        has=page.locator("a.nav-link", has_text=text)
    )
    if dropdown.count() and not dropdown.first.evaluate("el => el.open"):
        dropdown.first.locator("summary").click()
    # Wait for the new page: reading it while the old one unloads gives an empty document.
    with page.expect_navigation():
        page.locator(".nav-menu").get_by_role("link", name=name, exact=exact).click()


def sign_out(page, label="Sign out"):
    """Press the sign-out button, which sits in the account's menu (unfolded first)."""
    summary = page.locator(".nav-menu > summary")
    if summary.is_visible() and not page.locator(".nav-menu").evaluate("el => el.open"):
        summary.click()
    account = page.locator("[data-nav-dropdown]").filter(has=page.locator("button", has_text=label))
    if not account.first.evaluate("el => el.open"):
        account.first.locator("summary").click()
    page.get_by_role("button", name=label).click()


def html_lang(page):
    return page.locator("html").get_attribute("lang")


def first_link(text, pattern):
    return re.search(pattern, text).group(0)

"""Training from "Today": HR signs in, goes from Today to the training pages, plans a new
session (a first try with the dates the wrong way round: the error summary takes the focus,
links to the field, and everything typed is kept), then fixes it; a supervisor approves an
enrolment request straight from Today. At 390x844 and on the desktop (the `page` fixture), in
Bahasa Indonesia and English, axe clean."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from tests.e2e.conftest import check_accessibility, html_lang, screenshot, sign_in

TODAY = {"id": "Hari ini", "en": "Today"}
LANGUAGE_BUTTON = {"id": "Bahasa Indonesia", "en": "English"}
ACTIVE_IS_SUMMARY = "() => document.activeElement.hasAttribute('data-error-summary')"


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


def _lands_on_today(page, language):
    assert page.url.rstrip("/").endswith("/accounts/today"), page.url
    _switch_to(page, language)
    assert page.locator("h1").inner_text().strip() == TODAY[language]


def _section_count(page, key) -> int:
    badge = page.locator(f'[data-section="{key}"] h2 .badge')
    return int(badge.inner_text()) if badge.count() else 0


@pytest.mark.parametrize("language", ["id", "en"])
def test_hr_plans_a_session_from_today(page, live_server, demo, language):
    from training.models import Programme, Session

    programme = Programme.objects.get(name="Pelayanan Prima bagi Pasien dan Keluarga")
    before = Session.objects.filter(programme=programme).count()
    _in_language(page, live_server, language)
    sign_in(page, "hr@demo.rakumpit.go.id")
    _lands_on_today(page, language)
    check_accessibility(page)

    # From Today to the training overview HR uses, and on to the planning page.
    page.goto("/training/hr/")
    check_accessibility(page)
    with page.expect_navigation():
        page.locator("[data-manage-link]").first.click()
    assert page.url.endswith("/training/hr/programmes/")
    check_accessibility(page)
    screenshot(page, f"training-plan-list-{language}")
    with page.expect_navigation():
        page.locator(f'[data-programme="{programme.pk}"] [data-new-session]').click()
    check_accessibility(page)

    # A first try with the last day before the first: refused, the summary has the focus.
    start = timezone.localdate() + timedelta(days=120)
    page.locator("#id_title").fill("Angkatan Uji")
    page.locator("#id_starts_on").fill(start.isoformat())
    page.locator("#id_ends_on").fill((start - timedelta(days=1)).isoformat())
    page.locator("#id_enrolment_opens_on").fill((start - timedelta(days=30)).isoformat())
    page.locator("#id_enrolment_closes_on").fill((start - timedelta(days=2)).isoformat())
    page.locator("#id_place").fill("Aula Kecamatan Rakumpit")
    page.locator("#id_trainer").fill("Widyaiswara BPSDM Kalteng")
    page.locator("#id_capacity").fill("24")
    with page.expect_navigation():
        page.locator("input[type=submit][name=save]").click()
    summary = page.locator("[data-error-summary]")
    assert summary.count() == 1
    assert page.evaluate(ACTIVE_IS_SUMMARY)
    assert summary.evaluate("el => el.getBoundingClientRect().top >= 0")
    # Nothing typed is lost.
    assert page.locator("#id_title").input_value() == "Angkatan Uji"
    assert page.locator("#id_trainer").input_value() == "Widyaiswara BPSDM Kalteng"
    assert page.locator("#id_capacity").input_value() == "24"
    assert page.locator("#id_starts_on").input_value() == start.isoformat()
    check_accessibility(page)
    screenshot(page, f"training-session-error-{language}")
    summary.locator('a[href="#id_ends_on"]').click()
    assert page.evaluate("() => document.activeElement.id") == "id_ends_on"
    assert Session.objects.filter(programme=programme).count() == before

    # Fixed: the session is saved and its page says so.
    page.locator("#id_ends_on").fill((start + timedelta(days=2)).isoformat())
    with page.expect_navigation():
        page.locator("input[type=submit][name=save]").click()
    assert page.locator(".alert-success").count() >= 1
    created = Session.objects.get(programme=programme, title="Angkatan Uji")
    assert page.url.endswith(created.get_absolute_url())
    assert created.meetings.count() == 3
    heading = page.locator("h1").inner_text()
    assert "Pelayanan Prima bagi Pasien dan Keluarga — Angkatan Uji" in heading
    check_accessibility(page)
    screenshot(page, f"training-session-saved-{language}")

    # HR enrols someone by searching the register (two words of the name, in any case).
    from training.models import Enrolment
    from workforce.models import Employee

    # Before its window opens the page says when; on its first day HR can enrol.
    assert page.locator("#employee-q").count() == 0
    Session.objects.filter(pk=created.pk).update(enrolment_opens_on=timezone.localdate())
    page.reload()
    person = Employee.objects.get(user__email="employee@demo.rakumpit.go.id")
    words = person.full_name.split()
    page.locator("#employee-q").fill(f"{words[-1].lower()} {words[0]}")
    with page.expect_navigation():
        page.locator("form[role=search] button[type=submit]").click()
    found = page.locator(f"form:has(input[name=employee][value='{person.pk}']) button")
    assert found.count() == 1
    check_accessibility(page)
    screenshot(page, f"training-session-enrol-search-{language}")
    with page.expect_navigation():
        found.click()
    assert page.locator(".alert-success").count() >= 1
    assert Enrolment.objects.filter(session=created, employee=person).exists()


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_supervisor_approves_a_request_from_today(page, live_server, demo, language):
    from training.models import Enrolment

    _in_language(page, live_server, language)
    sign_in(page, "supervisor@demo.rakumpit.go.id")
    _lands_on_today(page, language)
    check_accessibility(page)
    screenshot(page, f"today-supervisor-training-{language}")
    waiting = _section_count(page, "training-requests")
    assert waiting >= 1
    requested = Enrolment.objects.filter(
        status=Enrolment.Status.REQUESTED,
        employee__supervisor__user__email__startswith="supervisor@",
    )
    assert requested.count() == waiting

    with page.expect_navigation():
        page.locator('[data-section="training-requests"] .today-tasks a').first.click()
    assert page.url.rstrip("/").endswith("/training/team")
    check_accessibility(page)
    with page.expect_navigation():
        page.locator("button[value=approve]").first.click()
    assert page.locator(".alert-success").count() >= 1
    check_accessibility(page)
    assert requested.count() == waiting - 1

    page.goto("/accounts/today/")
    assert _section_count(page, "training-requests") == waiting - 1
    screenshot(page, f"today-supervisor-training-done-{language}")

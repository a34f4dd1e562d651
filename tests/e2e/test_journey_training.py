"""Journey: an employee requests a place in today's patient-service session, her supervisor
approves, HR records attendance and the results, and she downloads the certificate and sees her
JP ledger reach the minimum. Phone and desktop; Bahasa Indonesia, with the ledger in English."""

from datetime import date

from playwright.sync_api import expect

from tests.e2e.conftest import check_accessibility, html_lang, screenshot, sign_in

SESSION = "Pelayanan Prima bagi Pasien dan Keluarga"

VIEWPORT = "desktop"  # what CI runs: tests/e2e/conftest.py


def test_it_takes_a_request_from_the_employee_to_a_certificate(page, live_server, demo):
    from training import demo as training_demo
    from training.models import Session

    training_demo.seed(demo["users"])
    session = Session.objects.get(programme__name=SESSION, title="Angkatan Rakumpit")
    year = date.today().year

    # The employee finds the session in the catalogue (Bahasa Indonesia) and asks for a place.
    sign_in(page, "employee@demo.rakumpit.go.id")
    page.goto("/training/")
    assert html_lang(page) == "id"
    check_accessibility(page)
    screenshot(page, "30-training-catalogue-id")
    with page.expect_navigation():
        page.locator(f"a[href='/training/sessions/{session.pk}/']").first.click()
    check_accessibility(page)
    with page.expect_navigation():
        page.locator(f"form[action='/training/sessions/{session.pk}/request/'] button").click()
    assert page.locator(".badge.text-bg-warning").count() >= 1  # requested
    check_accessibility(page)
    screenshot(page, "31-training-requested-id")

    # Her supervisor approves it.
    sign_in(page, "supervisor@demo.rakumpit.go.id")
    page.goto("/training/team/")
    check_accessibility(page)
    row = page.locator("tr", has_text=SESSION)
    with page.expect_navigation():
        row.locator("button[value=approve]").click()
    assert page.locator(".alert-success").count() >= 1
    check_accessibility(page)
    screenshot(page, "32-training-approved-id")

    # HR records both meetings and the results.
    sign_in(page, "hr@demo.rakumpit.go.id")
    page.goto(f"/training/sessions/{session.pk}/")
    check_accessibility(page)
    for meeting in session.meetings.order_by("number"):
        page.goto(f"/training/meetings/{meeting.pk}/attendance/")
        check_accessibility(page)
        page.get_by_label("Dewi Anggraini, A.Md.Keb.").check()
        with page.expect_navigation():
            page.locator("input[type=submit][name=save]").click()
        assert page.locator(".alert-success").count() >= 1
    page.goto(f"/training/sessions/{session.pk}/results/")
    check_accessibility(page)
    with page.expect_navigation():
        page.locator("#record-results").click()
    check_accessibility(page)
    screenshot(page, "33-training-results-id")

    # The employee downloads the certificate and sees the ledger reach the minimum.
    sign_in(page, "employee@demo.rakumpit.go.id")
    page.goto("/training/me/")
    check_accessibility(page)
    assert page.locator(f"[data-testid=jp-{year}]").inner_text() == "20"
    with page.expect_download() as download:
        page.locator("a[href$='certificate.pdf']").first.click()
    assert download.value.suggested_filename.startswith("sertifikat-")
    screenshot(page, "34-training-ledger-id")

    with page.expect_navigation():
        page.get_by_role("button", name="English").click()
    assert html_lang(page) == "en"
    page.goto("/training/me/")
    expect(page.get_by_role("heading", name="My training")).to_be_visible()
    expect(page.get_by_role("heading", name="Study hours (JP) per year")).to_be_visible()
    check_accessibility(page)
    screenshot(page, "35-training-ledger-en")

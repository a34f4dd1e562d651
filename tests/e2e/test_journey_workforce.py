"""Journey 6: HR goes from the needs map to a submitted formation proposal; the head of office
approves it. Phone and desktop, Bahasa Indonesia, with a look at the English map."""

from playwright.sync_api import expect

from tests.e2e.conftest import check_accessibility, html_lang, open_nav, screenshot, sign_in

VIEWPORT = "desktop"  # what CI runs: tests/e2e/conftest.py


def test_it_takes_hr_from_the_needs_map_to_an_approved_proposal(page, live_server, demo):
    sign_in(page, "hr@demo.rakumpit.go.id")
    open_nav(page, "Kebutuhan pegawai")
    page.wait_for_url("**/workforce/needs/")
    expect(page.get_by_role("heading", name="Peta kebutuhan pegawai")).to_be_visible()
    check_accessibility(page)
    screenshot(page, "10-needs-map-id")

    page.get_by_label("Sektor", exact=True).select_option(label="Kesehatan")
    page.get_by_label("Hanya yang kekurangan").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Tampilkan").click()
    rows = page.locator("table tbody tr")
    assert rows.count() >= 3
    assert page.get_by_text("Dokter Gigi").count() >= 1

    with page.expect_navigation():
        page.get_by_role("link", name="Puskesmas Rakumpit").first.click()
    expect(page.get_by_role("heading", name="Puskesmas Rakumpit")).to_be_visible()
    check_accessibility(page)
    screenshot(page, "11-unit-id")

    with page.expect_navigation():
        page.get_by_role("link", name="Ubah ABK Dokter Gigi").click()
    check_accessibility(page)
    page.locator("#id_tasks-0-yearly_volume").fill("0")
    page.get_by_role("button", name="Simpan analisis beban kerja").click()
    # Listed in the summary at the top (a link to the field) and beside the field itself.
    expect(page.locator("[data-error-summary]")).to_contain_text("Volume paling sedikit 1 setahun.")
    expect(page.locator("strong", has_text="Volume paling sedikit 1 setahun.")).to_be_visible()
    page.locator("#id_tasks-0-yearly_volume").fill("2600")
    with page.expect_navigation():
        page.get_by_role("button", name="Simpan analisis beban kerja").click()
    expect(page.get_by_text("Analisis beban kerja telah disimpan.")).to_be_visible()

    page.goto("/workforce/needs/")
    with page.expect_navigation():
        page.get_by_role("link", name="Usulkan formasi dari kekurangan").click()
    check_accessibility(page)
    screenshot(page, "12-proposal-form-id")
    justifications = page.locator("textarea")
    for i in range(justifications.count()):
        justifications.nth(i).fill("Beban kerja ABK melebihi pegawai yang ada.")
    with page.expect_navigation():
        page.get_by_role("button", name="Simpan draf").click()
    expect(page.get_by_text("Usulan telah disimpan sebagai draf.")).to_be_visible()
    with page.expect_navigation():
        page.get_by_role("button", name="Ajukan untuk diputuskan").click()
    expect(page.get_by_text("Usulan telah diajukan untuk diputuskan.")).to_be_visible()
    proposal_url = page.url
    check_accessibility(page)

    with page.expect_navigation():
        page.get_by_role("button", name="English").click()
    assert html_lang(page) == "en"
    page.goto("/workforce/needs/")
    expect(page.get_by_role("heading", name="Staffing needs map")).to_be_visible()

    page.context.clear_cookies()
    sign_in(page, "admin@demo.rakumpit.go.id")
    page.goto(proposal_url)
    check_accessibility(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Setujui").click()
    expect(page.get_by_text("Usulan telah disetujui.")).to_be_visible()
    screenshot(page, "13-proposal-approved-id")


def test_it_shows_the_public_staffing_summary_to_anyone(page, live_server, demo):
    page.goto("/")
    open_nav(page, "Ringkasan kepegawaian")
    expect(
        page.get_by_role("heading", name="Kepegawaian layanan publik di Rakumpit")
    ).to_be_visible()
    check_accessibility(page)

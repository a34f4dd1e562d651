"""Journey: a resident posts an expectation, an official (HR) answers and marks it acted upon
with what was done, and the resident rates the unit in the IKM survey. Phone and desktop; the
demo topics are in Bahasa Indonesia and the page speaks it."""

from playwright.sync_api import expect

from tests.e2e.conftest import check_accessibility, html_lang, screenshot, sign_in


def test_it_takes_an_expectation_from_a_resident_to_acted_upon(page, live_server, demo):
    from forums import demo as forums_demo

    forums_demo.seed(demo["users"])

    # In Bahasa Indonesia: the list shows the residents' topics.
    page.goto("/forums/")
    assert html_lang(page) == "id"
    expect(page.get_by_text("Puskesmas Rakumpit belum punya ambulans")).to_be_visible()
    check_accessibility(page)
    screenshot(page, "60-forums-list-id")

    sign_in(page, "resident@demo.rakumpit.go.id")
    page.goto("/forums/new/")
    check_accessibility(page)
    page.locator("#id_title").fill("Perawat jaga malam di Pustu Pager")
    page.locator("#id_body").fill("Kami berharap ada **perawat** yang berjaga malam di pustu.")
    page.locator("#id_sector").select_option(label="Kesehatan")
    page.locator("#id_kelurahan").select_option(label="Pager")
    page.locator("#id_unit").select_option(label="Pustu Pager")
    # Her first post under this privacy notice: the form asks for her consent.
    page.locator("#id_privacy_consent").check()
    with page.expect_navigation():
        page.locator("form button[type=submit]").last.click()
    expect(page.get_by_role("heading", name="Perawat jaga malam di Pustu Pager")).to_be_visible()
    topic_url = page.url
    check_accessibility(page)
    screenshot(page, "61-forums-topic-id")

    sign_in(page, "hr@demo.rakumpit.go.id")
    page.goto(topic_url)
    page.locator("#id_answer-body").fill("Formasi perawat untuk Pustu Pager dibuka tahun ini.")
    with page.expect_navigation():
        page.locator("form[action$='/answer/'] button[type=submit]").click()
    page.locator("#id_status-to_status").select_option("acted_upon")
    page.locator("#id_status-action_kind").select_option("vacancy")
    page.locator("#id_status-action_description").fill("Formasi Perawat Terampil dibuka.")
    page.locator("#id_status-action_url").fill("/recruitment/")
    page.locator("#id_status-action_date").fill("2026-03-01")
    with page.expect_navigation():
        page.locator("form[action$='/status/'] button[type=submit]").click()
    expect(page.get_by_text("Formasi Perawat Terampil dibuka.")).to_be_visible()
    check_accessibility(page)

    sign_in(page, "resident@demo.rakumpit.go.id")
    page.goto("/forums/ikm/survey/")
    check_accessibility(page)
    page.locator("#id_unit").select_option(label="Pustu Pager")
    for n in range(1, 10):
        page.locator(f"input[name=u{n}][value='3']").check()
    with page.expect_navigation():
        page.locator("form button[type=submit]").last.click()
    assert page.url.endswith("/forums/ikm/")
    expect(page.get_by_role("rowheader", name="Pustu Pager").first).to_be_visible()
    check_accessibility(page)
    screenshot(page, "62-forums-ikm-id")

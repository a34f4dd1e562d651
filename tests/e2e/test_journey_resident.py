"""Journey: a resident who has never heard of Markdown. She signs in and lands on her own page
(her topics and the answers she got), writes a topic as she would a chat message (a list with
dashes, a bare web address), previews it, posts it and sees a real list and a link; then, in
English, previews and posts a numbered reply. Phone and desktop, both languages, axe clean and no
sideways scrolling on every page."""

from playwright.sync_api import expect

from tests.e2e.conftest import check_accessibility, html_lang, screenshot, sign_in

MINE = "/forums/mine/"
TOPIC_TEXT = (
    "Pustu kami perlu:\n"
    "- bidan yang tinggal di kampung\n"
    "- jadwal buka yang diumumkan\n"
    "Jadwal lama ada di https://rakumpit.go.id/jadwal-pustu"
)
REPLY_TEXT = "Two things would help:\n1) a notice board\n2) a phone number"


def _check(page, name):
    """Every page of the journey: no serious accessibility problem, no sideways scrolling."""
    check_accessibility(page)
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{page.url} scrolls sideways: {widths}"
    screenshot(page, name)


def _open_my_page(page):
    """Where the resident lands after signing in; if the sign-in does not take her there, the
    main navigation does."""
    if not page.url.split("?")[0].endswith(MINE):
        summary = page.locator(".nav-menu > summary")
        if summary.is_visible() and not page.locator(".nav-menu").evaluate("el => el.open"):
            summary.click()
        with page.expect_navigation():
            page.locator(f".nav-menu a[href='{MINE}']").click()
    assert page.url.split("?")[0].endswith(MINE)


def test_it_lets_a_resident_write_a_plain_list_preview_it_and_find_it_on_her_page(
    page, live_server, demo
):
    sign_in(page, "resident@demo.rakumpit.go.id")
    _open_my_page(page)
    assert html_lang(page) == "id"
    # Her own topics, with the official answer she got, first thing on the page.
    mine = page.locator("#mine-topics-heading + ul")
    expect(mine.get_by_role("link", name="Puskesmas Rakumpit belum punya ambulans")).to_be_visible()
    expect(mine.get_by_text("Terima kasih atas masukannya", exact=False)).to_be_visible()
    # The topics she follows (the demo's are all her own, listed above) and her discussion
    # session and IKM answers.
    expect(page.locator("#mine-followed-heading")).to_be_visible()
    expect(page.locator("[id^=followed-topic-]")).to_have_count(0)
    expect(page.locator("#mine-sessions-heading + ul li").first).to_be_visible()
    expect(page.locator("#mine-ikm-heading + ul li").first).to_be_visible()
    _check(page, "63-forums-mine-id")

    with page.expect_navigation():
        page.locator("main a[href='/forums/new/']").first.click()
    assert "Markdown" not in page.locator("main").inner_text()
    page.locator("#id_title").fill("Bidan dan jadwal Pustu Bukit Sua")
    page.locator("#id_body").fill(TOPIC_TEXT)
    page.locator("#id_sector").select_option(label="Kesehatan")
    page.locator("#id_kelurahan").select_option(label="Bukit Sua")
    # Her first post under this privacy notice: the form asks for her consent.
    page.locator("#id_privacy_consent").check()

    with page.expect_navigation():
        page.locator("button[name=preview]").click()
    preview = page.locator("#topic-preview")
    expect(preview.locator("li")).to_have_count(2)
    expect(preview.locator("li").first).to_have_text("bidan yang tinggal di kampung")
    link = preview.get_by_role("link", name="https://rakumpit.go.id/jadwal-pustu")
    expect(link).to_have_attribute("rel", "nofollow noopener ugc")
    # Everything typed is still there, and nothing was posted.
    expect(page.locator("#id_body")).to_have_value(TOPIC_TEXT)
    expect(page.locator("#id_title")).to_have_value("Bidan dan jadwal Pustu Bukit Sua")
    expect(page.locator("#id_privacy_consent")).to_be_checked()
    _check(page, "64-forums-preview-id")

    with page.expect_navigation():
        page.locator("main form button[type=submit]:not([name=preview])").click()
    expect(page.get_by_role("heading", name="Bidan dan jadwal Pustu Bukit Sua")).to_be_visible()
    body = page.locator("article .forum-text").first
    expect(body.locator("ul > li")).to_have_count(2)
    expect(body.get_by_role("link", name="https://rakumpit.go.id/jadwal-pustu")).to_have_attribute(
        "href", "https://rakumpit.go.id/jadwal-pustu"
    )
    topic_url = page.url
    _check(page, "65-forums-plain-topic-id")

    # In English: a numbered reply, previewed, then posted.
    with page.expect_navigation():
        page.get_by_role("button", name="English").click()
    assert html_lang(page) == "en"
    page.goto(topic_url)
    page.locator("#id_body").fill(REPLY_TEXT)
    with page.expect_navigation():
        page.locator("#reply-form button[name=preview]").click()
    reply_preview = page.locator("#reply-preview")
    expect(reply_preview.locator("ol > li")).to_have_count(2)
    expect(reply_preview.locator("ol > li").last).to_have_text("a phone number")
    expect(page.locator("#id_body")).to_have_value(REPLY_TEXT)
    _check(page, "66-forums-reply-preview-en")
    with page.expect_navigation():
        page.locator("#reply-form button[type=submit]:not([name=preview])").click()
    reply = page.locator("#replies-heading ~ article").last
    expect(reply.locator(".forum-text ol > li")).to_have_count(2)
    _check(page, "67-forums-reply-en")

    # Her page, in English, lists the new topic with its reply count.
    page.goto(MINE)
    assert html_lang(page) == "en"
    expect(page.get_by_role("heading", name="My topics and answers")).to_be_visible()
    new = page.locator("#mine-topics-heading + ul > li").filter(
        has_text="Bidan dan jadwal Pustu Bukit Sua"
    )
    expect(new).to_contain_text("Official answer: not yet")
    expect(new).to_contain_text("1 reply")
    _check(page, "68-forums-mine-en")

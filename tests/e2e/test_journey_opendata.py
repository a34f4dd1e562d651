"""Journey: a journalist on a phone and a programmer on a desktop find the open data from the
home page: the catalogue lists every dataset with its licence, a click downloads the staffing
gaps as a CSV that Excel reads (UTF-8 with a byte-order mark), and the API's documentation
(Swagger UI from our own static files, under the Content-Security-Policy) lists the endpoints,
in Bahasa Indonesia and in English; axe clean, no page wider than the window."""

from playwright.sync_api import expect

from tests.e2e.conftest import check_accessibility, html_lang, screenshot


def _no_sideways_scroll(page):
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"{page.url} scrolls sideways: {width}"


def test_a_visitor_finds_downloads_and_the_api_from_the_home_page(page, live_server, demo):
    from opendata.datasets import all_datasets

    page.goto("/")
    with page.expect_navigation():
        page.locator("main a[href='/data/']").click()
    assert page.url.endswith("/data/")
    assert html_lang(page) == "id"
    expect(page.locator("h1")).to_have_text("Data terbuka")
    cards = page.locator("main li.card")
    expect(cards).to_have_count(len(all_datasets()))
    expect(page.locator("a[rel=license]")).to_be_visible()
    _no_sideways_scroll(page)
    check_accessibility(page)
    screenshot(page, "opendata-catalogue")

    staffing = page.locator("#staffing")
    staffing.locator("summary").click()  # the fields and their meanings
    expect(staffing.locator("code", has_text="suppressed")).to_be_visible()
    with page.expect_download() as download:
        staffing.get_by_role("link", name="Unduh CSV (Excel)").click()
    content = open(download.value.path(), "rb").read()  # noqa: SIM115
    assert content.startswith(b"\xef\xbb\xbf"), "Excel needs the UTF-8 byte-order mark"
    assert content[3:].split(b"\r\n")[0].startswith(b"planning_year,level,code,name")
    assert download.value.suggested_filename.startswith("rakumpit-staffing-")

    with page.expect_navigation():
        page.locator("main").get_by_role("link", name="Dokumentasi API").click()
    expect(page.locator(".opblock").first).to_be_visible()
    assert page.locator(".opblock").count() >= len(all_datasets())
    screenshot(page, "opendata-api-docs")
    with page.expect_navigation():
        page.get_by_role("link", name="English").click()
    expect(page.locator(".opblock-summary-description").first).to_be_visible()
    expect(page.get_by_text("Staffing needs and gaps").first).to_be_visible()
    _no_sideways_scroll(page)

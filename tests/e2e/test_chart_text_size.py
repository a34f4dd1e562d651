"""Charts stay readable on a 390 x 844 phone: every piece of text in a chart of the needs map (HR),
the public staffing summary and the public selection statistics is drawn at 12 px or more.

A chart is a pygal SVG shown as an <img> (in a <picture>: the source the browser picked for the
phone's layout). Its text cannot be reached through the page, so each chart is opened on its own
in the same session and drawn exactly as wide as the <img> is on the page; there each <text>'s
font size in screen pixels is its computed size times the SVG's scale on the screen. SVGs drawn
inside the page (none today) are measured in place."""

import pytest

from tests.e2e.conftest import screenshot, sign_in

PHONE = {"width": 390, "height": 844}
MIN_PX = 12

# The charts on the page: the <img> of an SVG (its chosen source and its width on the screen).
CHART_IMAGES = """() => [...document.querySelectorAll('main img')]
  .filter((img) => /\\.svg(\\?|$)/.test(img.currentSrc || img.src))
  .map((img) => ({src: img.currentSrc || img.src, width: img.getBoundingClientRect().width}))"""

# Every visible, non-empty <text> under `root`: its words and its size on the screen.
TEXT_SIZES = """(root) => [...root.querySelectorAll('text')]
  .filter((t) => t.textContent.trim() && getComputedStyle(t).display !== 'none'
    && getComputedStyle(t).visibility !== 'hidden' && t.getBBox().width > 0)
  .map((t) => ({text: t.textContent.trim().slice(0, 30),
    px: parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a}))"""

# On the chart opened on its own: draw it as wide as its <img> was, then measure.
DRAW_AT = """(width) => {
  const svg = document.documentElement;
  svg.setAttribute('width', width);
  svg.removeAttribute('height');
  return svg.viewBox.baseVal.width;
}"""


def _small_texts(page, url) -> tuple[int, int, list[dict]]:
    """(number of charts, number of texts measured, the texts below MIN_PX) on the page."""
    page.goto(url)
    page.wait_for_load_state("networkidle")
    images = page.evaluate(CHART_IMAGES)
    # SVGs drawn inside the page, measured where they are; icons (100 px or less) are not charts.
    inline = [
        svg
        for svg in page.locator("main svg").all()
        if (svg.bounding_box() or {}).get("width", 0) > 100
    ]
    sizes = [size for svg in inline for size in svg.evaluate(TEXT_SIZES)]
    chart_page = page.context.new_page()
    try:
        for image in images:
            assert image["width"] > 0, image
            chart_page.goto(image["src"])
            assert chart_page.evaluate(DRAW_AT, image["width"]) > 0
            measured = chart_page.evaluate("(m) => (" + TEXT_SIZES + ")(document.documentElement)")
            assert measured, f"no text measured in {image['src']}"
            sizes += [{**size, "chart": image["src"]} for size in measured]
    finally:
        chart_page.close()
    return len(images) + len(inline), len(sizes), [size for size in sizes if size["px"] < MIN_PX]


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(viewport=PHONE, base_url=live_server.url, locale="id-ID")
    page = context.new_page()
    page.viewport_name = "phone"
    page.set_default_timeout(60_000)
    yield page
    context.close()


def test_the_needs_map_charts_are_readable_on_a_phone(phone, demo):
    sign_in(phone, "hr@demo.rakumpit.go.id")
    charts, texts, small = _small_texts(phone, "/workforce/needs/")
    assert charts == 2  # by sector and by kelurahan
    assert texts > 20  # titles, axis labels, values and legends
    assert not small, small
    # The browser picked the phone's drawing, not the desktop's scaled down.
    sources = phone.evaluate(CHART_IMAGES)
    assert all("size=phone" in source["src"] for source in sources), sources
    # The measure sees what this guards against: the desktop's drawing in the phone's column.
    desktop = sources[0]["src"].replace("size=phone", "size=full")
    chart_page = phone.context.new_page()
    chart_page.goto(desktop)
    chart_page.evaluate(DRAW_AT, sources[0]["width"])
    shrunk = chart_page.evaluate("(m) => (" + TEXT_SIZES + ")(document.documentElement)")
    chart_page.close()
    assert shrunk and max(size["px"] for size in shrunk) < MIN_PX, shrunk
    screenshot(phone, "needs-map-charts-phone")


@pytest.mark.parametrize("url", ["/workforce/summary/", "/recruitment/statistics/"])
def test_the_public_figures_have_no_text_below_12_px_on_a_phone(phone, demo, url):
    _charts, _texts, small = _small_texts(phone, url)
    assert not small, small

"""No page scrolls sideways on a 390 px phone: the public pages and, for each demo role, every page
its navigation leads to and the pages those lead to (one page of each address shape: the first
topic stands for every topic; each announcement and application is visited). A page whose
document is wider than the window fails, with the elements that stick out named in the message.

Tables may scroll inside their own box (.table-responsive): the page itself does not move; but
the published results and the public figures must fit without that. One browser context per
role, reused for all its pages, so the walk stays within about a minute."""

import re
from urllib.parse import urlsplit

from django.urls import reverse

from tests.e2e.conftest import sign_in

PHONE = {"width": 390, "height": 844}
ROLES = (
    "applicant",
    "applicant3",
    "resident",
    "employee",
    "supervisor",
    "hr",
    "verifier",
    "moderator",
)
PUBLIC = (
    "home",
    "recruitment:vacancy_list",
    "recruitment:announcement_index",
    "recruitment:statistics",
    "workforce:public_summary",
    "forums:topic_list",
    "forums:ikm_results",
    "forums:accountability",
    "recruitment:verify",
)
# How far from the start pages the walk follows links: a navigation item (0), what it lists (1),
# what an item of the list leads to (2: an HR period's announcements, scores, appeals...).
DEPTH = 2
# Not pages of ours, or not pages at all: Django's own admin, files, and what signs one out.
SKIPPED = re.compile(
    r"^/(admin|i18n|static|media)/|/logout/|\.(pdf|xlsx|csv|ics|svg|png|jpg|jpeg|zip|json)$"
    r"|/documents/\d+/$|/photo\.|/healthz"
)

MEASURE = """() => {
  const inner = window.innerWidth;
  const scroll = document.documentElement.scrollWidth;
  const tables = [...document.querySelectorAll('.table-responsive')]
    .filter((box) => box.scrollWidth > box.clientWidth + 1)
    .map((box) => `${box.scrollWidth}px table in ${box.clientWidth}px`);
  if (scroll <= inner) return {scroll, inner, tables, culprits: []};
  // The elements that reach past the window's right edge, innermost first, leaving out those
  // inside a box that scrolls or clips on its own (they do not move the page).
  const clipped = (el) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const x = getComputedStyle(p).overflowX;
      if (x === 'auto' || x === 'scroll' || x === 'hidden' || x === 'clip') return true;
    }
    return false;
  };
  const wide = [...document.body.querySelectorAll('*')].filter(
    (el) => el.getBoundingClientRect().right > inner + 1 && !clipped(el));
  const innermost = wide.filter((el) => !wide.some((o) => o !== el && el.contains(o)));
  const describe = (el) => {
    const classes = [...el.classList].slice(0, 3).map((c) => '.' + c).join('');
    const text = (el.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 40);
    const right = Math.round(el.getBoundingClientRect().right);
    const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + classes;
    return `<${name}> to ${right}px "${text}"`;
  };
  return {scroll, inner, tables, culprits: innermost.slice(0, 3).map(describe)};
}"""

LINKS = (
    """() => [...document.querySelectorAll('main a[href]:not([download])')].map((a) => a.href)"""
)
NAV_LINKS = """() => [...document.querySelectorAll('header nav a[href]')].map((a) => a.href)"""


# Shapes whose pages differ enough from one to the next to visit each of them: every published
# list (administrative, SKD, final, PPPK) and each of an applicant's applications (a draft, a
# finalised one, last year's ranked one).
EVERY_ONE = ("/recruitment/announcements/N/", "/recruitment/applications/N/")
# A page that is not a role's start page is walked once, by the first who reaches it (the pages
# every signed-in person shares, such as the profile's, are the same for all), except these, which
# show each role something else (a form to apply, to reply or answer, to register).
PER_ROLE = ("/recruitment/vacancies/N/", "/forums/topics/N/", "/forums/sessions/N/")


# Results and public figures: their tables fit the phone too, not only the page (no table box
# to scroll sideways to find a result, a rank or a shortage).
FITTING = re.compile(
    r"/recruitment/announcements/\d+/|/recruitment/statistics/|/workforce/summary/"
    r"|/forums/ikm/|/forums/accountability/"
)


def _shape(path):
    """One address per shape: /training/sessions/12/ stands for every session."""
    shape = re.sub(r"\d+", "N", path)
    return path if shape in EVERY_ONE else shape


def _local(url, origin):
    parts = urlsplit(url)
    if f"{parts.scheme}://{parts.netloc}" != origin or SKIPPED.search(parts.path):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _walk(page, starts, origin, offenders, who, walked):
    """Visit the start pages and the pages they link to, up to DEPTH, measuring each. A shape in
    `walked` (the earlier walks') is left out unless it is a start page; the shapes seen are
    added to it, but for PER_ROLE."""
    seen = set()
    queue = [(path, 0) for path in starts]
    while queue:
        path, depth = queue.pop(0)
        shape = _shape(urlsplit(path).path)
        if shape in seen or (depth and shape in walked):
            continue
        seen.add(shape)
        try:
            response = page.goto(path)
        except Exception as error:  # a link to a download starts one instead of a page
            if "Download is starting" in str(error):
                continue
            raise
        if response is None or "text/html" not in response.headers.get("content-type", ""):
            continue
        result = page.evaluate(MEASURE)
        if result["scroll"] > result["inner"]:
            offenders.append(
                f"{who} {path}: {result['scroll']}px wide in {result['inner']}px; "
                f"{'; '.join(result['culprits'])}"
            )
        if result["tables"] and FITTING.fullmatch(urlsplit(path).path):
            offenders.append(f"{who} {path}: {'; '.join(result['tables'])}")
        if depth < DEPTH:
            for url in page.evaluate(LINKS):
                local = _local(url, origin)
                if local and _shape(urlsplit(local).path) not in seen:
                    queue.append((local, depth + 1))
    walked |= seen - set(PER_ROLE)
    return seen


def test_it_scrolls_no_page_sideways_at_390_px(browser, live_server, demo):
    from accounts.demo import demo_email

    origin = live_server.url
    offenders = []

    context = browser.new_context(viewport=PHONE, base_url=origin, locale="id-ID")
    page = context.new_page()
    page.set_default_timeout(60_000)
    walked = set()
    seen = _walk(page, [reverse(name) for name in PUBLIC], origin, offenders, "anonymous", walked)
    context.close()

    for role in ROLES:
        context = browser.new_context(viewport=PHONE, base_url=origin, locale="id-ID")
        page = context.new_page()
        page.set_default_timeout(60_000)
        sign_in(page, demo_email(role))
        starts = [page.url.removeprefix(origin)]
        page.goto(reverse("home"))
        starts += [p for p in (_local(u, origin) for u in page.evaluate(NAV_LINKS)) if p]
        starts.append(reverse("accounts:profile"))
        seen |= _walk(page, starts, origin, offenders, role, walked)
        context.close()

    # The walk reached the pages this test is about (a broken link finder would pass vacuously).
    for shape in (
        "/recruitment/vacancies/N/",
        "/recruitment/statistics/",
        "/workforce/summary/",
        "/forums/topics/N/",
        "/forums/ikm/",
        "/forums/accountability/",
        "/recruitment/verify/",
        "/recruitment/hr/periods/N/announcements/",
        "/recruitment/hr/periods/N/scores/merit/",
        "/training/sessions/N/",
        "/performance/team/",
        "/forums/moderation/",
    ):
        assert shape in seen, f"the walk did not reach {shape}"
    lists = [path for path in seen if re.fullmatch(r"/recruitment/announcements/\d+/", path)]
    assert len(lists) >= 4, f"the walk read only these published lists: {lists}"
    assert not offenders, "pages that scroll sideways at 390 px:\n" + "\n".join(offenders)

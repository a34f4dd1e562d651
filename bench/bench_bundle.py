"""What the public pages weigh over the wire (issue 23: "first load <= 50 KB compressed, later
views <= 15 KB" for home, the vacancy list and page, the statistics, the forum list and a topic).

As an anonymous visitor, through the whole middleware stack (Django's test client, DEBUG off, so
the hashed static files collected by bench/run.py and served by WhiteNoise):

- the HTML, compressed as a front proxy sends it (gzip level 6, brotli quality 5);
- every static file the HTML links (CSS, JS, icon), fetched from WhiteNoise twice, once with
  `Accept-Encoding: gzip` and once with `Accept-Encoding: br`: the bytes it actually sends (a
  file WhiteNoise has no `.br` of comes back gzipped, and that is what is counted).

A first load is the HTML plus every linked file; a later view is the HTML alone, since the static
files have hashed names and a year's max-age. In the same run, for comparison, "before" is the
bundle every page loaded up to issue 23 (Bootstrap's whole dist CSS and JS bundle and htmx, from
node_modules, compressed as WhiteNoise compresses: gzip level 9, brotli default) with the same
HTML. Byte counts are exact and do not depend on the machine's load, so there is no floor here.

Usage: make bench, or alone with the Makefile's BENCH_ENV:
  .venv/bin/python bench/run.py bench_bundle
"""

import gzip
import re
from pathlib import Path

from django.conf import settings
from django.test import Client

from bench.common import machine, write

FIRST_LOAD_KB = 50
LATER_VIEW_KB = 15
ASSET = re.compile(r'(?:href|src)="(/static/[^"]+)"')
ROOT = Path(__file__).resolve().parent.parent
# Up to issue 23 base.html linked these on every page (besides our own portal.css, portal.js and
# the icon, which the page still links and are counted from its HTML).
BEFORE = [
    ROOT / "node_modules/bootstrap/dist/css/bootstrap.min.css",
    ROOT / "node_modules/bootstrap/dist/js/bootstrap.bundle.min.js",
    ROOT / "node_modules/htmx.org/dist/htmx.min.js",
]

try:
    import brotli
except ImportError:  # WhiteNoise then serves gzip to every browser
    brotli = None


def _html_sizes(html: bytes) -> dict:
    sizes = {"gzip": len(gzip.compress(html, compresslevel=6))}
    if brotli is not None:
        sizes["br"] = len(brotli.compress(html, quality=5))
    return sizes


def _served(client: Client, url: str, encoding: str) -> tuple[int, str]:
    response = client.get(url, HTTP_ACCEPT_ENCODING=encoding)
    assert response.status_code == 200, (url, response.status_code)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    response.close()
    return len(body), response.headers.get("Content-Encoding", "identity")


def _pages(client: Client) -> list[tuple[str, str]]:
    """The six public pages; the vacancy and topic are the first ones their lists link."""

    def first_link(path: str, pattern: str) -> str:
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        match = re.search(pattern, response.content.decode())
        assert match, f"{path} links no page matching {pattern}: seed data first"
        return match.group(0)

    return [
        ("home", "/"),
        ("vacancy list", "/recruitment/vacancies/"),
        ("vacancy page", first_link("/recruitment/vacancies/", r"/recruitment/vacancies/\d+/")),
        ("public statistics", "/recruitment/statistics/"),
        ("forum list", "/forums/"),
        ("topic page", first_link("/forums/", r"/forums/topics/\d+/")),
    ]


def _before_assets() -> dict:
    from whitenoise.compress import Compressor

    sizes = {"gzip": 0, "br": 0}
    for path in BEFORE:
        data = path.read_bytes()
        sizes["gzip"] += len(Compressor.compress_gzip(data))
        sizes["br"] += len(brotli.compress(data)) if brotli is not None else 0
    return sizes


def run() -> dict:
    client = Client(HTTP_HOST="127.0.0.1")  # make bench allows this host only
    encodings = ["gzip", "br"] if brotli is not None else ["gzip"]
    before = _before_assets() if all(p.exists() for p in BEFORE) else None
    rows = []
    for name, path in _pages(client):
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        html = response.content
        urls = sorted(set(ASSET.findall(html.decode("utf-8", "replace"))))
        row = {"name": name, "path": path, "html_bytes": len(html), "assets": urls}
        html_sizes = _html_sizes(html)
        for encoding in encodings:
            assets = [(url, *_served(client, url, encoding)) for url in urls]
            # Our own files (not the built CSS or htmx, nor the old vendor copies).
            own = sum(
                size for url, size, _ in assets if not re.match(r"/static/(build|vendor)/", url)
            )
            row[encoding] = {
                "html": html_sizes[encoding],
                "assets": sum(size for _, size, _ in assets),
                "served_as": sorted({served for _, _, served in assets}),
                "first_load": html_sizes[encoding] + sum(size for _, size, _ in assets),
                "later_view": html_sizes[encoding],
            }
            if before is not None:
                # The same page with the pre-issue-23 bundle: our own files plus Bootstrap + htmx.
                row[encoding]["before_first_load"] = html_sizes[encoding] + own + before[encoding]
        rows.append(row)
        print(f"bundle {name}: {len(urls)} static files, {row['gzip']['first_load']} B gzip")

    def kb(n: int) -> str:
        return f"{n / 1024:.1f}"

    ok = all(
        r[e]["first_load"] <= FIRST_LOAD_KB * 1024 and r[e]["later_view"] <= LATER_VIEW_KB * 1024
        for r in rows
        for e in encodings
    )
    lines = [
        "# Page weight of the public pages (bytes over the wire)",
        "",
        f"Target (issue 23): first load <= {FIRST_LOAD_KB} KB compressed, later views <= "
        f"{LATER_VIEW_KB} KB. **{'met' if ok else 'NOT met'}**.",
        "",
        "HTML compressed as a front proxy sends it (gzip 6, brotli 5); static files as "
        "WhiteNoise serves them for that Accept-Encoding; 'before' is the same HTML with the "
        "bundle every page loaded up to issue 23 (Bootstrap's dist CSS + JS bundle, htmx). "
        "KB = 1,024 bytes.",
        "",
        "| page | static files | encoding | HTML KB | first load KB | later view KB "
        "| before: first load KB |",
        "|---|---:|---|---:|---:|---:|---:|",
    ]
    for r in rows:
        for e in encodings:
            d = r[e]
            before_kb = kb(d["before_first_load"]) if "before_first_load" in d else "–"
            served = "/".join(d["served_as"]) or "–"
            lines.append(
                f"| {r['name']} | {len(r['assets'])} | {e} (files: {served}) | {kb(d['html'])} | "
                f"{kb(d['first_load'])} | {kb(d['later_view'])} | {before_kb} |"
            )
    lines += ["", "Static files linked:", ""]
    for url in sorted({u for r in rows for u in r["assets"]}):
        sizes = ", ".join(f"{e} {kb(_served(client, url, e)[0])} KB" for e in encodings)
        lines.append(f"- `{url}`: {sizes}")
    lines.append("")
    payload = {
        "machine": machine(),
        "storage": settings.STORAGES["staticfiles"]["BACKEND"],
        "brotli": brotli is not None,
        "target": {"first_load_kb": FIRST_LOAD_KB, "later_view_kb": LATER_VIEW_KB, "met": ok},
        "pages": rows,
    }
    write("bundle", payload, "\n".join(lines))
    return payload

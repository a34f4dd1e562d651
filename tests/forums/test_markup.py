"""XSS payloads in titles, bodies and comments render harmlessly."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from forums.markup import render_markdown
from tests.forums.factories import CommentFactory, TopicFactory

pytestmark = pytest.mark.django_db

PAYLOADS = [
    "<script>alert('x')</script>",
    "<img src=x onerror=alert('x')>",
    "<svg onload=alert('x')>",
    "<a href=\"javascript:alert('x')\">click</a>",
    "[click](javascript:alert('x'))",
    "[click](JaVaScRiPt:alert('x'))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "<iframe src='https://evil.example'></iframe>",
    "<div onmouseover=\"alert('x')\">hover",
    "<b onclick=alert('x')>unclosed",
    "&lt;script&gt;alert('x')&lt;/script&gt;",
    "&#60;script&#62;alert('x')&#60;/script&#62;",
    "<<script>script>alert('x')<</script>/script>",
    "[x](&#106;avascript:alert('x'))",
    "<style>body{display:none}</style>",
    "<form action=https://evil.example><input name=p></form>",
]
LIVE_TAGS = {"script", "img", "svg", "iframe", "style", "object", "embed", "form", "input",
             "math", "link", "meta", "base"}  # fmt: skip


class _Elements(HTMLParser):
    """The live elements and attributes a browser would build (escaped text is not one)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def _harmless(html: str, live_tags=LIVE_TAGS) -> None:
    parser = _Elements()
    parser.feed(html)
    for tag, attrs in parser.found:
        assert tag not in live_tags, (tag, html)
        for name, value in attrs.items():
            assert not name.startswith("on"), (name, html)
            if name in {"href", "src", "action", "formaction"}:
                scheme = (value or "").strip().lower().split(":", 1)[0]
                assert scheme not in {"javascript", "data", "vbscript"}, (value, html)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_it_renders_each_payload_harmlessly(payload):
    _harmless(str(render_markdown(payload)))


def test_it_keeps_safe_markdown_and_marks_links():
    html = str(
        render_markdown("**tebal** *miring*\n\n- satu\n- dua\n\n[portal](https://example.org)")
    )
    assert (
        "<strong>tebal</strong>" in html and "<em>miring</em>" in html and "<li>satu</li>" in html
    )
    assert 'href="https://example.org"' in html
    assert 'rel="nofollow noopener ugc"' in html


def test_it_shows_raw_html_as_text_and_drops_images():
    assert "&lt;b&gt;" in str(render_markdown("<b>x</b>"))
    assert "<img" not in str(render_markdown("![foto](https://example.org/a.jpg)"))


@pytest.mark.parametrize("payload", PAYLOADS)
def test_it_renders_payloads_in_titles_bodies_and_comments_harmlessly(client, payload):
    topic = TopicFactory(title=payload[:200], body=payload)
    CommentFactory(topic=topic, body=payload)
    for url in (reverse("forums:topic_detail", args=[topic.pk]), reverse("forums:topic_list")):
        html = client.get(url).content.decode()
        main = html.split("<main", 1)[1].split("</main>", 1)[0]
        _harmless(main, live_tags=LIVE_TAGS - {"form", "input", "img"})  # the page's own

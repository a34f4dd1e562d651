"""Markdown for residents' posts, rendered safely.

Raw HTML is switched off in the Markdown parser (it comes out as visible text), and the result is
cleaned again by nh3 (ammonia) with a short allow-list: no images, no attributes but a link's
href and title, only http(s) and mailto links, every link rel="nofollow noopener ugc". Titles
are never Markdown: the templates escape them like any other text.
"""

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "ul",
    "ol",
    "li",
    "blockquote",
    "code",
    "pre",
    "a",
    "h3",
    "h4",
    "hr",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow noopener ugc"


def _parser() -> markdown.Markdown:
    parser = markdown.Markdown(extensions=["sane_lists"], output_format="html")
    # No raw HTML: block-level HTML and inline tags are left as text, which escapes them.
    parser.preprocessors.deregister("html_block")
    parser.inlinePatterns.deregister("html")
    return parser


def render_markdown(text: str) -> SafeString:
    html = _parser().convert(text or "")
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    )
    return mark_safe(cleaned)  # noqa: S308 - cleaned by nh3 with the allow-list above

"""Residents' posts: plain text that renders as the person expects, Markdown still understood,
the result always safe.

Most residents have never heard of Markdown: they write as in a chat message. So before the
Markdown parser sees the text, `plain_to_markdown` turns what they type into what they mean:
lines starting with "-", "*" or "•" become a bulleted list and "1." or "1)" a numbered one, even
without the blank line Markdown wants before and after a list; a "#" that starts a line ("#1
prioritas") stays text instead of becoming a heading. The parser then keeps single line breaks
(nl2br), links bare web addresses (`_BareLinks`), and reads what Markdown writers type (existing
topics were written in Markdown and still look right).

Raw HTML is switched off in the parser (it comes out as visible text), and the result is cleaned
again by nh3 (ammonia) with a short allow-list: no images, no attributes but a link's href and
title and a numbered list's start, only http(s) and mailto links (a javascript: link loses its
href), every link rel="nofollow noopener ugc". Titles are never Markdown: the templates escape
them like any other text.
"""

import functools
import html
import re
import threading
import xml.etree.ElementTree as etree

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

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
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow noopener ugc"

# A list item as people type it: up to three spaces, then "-", "*", "+" or "•" and a space (the
# bullet "•" needs none), or a number followed by "." or ")" and a space.
_BULLET = re.compile(r"^(?P<indent>[ \t]{0,3})(?:•[ \t]*|[-*+][ \t]+)(?P<rest>\S.*)$")
_NUMBERED = re.compile(r"^(?P<indent>[ \t]{0,3})(?P<number>\d{1,9})[.)][ \t]+(?P<rest>\S.*)$")
# A nested item or a continuation: indented by at least two spaces or a tab.
_INDENTED = re.compile(r"^(?: {2,}|\t)\S")
# "#1", "##penting": a heading in Markdown only with a space after the hashes.
_HASHES_WITHOUT_SPACE = re.compile(r"^([ \t]{0,3})(#+)(?=[^#\s])")
# A rule ("---", "***") is not a list item, though it starts with one.
_RULE = re.compile(r"^[ \t]{0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")


def _list_item(line: str) -> str | None:
    """The line as a Markdown list item, or None when it is not one."""
    if _RULE.match(line):
        return None
    if match := _BULLET.match(line):
        return f"{match['indent']}- {match['rest']}"
    if match := _NUMBERED.match(line):
        return f"{match['indent']}{match['number']}. {match['rest']}"
    return None


def plain_to_markdown(text: str) -> str:
    """Plain text as its writer means it, in Markdown: lists from "-", "*", "•", "1." and "1)"
    lines, with the blank lines a list needs around it; a "#" that starts a line kept as text.
    Text already written in Markdown comes out the same."""
    out: list[str] = []
    in_list = False
    in_code = False  # an indented code block (Markdown): left alone
    for line in (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        blank = not line.strip()
        if blank:
            out.append("")
            in_list = False
            continue
        previous_blank = not out or out[-1] == ""
        if line.startswith(("    ", "\t")) and previous_blank and not in_list:
            in_code = True
        if in_code:
            if line.startswith(("    ", "\t")):
                out.append(line)
                continue
            in_code = False
        item = _list_item(line)
        if item is not None:
            if not in_list and not previous_blank:
                out.append("")  # a list needs a blank line before it
            out.append(item)
            in_list = True
            continue
        if in_list and not _INDENTED.match(line):
            out.append("")  # a line after a list starts a new paragraph
            in_list = False
        out.append(_HASHES_WITHOUT_SPACE.sub(lambda m: m[1] + "\\#" * len(m[2]), line))
    return "\n".join(out)


# A web address typed as it is: http(s)://… or www.…, up to a space or an angle bracket. Not
# preceded by a letter, "@", "/" or ".", so that e-mail addresses and paths are left alone.
_BARE_URL = re.compile(
    r"(?<![\w@/.])(?P<url>(?:https?://|www\.)[^\s<>\"'\x00-\x1f\x7f]+)", re.IGNORECASE
)
_TRAILING = ".,;:!?'\"*_"


def _trim_url(url: str) -> str:
    """An address without the punctuation that ends the sentence around it: "(see x.org/a)."
    keeps neither the ")" nor the ".", but "wiki/Foo_(bar)" keeps its own brackets."""
    while url:
        if url[-1] in _TRAILING or (url[-1] == ")" and url.count(")") > url.count("(")):
            url = url[:-1]
        else:
            break
    return url


class _BareLinks(Treeprocessor):
    """Turns bare web addresses in the text into links, after the inline patterns: text inside
    a link or code is left alone, so a Markdown link is never linked twice."""

    SKIP = {"a", "code", "pre"}

    def run(self, root):
        self._walk(root)

    def _walk(self, element):
        if element.tag in self.SKIP:
            return
        element.text, links = self._split(element.text)
        for offset, link in enumerate(links):
            element.insert(offset, link)
        for child in list(element):
            self._walk(child)
            child.tail, links = self._split(child.tail)
            position = list(element).index(child) + 1
            for offset, link in enumerate(links):
                element.insert(position + offset, link)

    @staticmethod
    def _split(text):
        """(text before the first address, [<a> elements each with the text after it as tail])."""
        if not text or ("://" not in text and "www." not in text.lower()):
            return text, []
        head, links, position = None, [], 0
        for match in _BARE_URL.finditer(text):
            url = _trim_url(match["url"])
            if not url or url.lower() in ("www.", "http://", "https://"):
                continue
            start, end = match.start("url"), match.start("url") + len(url)
            before = text[position:start]
            if links:
                links[-1].tail = before
            else:
                head = before
            link = etree.Element("a")
            link.set("href", url if "://" in url else f"https://{url}")
            link.text = url
            links.append(link)
            position = end
        if not links:
            return text, []
        links[-1].tail = text[position:]
        return head, links


class _HeadingLevels(Treeprocessor):
    """A heading in a post sits under the page's own headings: "#" and "##" become h3, the
    smaller ones h4 (the allow-list keeps only those two)."""

    def run(self, root):
        for element in root.iter():
            if element.tag in ("h1", "h2"):
                element.tag = "h3"
            elif element.tag in ("h5", "h6"):
                element.tag = "h4"


class _PlainTextExtension(Extension):
    def extendMarkdown(self, md):
        # After "inline" (20), which builds the links and code spans; before "prettify" (10).
        md.treeprocessors.register(_BareLinks(md), "bare_links", 15)
        md.treeprocessors.register(_HeadingLevels(md), "heading_levels", 14)


def _parser() -> markdown.Markdown:
    parser = markdown.Markdown(
        extensions=["sane_lists", "nl2br", _PlainTextExtension()], output_format="html"
    )
    # No raw HTML: block-level HTML and inline tags are left as text, which escapes them.
    parser.preprocessors.deregister("html_block")
    parser.inlinePatterns.deregister("html")
    return parser


# Building a parser costs more than most posts take to convert: one per thread, reset per use
# (a Markdown instance keeps state between conversions and is not safe to share across threads).
_local = threading.local()


def _convert(text: str) -> str:
    parser = getattr(_local, "parser", None)
    if parser is None:
        parser = _local.parser = _parser()
    try:
        return parser.reset().convert(text)
    except Exception:
        _local.parser = None  # never reuse a parser left half-way
        raise


@functools.lru_cache(maxsize=512)  # bulk writes repeat texts ("Setuju."); the result is a str
def _render(text: str) -> str:
    rendered = _convert(plain_to_markdown(text))
    return nh3.clean(
        rendered,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    )


def render_markdown(text: str) -> SafeString:
    """A post's text as safe HTML (see the module's docstring). Posts store it when they are
    saved (forums.fields.RenderedMarkdownField); pages read the stored HTML."""
    return mark_safe(_render(text or ""))  # noqa: S308 - cleaned by nh3 with the allow-list above


_TAG = re.compile(r"<[^>]+>")


def excerpt(text: str, *, limit: int = 200) -> str:
    """The first words of a post as plain text (for lists): rendered, stripped of its markup,
    lines joined, cut at a word. The result is text, escaped by the template like any other."""
    return html_excerpt(render_markdown(text), limit=limit)


def html_excerpt(rendered: str, *, limit: int = 200) -> str:
    """`excerpt` of a post whose HTML is already rendered (stored with the post)."""
    words = " ".join(html.unescape(_TAG.sub(" ", str(rendered or ""))).split())
    return Truncator(words).chars(limit)

"""Writing without knowing Markdown: what residents type as plain text renders as they mean it
(line breaks, lists of every kind people type, bare web addresses as links), Markdown written
before still works, and nothing unsafe gets through."""

import pytest

from forums.markup import excerpt, plain_to_markdown, render_markdown

REL = 'rel="nofollow noopener ugc"'

# (what is typed, HTML fragments that must be in the result, fragments that must not)
CASES = {
    "a single line break is kept": (
        "Baris satu\nbaris dua",
        ["<p>Baris satu<br>\nbaris dua</p>"],
        [],
    ),
    "a blank line starts a paragraph": (
        "Paragraf satu.\n\nParagraf dua.",
        ["<p>Paragraf satu.</p>", "<p>Paragraf dua.</p>"],
        ["<br>"],
    ),
    "Windows line endings": (
        "Satu\r\nDua\r\n\r\nTiga",
        ["<p>Satu<br>\nDua</p>", "<p>Tiga</p>"],
        ["\r"],
    ),
    "dash bullets right after a sentence": (
        "Kami butuh:\n- ambulans\n- perawat jaga",
        ["<p>Kami butuh:</p>", "<ul>", "<li>ambulans</li>", "<li>perawat jaga</li>"],
        ["- ambulans"],
    ),
    "star bullets": (
        "Kami butuh:\n* ambulans\n* perawat",
        ["<ul>", "<li>ambulans</li>", "<li>perawat</li>"],
        ["* ambulans"],
    ),
    "round bullets with and without a space": (
        "Kami butuh:\n• ambulans\n•perawat",
        ["<ul>", "<li>ambulans</li>", "<li>perawat</li>"],
        ["•"],
    ),
    "numbers with a dot": (
        "Langkah:\n1. daftar\n2. unggah",
        ["<ol>", "<li>daftar</li>", "<li>unggah</li>"],
        ["1."],
    ),
    "numbers with a bracket": (
        "Langkah:\n1) daftar\n2) unggah\n3) kirim",
        ["<ol>", "<li>daftar</li>", "<li>unggah</li>", "<li>kirim</li>"],
        ["1)", "3)"],
    ),
    "a list that starts at another number keeps it": (
        "3) tiga\n4) empat",
        ['<ol start="3">', "<li>tiga</li>"],
        [],
    ),
    "a sentence after a list is its own paragraph": (
        "- satu\n- dua\nTerima kasih.",
        ["<li>dua</li>\n</ul>", "<p>Terima kasih.</p>"],
        ["dua<br>"],
    ),
    "a dash inside a sentence is text": (
        "Buka jam 08.00 - 12.00 saja",
        ["<p>Buka jam 08.00 - 12.00 saja</p>"],
        ["<ul>"],
    ),
    "a bare web address becomes a link": (
        "Lihat https://rakumpit.go.id/layanan?a=1&b=2 ya",
        [
            '<a href="https://rakumpit.go.id/layanan?a=1&amp;b=2" '
            + REL
            + ">https://rakumpit.go.id/layanan?a=1&amp;b=2</a> ya"
        ],
        [],
    ),
    "the full stop after an address is not part of it": (
        "Info di https://rakumpit.go.id/info.",
        ['href="https://rakumpit.go.id/info"', "</a>.</p>"],
        ['href="https://rakumpit.go.id/info."'],
    ),
    "an address in brackets": (
        "(lihat https://example.org/wiki/Foo_(bar))",
        ['href="https://example.org/wiki/Foo_(bar)"', "</a>)</p>"],
        [],
    ),
    "a www address gets https": (
        "Buka www.rakumpit.go.id sekarang",
        ['<a href="https://www.rakumpit.go.id" ' + REL + ">www.rakumpit.go.id</a>"],
        [],
    ),
    "an e-mail address is not made a web link": (
        "Tulis ke admin@www.rakumpit.go.id",
        ["admin@www.rakumpit.go.id"],
        ["<a "],
    ),
    "an address in a list item": (
        "Tautan:\n- https://example.org/a",
        ['<li><a href="https://example.org/a" ' + REL + ">https://example.org/a</a></li>"],
        [],
    ),
    "a javascript: address is not linked": (
        "Klik javascript:alert(1) di sini",
        ["javascript:alert(1)"],
        ["<a ", "href"],
    ),
    "a javascript: Markdown link loses its target": (
        "[klik](javascript:alert(1))",
        [],
        ["javascript:", 'href="'],
    ),
    "a script tag is shown as text": (
        "<script>alert(1)</script>",
        ["&lt;script&gt;alert(1)&lt;/script&gt;"],
        ["<script"],
    ),
    "a hash at the start of a line is not a heading": (
        "#1 prioritas: ambulans",
        ["<p>#1 prioritas: ambulans</p>"],
        ["<h"],
    ),
    "Markdown emphasis, lists and links still work": (
        "**tebal** dan *miring*\n\n- satu\n- dua\n\n[portal](https://example.org)",
        [
            "<strong>tebal</strong>",
            "<em>miring</em>",
            "<li>satu</li>",
            '<a href="https://example.org" ' + REL + ">portal</a>",
        ],
        ["**", "[portal]"],
    ),
    "a Markdown link is not linked twice": (
        "[https://example.org](https://example.org)",
        ['<a href="https://example.org" ' + REL + ">https://example.org</a>"],
        ['<a href="https://example.org" rel="nofollow noopener ugc"><a'],
    ),
    "an address in code stays code": (
        "`https://example.org`",
        ["<code>https://example.org</code>"],
        ["<a "],
    ),
    "Markdown headings sit under the page's headings": (
        "# Besar\n\n### Kecil",
        ["<h3>Besar</h3>", "<h3>Kecil</h3>"],
        ["<h1>", "<h2>"],
    ),
    "Markdown nested lists still nest": (
        "- satu\n    - satu a\n- dua",
        ["<li>satu<ul>", "<li>satu a</li>"],
        [],
    ),
    "a rule is not a list": (
        "di atas\n\n---\n\ndi bawah",
        ["<hr>"],
        ["<li>"],
    ),
}


@pytest.mark.parametrize(("text", "present", "absent"), CASES.values(), ids=CASES.keys())
def test_it_renders_plain_text_as_the_writer_means_it(text, present, absent):
    html = str(render_markdown(text))
    for fragment in present:
        assert fragment in html, (fragment, html)
    for fragment in absent:
        assert fragment not in html, (fragment, html)


def test_it_leaves_text_already_in_markdown_as_it_is():
    text = "Judul\n\n- satu\n- dua\n\n1. pertama\n2. kedua\n\n    kode\n\n> kutipan"
    assert plain_to_markdown(text) == text


def test_it_keeps_an_indented_code_block_as_code():
    html = str(render_markdown("Contoh:\n\n    - bukan daftar\n    1) juga bukan"))
    assert "<pre><code>- bukan daftar\n1) juga bukan" in html
    assert "<li>" not in html


def test_it_gives_the_first_words_as_plain_text():
    text = "**Terima kasih** atas masukan.\n\n- ambulans tiba Maret\n- perawat <b>jaga</b>"
    assert excerpt(text, limit=200) == (
        "Terima kasih atas masukan. ambulans tiba Maret perawat <b>jaga</b>"
    )
    assert excerpt("kata " * 100, limit=30).endswith("…")
    assert len(excerpt("kata " * 100, limit=30)) <= 30

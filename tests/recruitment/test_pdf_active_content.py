"""PDFs that act instead of showing (scripts, launch actions, attached files) are refused,
wherever in the file they hide and however their names are escaped."""

import io

import pytest
from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from recruitment.services.applications import ApplicationError
from recruitment.services.documents import _check_pdf


def _write(writer) -> bytes:
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _script(js="app.alert(1)"):
    return DictionaryObject(
        {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject(js)}
    )


def _page_open_action():
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.pages[0][NameObject("/AA")] = DictionaryObject({NameObject("/O"): _script()})
    return _write(writer)


def _escaped(data: bytes) -> bytes:
    return data.replace(b"/JavaScript", b"/J#61vaScript").replace(b"/JS ", b"/J#53 ")


def _link_annotation():
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    annotation = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): ArrayObject([NumberObject(0)] * 4),
            NameObject("/A"): _script(),
        }
    )
    writer.pages[0][NameObject("/Annots")] = ArrayObject([writer._add_object(annotation)])
    return _write(writer)


def _chained_open_action():
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    first = DictionaryObject(
        {
            NameObject("/S"): NameObject("/GoTo"),
            NameObject("/D"): ArrayObject([NumberObject(0)]),
            NameObject("/Next"): _script(),
        }
    )
    writer._root_object[NameObject("/OpenAction")] = first
    return _write(writer)


def _launch():
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer._root_object[NameObject("/OpenAction")] = DictionaryObject(
        {NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("cmd.exe")}
    )
    return _write(writer)


def _attachment():
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_attachment("setup.exe", b"MZ\x90\x00 not really a program")
    return _write(writer)


@pytest.mark.parametrize(
    "make",
    [
        _page_open_action,
        lambda: _escaped(_page_open_action()),
        _link_annotation,
        lambda: _escaped(_link_annotation()),
        _chained_open_action,
        _launch,
        _attachment,
    ],
    ids=["page-aa", "page-aa-escaped", "link", "link-escaped", "next-action", "launch", "file"],
)
def test_it_refuses_active_pdf_content(make):
    with pytest.raises(ApplicationError):
        _check_pdf(make())


def test_it_accepts_a_plain_pdf():
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    assert _check_pdf(_write(writer)).extension == "pdf"

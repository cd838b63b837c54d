"""Tests of render/documents.py: dispatch by FileType and several documents in one fax."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from interfax_soap.render import (
    SUPPORTED_FILE_TYPES,
    DocumentTooLarge,
    RenderError,
    RenderOptions,
    render_document,
    render_documents,
)
from interfax_soap.render.faxtiff import describe_fax_tiff, encode_fax_tiff


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("L", (300, 200), 0).save(out, format="PNG")
    return out.getvalue()


def test_supported_file_types():
    # The base types always; HTML, PS/EPS and office types when their components are here.
    base = ("TXT", "PDF", "TIF", "TIFF", "PNG", "JPG", "JPEG", "GIF", "BMP")
    assert SUPPORTED_FILE_TYPES[:9] == base


@pytest.mark.parametrize("token", ["txt", "Txt", " TXT ", ".txt"])
def test_file_type_is_case_insensitive(token):
    assert render_document(b"hello", token, RenderOptions()).pages == 1


@pytest.mark.parametrize("token", ["XYZ", "", "EXE"])
def test_unsupported_file_type_is_a_render_error(token):
    with pytest.raises(RenderError, match="unsupported"):
        render_document(b"data", token, RenderOptions())


def test_documents_are_concatenated_in_order(make_pdf, decode_pages, ink):
    fax_page = Image.new("1", (1728, 2291), 255)
    documents = [
        (b"first\fsecond", "TXT"),
        (make_pdf([[(12, "pdf page")]]), "PDF"),
        (_png(), "PNG"),
        (encode_fax_tiff([fax_page], fine=True), "TIF"),
    ]

    rendered = render_documents(documents, RenderOptions(fine=True))

    assert rendered.pages == 5
    info = describe_fax_tiff(rendered.tiff)
    assert {(page.width, page.y_resolution, page.photometric) for page in info.pages} == {
        (1728, 196.0, 0)
    }
    pages = decode_pages(rendered.tiff)
    assert ink(pages[4]) == 0  # the blank fax page came through blank
    assert ink(pages[3], (500, 0, 1200, 200)) > 0.9  # the black PNG is the 4th page


def test_page_limit_counts_all_documents():
    documents = [(b"1\f2\f3", "TXT"), (b"4\f5", "TXT")]

    assert render_documents(documents, RenderOptions(max_pages=5)).pages == 5
    with pytest.raises(DocumentTooLarge):
        render_documents(documents, RenderOptions(max_pages=4))


def test_failure_names_the_document():
    with pytest.raises(RenderError, match=r"document 2 \(PDF\)") as caught:
        render_documents([(b"fine", "TXT"), (b"not a pdf", "PDF")], RenderOptions())
    assert caught.value.status == 204000


def test_no_documents_is_a_render_error():
    with pytest.raises(RenderError):
        render_documents([], RenderOptions())


@pytest.mark.parametrize(
    "options",
    [{"page_size": "A3"}, {"orientation": "diagonal"}, {"compression": "jbig"}, {"max_pages": 0}],
)
def test_bad_options_are_value_errors(options):
    with pytest.raises(ValueError):
        RenderOptions(**options)


def test_options_are_normalised():
    options = RenderOptions(page_size="letter", orientation="landscape", compression="GROUP4")

    assert (options.page_size, options.orientation, options.compression) == (
        "LETTER",
        "LANDSCAPE",
        "group4",
    )

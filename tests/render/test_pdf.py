"""Tests of render/pdf.py: PDF pages to fax pages."""

from __future__ import annotations

import io

import pypdf
import pytest

from interfax_soap.render import DocumentTooLarge, RenderError, RenderOptions, render_document
from interfax_soap.render.faxtiff import describe_fax_tiff
from interfax_soap.render.pdf import count_pdf_pages

LINES = [
    (size, f"{size} pt: The quick brown fox jumps over the lazy dog") for size in (6, 8, 11, 24)
]


def _render(data: bytes, **options: object):
    return render_document(data, "PDF", RenderOptions(**options))


@pytest.mark.parametrize(("fine", "rows"), [(True, 2349), (False, 1175)])
def test_two_pages_give_two_fax_pages(make_pdf, fine, rows):
    # An A4 PDF page (595 x 842 pt) scaled to the 1728-pixel row.
    rendered = _render(make_pdf([LINES, LINES[:1]]), fine=fine)

    info = describe_fax_tiff(rendered.tiff)
    assert rendered.pages == info.page_count == 2
    for page in info.pages:
        assert (page.width, page.height) == (1728, rows)
        assert page.y_resolution == (196.0 if fine else 98.0)
        assert (page.compression, page.photometric) == ("group3", 0)


def _runs(page, box) -> int:
    """Separate ink runs along x in ``box`` (columns with any black pixel)."""
    band = page.crop(box).convert("L")
    columns = [
        band.crop((x, 0, x + 1, band.height)).getextrema()[0] == 0 for x in range(band.width)
    ]
    return sum(1 for x, inked in enumerate(columns) if inked and (x == 0 or not columns[x - 1]))


@pytest.mark.parametrize("fine", [True, False])
def test_thin_strokes_survive(make_pdf, decode_pages, fine):
    # At 5 pt the stem of "l" and the bar of "-" are under one fax row at standard
    # resolution. Rendered anti-aliased and thresholded at 128, every "-" vanished there;
    # the aliased render at the fax resolution keeps all of them.
    lines = [(5, " ".join("l" * 20)), (5, " ".join("-" * 20))]
    (page,) = decode_pages(_render(make_pdf([lines]), fine=fine).tiff)

    rows_per_pt = 1728 / 595 * (196 if fine else 98) / 204
    stems = (100, round(56 * rows_per_pt), 1700, round(60.5 * rows_per_pt))
    bars = (100, round(64.5 * rows_per_pt), 1700, round(67 * rows_per_pt))
    assert _runs(page, stems) == 20
    assert _runs(page, bars) == 20


def test_landscape_page_is_turned(make_pdf, decode_pages, ink):
    rendered = _render(make_pdf([LINES], size=(842, 595)), fine=True)

    (page,) = decode_pages(rendered.tiff)
    assert page.size == (1728, 2349)
    # The top of the landscape page is now on the left edge, its start at the bottom.
    assert ink(page, (0, 1700, 400, 2349)) > 0.01
    assert ink(page, (900, 0, 1728, 2349)) == 0


def test_very_long_page_is_cut_into_pages(make_pdf):
    rendered = _render(make_pdf([LINES], size=(595, 842 * 3)), fine=True)

    assert rendered.pages == 4  # 7047 rows over A4 pages of 2291 rows


def test_more_than_max_pages_is_too_large(make_pdf):
    pdf = make_pdf([[(12, "page")]] * 101)

    with pytest.raises(DocumentTooLarge) as caught:
        _render(pdf)
    assert caught.value.status == 204001
    assert count_pdf_pages(pdf) == 101


def test_garbage_is_a_render_error():
    with pytest.raises(RenderError) as caught:
        _render(b"%PDF-1.4\nthis is no PDF at all")
    assert type(caught.value) is RenderError
    assert caught.value.status == 204000


def test_password_protected_pdf_is_a_render_error(make_pdf):
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(make_pdf([LINES]))))
    writer.encrypt(user_password="secret", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)

    with pytest.raises(RenderError, match="(?i)password"):
        _render(out.getvalue())

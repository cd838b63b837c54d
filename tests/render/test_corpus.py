"""The acceptance corpus (issue 5, "Done when"): documents of every type this installation
renders, made here, sent through the render pool with a page header, and checked for page
count, geometry, resolution, coding, ink where the content is, and each page's header."""

from __future__ import annotations

import base64
import io
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from PIL import Image, ImageChops, ImageDraw

from interfax_soap.render import (
    PageHeaderTemplate,
    RenderOptions,
    RenderPool,
    describe_fax_tiff,
)
from interfax_soap.render.header import header_band
from tests.render.conftest import (
    _decode_pages,
    _make_pdf,
    black_fraction,
    expected_rows,
    make_docx,
    png_bytes,
    require_component,
)

MULTILINGUAL = "English text, Français, Deutsch (Grüße), Español (¿qué?)\n"
JAPANESE = "日本語のファクス：東京都港区、ｶﾀｶﾅ、ひらがな、漢字。\nASCII too.\n"
HEADER = PageHeaderTemplate.of(
    "To: {To}  From: {From}  Page {Page}/{TotalPages}", {"To": "+81 3 5550 0100", "From": "qa"}
)
PDF_ROWS = {False: round(842 / 595 * 1728 * 98 / 204), True: round(842 / 595 * 1728 * 196 / 204)}


@dataclass(frozen=True)
class Case:
    data: Callable[[], bytes]
    file_type: str
    pages: int
    rows: Callable[[bool], int | None]  # fax rows of each page, None: not fixed
    needs: str | None = None


def _text(first_page: str, encoding: str) -> bytes:
    return (first_page + "\fSecond page text").encode(encoding)


def _text_rows(fine: bool) -> int:
    return expected_rows("A4", fine)


def _pdf_rows(fine: bool) -> int:
    return PDF_ROWS[fine]


def _picture(fmt: str) -> Callable[[], bytes]:
    def make() -> bytes:
        image = Image.new("L", (850, 1100), 255)
        draw = ImageDraw.Draw(image)
        draw.rectangle((100, 300, 700, 400), fill=0)
        draw.text((100, 500), "scanned text", fill=0)
        if fmt == "TIFF":
            second = image.transpose(Image.Transpose.FLIP_TOP_BOTTOM)
            out = io.BytesIO()
            image.save(
                out,
                "TIFF",
                save_all=True,
                append_images=[second],
                dpi=(100, 100),
                compression="tiff_lzw",
            )
            return out.getvalue()
        return png_bytes(image.convert("RGB") if fmt == "JPEG" else image, fmt)

    return make


def _html() -> bytes:
    logo = (
        "data:image/png;base64," + base64.b64encode(png_bytes(Image.new("L", (60, 30), 0))).decode()
    )
    return (
        "<html><head><meta charset='utf-8'><style>"
        "body { font-family: sans-serif; font-size: 12pt }"
        " h1 { color: #222; border-bottom: 2px solid black }"
        " .next { page-break-before: always }</style></head><body>"
        f"<h1>Quotation</h1><img src='{logo}' style='width: 30mm'>"
        "<p>日本語と English の混在。</p><p class='next'>Second page</p></body></html>"
    ).encode()


CASES = {
    "txt-utf8": Case(lambda: _text(MULTILINGUAL + JAPANESE, "utf-8"), "TXT", 2, _text_rows),
    "txt-latin1": Case(lambda: _text(MULTILINGUAL, "latin-1"), "TXT", 2, _text_rows),
    "txt-shift_jis": Case(lambda: _text(JAPANESE, "cp932"), "TXT", 2, _text_rows),
    # ISO-2022-JP has no half-width katakana.
    "txt-iso2022jp": Case(
        lambda: _text(JAPANESE.replace("ｶﾀｶﾅ", "カタカナ"), "iso2022_jp"), "TXT", 2, _text_rows
    ),
    "txt-euc-jp": Case(lambda: _text(JAPANESE, "euc_jp"), "TXT", 2, _text_rows),
    "html": Case(_html, "HTML", 2, _pdf_rows, "WeasyPrint"),
    "pdf": Case(
        lambda: _make_pdf([[(14, f"PDF page {n}"), (10, "body text")] for n in range(3)]),
        "PDF",
        3,
        _pdf_rows,
    ),
    "png": Case(_picture("PNG"), "PNG", 1, lambda fine: None),
    "jpeg": Case(_picture("JPEG"), "JPG", 1, lambda fine: None),
    "gif": Case(_picture("GIF"), "GIF", 1, lambda fine: None),
    "bmp": Case(_picture("BMP"), "BMP", 1, lambda fine: None),
    "tiff": Case(_picture("TIFF"), "TIF", 2, lambda fine: None),
    "docx": Case(
        lambda: make_docx(["First page", "Second page"], 0), "DOCX", 2, _pdf_rows, "LibreOffice"
    ),
    "ps": Case(
        lambda: (
            b"%!PS\n/Helvetica findfont 30 scalefont setfont\n"
            b"72 700 moveto (PostScript) show showpage\n"
        ),
        "PS",
        1,
        _pdf_rows,
        "Ghostscript",
    ),
}


@pytest.fixture(scope="module")
def pool():
    with RenderPool(workers=2, timeout_seconds=120) as render_pool:
        yield render_pool


@pytest.mark.parametrize("fine", [False, True], ids=["standard", "fine"])
@pytest.mark.parametrize("name", list(CASES))
def test_corpus_document(name, fine, pool):
    case = CASES[name]
    if case.needs:
        require_component(case.needs)
    options = RenderOptions(fine=fine)

    rendered = pool.render([(case.data(), case.file_type)], options, header=HEADER)

    assert rendered.pages == case.pages
    info = describe_fax_tiff(rendered.tiff)
    y_dpi = 196 if fine else 98
    for page in info.pages:
        assert (page.width, page.x_resolution, page.y_resolution) == (1728, 204, y_dpi)
        assert (page.photometric, page.bits_per_sample, page.compression) == (0, 1, "group3")
        assert page.height <= y_dpi * 14.4
        if case.rows(fine) is not None:
            assert abs(page.height - case.rows(fine)) <= 1  # A4 is 842 or 841.89 pt
    band_rows = 34 if fine else 17
    for number, page in enumerate(_decode_pages(rendered.tiff), 1):
        band = header_band(HEADER.text(number, case.pages), fine=fine)
        top = page.crop((0, 0, 1728, band_rows)).convert("L")
        assert ImageChops.difference(top, band.convert("L")).getbbox() is None, number
        assert black_fraction(page, (0, band_rows + 2, 1728, page.height)) > 0.0002, number

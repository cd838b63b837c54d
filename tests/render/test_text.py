"""Tests of render/text.py: text layout, encodings, page geometry."""

from __future__ import annotations

import pytest

from interfax_soap.render import DocumentTooLarge, RenderError, RenderOptions, render_document
from interfax_soap.render.faxtiff import describe_fax_tiff
from interfax_soap.render.fonts import choose_faces
from interfax_soap.render.text import _Glyphs, _grid, _wrap

JAPANESE = "日本語のテキストです。東京都千代田区霞が関一丁目、議事録。\nカタカナ ｶﾀｶﾅ ○※\n"
# The first text line's band on a fine page: top margin 0.5 in, one 34-pixel line.
FIRST_LINE_FINE = (102, 95, 900, 135)


def _render(data: bytes, **options: object):
    return render_document(data, "TXT", RenderOptions(**options))


@pytest.mark.parametrize(
    ("page_size", "fine", "rows"),
    [
        ("A4", True, 2291),
        ("A4", False, 1146),
        ("Letter", True, 2148),
        ("Legal", False, 1367),
        ("B4", True, 2351),
    ],
)
def test_page_geometry(page_size, fine, rows):
    rendered = _render(b"Hello fax\n", page_size=page_size, fine=fine)

    info = describe_fax_tiff(rendered.tiff)
    assert rendered.pages == info.page_count == 1
    assert rendered.fine is fine
    (page,) = info.pages
    assert (page.width, page.height) == (1728, rows)
    assert (page.x_resolution, page.y_resolution) == (204.0, 196.0 if fine else 98.0)
    assert (page.compression, page.photometric) == ("group3", 0)


def test_ascii_text_is_drawn_in_the_text_area(decode_pages, ink):
    rendered = _render(b"The quick brown fox jumps over the lazy dog.\n", fine=True)

    (page,) = decode_pages(rendered.tiff)
    assert ink(page, FIRST_LINE_FINE) > 0.02
    assert ink(page, (0, 0, 1728, 90)) == 0  # top margin
    assert ink(page, (0, 300, 1728, page.height)) == 0  # nothing below the first line


def test_group4_option():
    rendered = _render(b"G4\n", compression="group4")

    assert describe_fax_tiff(rendered.tiff).pages[0].compression == "group4"


def test_long_lines_wrap_without_loss():
    # 89 columns x 64 lines per A4 page: 70 full lines of X need a second page.
    assert _render(b"X" * (89 * 64)).pages == 1
    assert _render(b"X" * (89 * 70)).pages == 2


def test_form_feed_starts_a_new_page():
    assert _render(b"one\fone more\fthe last\f").pages == 3
    assert _render(b"one\f\fthree").pages == 3


def test_line_count_paginates():
    assert _render(b"line\n" * 64).pages == 1
    assert _render(b"line\n" * 65).pages == 2


def test_empty_text_is_one_blank_page(decode_pages, ink):
    rendered = _render(b"")

    assert rendered.pages == 1
    assert ink(decode_pages(rendered.tiff)[0]) == 0


def test_wrap_tabs_words_and_double_width():
    faces = choose_faces("日本 abc")
    grid = _grid(RenderOptions().geometry(), faces[0])
    glyphs = _Glyphs(faces, grid.cell)

    assert _wrap("a\tb\tc", 40, glyphs, 10) == ["a       b       c"]
    assert _wrap("aaaa bbbb cccc", 10, glyphs, 10) == ["aaaa bbbb", "cccc"]
    assert _wrap("abcdefghijkl", 5, glyphs, 10) == ["abcde", "fghij", "kl"]
    # Full-width characters take two columns: five fit in ten.
    assert _wrap("日" * 12, 10, glyphs, 10) == ["日" * 5, "日" * 5, "日" * 2]
    assert _wrap("日\u3000日", 4, glyphs, 10) == ["日\u3000", "日"]  # ideographic space: 2


@pytest.mark.parametrize(
    "encoding", ["utf-8", "utf-8-sig", "shift_jis", "cp932", "iso2022_jp_ext", "euc_jp"]
)
def test_japanese_renders_in_every_encoding(encoding, decode_pages, ink):
    rendered = _render(JAPANESE.encode(encoding), fine=True)

    (page,) = decode_pages(rendered.tiff)
    assert ink(page, FIRST_LINE_FINE) > 0.05  # kanji are dense


def test_declared_charset_is_used(decode_pages, ink):
    rendered = _render(JAPANESE.encode("euc_jp"), charset="EUC-JP", fine=True)

    assert ink(decode_pages(rendered.tiff)[0], FIRST_LINE_FINE) > 0.05


def test_character_without_a_font_is_a_render_error():
    with pytest.raises(RenderError, match="U\\+1F600"):
        _render("emoji \U0001f600".encode())


def test_landscape_page_is_turned_onto_the_fax_page(decode_pages, ink):
    rendered = _render(b"landscape\n" * 3, orientation="Landscape", fine=True)

    (page,) = decode_pages(rendered.tiff)
    assert page.size == (1728, 2291)
    # The landscape page's top edge is on the left: text near the left, bottom of the page.
    assert ink(page, (95, 1800, 200, 2291)) > 0.02
    assert ink(page, (300, 0, 1728, 2291)) == 0


def test_too_many_pages_is_document_too_large():
    with pytest.raises(DocumentTooLarge) as caught:
        _render(b"page\f" * 101)
    assert caught.value.status == 204001
    assert _render(b"page\f" * 3, max_pages=3).pages == 3

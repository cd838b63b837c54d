"""Tests of render/html.py: HTML laid out by WeasyPrint on the fax page, nothing fetched."""

from __future__ import annotations

import base64
import socket

import pytest
from PIL import Image, ImageChops

from interfax_soap.render import (
    DocumentTooLarge,
    RenderError,
    RenderOptions,
    RenderPool,
    RenderTimeout,
    describe_fax_tiff,
    render_document,
)
from interfax_soap.render.html import decode_data_uri, decode_html
from tests.render.conftest import png_bytes, require_component

JAPANESE = "拝啓　東京都港区の皆様へ。ファクスの試験です。"
PX_PER_MM = 1728 / 210  # an A4 page is scaled to the fax row


@pytest.fixture(autouse=True)
def _weasyprint() -> None:
    require_component("WeasyPrint")


def _html(body: str, head: str = "", charset: str = "utf-8") -> bytes:
    document = f"<!doctype html><html><head>{head}</head><body>{body}</body></html>"
    return document.encode(charset)


def _box(mm: tuple[float, float, float, float], fine: bool) -> tuple[int, int, int, int]:
    """A box given in mm from the page's top left, in fax pixels."""
    rows_per_mm = PX_PER_MM * (196 if fine else 98) / 204
    left, top, right, bottom = mm
    return (
        round(left * PX_PER_MM),
        round(top * rows_per_mm),
        round(right * PX_PER_MM),
        round(bottom * rows_per_mm),
    )


def test_css_layout_and_inline_image_land_where_the_style_puts_them(decode_pages, ink):
    black = (
        "data:image/png;base64," + base64.b64encode(png_bytes(Image.new("L", (40, 20), 0))).decode()
    )
    head = (
        "<style>@page { margin: 0 } body { margin: 0 }"
        " h1 { position: absolute; left: 20mm; top: 20mm; margin: 0; font: bold 30pt sans-serif }"
        " img { position: absolute; left: 50mm; top: 100mm; width: 40mm; height: 20mm }</style>"
    )
    body = f"<h1>Invoice 42</h1><img src='{black}'>"

    rendered = render_document(_html(body, head), "HTML", RenderOptions(fine=True))

    (page,) = decode_pages(rendered.tiff)
    assert page.size == (1728, round(297 / 210 * 1728 * 196 / 204))
    assert ink(page, _box((51, 101, 89, 119), fine=True)) > 0.98  # the image, inside
    assert ink(page, _box((20, 19, 110, 33), fine=True)) > 0.1  # the heading is not blank
    assert ink(page, _box((100, 60, 200, 280), fine=True)) == 0  # nothing else
    assert ink(page, _box((46, 96, 49, 124), fine=True)) == 0  # just left of the image


@pytest.mark.parametrize("encoding", ["shift_jis", "iso-2022-jp", "euc-jp"])
def test_japanese_in_each_charset_renders_like_utf8(encoding, decode_pages, ink):
    head = "<style>body { font-size: 14pt }</style>"
    reference = render_document(
        _html(f"<p>{JAPANESE}</p>", "<meta charset='utf-8'>" + head), "HTML", RenderOptions()
    )
    declared_in_meta = _html(
        f"<p>{JAPANESE}</p>",
        f"<meta http-equiv='Content-Type' content='text/html; charset={encoding}'>" + head,
        encoding,
    )

    rendered = render_document(declared_in_meta, "HTML", RenderOptions())

    (expected,) = decode_pages(reference.tiff)
    (page,) = decode_pages(rendered.tiff)
    assert ink(page, (0, 0, 1728, 200)) > 0.005  # the text is there, in a CJK font
    assert ImageChops.difference(page.convert("L"), expected.convert("L")).getbbox() is None


def test_declared_charset_is_used_without_a_meta(decode_pages):
    data = _html(f"<p>{JAPANESE}</p>", charset="euc-jp")
    reference = render_document(_html(f"<p>{JAPANESE}</p>"), "HTML", RenderOptions())

    rendered = render_document(data, "HTML", RenderOptions(charset="EUC-JP"))

    assert decode_pages(rendered.tiff)[0].tobytes() == decode_pages(reference.tiff)[0].tobytes()


@pytest.mark.parametrize(
    ("data", "charset", "text"),
    [
        (f"<meta charset=shift_jis><p>{JAPANESE}".encode("cp932"), None, JAPANESE),
        (f"<p>{JAPANESE}".encode("euc-jp"), None, JAPANESE),  # detected
        (f"<p>{JAPANESE}".encode("iso-2022-jp"), None, JAPANESE),  # detected
        ("<p>Grüße</p>".encode("cp1252"), None, "Grüße"),
        ("<meta charset=x-unknown><p>Grüße</p>".encode(), None, "Grüße"),
        ("<p>Grüße</p>".encode("latin-1"), "no-such-charset", "Grüße"),
        (b"\xef\xbb\xbf<p>caf\xc3\xa9</p>", None, "café"),
    ],
)
def test_decode_html(data, charset, text):
    assert text in decode_html(data, charset)


def test_data_uris_are_decoded():
    assert decode_data_uri("data:,a%20b") == (b"a b", "text/plain", "US-ASCII")
    assert decode_data_uri("data:text/css;charset=utf-8;base64,cCB7fQ==") == (
        b"p {}",
        "text/css",
        "utf-8",
    )
    with pytest.raises(ValueError):
        decode_data_uri("http://example.com/")


def test_pages_follow_css_page_breaks_and_the_requested_page_size(decode_pages):
    body = "".join(f"<p style='page-break-after: always'>page {n}</p>" for n in range(3))
    # The document asks for A5: the fax page size asked for wins.
    head = "<style>@page { size: A5 }</style>"

    letter = render_document(_html(body, head), "HTML", RenderOptions(page_size="Letter"))
    landscape = render_document(_html(body), "HTML", RenderOptions(orientation="Landscape"))

    assert letter.pages == 3
    letter_rows = round(11 / 8.5 * 1728 * 98 / 204)
    assert {page.size for page in decode_pages(letter.tiff)} == {(1728, letter_rows)}
    # A landscape A4 page is turned onto the fax page: its 297 mm side runs down the page.
    a4_rows = round(297 / 210 * 1728 * 98 / 204)
    assert {page.size for page in decode_pages(landscape.tiff)} == {(1728, a4_rows)}
    info = describe_fax_tiff(letter.tiff)
    assert {(p.x_resolution, p.y_resolution, p.photometric) for p in info.pages} == {(204, 98, 0)}


@pytest.mark.parametrize(
    "reference",
    [
        "<img src='http://127.0.0.1:{port}/logo.png'>",
        "<link rel='stylesheet' href='http://127.0.0.1:{port}/style.css'>",
        "<div style=\"background: url('http://127.0.0.1:{port}/bg.png')\">x</div>",
        "<style>@import url('http://127.0.0.1:{port}/more.css');</style>",
        "<style>@font-face {{ font-family: X; src: url('http://127.0.0.1:{port}/x.woff') }}"
        " p {{ font-family: X }}</style><p>x</p>",
        "<img src='logo.png'>",  # relative: would be read from somewhere
        "<img src='file:///{path}'>",
    ],
)
def test_external_references_are_refused_and_never_fetched(reference, tmp_path):
    picture = tmp_path / "black.png"
    picture.write_bytes(png_bytes(Image.new("L", (50, 50), 0)))
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        listener.setblocking(False)
        port = listener.getsockname()[1]
        html = _html(reference.format(port=port, path=str(picture).lstrip("/")) + "<p>text</p>")

        with pytest.raises(RenderError, match="external resources") as caught:
            render_document(html, "HTML", RenderOptions())

        with pytest.raises(BlockingIOError):
            listener.accept()  # nobody knocked
    assert caught.value.status == 204000


def test_more_pages_than_allowed_is_too_large():
    body = "".join("<p style='page-break-after: always'>x</p>" for _ in range(12))
    with pytest.raises(DocumentTooLarge) as caught:
        render_document(_html(body), "HTML", RenderOptions(max_pages=10))
    assert caught.value.status == 204001


def test_japanese_without_a_japanese_font_is_a_clear_error(monkeypatch):
    from interfax_soap.render import html as html_module

    latin_only = [face for face in html_module.available_faces() if not face.cjk]
    monkeypatch.setattr(html_module, "available_faces", lambda: tuple(latin_only))
    with pytest.raises(RenderError, match="fonts-ipafont-gothic"):
        render_document(_html(f"<p>{JAPANESE}</p>"), "HTML", RenderOptions())


def test_a_huge_table_ends_in_a_timeout_and_the_pool_goes_on():
    rows = "".join(f"<tr><td>{n}</td><td>{'cell ' * 20}</td></tr>" for n in range(40_000))
    huge = _html(f"<table>{rows}</table>")
    with RenderPool(workers=1, timeout_seconds=60) as pool:
        with pytest.raises(RenderTimeout) as caught:
            pool.render([(huge, "HTML")], RenderOptions(), timeout_seconds=3)
        assert caught.value.status == 204000
        assert pool.render([(_html("<p>next</p>"), "HTML")], RenderOptions()).pages == 1


@pytest.mark.parametrize("kind", ["bomb", "damaged"])
def test_an_inline_image_that_cannot_be_used_fails_the_document(kind, big_gray_png):
    png = big_gray_png(12_000, 12_000) if kind == "bomb" else b"\x89PNG\r\n\x1a\n broken"
    uri = "data:image/png;base64," + base64.b64encode(png).decode()
    options = RenderOptions(max_image_pixels=50_000_000)
    with pytest.raises(RenderError, match="Failed to load image") as caught:
        render_document(_html(f"<img src='{uri}'><p>text</p>"), "HTML", options)
    assert caught.value.status == 204000

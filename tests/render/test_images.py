"""Tests of render/images.py: raster images of every supported format to fax pages."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageDraw

from interfax_soap.render import DocumentTooLarge, RenderError, RenderOptions, render_document
from interfax_soap.render.faxtiff import describe_fax_tiff, encode_fax_tiff


def _drawing(size: tuple[int, int] = (800, 600), mode: str = "RGB") -> Image.Image:
    image = Image.new(mode, size, "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((50, 50, size[0] - 50, 150), fill="black")
    draw.line((0, size[1] - 1, size[0] - 1, 0), fill="black", width=5)
    return image


def _save(image: Image.Image, fmt: str, **params: object) -> bytes:
    out = io.BytesIO()
    image.save(out, format=fmt, **params)
    return out.getvalue()


def _render(data: bytes, file_type: str, **options: object):
    return render_document(data, file_type, RenderOptions(**options))


@pytest.mark.parametrize(
    ("fmt", "file_type"),
    [("PNG", "png"), ("JPEG", "JPG"), ("JPEG", "jpeg"), ("GIF", "GIF"), ("BMP", "bmp")],
)
def test_each_format_gives_a_fax_page(fmt, file_type, decode_pages, ink):
    image = _drawing()
    if fmt == "GIF":
        image = image.convert("P")

    rendered = _render(_save(image, fmt), file_type, fine=True)

    info = describe_fax_tiff(rendered.tiff)
    assert rendered.pages == info.page_count == 1
    page = info.pages[0]
    assert (page.width, page.height) == (1728, 2291)
    assert (page.x_resolution, page.y_resolution, page.photometric) == (204.0, 196.0, 0)
    # Fitted to the width: the black bar (y 50-150 of 600) is near the top, full width.
    (decoded,) = decode_pages(rendered.tiff)
    assert ink(decoded, (300, 150, 1400, 300)) > 0.95
    assert ink(decoded, (300, 1400, 1400, 2291)) == 0  # below the picture: paper


def test_multi_page_tiff_gives_a_page_per_frame():
    frames = [_drawing(mode="L"), _drawing(mode="1"), _drawing().convert("CMYK")]
    data = _save(frames[0], "TIFF", save_all=True, append_images=frames[1:], dpi=(100, 100))

    rendered = _render(data, "TIF", fine=False)

    info = describe_fax_tiff(rendered.tiff)
    assert info.page_count == 3
    assert {(p.width, p.height, p.y_resolution) for p in info.pages} == {(1728, 1146, 98.0)}


def test_a4_scan_at_200_dpi_fills_exactly_one_page(decode_pages, ink):
    scan = Image.new("L", (1654, 2339), 255)  # A4 at 200 dpi: 2 pixels too tall at 204 dpi
    ImageDraw.Draw(scan).rectangle((0, 2300, 1653, 2338), fill=0)  # a footer band

    rendered = _render(_save(scan, "PNG", dpi=(200, 200)), "PNG", fine=True)

    assert rendered.pages == 1
    (page,) = decode_pages(rendered.tiff)
    assert ink(page, (100, 2260, 1600, 2280)) > 0.9  # the footer made it onto the page


def test_resolution_keeps_physical_size(decode_pages, ink):
    # A 2-inch square at 100 dpi is 408 fax pixels wide, centred.
    square = Image.new("L", (200, 200), 0)

    (page,) = decode_pages(_render(_save(square, "PNG", dpi=(100, 100)), "PNG").tiff)

    assert ink(page, (660, 5, 1068, 90)) > 0.95
    assert ink(page, (0, 0, 600, 1146)) == 0


def test_tall_image_continues_on_more_pages():
    tall = Image.new("L", (1000, 4000), 255)

    assert _render(_save(tall, "PNG"), "PNG").pages == 3  # 1728 x 6912 at 2385 per page


def test_photo_is_dithered_and_line_art_is_not(decode_pages, ink):
    grey = Image.new("L", (400, 300), 128)
    (photo,) = decode_pages(_render(_save(grey, "PNG"), "PNG", fine=True).tiff)
    assert 0.3 < ink(photo, (100, 100, 1600, 1000)) < 0.7

    (forced,) = decode_pages(_render(_save(grey, "PNG"), "PNG", fine=True, halftone=False).tiff)
    assert ink(forced, (100, 100, 1600, 1000)) in (0.0, 1.0)


def test_transparency_is_paper(decode_pages, ink):
    clear = Image.new("RGBA", (400, 300), (0, 0, 0, 0))

    (page,) = decode_pages(_render(_save(clear, "PNG"), "PNG").tiff)

    assert ink(page) == 0


def test_exif_orientation_is_applied(decode_pages, ink):
    wide = Image.new("L", (800, 400), 0)
    exif = Image.Exif()
    exif[0x0112] = 6  # stored sideways: shown turned a quarter to the right
    data = _save(wide, "JPEG", exif=exif, dpi=(72, 72))

    (page,) = decode_pages(_render(data, "JPG").tiff)

    # Upright it is 400 x 800 at 72 dpi: 1133 x 2267 pixels, centred, 1089 fax rows. Not
    # turned it would be a 1728 x 864 band (415 rows).
    assert ink(page, (400, 600, 1300, 1000)) > 0.95
    assert ink(page, (0, 0, 250, 1146)) == 0


def test_compliant_fax_tiff_passes_through_byte_identical():
    page = _drawing((1728, 1146), mode="1")
    fax = encode_fax_tiff([page, page], fine=False, compression="group4")

    rendered = _render(fax, "TIFF", fine=False)

    assert rendered.tiff == fax
    assert rendered.pages == 2


def test_fax_tiff_at_the_other_resolution_is_converted(decode_pages, ink):
    fax = encode_fax_tiff([_drawing((1728, 1146), mode="1")], fine=False)

    rendered = _render(fax, "TIF", fine=True)

    assert rendered.tiff != fax
    info = describe_fax_tiff(rendered.tiff)
    assert (info.pages[0].height, info.pages[0].y_resolution) == (2291, 196.0)
    (page,) = decode_pages(rendered.tiff)
    assert ink(page, (300, 120, 1400, 280)) > 0.95  # the bar, now twice as many rows


def test_image_over_the_pixel_limit_is_too_large():
    with pytest.raises(DocumentTooLarge) as caught:
        _render(_save(Image.new("L", (2000, 2000)), "PNG"), "PNG", max_image_pixels=1_000_000)
    assert caught.value.status == 204001


def test_decompression_bomb_is_too_large(big_gray_png):
    # 20000 x 10000 is beyond Pillow's own bomb limit (2 x 89 Mpx): refused on open.
    with pytest.raises(DocumentTooLarge):
        _render(big_gray_png(20000, 10000), "PNG", max_image_pixels=10**9)


def test_more_frames_than_pages_allowed_is_too_large():
    frames = [Image.new("1", (100, 100), 255)] * 4
    data = _save(frames[0], "TIFF", save_all=True, append_images=frames[1:])

    with pytest.raises(DocumentTooLarge):
        _render(data, "TIFF", max_pages=3)


@pytest.mark.parametrize("file_type", ["PNG", "TIFF", "JPG", "GIF", "BMP"])
def test_garbage_is_a_render_error(file_type):
    with pytest.raises(RenderError) as caught:
        _render(b"\x89PNG\r\n\x1a\n this is not an image", file_type)
    assert type(caught.value) is RenderError
    assert caught.value.status == 204000


def test_formats_outside_the_list_are_refused():
    # Pillow can open EPS (through Ghostscript); the renderer must not.
    with pytest.raises(RenderError):
        _render(b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\n", "TIF")

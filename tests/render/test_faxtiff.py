"""Tests of render/faxtiff.py: the fax TIFF container, its coding and min-is-white."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageChops, ImageDraw

from interfax_soap.render import RenderError
from interfax_soap.render.faxtiff import (
    FaxTiffWriter,
    describe_fax_tiff,
    encode_fax_tiff,
    is_fax_compliant,
)


def _page(height: int = 300, white: int = 255) -> Image.Image:
    page = Image.new("1", (1728, height), white)
    draw = ImageDraw.Draw(page)
    draw.rectangle((10, 10, 400, 60), fill=0)
    draw.line((0, height - 1, 1727, 0), fill=0)
    draw.text((500, 100), "fax", fill=0)
    return page


def _same(a: Image.Image, b: Image.Image) -> bool:
    return ImageChops.difference(a.convert("L"), b.convert("L")).getbbox() is None


@pytest.mark.parametrize("compression", ["group3", "group4"])
@pytest.mark.parametrize(("fine", "y_dpi"), [(True, 196.0), (False, 98.0)])
def test_geometry_and_tags(compression, fine, y_dpi):
    data = encode_fax_tiff([_page(), _page(200)], fine=fine, compression=compression)

    info = describe_fax_tiff(data)

    assert info.page_count == 2
    assert [(p.width, p.height) for p in info.pages] == [(1728, 300), (1728, 200)]
    for page in info.pages:
        assert (page.x_resolution, page.y_resolution) == (204.0, y_dpi)
        assert page.compression == compression
        assert page.photometric == 0  # min-is-white
        assert page.bits_per_sample == 1
    if compression == "group3":
        assert {page.t4_options for page in info.pages} == {5}  # 2-D coding + EOL padding


@pytest.mark.parametrize("compression", ["group3", "group4"])
def test_pixels_decode_to_the_source(compression, decode_pages):
    # White stored as 1 (Image.new("1", size, 1)) and as 255 must both come out white.
    sources = [_page(white=255), _page(white=1), Image.new("1", (1728, 50), 0)]

    decoded = decode_pages(encode_fax_tiff(sources, fine=True, compression=compression))

    assert len(decoded) == 3
    for source, page in zip(sources, decoded, strict=True):
        assert _same(source, page)


def test_white_page_decodes_white_and_is_small(decode_pages):
    data = encode_fax_tiff([Image.new("1", (1728, 2291), 255)], fine=True)

    (page,) = decode_pages(data)

    assert page.convert("L").getextrema() == (255, 255)
    # min-is-white: a blank page is white runs, a few bytes per row (min-is-black is larger).
    assert len(data) < 20_000


def test_writer_takes_a_generator():
    pages = (_page() for _ in range(3))

    data = encode_fax_tiff(pages, fine=False, compression="group4")

    assert describe_fax_tiff(data).page_count == 3


@pytest.mark.parametrize(
    "page",
    [Image.new("1", (1700, 100), 255), Image.new("L", (1728, 100), 255)],
    ids=["narrow", "grey"],
)
def test_writer_refuses_non_fax_pages(page):
    writer = FaxTiffWriter(fine=True)

    with pytest.raises(ValueError, match="1728"):
        writer.add_page(page)


def test_writer_needs_a_page_and_a_known_compression():
    with pytest.raises(ValueError):
        FaxTiffWriter(fine=True).finish()
    with pytest.raises(ValueError):
        FaxTiffWriter(fine=True, compression="lzw")


def test_own_output_is_compliant():
    fine = encode_fax_tiff([_page()], fine=True)
    standard = encode_fax_tiff([_page()], fine=False, compression="group4")

    assert is_fax_compliant(fine)
    assert is_fax_compliant(fine, fine=True)
    assert not is_fax_compliant(fine, fine=False)
    assert is_fax_compliant(standard, fine=False)


def _pillow_tiff(image: Image.Image, **params: object) -> bytes:
    out = io.BytesIO()
    image.save(out, format="TIFF", **params)
    return out.getvalue()


@pytest.mark.parametrize(
    "data",
    [
        # Pillow's default mode "1" TIFF is min-is-black.
        _pillow_tiff(_page(), compression="group4", dpi=(204, 196)),
        _pillow_tiff(Image.new("1", (1728, 100), 255), compression="tiff_lzw", dpi=(204, 196)),
        _pillow_tiff(Image.new("L", (1728, 100), 255), dpi=(204, 196)),
        b"not a tiff",
    ],
    ids=["min-is-black", "lzw", "grey", "garbage"],
)
def test_non_fax_tiffs_are_not_compliant(data):
    assert not is_fax_compliant(data)


def test_wrong_width_is_not_compliant():
    page = Image.new("1", (1700, 100), 255)
    tags = {262: 0}
    data = _pillow_tiff(page, compression="group3", dpi=(204, 196), tiffinfo=tags)

    assert describe_fax_tiff(data).pages[0].width == 1700
    assert not is_fax_compliant(data)


@pytest.mark.filterwarnings("ignore:Corrupt EXIF data")
def test_describe_refuses_garbage():
    with pytest.raises(RenderError):
        describe_fax_tiff(b"II*\0garbage")

"""Raster images (TIFF, PNG, JPEG, GIF, BMP) to fax pages."""

from __future__ import annotations

import dataclasses
import io
import math
from collections.abc import Iterator

from PIL import Image, ImageSequence, UnidentifiedImageError

from interfax_soap.render.errors import DocumentTooLarge, RenderError
from interfax_soap.render.options import (
    FAX_WIDTH,
    FAX_X_DPI,
    PageGeometry,
    RenderOptions,
)
from interfax_soap.render.raster import check_page_budget, finish_page, is_photographic

__all__ = ["render_image", "IMAGE_FORMATS"]

IMAGE_FORMATS = ("TIFF", "PNG", "JPEG", "GIF", "BMP")
"""Pillow formats we open. Never let Pillow guess beyond these: its EPS plugin runs Ghostscript."""
_MULTI_PAGE_FORMATS = ("TIFF",)  # GIF and APNG frames are animation, not pages
_PLAUSIBLE_DPI = (50.0, 2400.0)  # outside this a resolution tag is noise; 72 or 96 are believed
_FIT_SLACK = 1.06  # a scan up to 6 % taller than the page (A4 at 200 dpi, Letter on A4) is shrunk
_DPI_TOLERANCE = 4.0
_MAX_PAGE_INCHES = 14.4
_EXIF_ORIENTATION = 0x0112
# EXIF orientation → the transpose that makes the picture upright (as ImageOps.exif_transpose).
_EXIF_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
_QUARTER_TURNS = (
    Image.Transpose.TRANSPOSE,
    Image.Transpose.ROTATE_270,
    Image.Transpose.TRANSVERSE,
    Image.Transpose.ROTATE_90,
)


@dataclasses.dataclass(frozen=True)
class _Placement:
    """How a frame maps onto logical pages: its scaled size in square pixels."""

    width: int
    height: int
    pages: int


def render_image(data: bytes, options: RenderOptions, budget: int) -> Iterator[Image.Image]:
    """Render every page (TIFF) or the first frame (other formats) of an image file.

    A frame with a plausible resolution keeps its physical size (shrunk to the page width if
    wider, or to the page height if at most 6 % taller, so an A4 scan at 200 dpi fills one
    page); without one it is fitted to the page width. Taller frames continue on further
    pages. Photographs are dithered, text and line art thresholded (``options.halftone``
    overrides). A 1-bit frame already at fax geometry and the requested resolution is used
    as it is.

    Args:
        data: The image file.
        options: Page size, orientation, resolution, limits.
        budget: Fax pages still allowed.

    Yields:
        Mode "1" fax pages.

    Raises:
        RenderError: Not a readable image of a supported format.
        DocumentTooLarge: A frame over ``options.max_image_pixels`` or too many pages.
    """
    try:
        with Image.open(io.BytesIO(data), formats=list(IMAGE_FORMATS)) as image:
            multi = image.format in _MULTI_PAGE_FORMATS
            frames = getattr(image, "n_frames", 1) if multi else 1
            check_page_budget(frames, budget, options.max_pages)
            used = 0
            for frame in ImageSequence.Iterator(image):
                for page in _frame_pages(frame, options, budget - used):
                    used += 1
                    yield page
                if not multi:
                    break
    except Image.DecompressionBombError as exc:
        raise DocumentTooLarge(f"image too large: {exc}") from exc
    except (UnidentifiedImageError, OSError, SyntaxError, EOFError, ValueError) as exc:
        # Pillow reports truncated and malformed files with any of these.
        raise RenderError(f"cannot read image: {exc}") from exc


def _frame_pages(frame: Image.Image, options: RenderOptions, budget: int) -> Iterator[Image.Image]:
    width, height = frame.size
    if width * height > options.max_image_pixels:
        raise DocumentTooLarge(
            f"image of {width}x{height} pixels is over the limit of {options.max_image_pixels}"
        )
    if _is_fax_page(frame, options):
        check_page_budget(1, budget, options.max_pages)
        yield frame.copy()
        return
    geometry = options.geometry()
    transpose = _EXIF_TRANSPOSE.get(frame.getexif().get(_EXIF_ORIENTATION, 1))
    turned = transpose in _QUARTER_TURNS
    placement = _place(frame, geometry, turned)
    check_page_budget(placement.pages, budget, options.max_pages)
    bilevel = frame.mode == "1"
    gray = _to_gray(frame, placement, transpose)
    if options.halftone is not None:
        halftone = options.halftone
    else:
        # Scaling a 1-bit scan makes grey edges, not a photograph.
        halftone = not bilevel and is_photographic(gray)
    # A photograph found here (not asked for) is screened; IsFineRendering diffuses.
    screen = options.halftone is None
    for number in range(placement.pages):
        yield _page(gray, placement, number, geometry, options.fine, halftone, screen)


def _is_fax_page(frame: Image.Image, options: RenderOptions) -> bool:
    """A 1-bit frame that already is a fax page of the requested resolution."""
    x_dpi, y_dpi = _dpi(frame) or (0.0, 0.0)
    return (
        frame.mode == "1"
        and frame.width == FAX_WIDTH
        and abs(x_dpi - FAX_X_DPI) <= _DPI_TOLERANCE
        and abs(y_dpi - options.y_dpi) <= _DPI_TOLERANCE
        and frame.height <= options.y_dpi * _MAX_PAGE_INCHES
    )


def _dpi(frame: Image.Image) -> tuple[float, float] | None:
    dpi = frame.info.get("dpi")
    if not isinstance(dpi, tuple) or len(dpi) != 2:
        return None
    try:
        x_dpi, y_dpi = float(dpi[0]), float(dpi[1])
    except (TypeError, ValueError):
        return None
    low, high = _PLAUSIBLE_DPI
    if not (low <= x_dpi <= high and low <= y_dpi <= high):
        return None
    return x_dpi, y_dpi


def _place(frame: Image.Image, geometry: PageGeometry, turned: bool) -> _Placement:
    """Size of the frame on the logical page, after its EXIF turn (``turned``: a quarter)."""
    width, height = frame.size
    dpi = _dpi(frame)
    if turned:
        width, height = height, width
        dpi = None if dpi is None else (dpi[1], dpi[0])
    if dpi is None:
        # No physical size: fit the page width (pixels taken as square).
        scaled_w, scaled_h = float(geometry.width), height * geometry.width / width
    else:
        scaled_w, scaled_h = width * geometry.dpi / dpi[0], height * geometry.dpi / dpi[1]
        if scaled_w > geometry.width:
            scaled_w, scaled_h = geometry.width, scaled_h * geometry.width / scaled_w
    if geometry.height < scaled_h <= geometry.height * _FIT_SLACK:
        scaled_w, scaled_h = scaled_w * geometry.height / scaled_h, float(geometry.height)
    out_w = max(1, min(geometry.width, round(scaled_w)))
    out_h = max(1, round(scaled_h))
    return _Placement(out_w, out_h, math.ceil(out_h / geometry.height))


def _to_gray(
    frame: Image.Image, placement: _Placement, transpose: Image.Transpose | None
) -> Image.Image:
    """The frame in grey, upright, at its placed size.

    Colour is dropped first so that the full-size copies made on the way are 1 byte a pixel.
    """
    turned = transpose in _QUARTER_TURNS
    if frame.format == "JPEG":
        # DCT scaling decodes big photos at 1/2 .. 1/8 size: less time and memory.
        size = (
            (placement.height, placement.width) if turned else (placement.width, placement.height)
        )
        frame.draft("L", size)
    if frame.mode in ("I;16", "I;16B", "I;16L", "I"):
        # 16-bit samples: convert("L") would clip everything above 255 to white.
        gray = frame.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    elif frame.mode in ("RGBA", "LA", "PA") or "transparency" in frame.info:
        # Transparent areas are paper: put the grey image on white through its alpha.
        luminance, alpha = frame.convert("LA").split()
        gray = Image.new("L", frame.size, 255)
        gray.paste(luminance, mask=alpha)
    else:
        gray = frame.convert("L")
    if transpose is not None:
        gray = gray.transpose(transpose)
    if gray.size != (placement.width, placement.height):
        gray = gray.resize(
            (placement.width, placement.height), Image.Resampling.LANCZOS, reducing_gap=3.0
        )
    return gray


def _page(
    gray: Image.Image,
    placement: _Placement,
    number: int,
    geometry: PageGeometry,
    fine: bool,
    halftone: bool,
    screen: bool = False,
) -> Image.Image:
    top = number * geometry.height
    band = gray.crop((0, top, placement.width, min(placement.height, top + geometry.height)))
    page = Image.new("L", (geometry.width, geometry.height), 255)
    page.paste(band, ((geometry.width - placement.width) // 2, 0))
    return finish_page(page, geometry, fine=fine, halftone=halftone, screen=screen)

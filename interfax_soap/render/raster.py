"""From a grey logical page to a 1-bit fax page: turning, vertical scaling and binarisation."""

from __future__ import annotations

import functools
import math

from PIL import Image, ImageChops

from interfax_soap.render.errors import DocumentTooLarge
from interfax_soap.render.options import FAX_X_DPI, PageGeometry

__all__ = [
    "fax_rows",
    "finish_page",
    "binarize",
    "screen_rows",
    "is_photographic",
    "check_page_budget",
]

# Fraction of mid-grey pixels above which a picture is treated as a photograph (dithered)
# rather than line art or text (thresholded). Text and scans of text sit near black and
# white except at glyph edges; photographs spread over the whole range.
_PHOTO_FRACTION = 0.05
_MID_GREY = range(40, 216)
# Measured on 6-12 pt text (see the render tests): after a plain box reduction to standard
# resolution (about two square rows per fax row), a threshold of 128 drops one-pixel
# horizontal strokes (the bar of "e", strokes of 日); 160 keeps them without closing counters.
# Near-identity scaling (fine resolution) keeps the neutral 128.
_THRESHOLD = 128
_REDUCING_THRESHOLD = 160
# The clustered-dot screen for photographs found on their own (not asked for with
# IsFineRendering): cells 8 pixels wide, as tall on paper, i.e. about 25 lines per inch.
# Grown dots make long runs, which G3 codes in a third of the bytes of Floyd-Steinberg
# error diffusion at the same mean grey (a page-wide photo: 206 KB instead of 679 KB), and
# they survive a fax machine's printing better; Ghostscript's fax devices screen too.
_SCREEN_WIDTH = 8


def fax_rows(square_rows: int, fine: bool) -> int:
    """Fax lines for a height given in square 204-dpi pixels.

    Args:
        square_rows: Rows at 204 dpi (the logical page's pixel pitch across the fax row).
        fine: 196 lines per inch (True) or 98 (False).

    Returns:
        The number of fax lines, at least 1.
    """
    y_dpi = 196 if fine else 98
    return max(1, round(square_rows * y_dpi / FAX_X_DPI))


def threshold_for(fine: bool) -> int:
    """The grey level below which a pixel is black after reduction to fax rows.

    Args:
        fine: Fine resolution (almost no reduction) or standard (halving).

    Returns:
        A threshold for ``binarize``.
    """
    return _THRESHOLD if fine else _REDUCING_THRESHOLD


def screen_rows(fine: bool) -> int:
    """Rows of a screen cell: square on paper at fine (8) or standard (4) resolution."""
    return _SCREEN_WIDTH if fine else _SCREEN_WIDTH // 2


def finish_page(
    page: Image.Image,
    geometry: PageGeometry,
    *,
    fine: bool,
    halftone: bool,
    screen: bool = False,
) -> Image.Image:
    """Turn a logical page into a fax page.

    Args:
        page: Mode "L" (or "1") page of ``geometry``'s size in square pixels.
        geometry: The logical page; a landscape page is turned a quarter to the left.
        fine: Target resolution.
        halftone: Dither (photographs) instead of thresholding (text, line art).
        screen: With ``halftone``, a clustered-dot screen instead of error diffusion.

    Returns:
        A mode "1" page, 1728 pixels wide, one row per fax line.
    """
    gray = page if page.mode == "L" else page.convert("L")
    if geometry.landscape:
        gray = gray.transpose(Image.Transpose.ROTATE_90)
    rows = fax_rows(gray.height, fine)
    if rows != gray.height:
        # BOX averages exactly the square rows that make up each fax row.
        gray = gray.resize((gray.width, rows), Image.Resampling.BOX)
    rows_per_cell = screen_rows(fine) if screen else 0
    return binarize(
        gray, halftone=halftone, threshold=threshold_for(fine), screen_rows=rows_per_cell
    )


def binarize(
    gray: Image.Image, *, halftone: bool, threshold: int = _THRESHOLD, screen_rows: int = 0
) -> Image.Image:
    """Reduce a grey image to black and white.

    Args:
        gray: Mode "L" image at its final resolution (dithering must come last).
        halftone: Dither (True) or a plain threshold (False).
        threshold: Grey levels below it become black when thresholding.
        screen_rows: With ``halftone``: 0 for Floyd-Steinberg error diffusion, else a
            clustered-dot screen with cells 8 pixels wide and this many rows tall.

    Returns:
        A mode "1" image holding 0 (black) and 255 (white).
    """
    if halftone and screen_rows:
        thresholds = _screen_map(gray.width, gray.height, screen_rows)
        # Positive where the screen's threshold is above the grey: black there.
        return ImageChops.subtract(thresholds, gray).point([255] + [0] * 255, mode="1")
    if halftone:
        return gray.convert("1", dither=Image.Dither.FLOYDSTEINBERG)
    table = [0] * threshold + [255] * (256 - threshold)
    return gray.point(table, mode="1")


@functools.lru_cache(maxsize=4)
def _screen_map(width: int, height: int, rows: int) -> Image.Image:
    """The screen's thresholds tiled over a page (cached: pages of a fax share a size)."""
    cell = _screen_cell(_SCREEN_WIDTH, rows)
    band = Image.new("L", (width, rows))
    for x in range(0, width, _SCREEN_WIDTH):
        band.paste(cell, (x, 0))
    thresholds = Image.new("L", (width, height))
    for y in range(0, height, rows):
        thresholds.paste(band, (0, y))
    return thresholds


def _screen_cell(width: int, rows: int) -> Image.Image:
    """A dot that grows from the cell's centre: thresholds in order of (elliptic) distance."""
    order = sorted(
        (
            ((x + 0.5) / width - 0.5) ** 2 + ((y + 0.5) / rows - 0.5) ** 2,
            math.atan2(y + 0.5 - rows / 2, x + 0.5 - width / 2),
            x,
            y,
        )
        for x in range(width)
        for y in range(rows)
    )
    cell = Image.new("L", (width, rows))
    for rank, (_, _, x, y) in enumerate(order):
        cell.putpixel((x, y), min(255, round((rank + 0.5) * 256 / (width * rows))))
    return cell


def is_photographic(gray: Image.Image) -> bool:
    """Whether a grey image looks like a photograph rather than text or line art.

    Args:
        gray: Mode "L" image.

    Returns:
        True if more than 5 % of its pixels are mid-grey.
    """
    histogram = gray.histogram()
    total = sum(histogram) or 1
    mid = sum(histogram[level] for level in _MID_GREY)
    return mid / total > _PHOTO_FRACTION


def check_page_budget(pages: int, budget: int, max_pages: int) -> None:
    """Raise DocumentTooLarge if ``pages`` more pages do not fit in what is left.

    Args:
        pages: Pages the next document (or part of it) needs.
        budget: Pages still allowed in this fax.
        max_pages: The fax's page limit, for the message.

    Raises:
        DocumentTooLarge: ``pages`` exceeds ``budget``.
    """
    if pages > budget:
        raise DocumentTooLarge(f"the fax would have more than {max_pages} pages")

"""PDF to fax pages with PDFium (pypdfium2), drawn directly on the fax grid.

PDFium is not thread-safe: run this in one thread per process (the render pool's children).

Each page is rasterised anti-aliased straight onto the fax grid (204 dpi across, 196 rows
per inch for fine) and a pixel is black when the page's ink covers at least half of it. For
standard resolution (98 rows per inch) the page is drawn with two rows per fax row and each
fax pixel takes the darker of its two: a horizontal stroke thinner than a fax row that
straddles two rows still inks one, as Ghostscript's any-part-of-pixel rule does.

Measured on Japanese and Latin text at 6-14 pt against Ghostscript's tiffg32d (see
benchmarks/render.py): an aliased render samples pixel centres and dropped such strokes (日
came out as "H" at 10 pt in standard resolution); a plain threshold of one anti-aliased row
per fax row did too below 8 pt. Photographic pages are dithered instead; whether a page is one
is judged on a small aliased sketch, because anti-aliased text is grey at its edges.
"""

from __future__ import annotations

from collections.abc import Iterator

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image, ImageChops

from interfax_soap.render.errors import RenderError
from interfax_soap.render.options import FAX_WIDTH, FAX_X_DPI, RenderOptions
from interfax_soap.render.raster import (
    binarize,
    check_page_budget,
    is_photographic,
    screen_rows,
)

__all__ = ["render_pdf", "count_pdf_pages"]

_FLAGS = (
    pdfium_c.FPDF_ANNOT  # filled-in form fields and stamps are part of what was sent
    | pdfium_c.FPDF_PRINTING  # print appearance: hide screen-only annotations
)
_ALIASED = pdfium_c.FPDF_RENDER_NO_SMOOTHTEXT | pdfium_c.FPDF_RENDER_NO_SMOOTHPATH
_SKETCH = 4  # reduction of the aliased sketch that decides whether a page is a photograph
_FINE_THRESHOLD = 128  # black where the ink covers at least half of the pixel
# Standard: of the two rows drawn per fax row, the darker one must be covered a little more
# than half. Measured on 6-10 pt text against Ghostscript: 128 inked 17 % more than it,
# 112 keeps the same strokes with 13 % more, 96 starts to break 6 pt kana.
_STANDARD_THRESHOLD = 112
_MAX_PAGE_INCHES = 14.4  # a page up to Legal/B4 length stays whole; longer ones are cut
_MAX_ASPECT = 1000  # a page a thousand times longer than wide is an attack, not a document


def count_pdf_pages(data: bytes) -> int:
    """Number of pages in a PDF.

    Args:
        data: The PDF.

    Returns:
        The page count.

    Raises:
        RenderError: Damaged, not a PDF, or protected by a password.
    """
    document = _open(data)
    try:
        return len(document)
    finally:
        document.close()


def render_pdf(data: bytes, options: RenderOptions, budget: int) -> Iterator[Image.Image]:
    """Rasterise every page of a PDF.

    Each page is scaled to the 1728-pixel fax width; a landscape page is turned a quarter
    to the left so that its long side runs down the fax page. A page longer than 14.4 inches
    at that scale continues on further fax pages of the requested page size. The page count
    is checked against ``budget`` before anything is drawn.

    Args:
        data: The PDF.
        options: Resolution, page size (for cutting long pages), halftone choice, limits.
        budget: Fax pages still allowed.

    Yields:
        Mode "1" fax pages.

    Raises:
        RenderError: Damaged, not a PDF, or protected by a password.
        DocumentTooLarge: More pages than ``budget``.
    """
    document = _open(data)
    canvas = _Canvas()
    try:
        check_page_budget(len(document), budget, options.max_pages)
        plans = [_plan(document.get_page_size(index), options) for index in range(len(document))]
        check_page_budget(sum(len(bands) for _, _, bands in plans), budget, options.max_pages)
        for index, (scale, landscape, bands) in enumerate(plans):
            page = document[index]
            try:
                for top, rows in bands:
                    yield _render_band(canvas, page, scale, landscape, (top, rows), options)
            finally:
                page.close()
    finally:
        canvas.close()
        document.close()


def _open(data: bytes) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        # PDFium names the cause: "Incorrect password error", "Data format error", ...
        raise RenderError(f"cannot open PDF: {exc}") from exc


def _plan(
    size: tuple[float, float], options: RenderOptions
) -> tuple[tuple[float, float], bool, list[tuple[int, int]]]:
    """Scale (x, y pixels per point), turn, and the bands (top row, rows) of fax pages."""
    width, height = size
    if width <= 0 or height <= 0 or max(width, height) / min(width, height) > _MAX_ASPECT:
        raise RenderError(f"PDF page of {width:g}x{height:g} points cannot be rendered")
    landscape = width > height
    across, down = (height, width) if landscape else (width, height)
    scale_x = FAX_WIDTH / across
    scale_y = scale_x * options.y_dpi / FAX_X_DPI
    rows = max(1, round(down * scale_y))
    if rows <= options.y_dpi * _MAX_PAGE_INCHES:
        return (scale_x, scale_y), landscape, [(0, rows)]
    geometry = options.geometry()
    page_rows = round(max(geometry.width, geometry.height) * options.y_dpi / FAX_X_DPI)
    bands = [(top, min(page_rows, rows - top)) for top in range(0, rows, page_rows)]
    return (scale_x, scale_y), landscape, bands


class _Canvas:
    """PDFium bitmaps reused from page to page of one document (allocating one per page
    cost as much as a tenth of the page's drawing)."""

    def __init__(self) -> None:
        self._bitmaps: dict[tuple[int, int], pdfium.PdfBitmap] = {}

    def draw(
        self,
        page: pdfium.PdfPage,
        scale: tuple[float, float],
        landscape: bool,
        band: tuple[int, int],
        density: tuple[float, float],
        flags: int,
    ) -> pdfium.PdfBitmap:
        """Fax rows ``band`` = (top, rows) of the page in grey, with ``density`` = (across,
        down) pixels per fax pixel (2 down: two rows per fax row; 1/4: a small sketch).

        The bitmap is overwritten by the next ``draw`` of the same size.
        """
        top, rows = band
        x_factor, y_factor = density
        scale_x, scale_y = scale[0] * x_factor, scale[1] * y_factor
        width = max(1, round(FAX_WIDTH * x_factor))
        height = max(1, round(rows * y_factor))
        top_px = top * y_factor
        width_pt, _height_pt = page.get_size()
        # PDFium first maps the page to points with y pointing down; this matrix then scales
        # to pixels and, for landscape pages, turns a quarter to the left (x' = y,
        # y' = width - x), and shifts the band being drawn to the top of the bitmap.
        if landscape:
            matrix = pdfium_c.FS_MATRIX(0, -scale_y, scale_x, 0, 0, scale_y * width_pt - top_px)
        else:
            matrix = pdfium_c.FS_MATRIX(scale_x, 0, 0, scale_y, 0, -top_px)
        bitmap = self._bitmaps.get((width, height))
        if bitmap is None:
            bitmap = pdfium.PdfBitmap.new_native(width, height, pdfium_c.FPDFBitmap_Gray)
            self._bitmaps[(width, height)] = bitmap
        # The raw call: PdfBitmap.fill_rect changed its argument order between pypdfium2 4 and 5.
        pdfium_c.FPDFBitmap_FillRect(bitmap.raw, 0, 0, width, height, 0xFFFFFFFF)
        clip = pdfium_c.FS_RECTF(0, 0, width, height)
        pdfium_c.FPDF_RenderPageBitmapWithMatrix(bitmap.raw, page.raw, matrix, clip, flags)
        return bitmap

    def close(self) -> None:
        for bitmap in self._bitmaps.values():
            bitmap.close()
        self._bitmaps.clear()


def _render_band(
    canvas: _Canvas,
    page: pdfium.PdfPage,
    scale: tuple[float, float],
    landscape: bool,
    band: tuple[int, int],
    options: RenderOptions,
) -> Image.Image:
    halftone = options.halftone
    if halftone is None:
        # Anti-aliased text is grey at its edges: judge the page on an aliased sketch at a
        # quarter of the resolution, where only pictures and grey fills are grey.
        small = 1 / _SKETCH
        sketch = canvas.draw(page, scale, landscape, band, (small, small), _FLAGS | _ALIASED)
        halftone = is_photographic(_view(sketch))
    if options.fine:
        gray = _view(canvas.draw(page, scale, landscape, band, (1, 1), _FLAGS))
    else:
        # Standard rows are twice as tall as the pixels across: draw two rows per fax row
        # and keep the darker of each pair, so a stroke thinner than a fax row that
        # straddles two of them still inks one (Ghostscript's any-part-of-pixel rule).
        tall = canvas.draw(page, scale, landscape, band, (1, 2), _FLAGS)
        gray = _view(tall).reduce((1, 2)) if halftone else _darker_of_pairs(tall)
    # binarize makes a new image: the bitmap gray may look at is free again afterwards.
    # A photograph found here (not asked for) is screened; IsFineRendering diffuses.
    rows = screen_rows(options.fine) if options.halftone is None else 0
    threshold = _FINE_THRESHOLD if options.fine else _STANDARD_THRESHOLD
    return binarize(gray, halftone=halftone, threshold=threshold, screen_rows=rows)


def _view(bitmap: pdfium.PdfBitmap) -> Image.Image:
    """The bitmap as a grey image sharing its memory (valid until the bitmap is reused)."""
    return Image.frombuffer(
        "L", (bitmap.width, bitmap.height), bitmap.buffer, "raw", "L", bitmap.stride, 1
    )


def _darker_of_pairs(tall: pdfium.PdfBitmap) -> Image.Image:
    """Rows 2k and 2k+1 of ``tall`` merged into row k, keeping the darker pixel."""
    rows = tall.height // 2
    # Read with twice the stride, each row of this view holds a pair of rows side by side.
    pairs = Image.frombuffer(
        "L", (2 * tall.stride, rows), tall.buffer, "raw", "L", 2 * tall.stride, 1
    )
    first = pairs.crop((0, 0, tall.width, rows))
    second = pairs.crop((tall.stride, 0, tall.stride + tall.width, rows))
    return ImageChops.darker(first, second)

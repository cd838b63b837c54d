"""PDF to fax pages with PDFium (pypdfium2), drawn directly at the fax resolution.

PDFium is not thread-safe: run this in one thread per process (the render pool's children).

Each page is rasterised straight onto the fax grid (204 dpi across, 196 or 98 down) with
text and vector anti-aliasing off, as Ghostscript's fax devices do. Measured on Helvetica
6-12 pt: an anti-aliased render thresholded at 128 broke thin strokes (the bar of "e" at
6-7 pt, worse at standard resolution after a vertical reduction), while PDFium's aliased
rasteriser at the final resolution kept every stroke at about the true ink coverage.
Images inside the PDF stay smoothed and are dithered when the page is photographic.
"""

from __future__ import annotations

from collections.abc import Iterator

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image

from interfax_soap.render.errors import RenderError
from interfax_soap.render.options import FAX_WIDTH, FAX_X_DPI, RenderOptions
from interfax_soap.render.raster import binarize, check_page_budget, is_photographic

__all__ = ["render_pdf", "count_pdf_pages"]

_FLAGS = (
    pdfium_c.FPDF_ANNOT  # filled-in form fields and stamps are part of what was sent
    | pdfium_c.FPDF_PRINTING  # print appearance: hide screen-only annotations
    | pdfium_c.FPDF_RENDER_NO_SMOOTHTEXT
    | pdfium_c.FPDF_RENDER_NO_SMOOTHPATH
)
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
    try:
        check_page_budget(len(document), budget, options.max_pages)
        plans = [_plan(document.get_page_size(index), options) for index in range(len(document))]
        check_page_budget(sum(len(bands) for _, _, bands in plans), budget, options.max_pages)
        for index, (scale, landscape, bands) in enumerate(plans):
            page = document[index]
            try:
                for top, rows in bands:
                    yield _render_band(page, scale, landscape, top, rows, options)
            finally:
                page.close()
    finally:
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


def _render_band(
    page: pdfium.PdfPage,
    scale: tuple[float, float],
    landscape: bool,
    top: int,
    rows: int,
    options: RenderOptions,
) -> Image.Image:
    scale_x, scale_y = scale
    width_pt, _height_pt = page.get_size()
    # PDFium first maps the page to points with y pointing down; this matrix then scales
    # to fax pixels and, for landscape pages, turns a quarter to the left (x' = y,
    # y' = width - x), and shifts the band being drawn to the top of the bitmap.
    if landscape:
        matrix = pdfium_c.FS_MATRIX(0, -scale_y, scale_x, 0, 0, scale_y * width_pt - top)
    else:
        matrix = pdfium_c.FS_MATRIX(scale_x, 0, 0, scale_y, 0, -top)
    bitmap = pdfium.PdfBitmap.new_native(FAX_WIDTH, rows, pdfium_c.FPDFBitmap_Gray)
    # The raw call: PdfBitmap.fill_rect changed its argument order between pypdfium2 4 and 5.
    pdfium_c.FPDFBitmap_FillRect(bitmap.raw, 0, 0, FAX_WIDTH, rows, 0xFFFFFFFF)
    clip = pdfium_c.FS_RECTF(0, 0, FAX_WIDTH, rows)
    pdfium_c.FPDF_RenderPageBitmapWithMatrix(bitmap.raw, page.raw, matrix, clip, _FLAGS)
    gray = bitmap.to_pil().convert("L")
    bitmap.close()
    halftone = options.halftone if options.halftone is not None else is_photographic(gray)
    return binarize(gray, halftone=halftone)

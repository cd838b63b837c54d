"""PostScript and EPS through Ghostscript (when installed), then rasterised like a PDF.

Ghostscript runs with -dSAFER (the program cannot read or write files beyond its own input
and output) in a private folder, stops after one page more than the fax may hold, and is
killed at the converter time limit: a PostScript program can loop forever.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Iterator

from PIL import Image

from interfax_soap.render.converters import find_ghostscript, run_converter, work_dir
from interfax_soap.render.errors import RenderError
from interfax_soap.render.options import PAGE_SIZES, RenderOptions
from interfax_soap.render.pdf import render_pdf

__all__ = ["POSTSCRIPT_FILE_TYPES", "postscript_to_pdf", "render_postscript"]

POSTSCRIPT_FILE_TYPES = ("PS", "EPS")
"""FileType tokens read by Ghostscript."""


def render_postscript(
    data: bytes, options: RenderOptions, budget: int, *, kind: str = "PS"
) -> Iterator[Image.Image]:
    """Interpret a PostScript or EPS document and rasterise its pages.

    A PS document keeps its own page size (scaled to the fax width like a PDF page); an EPS
    picture is placed on a page of the requested size and orientation at its own size,
    reduced to fit inside 0.5-inch margins when it is larger, centred across, at the top.

    Args:
        data: The document.
        options: Page set-up, limits and the converter's time limit.
        budget: Fax pages still allowed.
        kind: "PS" or "EPS".

    Yields:
        Mode "1" fax pages.

    Raises:
        RenderError: Ghostscript is missing, failed, or ran past the time limit.
        DocumentTooLarge: More pages than ``budget``.
    """
    pdf = postscript_to_pdf(data, kind, options, last_page=budget + 1)
    yield from render_pdf(pdf, options, budget)


def postscript_to_pdf(data: bytes, kind: str, options: RenderOptions, last_page: int) -> bytes:
    """The document as PDF, as Ghostscript's pdfwrite device writes it.

    Args:
        data: The PostScript program.
        kind: "PS" or "EPS".
        options: Page size and orientation (for EPS) and the converter's time limit.
        last_page: Pages after this one are not interpreted.

    Returns:
        The PDF.

    Raises:
        RenderError: Ghostscript is missing, failed, or ran past the time limit.
    """
    binary = find_ghostscript()
    if binary is None:
        raise RenderError(f"{kind} needs Ghostscript, which is not installed")
    if data[:4] == _DOS_EPS:
        data = _dos_eps_postscript(data)
    if not data.lstrip()[:2] == b"%!":
        raise RenderError(f"not a {kind} document (no %! header)")
    if kind == "EPS":
        data = _eps_on_page(data, options)
    with work_dir() as folder:
        source = folder / "document.ps"
        source.write_bytes(data)
        target = folder / "document.pdf"
        argv = [
            binary,
            "-q",
            "-dSAFER",
            "-dBATCH",
            "-dNOPAUSE",
            "-dNOPROMPT",
            "-sDEVICE=pdfwrite",
            "-dAutoRotatePages=/None",
            f"-dLastPage={last_page}",
            f"-sOutputFile={target}",
            "-f",
            str(source),
        ]
        result = run_converter(argv, folder, options.converter_timeout_seconds, "Ghostscript")
        if result.returncode != 0 or not target.is_file() or target.stat().st_size == 0:
            lines = [line for line in result.output.splitlines() if line.strip()]
            detail = lines[0][:_DETAIL] if lines else f"exit status {result.returncode}"
            raise RenderError(f"Ghostscript could not interpret the {kind} document: {detail}")
        return target.read_bytes()


_DOS_EPS = b"\xc5\xd0\xd3\xc6"  # DOS EPS binary header: PostScript plus a preview
_BOUNDING_BOX = re.compile(
    rb"^%%BoundingBox:\s*(-?[\d.]+)\s+(-?[\d.]+)\s+(-?[\d.]+)\s+(-?[\d.]+)", re.M
)
_EPS_MARGIN = 36.0  # points
_DETAIL = 200  # characters of Ghostscript's first message line kept in the error


def _dos_eps_postscript(data: bytes) -> bytes:
    """The PostScript section of a DOS EPS file (the TIFF or WMF preview is dropped)."""
    if len(data) < 12:
        raise RenderError("damaged EPS header")
    offset, length = struct.unpack_from("<II", data, 4)
    if offset + length > len(data) or length == 0:
        raise RenderError("damaged EPS header")
    return data[offset : offset + length]


def _eps_on_page(data: bytes, options: RenderOptions) -> bytes:
    """A PostScript page program that places the EPS picture (see ``render_postscript``)."""
    width, height = PAGE_SIZES[options.page_size]
    if options.landscape:
        width, height = height, width
    page_w, page_h = width * 72, height * 72
    box = _BOUNDING_BOX.search(data[:65536])
    if box is None:
        raise RenderError("EPS without a %%BoundingBox")
    llx, lly, urx, ury = (float(value) for value in box.groups())
    if urx <= llx or ury <= lly:
        raise RenderError("EPS with an empty %%BoundingBox")
    scale = min(
        1.0, (page_w - 2 * _EPS_MARGIN) / (urx - llx), (page_h - 2 * _EPS_MARGIN) / (ury - lly)
    )
    left = (page_w - (urx - llx) * scale) / 2
    bottom = page_h - _EPS_MARGIN - (ury - lly) * scale
    prologue = (
        f"%!PS-Adobe-3.0\n<< /PageSize [{page_w:.2f} {page_h:.2f}] >> setpagedevice\n"
        "/InterfaxEpsState save def\n/showpage {} def\n"
        f"{left:.3f} {bottom:.3f} translate {scale:.6f} dup scale "
        f"{-llx:.3f} {-lly:.3f} translate\n"
        "%%BeginDocument: document.eps\n"
    ).encode("ascii")
    epilogue = b"\n%%EndDocument\nInterfaxEpsState restore\nshowpage\n"
    return prologue + data + epilogue

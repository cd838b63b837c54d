"""The page header: a template's text printed in a thin band at the top of every fax page.

Placeholders (case-insensitive): {To} {From} {Contact} {CSID} {Page} {TotalPages} {Date}
{Time} {Subject}; {Pages} is read as {TotalPages}. The caller supplies every value but the
page numbers; a placeholder without a value is printed as it was written.

The band is 0.17 inch high (about 4 mm) across the whole fax row, drawn at the square 204-dpi
pitch and reduced to fax rows like every page. It replaces the top of the page: when that
strip has ink and the bottom strip of the same height is blank, the page is first moved
down by the band's height, so nothing of the document is covered.
"""

from __future__ import annotations

import dataclasses
import functools
import io
import re
from collections.abc import Mapping

from PIL import Image, ImageDraw, ImageFont, ImageSequence

from interfax_soap.render.errors import RenderError
from interfax_soap.render.faxtiff import FaxTiffWriter
from interfax_soap.render.fonts import FontFace, available_faces
from interfax_soap.render.options import FAX_WIDTH, FAX_X_DPI, RenderedDocument, RenderOptions
from interfax_soap.render.raster import binarize, fax_rows, threshold_for

__all__ = ["PLACEHOLDERS", "PageHeaderTemplate", "header_band", "stamp_header"]

PLACEHOLDERS = ("To", "From", "Contact", "CSID", "Page", "TotalPages", "Date", "Time", "Subject")
"""Placeholder names a template may use (matched case-insensitively)."""

_ALIASES = {"pages": "totalpages"}
_PLACEHOLDER = re.compile(r"\{([A-Za-z]+)\}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
_BAND = round(0.17 * FAX_X_DPI)  # square pixels: 35
_EM = 0.115 * FAX_X_DPI  # 8.4 pt: the size fax machines print their header lines in
_MIN_EM = 0.75 * _EM  # long headers shrink to this, then are cut with an ellipsis
_BASELINE = 0.8  # of the band, from its top
_MARGIN = round(0.3 * FAX_X_DPI)
_GAP = 2  # fax rows of white kept under the band when the page is moved down
_MAX_TEMPLATE = 1000


@dataclasses.dataclass(frozen=True)
class PageHeaderTemplate:
    """A header template and the values of its placeholders (except the page numbers)."""

    template: str
    fields: tuple[tuple[str, str], ...] = ()
    """(placeholder name, value) pairs, e.g. ("To", "0081355500100")."""

    @classmethod
    def of(cls, template: str, fields: Mapping[str, str]) -> PageHeaderTemplate:
        """Build one from a mapping of placeholder values."""
        return cls(template, tuple((str(k), str(v)) for k, v in fields.items()))

    def text(self, page: int, total_pages: int) -> str:
        """The header line of one page.

        Args:
            page: 1-based page number.
            total_pages: Pages of the fax.

        Returns:
            The template with its placeholders replaced, on one line.
        """
        values = {name.lower(): value for name, value in self.fields}
        values.update(page=str(page), totalpages=str(total_pages))

        def replace(match: re.Match[str]) -> str:
            name = match.group(1).lower()
            value = values.get(_ALIASES.get(name, name))
            return match.group(0) if value is None else value

        filled = _PLACEHOLDER.sub(replace, self.template[:_MAX_TEMPLATE])
        return _CONTROL.sub(" ", filled).strip()


def stamp_header(
    tiff: bytes, header: PageHeaderTemplate, options: RenderOptions
) -> RenderedDocument:
    """Print the header on every page of a fax TIFF.

    Args:
        tiff: A fax TIFF (as ``render_documents`` returns), at ``options``' resolution.
        header: The template and its values.
        options: Resolution and compression of the result.

    Returns:
        The stamped fax, page for page.

    Raises:
        RenderError: The TIFF cannot be read, or no font is installed.
    """
    try:
        image = Image.open(io.BytesIO(tiff), formats=["TIFF"])
    except (OSError, ValueError) as exc:
        raise RenderError(f"cannot read the fax image to stamp: {exc}") from exc
    with image:
        total = getattr(image, "n_frames", 1)
        writer = FaxTiffWriter(fine=options.fine, compression=options.compression)
        for number, frame in enumerate(ImageSequence.Iterator(image), 1):
            page = frame.convert("1") if frame.mode != "1" else frame.copy()
            band = header_band(header.text(number, total), fine=options.fine)
            writer.add_page(_stamped(page, band))
    return RenderedDocument(tiff=writer.finish(), pages=total, fine=options.fine)


def header_band(text: str, *, fine: bool) -> Image.Image:
    """The header band of one page, as it is pasted on the fax page.

    Args:
        text: The header line (already filled in).
        fine: Fine (196 rows per inch) or standard (98) resolution.

    Returns:
        A mode "1" image 1728 pixels wide and one band high in fax rows.

    Raises:
        RenderError: No font is installed.
    """
    square = Image.new("L", (FAX_WIDTH, _BAND), 255)
    if text:
        _draw_line(ImageDraw.Draw(square), text)
    rows = fax_rows(_BAND, fine)
    reduced = square.resize((FAX_WIDTH, rows), Image.Resampling.BOX)
    return binarize(reduced, halftone=False, threshold=threshold_for(fine))


def _stamped(page: Image.Image, band: Image.Image) -> Image.Image:
    width, height = page.size
    rows = band.height
    if height > 2 * (rows + _GAP) and _has_ink(page.crop((0, 0, width, rows + _GAP))):
        if not _has_ink(page.crop((0, height - rows - _GAP, width, height))):
            moved = Image.new("1", page.size, 255)
            moved.paste(page.crop((0, 0, width, height - rows - _GAP)), (0, rows + _GAP))
            page = moved
    page.paste(band, (0, 0))
    return page


def _has_ink(region: Image.Image) -> bool:
    return region.convert("L").histogram()[0] > 0


def _draw_line(draw: ImageDraw.ImageDraw, text: str) -> None:
    faces = available_faces()
    if not faces:
        raise RenderError("no font is installed to print the page header with")
    room = FAX_WIDTH - 2 * _MARGIN
    size = _EM
    runs = _runs(text, faces)
    width = _width(runs, size)
    if width > room:
        size = max(_MIN_EM, size * room / width)
        while runs and _width(runs, size) > room:
            runs = _shorten(runs, faces)
    x = float(_MARGIN)
    baseline = round(_BAND * _BASELINE)
    for face, chunk in runs:
        font = _font(face.path, face.index, size)
        draw.text((x, baseline), chunk, font=font, fill=0, anchor="ls")
        x += font.getlength(chunk)


def _runs(text: str, faces: tuple[FontFace, ...]) -> list[tuple[FontFace, str]]:
    """Split the text into runs drawn with one face each; characters no face has become '?'."""
    runs: list[tuple[FontFace, str]] = []
    for char in text:
        face = next((f for f in faces if f.covers(char)), None)
        if face is None:
            char, face = "?", faces[0]
        if runs and runs[-1][0] is face:
            runs[-1] = (face, runs[-1][1] + char)
        else:
            runs.append((face, char))
    return runs


def _shorten(
    runs: list[tuple[FontFace, str]], faces: tuple[FontFace, ...]
) -> list[tuple[FontFace, str]]:
    """Drop the last character before a trailing '...' (kept in the primary face)."""
    text = "".join(chunk for _, chunk in runs)
    body = text[:-3] if text.endswith("...") else text
    return _runs(body[:-1].rstrip() + "...", faces) if len(body) > 1 else []


def _width(runs: list[tuple[FontFace, str]], size: float) -> float:
    return sum(_font(face.path, face.index, size).getlength(chunk) for face, chunk in runs)


@functools.cache
def _font(path: str, index: int, size: float) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size, index=index, layout_engine=ImageFont.Layout.BASIC)

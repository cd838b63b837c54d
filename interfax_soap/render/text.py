"""Plain text to fax pages: a monospaced grid with margins, wrapping, tabs and form feeds."""

from __future__ import annotations

import dataclasses
import functools
import unicodedata
from collections.abc import Iterator

from PIL import Image, ImageDraw, ImageFont

from interfax_soap.render.charsets import decode_text
from interfax_soap.render.fonts import FontFace, choose_faces
from interfax_soap.render.options import PageGeometry, RenderOptions
from interfax_soap.render.raster import check_page_budget, finish_page

__all__ = ["render_text"]

_POINTS = 10.0  # body size: an A4 page holds 89 Latin columns and 64 lines
_LINE_SPACING = 1.2
_MARGIN_INCHES = 0.5
_TAB = 8
_DROPPED_CATEGORIES = ("Cc", "Cf", "Mn", "Me")  # controls, format marks, combining marks
_WRAP_AT_SPACE_FROM = 3  # break at the last space if it is in the last two thirds of the line


@dataclasses.dataclass(frozen=True)
class _Grid:
    """The character grid of one page, in pixels of the logical page."""

    columns: int
    rows: int
    cell: int
    line_height: int
    baseline: int
    left: int
    top: int


@dataclasses.dataclass(frozen=True)
class _Glyph:
    """Where one character goes: its font, how many cells it takes, and its x offset."""

    font: ImageFont.FreeTypeFont
    cells: int
    offset: float
    """Pixels from the cell's left edge (centres glyphs narrower than their cells)."""
    on_grid: bool
    """The font's advance lands exactly on the next cell, so runs can be drawn at once."""


class _Glyphs:
    """Per-character placement, computed once per distinct character."""

    def __init__(self, faces: tuple[FontFace, ...], cell: int) -> None:
        self._faces = faces
        self._cell = cell
        self._fonts = [_font(face.path, face.index, _size_for_cell(face, cell)) for face in faces]
        self._cache: dict[str, _Glyph] = {}
        self._space_fits: dict[int, bool] = {}  # by id(): the fonts live as long as self

    def space_on_grid(self, font: ImageFont.FreeTypeFont) -> bool:
        """Whether a space in ``font`` advances exactly one cell."""
        fits = self._space_fits.get(id(font))
        if fits is None:
            fits = self._space_fits[id(font)] = abs(font.getlength(" ") - self._cell) < 0.05
        return fits

    def cells(self, char: str) -> int:
        """Columns ``char`` takes (whitespace included: U+3000 is two columns wide)."""
        if char.isspace():
            return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
        return self[char].cells

    def __getitem__(self, char: str) -> _Glyph:
        glyph = self._cache.get(char)
        if glyph is None:
            glyph = self._cache[char] = self._place(char)
        return glyph

    def _place(self, char: str) -> _Glyph:
        # choose_faces already proved that some face covers every drawn character.
        slot = next((i for i, face in enumerate(self._faces) if face.covers(char)), 0)
        font = self._fonts[slot]
        advance = font.getlength(char)
        if unicodedata.east_asian_width(char) in ("W", "F"):
            cells = 2
        else:
            # East Asian "ambiguous" characters (○, ※, α in a CJK font) are full width in
            # CJK fonts and half width elsewhere: the font's advance decides.
            cells = 2 if advance > 1.5 * self._cell else 1
        width = cells * self._cell
        return _Glyph(font, cells, max(0.0, (width - advance) / 2), abs(advance - width) < 0.05)


def render_text(data: bytes, options: RenderOptions, budget: int) -> Iterator[Image.Image]:
    """Lay out and draw a text document.

    Lines longer than the page wrap (at the last space when there is one, else between
    characters; nothing is cut off), tabs stop every 8 columns, a form feed starts a new
    page, and CJK characters take two columns.

    Args:
        data: The text, in any encoding ``charsets.decode_text`` understands.
        options: Page size, orientation, resolution, declared charset, page limit.
        budget: Fax pages still allowed; needing more raises DocumentTooLarge before any
            page is drawn.

    Yields:
        Mode "1" fax pages (1728 pixels wide, fax rows).

    Raises:
        RenderError: A character no installed font covers (named in the message).
        DocumentTooLarge: The text needs more than ``budget`` pages.
    """
    text = unicodedata.normalize("NFC", decode_text(data, options.charset)[0])
    faces = choose_faces(text)
    geometry = options.geometry()
    grid = _grid(geometry, faces[0])
    glyphs = _Glyphs(faces, grid.cell)
    pages = _paginate(text, grid, glyphs, budget, options.max_pages)
    for lines in pages:
        page = _draw_page(lines, geometry, grid, glyphs)
        yield finish_page(page, geometry, fine=options.fine, halftone=False)


def _grid(geometry: PageGeometry, primary: FontFace) -> _Grid:
    em = geometry.dpi * _POINTS / 72
    cell = max(1, round(em * _advance_ratio(primary)))
    line_height = round(em * _LINE_SPACING)
    margin = round(geometry.dpi * _MARGIN_INCHES)
    return _Grid(
        columns=(geometry.width - 2 * margin) // cell,
        rows=(geometry.height - 2 * margin) // line_height,
        cell=cell,
        line_height=line_height,
        # The em box centred in the line, baseline at 80 % of the em (typical ascent).
        baseline=round((line_height - em) / 2 + em * 0.8),
        left=margin,
        top=margin,
    )


def _paginate(
    text: str, grid: _Grid, glyphs: _Glyphs, budget: int, max_pages: int
) -> list[list[str]]:
    """Split text into pages of at most ``grid.rows`` lines of at most ``grid.columns`` cells."""
    pages: list[list[str]] = []
    for block in text.replace("\r\n", "\n").replace("\r", "\n").split("\f"):
        lines: list[str] = []
        for source_line in block.split("\n"):
            room = (budget - len(pages)) * grid.rows - len(lines)
            lines.extend(_wrap(source_line, grid.columns, glyphs, room + 1))
            # Stop early on huge texts; one page of slack for a trailing form feed's page,
            # which is dropped below.
            check_page_budget(len(pages) + -(-len(lines) // grid.rows), budget + 1, max_pages)
        if lines and not lines[-1]:
            lines.pop()  # the newline that ends the last line does not open another
        pages.extend(lines[start : start + grid.rows] for start in range(0, len(lines), grid.rows))
        if not lines:
            pages.append([])  # a form feed right after another (or at the start) is a blank page
    if len(pages) > 1 and not pages[-1]:
        pages.pop()  # a final form feed ends the last page; it does not add a blank one
    check_page_budget(len(pages), budget, max_pages)
    return pages or [[]]


def _wrap(line: str, columns: int, glyphs: _Glyphs, limit: int) -> list[str]:
    """Wrap one source line; stops early once it has more than ``limit`` lines."""
    out: list[str] = []
    current: list[str] = []
    used = 0
    for char in line:
        if len(out) > limit:
            break  # over the page budget already: the caller raises DocumentTooLarge
        if char == "\t":
            spaces = _TAB - used % _TAB
            if used + spaces > columns:
                out.append("".join(current))
                current, used = [], 0
                continue  # a tab at the edge just ends the line
            current.extend(" " * spaces)
            used += spaces
            continue
        if unicodedata.category(char) in _DROPPED_CATEGORIES:
            continue
        cells = glyphs.cells(char)
        if used + cells > columns:
            space = "".join(current).rfind(" ")
            if char != " " and space >= columns // _WRAP_AT_SPACE_FROM:
                out.append("".join(current[:space]).rstrip())
                current = current[space + 1 :]
            else:
                out.append("".join(current))
                current = []
            used = sum(glyphs.cells(c) for c in current)
            if char == " ":
                continue  # the space where a line breaks is not carried over
        current.append(char)
        used += cells
    out.append("".join(current).rstrip())
    return out


def _draw_page(
    lines: list[str], geometry: PageGeometry, grid: _Grid, glyphs: _Glyphs
) -> Image.Image:
    page = Image.new("L", (geometry.width, geometry.height), 255)
    draw = ImageDraw.Draw(page)
    for row, line in enumerate(lines):
        y = grid.top + row * grid.line_height + grid.baseline
        column = 0
        run: list[str] = []
        run_font: ImageFont.FreeTypeFont | None = None
        run_column = 0
        for char in line:
            if char.isspace():
                width = glyphs.cells(char)
                column += width
                if run_font is not None and glyphs.space_on_grid(run_font):
                    run.append(" " * width)  # keeps a line of words one draw call
                else:
                    _flush(draw, run, run_font, grid, run_column, y)
                    run, run_font = [], None
                continue
            glyph = glyphs[char]
            if glyph.on_grid and glyph.font is run_font:
                run.append(char)
            else:
                _flush(draw, run, run_font, grid, run_column, y)
                run, run_font, run_column = [], None, column
                if glyph.on_grid:
                    run, run_font = [char], glyph.font
                else:
                    x = grid.left + column * grid.cell + glyph.offset
                    draw.text((x, y), char, font=glyph.font, fill=0, anchor="ls")
            column += glyph.cells
        _flush(draw, run, run_font, grid, run_column, y)
    return page


def _flush(
    draw: ImageDraw.ImageDraw,
    run: list[str],
    font: ImageFont.FreeTypeFont | None,
    grid: _Grid,
    column: int,
    y: int,
) -> None:
    if run and font is not None:
        draw.text((grid.left + column * grid.cell, y), "".join(run), font=font, fill=0, anchor="ls")


def _advance_ratio(face: FontFace) -> float:
    """Advance of a half-width character ("0") per em of ``face``."""
    reference = _font(face.path, face.index, 100.0)
    return reference.getlength("0") / 100.0


def _size_for_cell(face: FontFace, cell: int) -> float:
    return cell / _advance_ratio(face)


@functools.cache
def _font(path: str, index: int, size: float) -> ImageFont.FreeTypeFont:
    # Loading a 6 MB CJK font takes milliseconds; a rendering process reuses its fonts.
    return ImageFont.truetype(path, size, index=index, layout_engine=ImageFont.Layout.BASIC)

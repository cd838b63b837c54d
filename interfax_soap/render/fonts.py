"""Finding fonts for text faxes and knowing exactly which characters each one covers.

Fonts are looked up by their Debian paths first (fonts-dejavu-core, fonts-ipafont-gothic,
fonts-noto-cjk), then through ``fc-match``. Coverage comes from each font's own ``cmap``
table, so a character no font has is reported by name instead of being drawn as an empty
box (Pillow would silently draw the font's .notdef glyph).
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import os
import struct
import subprocess
import unicodedata

from PIL import ImageFont

from interfax_soap.render.errors import RenderError

__all__ = ["FontFace", "available_faces", "choose_faces", "font_cmap"]

logger = logging.getLogger(__name__)

# (path, face family wanted in a collection or None for face 0, is CJK)
_CANDIDATES: tuple[tuple[str, str | None, bool], ...] = (
    ("/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf", None, False),
    ("/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf", None, True),
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", "Noto Sans Mono CJK JP", True),
    ("/usr/share/fonts/opentype/ipafont-gothic/ipagp.ttf", None, True),
    ("/usr/share/fonts/truetype/fonts-japanese-gothic.ttf", None, True),
)
_FC_PATTERNS = ("monospace:lang=ja", "monospace")
_FC_TIMEOUT_SECONDS = 10
_CJK_NAME_WORDS = ("CJK", "HIRAGANA", "KATAKANA", "IDEOGRAPH", "FULLWIDTH", "HANGUL")
_MISSING_SHOWN = 8


@dataclasses.dataclass(frozen=True)
class FontFace:
    """One usable font face and the code points its cmap maps to a glyph."""

    path: str
    index: int
    name: str
    cjk: bool
    coverage: frozenset[int] = dataclasses.field(repr=False)

    def covers(self, char: str) -> bool:
        """Whether the face has a glyph for ``char``."""
        return ord(char) in self.coverage

    def load(self, size: float) -> ImageFont.FreeTypeFont:
        """The face at ``size`` pixels per em (basic layout: no shaping needed for a grid)."""
        return ImageFont.truetype(
            self.path, size, index=self.index, layout_engine=ImageFont.Layout.BASIC
        )


@functools.cache
def available_faces() -> tuple[FontFace, ...]:
    """The installed faces we can draw text with, best first (cached for the process).

    Returns:
        DejaVu Sans Mono, IPAGothic, Noto Sans Mono CJK JP, IPAPGothic, ... as installed,
        then what fontconfig offers for monospace Japanese and monospace text.
    """
    faces: list[FontFace] = []
    seen: set[tuple[str, int]] = set()
    candidates = [(path, family, cjk) for path, family, cjk in _CANDIDATES]
    candidates += [(path, None, False) for path in _fc_match_files()]
    for path, family, cjk in candidates:
        face = _open_face(path, family, cjk)
        # fonts-japanese-gothic.ttf and fontconfig's answers are often the same file again.
        key = (os.path.realpath(path), face.index if face else 0)
        if face is not None and key not in seen:
            seen.add(key)
            faces.append(face)
    return tuple(faces)


def choose_faces(text: str) -> tuple[FontFace, ...]:
    """The faces to draw ``text`` with: the primary first, then fallbacks.

    The primary is the first face that covers every character (so a Japanese text is drawn
    in a CJK face, Latin letters included); failing that, the one covering the most.

    Args:
        text: The text to draw (whitespace and control characters need no glyph).

    Returns:
        The faces, primary first.

    Raises:
        RenderError: A character is covered by no installed face; the message names the
            characters and the Debian package that would provide a font for them.
    """
    needed = {char for char in set(text) if _needs_glyph(char)}
    faces = available_faces()
    if not faces:
        raise RenderError(
            "no font for text faxes is installed (install Debian fonts-dejavu-core, and "
            "fonts-ipafont-gothic for Japanese)"
        )
    missing = sorted(char for char in needed if not any(face.covers(char) for face in faces))
    if missing:
        raise RenderError(_missing_message(missing, faces))
    counts = [sum(1 for char in needed if face.covers(char)) for face in faces]
    primary = counts.index(max(counts))
    return (faces[primary],) + faces[:primary] + faces[primary + 1 :]


def _needs_glyph(char: str) -> bool:
    return not char.isspace() and unicodedata.category(char) not in ("Cc", "Cf", "Mn", "Me")


def _missing_message(missing: list[str], faces: tuple[FontFace, ...]) -> str:
    shown = ", ".join(
        f"U+{ord(char):04X} {unicodedata.name(char, 'unnamed')}"
        for char in missing[:_MISSING_SHOWN]
    )
    more = f" and {len(missing) - _MISSING_SHOWN} more" if len(missing) > _MISSING_SHOWN else ""
    cjk_text = any(
        word in unicodedata.name(char, "") for char in missing for word in _CJK_NAME_WORDS
    )
    if cjk_text and not any(face.cjk for face in faces):
        hint = (
            "no Japanese font is installed: IPAGothic (Debian fonts-ipafont-gothic) or "
            "Noto Sans Mono CJK JP (fonts-noto-cjk) is needed"
        )
    else:
        hint = "no installed font covers them (searched " + ", ".join(f.name for f in faces) + ")"
    return f"text contains characters that cannot be drawn: {shown}{more}; {hint}"


def _fc_match_files() -> list[str]:
    files: list[str] = []
    for pattern in _FC_PATTERNS:
        try:
            result = subprocess.run(
                ["fc-match", "--format", "%{file}", pattern],
                capture_output=True,
                text=True,
                timeout=_FC_TIMEOUT_SECONDS,
                check=False,
            )
        except (OSError, subprocess.SubprocessError):
            return files  # no fontconfig: the fixed paths are all we have
        if result.returncode == 0 and result.stdout.strip():
            files.append(result.stdout.strip())
    return files


def _open_face(path: str, family: str | None, cjk: bool) -> FontFace | None:
    if not os.path.isfile(path):
        return None
    try:
        index = _face_index(path, family)
        font = ImageFont.truetype(path, 16, index=index, layout_engine=ImageFont.Layout.BASIC)
        name = font.getname()[0] or os.path.basename(path)
        coverage = font_cmap(path, index)
    except (OSError, ValueError, struct.error) as exc:
        logger.warning("Ignoring font %s: %s", path, exc)
        return None
    if not coverage:
        return None
    # fontconfig may hand back a face we also know by path; it is CJK if it has kana.
    return FontFace(path, index, name, cjk or 0x3042 in coverage, coverage)


def _face_index(path: str, family: str | None) -> int:
    """The index of ``family`` in a font collection (0 for single fonts or no preference)."""
    if family is None:
        return 0
    with open(path, "rb") as handle:
        header = handle.read(12)
    if header[:4] != b"ttcf":
        return 0
    (count,) = struct.unpack(">I", header[8:12])
    for index in range(count):
        font = ImageFont.truetype(path, 16, index=index)
        if font.getname()[0] == family:
            return index
    return 0


@functools.cache
def font_cmap(path: str, index: int = 0) -> frozenset[int]:
    """Code points that the font's Unicode cmap maps to a real glyph (not .notdef).

    Reads format 12 (full Unicode) or format 4 (BMP) subtables of TrueType/OpenType fonts
    and collections.

    Args:
        path: Font file.
        index: Face in a collection.

    Returns:
        The covered code points (empty if there is no Unicode cmap).
    """
    with open(path, "rb") as handle:
        data = handle.read()
    base = 0
    if data[:4] == b"ttcf":
        (base,) = struct.unpack_from(">I", data, 12 + 4 * index)
    (num_tables,) = struct.unpack_from(">H", data, base + 4)
    cmap = None
    for record in range(base + 12, base + 12 + 16 * num_tables, 16):
        tag, _checksum, offset, _length = struct.unpack_from(">4sIII", data, record)
        if tag == b"cmap":
            cmap = offset
    if cmap is None:
        return frozenset()
    (count,) = struct.unpack_from(">H", data, cmap + 2)
    subtables: dict[tuple[int, int], int] = {}
    for record in range(cmap + 4, cmap + 4 + 8 * count, 8):
        platform, encoding, offset = struct.unpack_from(">HHI", data, record)
        subtables[(platform, encoding)] = cmap + offset
    for key in ((3, 10), (0, 6), (0, 4), (3, 1), (0, 3), (0, 1), (0, 0)):
        if key in subtables:
            offset = subtables[key]
            (fmt,) = struct.unpack_from(">H", data, offset)
            if fmt == 12:
                return _cmap_format12(data, offset)
            if fmt == 4:
                return _cmap_format4(data, offset)
    return frozenset()


def _cmap_format12(data: bytes, offset: int) -> frozenset[int]:
    (groups,) = struct.unpack_from(">I", data, offset + 12)
    covered: set[int] = set()
    for group in range(offset + 16, offset + 16 + 12 * groups, 12):
        start, end, glyph = struct.unpack_from(">III", data, group)
        covered.update(range(start + (1 if glyph == 0 else 0), end + 1))
    return frozenset(covered)


def _cmap_format4(data: bytes, offset: int) -> frozenset[int]:
    (seg_count_x2,) = struct.unpack_from(">H", data, offset + 6)
    segments = seg_count_x2 // 2
    ends = offset + 14
    starts = ends + seg_count_x2 + 2
    deltas = starts + seg_count_x2
    range_offsets = deltas + seg_count_x2
    covered: set[int] = set()
    for segment in range(segments):
        (end,) = struct.unpack_from(">H", data, ends + 2 * segment)
        (start,) = struct.unpack_from(">H", data, starts + 2 * segment)
        (delta,) = struct.unpack_from(">h", data, deltas + 2 * segment)
        where = range_offsets + 2 * segment
        (range_offset,) = struct.unpack_from(">H", data, where)
        for code in range(start, min(end, 0xFFFE) + 1):
            if range_offset == 0:
                glyph = (code + delta) & 0xFFFF
            else:
                (glyph,) = struct.unpack_from(">H", data, where + range_offset + 2 * (code - start))
                glyph = (glyph + delta) & 0xFFFF if glyph else 0
            if glyph:
                covered.add(code)
    return frozenset(covered)

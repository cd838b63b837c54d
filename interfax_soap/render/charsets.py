"""Text bytes to str: a declared charset, or detection among UTF-8, Japanese and Latin encodings."""

from __future__ import annotations

import codecs
import unicodedata

from interfax_soap.render.errors import RenderError

__all__ = ["decode_text"]

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# ESC $ @, ESC $ B (JIS X 0208), ESC $ ( D / Q (JIS X 0212 / 0213), ESC ( J / ( I (JIS X 0201).
_ISO2022_JP_ESCAPES = (b"\x1b$@", b"\x1b$B", b"\x1b$(D", b"\x1b$(Q", b"\x1b(J", b"\x1b(I")
# Mailers write ISO-2022-JP with half-width katakana or JIS X 0213 characters; the variants
# are tried from the strictest.
_ISO2022_JP_CODECS = ("iso2022_jp", "iso2022_jp_ext", "iso2022_jp_2004", "iso2022_jp_2")
# Aliases whose strict meaning is narrower than what is sent under that name: Windows writes
# CP932 when it says Shift_JIS, and "Latin-1" text is usually Windows-1252 (as WHATWG treats it).
_DECLARED_ALIASES = {
    "shift_jis": "cp932",
    "iso8859_1": "cp1252",
    "ascii": "cp1252",
}


def decode_text(data: bytes, charset: str | None = None) -> tuple[str, str]:
    """Decode document text.

    A declared charset is tried first (Shift_JIS read as CP932, Latin-1 and ASCII as
    Windows-1252 when that decodes); if the bytes are not valid in it, detection decides.
    Detection, in order: a byte-order mark; ISO-2022-JP when its escape sequences occur in
    7-bit data; ASCII; UTF-8; Shift_JIS (CP932) or EUC-JP when the result reads as Japanese;
    Windows-1252; Latin-1 (which decodes anything).

    Args:
        data: The document.
        charset: Declared encoding (Python codec name or alias), or None.

    Returns:
        (text, name of the codec used).

    Raises:
        RenderError: The declared charset is unknown.
    """
    if charset:
        try:
            codec = codecs.lookup(charset).name.replace("-", "_")
        except LookupError as exc:
            raise RenderError(f"unknown charset {charset!r}") from exc
        for name in (_DECLARED_ALIASES.get(codec, codec), codec):
            text = _try(data, name)
            if text is not None:
                return text, name
    return _detect(data)


def _detect(data: bytes) -> tuple[str, str]:
    for bom, name in _BOMS:
        if data.startswith(bom):
            text = _try(data, name)
            if text is not None:
                return text, name
    seven_bit = data.isascii()
    if seven_bit and any(escape in data for escape in _ISO2022_JP_ESCAPES):
        for name in _ISO2022_JP_CODECS:
            text = _try(data, name)
            if text is not None:
                return text, name
    if seven_bit:
        return data.decode("ascii"), "ascii"
    text = _try(data, "utf-8")
    if text is not None:
        return text, "utf-8"
    japanese = _best_japanese(data)
    if japanese is not None:
        return japanese
    text = _try(data, "cp1252")
    if text is not None:
        return text, "cp1252"
    return data.decode("latin-1"), "latin-1"


def _try(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _best_japanese(data: bytes) -> tuple[str, str] | None:
    """Pick between CP932 and EUC-JP, or neither when the text does not read as Japanese.

    Both decode many byte strings: EUC-JP read as CP932 becomes half-width katakana, and
    Western text with accented letters can decode as CP932 kanji ("Häuser" has the CP932
    pair E4 75). So a candidate must look like Japanese, and the better-looking one wins.
    """
    best: tuple[int, str, str] | None = None
    for codec in ("cp932", "euc_jp", "euc_jis_2004"):
        text = _try(data, codec)
        if text is None:
            continue
        score = _japanese_score(text)
        if score is not None and (best is None or score > best[0]):
            best = (score, text, codec)
    return None if best is None else (best[1], best[2])


def _japanese_score(text: str) -> int | None:
    """A plausibility score for decoded Japanese, or None if it does not read as Japanese."""
    kana = ideographs = odd = latin_neighbours = 0
    for index, char in enumerate(text):
        code = ord(char)
        if 0x3040 <= code <= 0x30FF:
            kana += 1
        elif 0x4E00 <= code <= 0x9FFF or 0x3000 <= code <= 0x303F or 0xFF01 <= code <= 0xFF5E:
            ideographs += 1
            before = text[index - 1] if index else " "
            after = text[index + 1] if index + 1 < len(text) else " "
            if _is_ascii_letter(before) or _is_ascii_letter(after):
                latin_neighbours += 1
        elif 0xFF61 <= code <= 0xFF9F or unicodedata.category(char) in ("Co", "Cn", "Cc"):
            # Half-width katakana, private use, unassigned and C1 controls: rare in real
            # text, common when the wrong multi-byte codec was used.
            odd += 1 if char not in "\t\n\r\f" else 0
    if not kana and (not ideographs or latin_neighbours * 5 > ideographs or odd):
        return None
    return kana + ideographs - 4 * odd - 2 * latin_neighbours


def _is_ascii_letter(char: str) -> bool:
    return char.isascii() and char.isalpha()

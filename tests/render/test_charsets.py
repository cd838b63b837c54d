"""Tests of render/charsets.py: declared and detected text encodings."""

from __future__ import annotations

import codecs

import pytest

from interfax_soap.render import RenderError
from interfax_soap.render.charsets import decode_text

JAPANESE = "日本語のテキストです。東京都千代田区霞が関、議事録。"


@pytest.mark.parametrize(
    ("data", "codec"),
    [
        (JAPANESE.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + JAPANESE.encode("utf-8"), "utf-8-sig"),
        (JAPANESE.encode("cp932"), "cp932"),
        (JAPANESE.encode("euc_jp"), "euc_jp"),
        (JAPANESE.encode("iso2022_jp"), "iso2022_jp"),
        ("ﾊﾝｶｸ カナ".encode("iso2022_jp_ext"), "iso2022_jp_ext"),
        (codecs.BOM_UTF16_LE + JAPANESE.encode("utf-16-le"), "utf-16"),
    ],
    ids=["utf-8", "utf-8-bom", "shift_jis", "euc-jp", "iso-2022-jp", "iso-2022-jp-kana", "utf-16"],
)
def test_japanese_is_detected(data, codec):
    text, used = decode_text(data)

    assert used == codec
    assert "日本語" in text or "カナ" in text


@pytest.mark.parametrize(
    "text",
    ["Grüße aus den Häusern, Küche, Öl", "café crème brûlée", "“quotes” – dash €5"],
)
def test_western_text_is_not_mistaken_for_japanese(text):
    assert decode_text(text.encode("cp1252")) == (text, "cp1252")


def test_ascii_and_latin1_fallback():
    assert decode_text(b"plain") == ("plain", "ascii")
    # 0x81 is undefined in Windows-1252, so only Latin-1 takes it.
    assert decode_text(b"caf\xe9 \x81")[1] == "latin-1"


def test_declared_charset_wins_and_aliases_widen():
    # 0x87 0x40 is NEC's circled 1: CP932, which Windows sends as "Shift_JIS".
    assert decode_text(b"\x87\x40", "Shift_JIS") == ("①", "cp932")
    assert decode_text("é".encode(), "latin-1") == ("Ã©", "cp1252")


def test_declared_charset_that_does_not_fit_falls_back_to_detection():
    assert decode_text(JAPANESE.encode("utf-8"), "euc-jp") == (JAPANESE, "utf-8")


def test_unknown_declared_charset_is_a_render_error():
    with pytest.raises(RenderError, match="charset"):
        decode_text(b"x", "no-such-charset")

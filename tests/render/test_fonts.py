"""Tests of render/fonts.py: font discovery, cmap coverage and missing-glyph errors."""

from __future__ import annotations

import pytest

from interfax_soap.render import RenderError
from interfax_soap.render.fonts import available_faces, choose_faces, font_cmap


def test_a_latin_and_a_japanese_font_are_installed():
    # Debian fonts-dejavu-core and fonts-ipafont-gothic (or fonts-noto-cjk) are requirements.
    faces = available_faces()

    assert any(face.covers("A") and not face.cjk for face in faces)
    assert any(face.covers("日") and face.covers("あ") for face in faces)


def test_cmap_coverage_matches_the_font():
    latin = next(face for face in available_faces() if not face.cjk)
    coverage = font_cmap(latin.path, latin.index)

    assert {ord("A"), ord("é"), ord("─")} <= coverage
    assert ord("日") not in coverage
    assert 0xFFFF not in coverage


def test_latin_text_gets_the_latin_font_first():
    assert not choose_faces("Hello, world")[0].cjk


def test_japanese_text_gets_a_cjk_font_first():
    assert choose_faces("Hello 日本語")[0].cjk


@pytest.mark.parametrize("text", ["smile \U0001f600", "private \ue000"])
def test_uncovered_characters_are_named(text):
    with pytest.raises(RenderError, match=r"U\+(1F600|E000)"):
        choose_faces(text)


def test_whitespace_and_controls_need_no_glyph():
    assert choose_faces("a\tb\u3000c\x00\u200b")

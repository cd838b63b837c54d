"""Tests of PS/EPS (Ghostscript) and office documents (LibreOffice), and of what happens when
a converter hangs or is missing (render/converters.py, postscript.py, office.py)."""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

import pytest

from interfax_soap.render import (
    DocumentTooLarge,
    RenderError,
    RenderOptions,
    RenderPool,
    RenderTimeout,
    describe_fax_tiff,
    render_document,
    supported_file_types,
)
from interfax_soap.render.converters import work_root
from interfax_soap.render.office import OFFICE_FILE_TYPES
from tests.render.conftest import make_docx, require_component

PS_TWO_PAGES = (
    b"%!PS-Adobe-3.0\n/Helvetica findfont 40 scalefont setfont\n"
    b"72 700 moveto (First page) show showpage\n72 700 moveto (Second page) show showpage\n"
)
EPS = (
    b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 200 100\n"
    b"0 0 moveto 200 0 lineto 200 100 lineto 0 100 lineto closepath fill\n"
)
RTF = rb"{\rtf1\ansi{\fonttbl\f0\fswiss Helvetica;}\f0\fs48 Hello from RTF\par}"


def _pid_is_gone(pid: int, seconds: float = 5) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        status = Path(f"/proc/{pid}/stat")
        if status.exists() and status.read_text().split()[2] == "Z":
            return True  # a zombie: dead, waiting for its parent
        time.sleep(0.05)
    return False


def _fake_converter(folder: Path, name: str) -> Path:
    """A program called ``name`` that records its pid and then hangs."""
    folder.mkdir(exist_ok=True)
    program = folder / name
    program.write_text(f"#!/bin/sh\necho $$ > {folder}/{name}.pid\nexec sleep 600\n")
    program.chmod(program.stat().st_mode | stat.S_IXUSR)
    return program


# Ghostscript


def test_postscript_pages_become_fax_pages(decode_pages, ink):
    require_component("Ghostscript")
    rendered = render_document(PS_TWO_PAGES, "PS", RenderOptions(fine=True))

    assert rendered.pages == 2
    info = describe_fax_tiff(rendered.tiff)
    assert {(p.width, p.y_resolution) for p in info.pages} == {(1728, 196)}
    first, second = decode_pages(rendered.tiff)
    # 40 pt text on the baseline 142 pt below the top of an A4 page (2.79 fine rows a point).
    assert ink(first, (150, 290, 900, 400)) > 0.05
    assert ink(second, (150, 290, 900, 400)) > 0.05
    assert ink(first, (0, 600, 1728, 2000)) == 0


def test_eps_is_placed_at_the_top_of_the_page_and_reduced_when_too_large(decode_pages, ink):
    require_component("Ghostscript")
    px = 1728 / 595.28  # the A4 page scaled to the fax row
    row = px * 98 / 204  # standard rows per point
    (page,) = decode_pages(render_document(EPS, "EPS", RenderOptions()).tiff)
    # 200 x 100 pt at its own size, centred, 36 pt from the top.
    left, top = (595.28 - 200) / 2 * px, 36 * row
    assert (
        ink(
            page,
            (
                round(left) + 4,
                round(top) + 3,
                round(left + 200 * px) - 4,
                round(top + 100 * row) - 3,
            ),
        )
        == 1.0
    )
    assert ink(page) < 0.06

    large = (
        EPS.replace(b"0 0 200 100", b"0 0 2000 1000")
        .replace(b"200 ", b"2000 ")
        .replace(b"100 lineto", b"1000 lineto")
    )
    (page,) = decode_pages(render_document(large, "EPS", RenderOptions()).tiff)
    width = (595.28 - 72) * px  # reduced to the width inside the margins
    assert (
        ink(
            page,
            (
                round(36 * px) + 4,
                round(top) + 3,
                round(36 * px + width) - 4,
                round(top + width / 2 * 98 / 204) - 3,
            ),
        )
        == 1.0
    )


def test_postscript_errors_and_limits():
    require_component("Ghostscript")
    with pytest.raises(RenderError, match="no %! header"):
        render_document(b"not postscript", "PS", RenderOptions())
    with pytest.raises(RenderError, match="Ghostscript could not"):
        render_document(b"%!PS\nundefined_operator_x\n", "PS", RenderOptions())
    many = b"%!PS\n" + b"showpage\n" * 12
    with pytest.raises(DocumentTooLarge):
        render_document(many, "PS", RenderOptions(max_pages=10))


def test_a_postscript_loop_ends_at_the_converter_limit():
    require_component("Ghostscript")
    started = time.monotonic()
    with pytest.raises(RenderError, match="did not finish within 1 s") as caught:
        render_document(b"%!PS\n{ } loop\n", "PS", RenderOptions(converter_timeout_seconds=1))
    assert caught.value.status == 204000
    assert time.monotonic() - started < 10


# LibreOffice


def test_docx_renders_through_libreoffice(decode_pages, ink):
    require_component("LibreOffice")
    docx = make_docx(["Quarterly report", "Second page heading"], page_break_after=0)

    rendered = render_document(docx, "DOCX", RenderOptions(fine=True))

    assert rendered.pages == 2
    first, second = decode_pages(rendered.tiff)
    assert first.width == 1728
    # 24 pt text one inch from the top and left of an A4 page.
    assert ink(first, (150, 150, 1000, 320)) > 0.03
    assert ink(second, (150, 150, 1000, 320)) > 0.03
    assert ink(first, (0, 500, 1728, 2200)) == 0


def test_rtf_renders_and_a_damaged_docx_is_a_render_error(decode_pages, ink):
    require_component("LibreOffice")
    (page,) = decode_pages(render_document(RTF, "rtf", RenderOptions()).tiff)
    assert ink(page, (0, 0, 1728, 400)) > 0.002
    with pytest.raises(RenderError) as caught:
        render_document(b"PK\x03\x04 this is no zip", "DOCX", RenderOptions())
    assert caught.value.status == 204000


def test_every_office_type_is_offered_only_with_libreoffice(tmp_path):
    empty = str(tmp_path)
    without = supported_file_types(path=empty)
    assert not set(OFFICE_FILE_TYPES) & set(without)
    assert not {"PS", "EPS"} & set(without)
    assert {"TXT", "PDF", "TIF", "PNG", "HTML"} <= set(without)
    _fake_converter(tmp_path / "bin", "soffice")
    _fake_converter(tmp_path / "bin", "gs")
    with_fakes = set(supported_file_types(str(tmp_path / "bin")))
    assert set(OFFICE_FILE_TYPES) | {"PS", "EPS"} <= with_fakes


def test_a_hanging_converter_is_killed_at_its_limit(tmp_path, monkeypatch):
    fake = _fake_converter(tmp_path / "bin", "soffice")
    monkeypatch.setenv("PATH", f"{fake.parent}:{os.environ['PATH']}")
    started = time.monotonic()

    with pytest.raises(RenderError, match="LibreOffice did not finish within 1 s"):
        render_document(make_docx(["x"]), "DOCX", RenderOptions(converter_timeout_seconds=1))

    assert time.monotonic() - started < 10
    pid = int((fake.parent / "soffice.pid").read_text())
    assert _pid_is_gone(pid)
    assert not work_root().exists()


def test_a_converter_dies_with_a_rendering_process_killed_by_the_pool(tmp_path, monkeypatch):
    fake = _fake_converter(tmp_path / "bin", "soffice")
    monkeypatch.setenv("PATH", f"{fake.parent}:{os.environ['PATH']}")
    # "spawn": the child sees this test's PATH (the fork server may predate it).
    with RenderPool(workers=1, timeout_seconds=60, start_method="spawn") as pool:
        pool.render([(b"start the child", "TXT")], RenderOptions())
        child = pool._slots[0].child.process.pid
        started = time.monotonic()
        with pytest.raises(RenderTimeout) as caught:
            pool.render([(make_docx(["x"]), "DOCX")], RenderOptions(), timeout_seconds=2)
        assert caught.value.status == 204000
        assert time.monotonic() - started < 15
        pid = int((fake.parent / "soffice.pid").read_text())
        assert _pid_is_gone(pid)
        assert not work_root(child).exists()  # the killed child's files are gone
        assert pool.render([(b"still serving", "TXT")], RenderOptions()).pages == 1

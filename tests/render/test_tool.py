"""Tests of ``interfax-soap render`` (render/tool.py and its command in cli.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PIL import Image

from interfax_soap.render import describe_fax_tiff


def _render(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTERFAX_SOAP_")}
    env["INTERFAX_SOAP_DATA_DIR"] = str(cwd / "data")
    return subprocess.run(
        [sys.executable, "-m", "interfax_soap", "render", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_renders_a_file_with_a_header_and_writes_previews(tmp_path):
    source = tmp_path / "letter.txt"
    source.write_text("Dear customer,\f\tpage two", encoding="utf-8")
    output = tmp_path / "out" / "letter.tif"

    result = _render(
        str(source),
        "-o",
        str(output),
        "--high-resolution",
        "--page-size",
        "letter",
        "--header",
        "Page {Page}/{TotalPages}",
        "--png",
        str(tmp_path / "png"),
        cwd=tmp_path,
    )

    assert result.returncode == 0, result.stderr
    assert f"wrote {output}: 2 pages, 204x196 dpi" in result.stdout
    info = describe_fax_tiff(output.read_bytes())
    assert info.page_count == 2
    assert {(page.width, page.y_resolution) for page in info.pages} == {(1728, 196)}
    previews = sorted((tmp_path / "png").glob("*.png"))
    assert [path.name for path in previews] == ["letter-001.png", "letter-002.png"]
    with Image.open(previews[0]) as preview:
        assert preview.width == 1728
        # Square pixels again: a Letter page is 11/8.5 as tall as wide, about.
        assert abs(preview.height / preview.width - 11 / 8.47) < 0.05
        assert preview.convert("L").crop((0, 0, 1728, 30)).getextrema()[0] < 128  # header


def test_type_option_and_failures_are_one_line_errors(tmp_path):
    source = tmp_path / "document.bin"
    source.write_bytes(b"not a pdf")

    failed = _render(str(source), "--type", "PDF", "-o", str(tmp_path / "x.tif"), cwd=tmp_path)
    unknown = _render(str(source), "-o", str(tmp_path / "y.tif"), cwd=tmp_path)

    assert failed.returncode == 1
    assert "cannot open PDF" in failed.stderr and "status 204000" in failed.stderr
    assert len(failed.stderr.strip().splitlines()) == 1
    assert unknown.returncode == 1 and "give --type" in unknown.stderr
    assert not (tmp_path / "x.tif").exists()

"""``interfax-soap render``: one document to a fax TIFF exactly as a fax would be rendered.

The document goes through the same render pool (child process, time and memory limits from
``[limits]``) and the same options as a submitted fax; ``--png DIR`` also writes each page
as a picture with square pixels, to look at.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from pathlib import Path

from interfax_soap.engine.clock import zone
from interfax_soap.render.documents import KNOWN_FILE_TYPES
from interfax_soap.render.errors import RenderError
from interfax_soap.render.header import PageHeaderTemplate
from interfax_soap.render.options import RenderOptions

__all__ = ["RenderCommand", "run_render_command"]

_PNG_WIDTH = 1728


@dataclasses.dataclass(frozen=True)
class RenderCommand:
    """What ``interfax-soap render`` was asked."""

    source: Path
    output: Path
    file_type: str | None = None
    page_size: str = "A4"
    orientation: str = "Portrait"
    fine: bool = False
    fine_rendering: bool = False
    header: str | None = None
    compression: str = "group3"
    png_dir: Path | None = None
    charset: str | None = None
    timezone: str = "UTC"


def run_render_command(
    command: RenderCommand, *, timeout_seconds: float, memory_mb: int, max_pages: int = 100
) -> list[str]:
    """Render the file and write the outputs.

    Args:
        command: The request.
        timeout_seconds: The pool's time limit (``[limits] render_timeout_seconds``).
        memory_mb: The pool's memory limit (``[limits] render_memory_mb``).
        max_pages: The fax page limit.

    Returns:
        Lines to print: what was written.

    Raises:
        RenderError: The document did not render (DocumentTooLarge when over the limits);
            also an unreadable source or an unknown type.
        ValueError: A bad page size, orientation or compression.
    """
    from interfax_soap.render.pool import RenderPool
    from interfax_soap.render.preview import page_png

    try:
        data = command.source.read_bytes()
    except OSError as exc:
        raise RenderError(f"cannot read {command.source}: {exc.strerror}") from exc
    file_type = (command.file_type or command.source.suffix.lstrip(".") or "TXT").upper()
    if file_type not in KNOWN_FILE_TYPES:
        raise RenderError(f"unknown file type {file_type!r}: give --type")
    options = RenderOptions(
        fine=command.fine,
        page_size=command.page_size,
        orientation=command.orientation,
        max_pages=max_pages,
        charset=command.charset,
        compression=command.compression,
        halftone=True if command.fine_rendering else None,
        converter_timeout_seconds=timeout_seconds * 0.9,
    )
    header = _header(command.header, command.timezone)
    with RenderPool(workers=1, timeout_seconds=timeout_seconds, memory_mb=memory_mb) as pool:
        rendered = pool.render([(data, file_type)], options, header=header)
    command.output.parent.mkdir(parents=True, exist_ok=True)
    command.output.write_bytes(rendered.tiff)
    resolution = "204x196" if command.fine else "204x98"
    pages = f"{rendered.pages} page" + ("s" if rendered.pages != 1 else "")
    lines = [
        f"wrote {command.output}: {pages}, {resolution} dpi, "
        f"{len(rendered.tiff):,} bytes ({file_type} as {options.compression})"
    ]
    if command.png_dir is not None:
        command.png_dir.mkdir(parents=True, exist_ok=True)
        stem = command.output.stem
        for page in range(1, rendered.pages + 1):
            png = page_png(rendered.tiff, page, _PNG_WIDTH)
            if png is None:
                break
            target = command.png_dir / f"{stem}-{page:03d}.png"
            target.write_bytes(png)
        lines.append(f"wrote {rendered.pages} page previews to {command.png_dir}{os.sep}")
    return lines


def _header(template: str | None, timezone: str) -> PageHeaderTemplate | None:
    if template is None or template.strip().upper() in ("", "N", "Y"):
        return None
    now = dt.datetime.now(zone(timezone))
    return PageHeaderTemplate.of(
        template, {"Date": now.strftime("%Y-%m-%d"), "Time": now.strftime("%H:%M")}
    )

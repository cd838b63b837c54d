"""Fax pages as pictures for people: one page of a fax TIFF as a PNG, and the TIFF as PDF.

Fax rows are not square (204 x 98 or 204 x 196 dpi): a page is stretched back to square
pixels before it is scaled, or a standard-resolution page would look squashed.
"""

from __future__ import annotations

import io
from typing import Any

from PIL import Image, ImageSequence
from twisted.internet import threads

from interfax_soap.render.received import tiff_to_pdf

__all__ = ["page_png", "FaxPreviews"]

MAX_WIDTH = 1728  # a fax row: never upscale beyond it


def page_png(tiff: bytes, page: int, width: int) -> bytes | None:
    """Page ``page`` (1-based) of a fax TIFF as a PNG ``width`` pixels wide (grey, so small
    text stays legible when scaled down); None when the TIFF has no such page.

    Blocking: run it in a thread.
    """
    if page < 1:
        return None
    width = max(100, min(width, MAX_WIDTH))
    with Image.open(io.BytesIO(tiff), formats=["TIFF"]) as image:
        for index, frame in enumerate(ImageSequence.Iterator(image)):
            if index + 1 < page:
                continue
            x_dpi, y_dpi = frame.info.get("dpi", (204.0, 196.0))
            x_dpi, y_dpi = float(x_dpi or 204.0), float(y_dpi or x_dpi or 196.0)
            square_height = frame.height * x_dpi / y_dpi
            height = max(1, round(square_height * width / frame.width))
            picture = frame.convert("L").resize((width, height), Image.Resampling.LANCZOS)
            out = io.BytesIO()
            picture.save(out, "PNG", optimize=False)
            return out.getvalue()
    return None


class FaxPreviews:
    """The engine's FaxImages port: the same conversions, off the reactor thread."""

    def __init__(self, reactor: Any) -> None:
        self._reactor = reactor

    async def page_png(self, tiff: bytes, page: int, width: int) -> bytes | None:
        return await threads.deferToThreadPool(
            self._reactor, self._reactor.getThreadPool(), page_png, tiff, page, width
        )

    async def to_pdf(self, tiff: bytes) -> bytes:
        return await threads.deferToThreadPool(
            self._reactor, self._reactor.getThreadPool(), tiff_to_pdf, tiff
        )

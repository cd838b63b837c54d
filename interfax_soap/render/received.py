"""Received fax images: what a gateway delivered, as the stored fax TIFF and as PDF."""

from __future__ import annotations

import io
from typing import Any

from PIL import Image
from twisted.internet import threads

from interfax_soap.engine.records import DocumentRejected, RenderRequest
from interfax_soap.render.faxtiff import describe_fax_tiff, is_fax_compliant

__all__ = ["ReceivedImageConverter", "tiff_to_pdf"]

_TIFF_MAGIC = (b"II*\x00", b"MM\x00*")


def tiff_to_pdf(tiff: bytes) -> bytes:
    """Every page of a fax TIFF as one PDF page of the same physical size (CCITT kept 1-bit)."""
    with Image.open(io.BytesIO(tiff)) as image:
        pages = []
        for index in range(getattr(image, "n_frames", 1)):
            image.seek(index)
            page = image.convert("1")
            x_dpi, y_dpi = image.info.get("dpi", (204, 196))
            # PDF pages have square units: stretch the short fax rows back to the page height.
            height = round(page.height * float(x_dpi) / float(y_dpi or x_dpi))
            pages.append(page.resize((page.width, max(1, height))))
        out = io.BytesIO()
        pages[0].save(
            out,
            "PDF",
            save_all=True,
            append_images=pages[1:],
            resolution=float(image.info.get("dpi", (204, 196))[0]),
        )
        return out.getvalue()


class ReceivedImageConverter:
    """A fax TIFF is kept as received; a PDF or any other TIFF becomes a fine fax TIFF through
    the render pool (child processes with limits)."""

    def __init__(self, reactor: Any, renderer: Any) -> None:
        self._reactor = reactor
        self._renderer = renderer

    async def to_fax_tiff(self, data: bytes) -> tuple[bytes, int]:
        if data[:4] in _TIFF_MAGIC and await threads.deferToThread(is_fax_compliant, data):
            info = await threads.deferToThread(describe_fax_tiff, data)
            return data, info.page_count
        if data[:4] in _TIFF_MAGIC:
            kind = "TIF"
        elif data[:5] == b"%PDF-":
            kind = "PDF"
        else:
            raise ValueError("a received fax must be a TIFF or a PDF")
        request = RenderRequest(
            documents=((data, kind),),
            fine=True,
            fine_rendering=False,
            page_size="A4",
            page_orientation="Portrait",
            max_pages=1000,
        )
        try:
            rendered = await self._renderer.render(request)
        except DocumentRejected as exc:
            raise ValueError(f"unreadable fax image: {exc.reason}") from exc
        return rendered.tiff, rendered.pages

    async def to_pdf(self, tiff: bytes) -> bytes:
        return await threads.deferToThread(tiff_to_pdf, tiff)

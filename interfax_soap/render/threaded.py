"""The renderer as the engine sees it: async, over the process pool, errors as verdicts."""

from __future__ import annotations

from typing import Any

from twisted.internet import threads
from twisted.python.threadpool import ThreadPool

from interfax_soap.engine.records import DocumentRejected, RenderedFax, RenderRequest

__all__ = ["ThreadedRenderer", "supported_file_types"]


def supported_file_types() -> tuple[str, ...]:
    """FileType tokens this installation renders (upper case)."""
    from interfax_soap.render.documents import SUPPORTED_FILE_TYPES

    return tuple(SUPPORTED_FILE_TYPES)


class ThreadedRenderer:
    """Waits for the render pool in threads of its own, so the store's pool is never held up
    by a long document; the rendering itself runs in child processes with limits."""

    def __init__(self, reactor: Any, workers: int, timeout_seconds: float, memory_mb: int) -> None:
        from interfax_soap.render.pool import RenderPool

        self._reactor = reactor
        self._pool = RenderPool(
            workers=workers, timeout_seconds=timeout_seconds, memory_mb=memory_mb
        )
        self._threads = ThreadPool(minthreads=0, maxthreads=max(1, workers), name="render")
        self._threads_started = False

    async def render(self, request: RenderRequest) -> RenderedFax:
        """Renders the documents into one fax TIFF.

        Raises:
            DocumentRejected: the document cannot be rendered (204000) or is over the limits
                (204001).
        """
        from interfax_soap.render.errors import RenderError

        if not self._threads_started:
            self._threads.start()
            self._threads_started = True
        try:
            options = self._options(request)
        except ValueError as exc:  # an unknown page size or orientation
            raise DocumentRejected(int(RenderError.status), str(exc)) from exc
        try:
            rendered = await threads.deferToThreadPool(
                self._reactor, self._threads, self._pool.render, list(request.documents), options
            )
        except RenderError as exc:
            raise DocumentRejected(exc.status, str(exc)) from exc
        return RenderedFax(tiff=rendered.tiff, pages=rendered.pages)

    @staticmethod
    def _options(request: RenderRequest) -> Any:
        from interfax_soap.render.options import RenderOptions

        return RenderOptions(
            fine=request.fine,
            page_size=request.page_size or "A4",
            orientation=request.page_orientation or "Portrait",
            max_pages=request.max_pages,
            # IsFineRendering asks for greyscale-friendly dithering; otherwise each page
            # decides (text is thresholded, photos dithered).
            halftone=True if request.fine_rendering else None,
        )

    def close(self) -> None:
        if self._threads_started:
            self._threads.stop()
            self._threads_started = False
        self._pool.close()

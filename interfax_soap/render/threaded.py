"""The renderer as the engine sees it: async, over the process pool, errors as verdicts.

A broadcast's transactions share their documents (``RenderRequest.body_key``): the body is
rendered once per page set-up, kept in a small in-memory cache, and each transaction's page
header is stamped on a copy. Transactions of one batch that are rendered at the same time
wait for the same body rendering instead of starting their own. A rejection (204000,
204001) is remembered the same way, so a bad document fails every member at once instead
of being tried per member. The cache is an optimisation only: after a restart, or in
another worker process, the body is simply rendered again.
"""

from __future__ import annotations

import collections
import dataclasses
from typing import Any

from twisted.internet import defer, threads
from twisted.python.threadpool import ThreadPool

from interfax_soap.engine.records import DocumentRejected, PageHeader, RenderedFax, RenderRequest

__all__ = ["ThreadedRenderer", "supported_file_types"]

_CACHE_BYTES = 64 * 1024 * 1024
_CACHE_ENTRIES = 64
_CACHE_SECONDS = 3600.0
# A converter's own limit sits a little inside the pool's, so that its clearer message
# ("LibreOffice did not finish within ...") is usually the one recorded.
_CONVERTER_SHARE = 0.9


def supported_file_types() -> tuple[str, ...]:
    """FileType tokens this installation renders (upper case), from the tools installed."""
    from interfax_soap.render.documents import supported_file_types as installed

    return installed()


@dataclasses.dataclass(frozen=True)
class _Outcome:
    """A body rendering: the fax, or the verdict that it cannot be one."""

    tiff: bytes = b""
    pages: int = 0
    rejected: DocumentRejected | None = None
    at: float = 0.0

    def result(self) -> tuple[bytes, int]:
        if self.rejected is not None:
            raise DocumentRejected(self.rejected.status, self.rejected.reason)
        return self.tiff, self.pages


class ThreadedRenderer:
    """Waits for the render pool in threads of its own, so the store's pool is never held up
    by a long document; the rendering itself runs in child processes with limits."""

    def __init__(self, reactor: Any, workers: int, timeout_seconds: float, memory_mb: int) -> None:
        from interfax_soap.render.pool import RenderPool

        self._reactor = reactor
        self._timeout = timeout_seconds
        self._pool = RenderPool(
            workers=workers, timeout_seconds=timeout_seconds, memory_mb=memory_mb
        )
        self._threads = ThreadPool(minthreads=0, maxthreads=max(1, workers), name="render")
        self._threads_started = False
        self._bodies: collections.OrderedDict[tuple[Any, ...], _Outcome] = collections.OrderedDict()
        self._rendering: dict[tuple[Any, ...], list[defer.Deferred[_Outcome]]] = {}
        self.body_renderings = 0
        """Documents rendered (not served from the broadcast cache) since start."""

    async def render(self, request: RenderRequest) -> RenderedFax:
        """Renders the documents into one fax TIFF, with the request's page header.

        Raises:
            DocumentRejected: the document cannot be rendered (204000) or is over the limits
                (204001).
        """
        if not self._threads_started:
            self._threads.start()
            self._threads_started = True
        try:
            options = self._options(request)
        except ValueError as exc:  # an unknown page size or orientation
            from interfax_soap.render.errors import RenderError

            raise DocumentRejected(int(RenderError.status), str(exc)) from exc
        header = _template(request.header)
        if not request.body_key:
            self.body_renderings += 1
            return await self._call(
                self._pool.render, list(request.documents), options, header=header
            )
        tiff, pages = await self._body(request, options)
        if header is None:
            return RenderedFax(tiff=tiff, pages=pages)
        return await self._call(self._pool.stamp, tiff, header, options)

    async def _body(self, request: RenderRequest, options: Any) -> tuple[bytes, int]:
        """The shared body of a broadcast, rendered at most once at a time per set-up."""
        key = (request.body_key, options)
        now = self._reactor.seconds()
        cached = self._bodies.get(key)
        if cached is not None and now - cached.at < _CACHE_SECONDS:
            self._bodies.move_to_end(key)
            return cached.result()
        waiting = self._rendering.get(key)
        if waiting is not None:
            wait: defer.Deferred[_Outcome] = defer.Deferred()
            waiting.append(wait)
            return (await wait).result()
        self._rendering[key] = []
        outcome: _Outcome | None = None
        try:
            self.body_renderings += 1
            rendered = await self._call(self._pool.render, list(request.documents), options)
            outcome = _Outcome(tiff=rendered.tiff, pages=rendered.pages, at=now)
        except DocumentRejected as rejected:
            outcome = _Outcome(rejected=rejected, at=now)
        finally:
            waiters = self._rendering.pop(key, [])
            if outcome is None:  # a bug or broken infrastructure: the waiters fail too,
                # and the worker releases their claims to try again later
                for wait in waiters:
                    wait.errback(RuntimeError("the shared rendering failed"))
        self._remember(key, outcome)
        for wait in waiters:
            wait.callback(outcome)
        return outcome.result()

    def _remember(self, key: tuple[Any, ...], outcome: _Outcome) -> None:
        self._bodies[key] = outcome
        self._bodies.move_to_end(key)
        while len(self._bodies) > _CACHE_ENTRIES or (
            len(self._bodies) > 1
            and sum(len(entry.tiff) for entry in self._bodies.values()) > _CACHE_BYTES
        ):
            self._bodies.popitem(last=False)

    async def _call(self, function: Any, *args: Any, **kwargs: Any) -> RenderedFax:
        from interfax_soap.render.errors import RenderError

        try:
            rendered = await threads.deferToThreadPool(
                self._reactor, self._threads, function, *args, **kwargs
            )
        except RenderError as exc:
            raise DocumentRejected(exc.status, str(exc)) from exc
        return RenderedFax(tiff=rendered.tiff, pages=rendered.pages)

    def _options(self, request: RenderRequest) -> Any:
        from interfax_soap.render.options import RenderOptions

        return RenderOptions(
            fine=request.fine,
            page_size=request.page_size or "A4",
            orientation=request.page_orientation or "Portrait",
            max_pages=request.max_pages,
            # IsFineRendering asks for greyscale-friendly dithering; otherwise each page
            # decides (text is thresholded, photos dithered).
            halftone=True if request.fine_rendering else None,
            converter_timeout_seconds=self._timeout * _CONVERTER_SHARE,
        )

    def close(self) -> None:
        if self._threads_started:
            self._threads.stop()
            self._threads_started = False
        self._pool.close()
        self._bodies.clear()


def _template(header: PageHeader | None) -> Any:
    if header is None or not header.template.strip():
        return None
    from interfax_soap.render.header import PageHeaderTemplate

    return PageHeaderTemplate(header.template, tuple(header.fields))

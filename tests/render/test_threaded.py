"""Tests of render/threaded.py: the engine's renderer, headers and the broadcast body cache."""

from __future__ import annotations

from typing import Any

import pytest
from twisted.internet import defer, task

from interfax_soap.engine.records import (
    DocumentRejected,
    PageHeader,
    RenderedFax,
    RenderRequest,
)
from interfax_soap.render.threaded import ThreadedRenderer, supported_file_types


class FakePool:
    """Stands in for ``ThreadedRenderer._call``: records each pool call and lets the test
    decide when it ends."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, Any]] = []
        self.pending: list[defer.Deferred[RenderedFax]] = []

    async def __call__(self, function: Any, *args: Any, **kwargs: Any) -> RenderedFax:
        name = function.__name__
        self.calls.append((name, kwargs.get("header") if name == "render" else args[1]))
        waiting: defer.Deferred[RenderedFax] = defer.Deferred()
        self.pending.append(waiting)
        return await waiting

    def finish(self, result: RenderedFax | Exception) -> None:
        waiting = self.pending.pop(0)
        if isinstance(result, Exception):
            waiting.errback(result)
        else:
            waiting.callback(result)


@pytest.fixture
def renderer() -> Any:
    made = ThreadedRenderer(task.Clock(), workers=1, timeout_seconds=30, memory_mb=512)
    made._call = FakePool()  # type: ignore[method-assign]
    yield made
    made.close()


def _request(to: str | None, body_key: str = "blob-1;blob-2") -> RenderRequest:
    return RenderRequest(
        documents=((b"text", "TXT"),),
        fine=False,
        fine_rendering=False,
        page_size="A4",
        page_orientation="Portrait",
        max_pages=100,
        header=PageHeader("To: {To}", (("To", to),)) if to else None,
        body_key=body_key,
    )


def _start(renderer: Any, request: RenderRequest) -> defer.Deferred[RenderedFax]:
    return defer.Deferred.fromCoroutine(renderer.render(request))


def test_a_broadcast_renders_its_body_once_and_stamps_each_header(renderer):
    pool = renderer._call
    first = _start(renderer, _request("+1 212 555 0100"))
    second = _start(renderer, _request("+81 3 5550 0100"))  # while the body renders

    assert [name for name, _ in pool.calls] == ["render"]
    pool.finish(RenderedFax(b"BODY", 2))
    assert [name for name, _ in pool.calls] == ["render", "stamp", "stamp"]
    stamped = [header.text(1, 2) for name, header in pool.calls if name == "stamp"]
    assert sorted(stamped) == ["To: +1 212 555 0100", "To: +81 3 5550 0100"]
    for text in stamped:  # each member gets the pages stamped with its own header
        pool.finish(RenderedFax(text.encode(), 2))
    assert first.result.tiff == b"To: +1 212 555 0100"
    assert second.result.tiff == b"To: +81 3 5550 0100"

    third = _start(renderer, _request("+1 212 555 0101"))  # later: from the cache
    assert [name for name, _ in pool.calls].count("render") == 1
    pool.finish(RenderedFax(b"THREE", 2))
    assert third.result.tiff == b"THREE"
    assert renderer.body_renderings == 1


def test_a_rejected_body_fails_every_member_without_rendering_again(renderer):
    pool = renderer._call
    first = _start(renderer, _request("a"))
    second = _start(renderer, _request("b"))
    pool.finish(DocumentRejected(204000, "cannot open PDF"))
    third = _start(renderer, _request("c"))

    for member in (first, second, third):
        failure = member.result
        assert failure.check(DocumentRejected) and failure.value.status == 204000
        member.addErrback(lambda _: None)
    assert pool.calls == [("render", None)]


def test_other_page_set_ups_and_other_documents_render_again(renderer):
    pool = renderer._call
    _start(renderer, _request(None))
    pool.finish(RenderedFax(b"A4", 1))
    fine = RenderRequest(**{**_request(None).__dict__, "fine": True})
    _start(renderer, fine)
    _start(renderer, _request(None, body_key="blob-3"))
    assert [name for name, _ in pool.calls] == ["render", "render", "render"]


def test_without_a_body_key_the_header_is_printed_in_the_same_job(renderer):
    pool = renderer._call
    done = _start(renderer, _request("x", body_key=""))
    assert [(name, header.template) for name, header in pool.calls] == [("render", "To: {To}")]
    pool.finish(RenderedFax(b"FAX", 1))
    assert done.result.pages == 1


def test_supported_file_types_are_what_the_renderer_can_do():
    types = supported_file_types()
    assert types[:9] == ("TXT", "PDF", "TIF", "TIFF", "PNG", "JPG", "JPEG", "GIF", "BMP")
    assert all(kind == kind.upper() for kind in types)

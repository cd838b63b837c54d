"""The worker on a real database, with time on task.Clock and store work run inline."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from twisted.internet import defer, task

from interfax_soap.engine.records import (
    DocumentRejected,
    NewDocument,
    NewFax,
    RenderedFax,
    RenderRequest,
)
from interfax_soap.engine.scheduler import RetryPolicy
from interfax_soap.engine.worker import Worker, WorkerPolicy
from interfax_soap.store import migrate
from interfax_soap.store.blobs import LocalBlobStore
from interfax_soap.store.db import Database
from interfax_soap.transports.virtual import VirtualFaxNetwork

START = 1_800_000_000.0


class InlineDatabase(Database):
    """The real Database, but work runs at once on the calling thread (deterministic)."""

    def run(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> defer.Deferred[Any]:
        return defer.maybeDeferred(fn, *args, **kwargs)

    def transaction(self, name: str, fn: Callable[[Any], Any]) -> defer.Deferred[Any]:
        return defer.maybeDeferred(self.transaction_sync, name, fn)


class PageRenderer:
    """Renders one blank fax page per form feed-separated part (same signature as the real
    ThreadedRenderer.render); ``reject`` makes it refuse every document."""

    def __init__(self) -> None:
        self.reject: int | None = None

    async def render(self, request: RenderRequest) -> RenderedFax:
        if self.reject:
            raise DocumentRejected(self.reject, "refused")
        pages = sum(data.count(b"\f") + 1 for data, _ in request.documents)
        frames = [Image.new("1", (1728, 1100), 1) for _ in range(pages)]
        out = io.BytesIO()
        frames[0].save(out, "TIFF", compression="group4", save_all=True,
                       append_images=frames[1:], dpi=(204, 196))
        return RenderedFax(out.getvalue(), pages)


def test_page_renderer_keeps_the_real_renderer_signature() -> None:
    import inspect

    from interfax_soap.render.threaded import ThreadedRenderer

    assert inspect.signature(PageRenderer.render) == inspect.signature(ThreadedRenderer.render)


class Harness:
    def __init__(self, database_url: str, tmp_path: Path, time_scale: float = 1.0) -> None:
        self.clock = task.Clock()
        self.clock.advance(START)
        self.db = InlineDatabase(database_url, reactor=None)
        migrate.upgrade(self.db.engine)
        self.blobs = LocalBlobStore(tmp_path / "blobs")
        self.renderer = PageRenderer()
        self.network = VirtualFaxNetwork(self.clock, time_scale, "FAR END")
        policy = WorkerPolicy(
            concurrency=2, poll_seconds=1.0, lease_seconds=30,
            retry=RetryPolicy(180, 300, time_scale),
        )
        self.worker = Worker(self.db, self.blobs, self.renderer, self.network, self.clock, policy)
        self.user_id = self.db.transaction_sync(
            "user", lambda uow: uow.accounts.add_user("u", "x", self.now()).user_id
        )

    def now(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(self.clock.seconds(), dt.UTC)

    def submit(self, number: str, text: bytes = b"page", retries: int = 3,
               postpone: dt.datetime | None = None) -> int:
        key = self.blobs.new_key("txt")
        self.blobs.put(key, text)
        fax = NewFax(
            user_id=self.user_id, destination_fax=number, status=-1, submit_time=self.now(),
            postpone_time=postpone, retries_to_perform=retries,
            documents=(NewDocument("TXT", key, len(text)),),
        )
        return int(self.db.transaction_sync("submit", lambda uow: uow.faxes.add(fax)))

    def fax(self, transaction_id: int) -> Any:
        return self.db.transaction_sync("get", lambda uow: uow.faxes.get(transaction_id))

    def calls(self, transaction_id: int) -> list[Any]:
        return self.db.transaction_sync("calls", lambda uow: uow.jobs.calls(transaction_id))

    def start(self) -> None:
        defer.Deferred.fromCoroutine(self.worker.start())

    def run_for(self, seconds: float, step: float = 1.0) -> None:
        elapsed = 0.0
        while elapsed < seconds:
            self.clock.advance(step)
            elapsed += step


@pytest.fixture
def harness(database_url: str, tmp_path: Path) -> Harness:
    made = Harness(database_url, tmp_path)
    yield made
    made.worker.stop()
    made.db.engine.dispose()


def test_a_fax_to_an_ordinary_number_is_rendered_queued_sent_and_recorded(harness: Harness) -> None:
    transaction_id = harness.submit("0012125550100", b"one\ftwo")
    harness.start()
    sending = harness.fax(transaction_id)
    assert sending.status == -3  # rendered, first call placed, waiting on the (scaled) line
    assert sending.pages_submitted == 2 and sending.trials_performed == 1
    harness.run_for(120)
    fax = harness.fax(transaction_id)
    assert fax.status == 0
    assert fax.pages_sent == 2 and fax.remote_csid == "FAR END"
    assert fax.duration >= 12 + 2 * 2  # call set-up plus page overhead, unscaled
    assert fax.completion_time is not None and fax.completion_time > fax.submit_time
    assert fax.units == 2
    (call,) = harness.calls(transaction_id)
    assert (call.status, call.pages_sent, call.connected) == (0, 2, True)


def test_a_busy_line_is_called_again_after_the_busy_wait_until_calls_run_out(
    harness: Harness,
) -> None:
    transaction_id = harness.submit("00441615550117", retries=3)
    harness.start()
    harness.run_for(10)
    assert harness.fax(transaction_id).status == -3
    assert [c.status for c in harness.calls(transaction_id)] == [6017]
    harness.run_for(170)  # the busy wait is 180 s: no second call yet
    assert len(harness.calls(transaction_id)) == 1
    harness.run_for(400)
    fax = harness.fax(transaction_id)
    assert fax.status == 6017
    assert fax.trials_performed == 3
    assert [c.status for c in harness.calls(transaction_id)] == [6017, 6017, 6017]


@pytest.mark.parametrize(
    ("number", "status", "pages_sent"),
    [
        ("0012125550118", 6018, 0),
        ("0012125550101", 6001, 0),
        ("008135550188", 6088, 0),
        ("0012125550136", 3936, 0),
        ("0012125550168", 3268, 1),
    ],
)
def test_test_numbers_fail_with_their_codes(
    harness: Harness, number: str, status: int, pages_sent: int
) -> None:
    transaction_id = harness.submit(number, b"a\fb\fc", retries=1)
    harness.start()
    harness.run_for(120)
    fax = harness.fax(transaction_id)
    assert (fax.status, fax.pages_sent, fax.trials_performed) == (status, pages_sent, 1)


def test_the_slow_line_takes_thirty_seconds_a_page(harness: Harness) -> None:
    transaction_id = harness.submit("0012125550199", b"a\fb")
    harness.start()
    harness.run_for(60)
    assert harness.fax(transaction_id).status == -3  # 12 + 2 x 30 + 1 s not over yet
    harness.run_for(20)
    fax = harness.fax(transaction_id)
    assert fax.status == 0 and fax.duration == 73


def test_a_postponed_fax_waits_for_its_time(harness: Harness) -> None:
    transaction_id = harness.submit("0012125550100", postpone=harness.now() + dt.timedelta(minutes=10))
    harness.start()
    harness.run_for(590, step=10)
    fax = harness.fax(transaction_id)
    assert fax.status == -2 and fax.trials_performed == 0
    harness.run_for(120, step=5)
    assert harness.fax(transaction_id).status == 0


def test_a_document_the_renderer_refuses_fails_with_its_status(harness: Harness) -> None:
    harness.renderer.reject = 204001
    transaction_id = harness.submit("0012125550100")
    harness.start()
    fax = harness.fax(transaction_id)
    assert fax.status == 204001 and fax.completion_time is not None
    assert harness.calls(transaction_id) == []


class DeadLine:
    """A transport whose call never ends: the process placing it died mid-call."""

    async def transmit(self, call: Any) -> Any:
        await defer.Deferred()


def test_a_call_interrupted_by_a_crash_counts_as_failed_and_is_retried(harness: Harness) -> None:
    transaction_id = harness.submit("0012125550100", retries=2)
    dying = Worker(
        harness.db, harness.blobs, harness.renderer, DeadLine(), harness.clock,
        WorkerPolicy(lease_seconds=30),
    )
    defer.Deferred.fromCoroutine(dying.start())
    assert harness.fax(transaction_id).status == -3
    dying.stop()  # it renews no lease from now on
    survivor = Worker(
        harness.db, harness.blobs, harness.renderer, harness.network, harness.clock,
        WorkerPolicy(lease_seconds=30, retry=RetryPolicy(180, 300, 1.0)),
    )
    defer.Deferred.fromCoroutine(survivor.start())
    harness.run_for(20)  # the dead worker's lease has not expired yet
    assert len(harness.calls(transaction_id)) == 1
    harness.run_for(400)  # lease expires, the call is closed as failed, retried after 300 s
    survivor.stop()
    fax = harness.fax(transaction_id)
    assert fax.status == 0 and fax.trials_performed == 2
    calls = harness.calls(transaction_id)
    assert [c.status for c in calls] == [1, 0]
    assert sum(1 for c in calls if c.status == 0) == 1


def test_retention_deletes_documents_and_images_of_old_finished_faxes(harness: Harness) -> None:
    transaction_id = harness.submit("0012125550100")
    harness.start()
    harness.run_for(120)
    fax = harness.fax(transaction_id)
    assert fax.status == 0 and harness.blobs.get(fax.image_blob) is not None
    image_key = fax.image_blob
    harness.run_for(15 * 24 * 3600, step=3600)
    assert harness.fax(transaction_id).image_blob is None
    assert harness.blobs.get(image_key) is None

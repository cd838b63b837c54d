"""A pool of long-lived rendering processes with a time and memory limit per job.

Rendering runs in child processes because PDFium is not thread-safe and because a hostile
document must not stall or crash the server: a job past its time limit has its process
killed, and a process that dies (out of memory under RLIMIT_AS, a segfault in a decoder)
only fails its own job. Either way a fresh process takes the dead one's place.

Children are started through the multiprocessing fork server, never by forking the server
process itself, which runs a Twisted reactor and threads.
"""

from __future__ import annotations

import logging
import multiprocessing
import queue
import threading
from collections.abc import Sequence
from multiprocessing.connection import Connection
from multiprocessing.context import BaseContext
from multiprocessing.process import BaseProcess

from interfax_soap.render import child
from interfax_soap.render.converters import remove_work_root
from interfax_soap.render.errors import DocumentTooLarge, RenderError, RenderTimeout
from interfax_soap.render.header import PageHeaderTemplate
from interfax_soap.render.options import RenderedDocument, RenderOptions

__all__ = ["RenderPool"]

logger = logging.getLogger(__name__)

_ERRORS: dict[str, type[RenderError]] = {
    "RenderError": RenderError,
    "DocumentTooLarge": DocumentTooLarge,
    "RenderTimeout": RenderTimeout,
}
_STOP_GRACE_SECONDS = 2.0


class _Child:
    """One rendering process and the parent's end of its pipe."""

    def __init__(self, context: BaseContext, memory_mb: int) -> None:
        self.connection, child_end = context.Pipe(duplex=True)
        self.process: BaseProcess = context.Process(  # type: ignore[attr-defined]
            target=child.serve, args=(child_end, memory_mb), name="interfax-render", daemon=True
        )
        self.process.start()
        child_end.close()

    def kill(self) -> None:
        """Kill the process now and release the pipe (only by the thread using the child).

        A converter it was running dies with it (``converters``); its files are deleted here.
        """
        self.process.kill()
        self.process.join()
        self.connection.close()
        if self.process.pid is not None:
            remove_work_root(self.process.pid)

    def stop(self) -> None:
        """Ask an idle process to exit, killing it if it does not."""
        try:
            self.connection.send(None)
        except (OSError, ValueError):
            pass  # already gone
        self.process.join(_STOP_GRACE_SECONDS)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.connection.close()
        if self.process.pid is not None:
            remove_work_root(self.process.pid)


class _Slot:
    """A place for one child; whoever has checked the slot out owns its child."""

    def __init__(self) -> None:
        self.child: _Child | None = None


class RenderPool:
    """Renders documents in a fixed number of child processes.

    ``render`` blocks and may be called from many threads at once (from the reactor's
    thread pool, never from the reactor thread); each call takes an idle process, waiting
    for one if all are busy. Processes start on first use and live until ``close``.
    """

    def __init__(
        self,
        workers: int = 2,
        timeout_seconds: float = 60,
        memory_mb: int = 1024,
        *,
        start_method: str = "forkserver",
    ) -> None:
        """Create the pool (no process is started yet).

        Args:
            workers: Number of rendering processes.
            timeout_seconds: Default time limit of one ``render`` call, measured from when a
                process has received the job.
            memory_mb: Address-space limit of each process (RLIMIT_AS), in MiB.
            start_method: "forkserver" (default) or "spawn"; never "fork", which would copy
                the reactor and its threads' locks.

        Raises:
            ValueError: A non-positive size or limit, or the "fork" start method.
        """
        if workers < 1 or timeout_seconds <= 0 or memory_mb < 1:
            raise ValueError("workers, timeout_seconds and memory_mb must be positive")
        if start_method not in ("forkserver", "spawn"):
            raise ValueError(f"start method {start_method!r} is not allowed")
        self._context = multiprocessing.get_context(start_method)
        self._timeout = timeout_seconds
        self._memory_mb = memory_mb
        self._slots = [_Slot() for _ in range(workers)]
        self._idle: queue.Queue[_Slot] = queue.Queue()
        for slot in self._slots:
            self._idle.put(slot)
        self._lock = threading.Lock()
        self._closed = False

    def render(
        self,
        documents: Sequence[tuple[bytes, str]],
        options: RenderOptions,
        *,
        header: PageHeaderTemplate | None = None,
        timeout_seconds: float | None = None,
    ) -> RenderedDocument:
        """Run ``documents.render_documents`` in a child process.

        Args:
            documents: (data, FileType token) pairs.
            options: Rendering options.
            header: A page header to print on every page, or None.
            timeout_seconds: This call's time limit; None uses the pool's.

        Returns:
            The rendered fax.

        Raises:
            RenderTimeout: The job ran past its limit; its process was killed and replaced.
            DocumentTooLarge: As ``render_documents``.
            RenderError: As ``render_documents``; also when the process died during the job
                (it is replaced) or the pool is closed.
        """
        return self._do(child.RenderJob(list(documents), options, header), timeout_seconds)

    def stamp(
        self,
        tiff: bytes,
        header: PageHeaderTemplate,
        options: RenderOptions,
        *,
        timeout_seconds: float | None = None,
    ) -> RenderedDocument:
        """Run ``header.stamp_header`` in a child process: the same pages with a header.

        Args:
            tiff: A fax TIFF rendered with ``options``.
            header: The header template and its values.
            options: Resolution and compression of the result.
            timeout_seconds: This call's time limit; None uses the pool's.

        Returns:
            The stamped fax.

        Raises:
            RenderTimeout, RenderError: As ``render``.
        """
        return self._do(child.StampJob(tiff, header, options), timeout_seconds)

    @property
    def timeout_seconds(self) -> float:
        """The default time limit of one call."""
        return self._timeout

    def _do(self, job: object, timeout_seconds: float | None) -> RenderedDocument:
        timeout = self._timeout if timeout_seconds is None else timeout_seconds
        slot = self._checkout()
        try:
            return self._run(slot, job, timeout)
        finally:
            self._idle.put(slot)

    def close(self) -> None:
        """Stop every process. Jobs still running fail with RenderError; later calls too."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
        idle: list[_Slot] = []
        while True:
            try:
                idle.append(self._idle.get_nowait())
            except queue.Empty:
                break
        for slot in self._slots:
            busy_child = slot.child
            if slot not in idle and busy_child is not None:
                # Its thread owns the pipe; killing the process makes that thread's wait end.
                busy_child.process.kill()
        for slot in idle:
            if slot.child is not None:
                slot.child.stop()
                slot.child = None
            self._idle.put(slot)  # lets threads waiting for a slot see that we are closed

    def __enter__(self) -> RenderPool:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _checkout(self) -> _Slot:
        slot = self._idle.get()
        if self._closed:
            self._idle.put(slot)
            raise RenderError("the render pool is closed")
        return slot

    def _run(self, slot: _Slot, job: object, timeout: float) -> RenderedDocument:
        connection = self._send(slot, job)
        try:
            ready = connection.poll(timeout)
        except (OSError, EOFError):
            ready = True  # the child is gone: recv below reports it
        if not ready:
            self._replace(slot)
            raise RenderTimeout(f"rendering took longer than {timeout:g} s")
        try:
            reply = connection.recv()
        except (OSError, EOFError) as exc:
            exit_code = self._exit_code(slot)
            self._replace(slot)
            raise RenderError(f"the rendering process died (exit code {exit_code})") from exc
        kind = reply[0]
        if kind == child.OK:
            result: RenderedDocument = reply[1]
            return result
        if kind == child.FAILED:
            raise _ERRORS.get(reply[1], RenderError)(reply[2])
        self._replace(slot)  # CRASHED: the process has exited
        raise RenderError(f"the rendering process failed: {reply[1]}")

    def _send(self, slot: _Slot, job: object) -> Connection:
        """Hand the job to the slot's process, starting one if needed.

        A process found dead here (killed from outside while idle) never saw the job, so
        one fresh process gets a second try.
        """
        for attempt in range(2):
            current = slot.child or self._start(slot)
            try:
                current.connection.send(job)
                return current.connection
            except (OSError, EOFError) as exc:
                self._replace(slot, restart=False)
                if attempt:
                    raise RenderError(f"cannot reach a rendering process: {exc}") from exc
        raise AssertionError("unreachable")

    def _start(self, slot: _Slot) -> _Child:
        if self._closed:
            raise RenderError("the render pool is closed")
        slot.child = _Child(self._context, self._memory_mb)
        return slot.child

    def _replace(self, slot: _Slot, *, restart: bool = True) -> None:
        """Kill the slot's process and (unless closing) start its replacement now."""
        if slot.child is not None:
            slot.child.kill()
            slot.child = None
        if restart and not self._closed:
            try:
                self._start(slot)
            except (OSError, RenderError) as exc:
                # The next job on this slot tries again.
                logger.warning("Could not start a rendering process: %s", exc)

    @staticmethod
    def _exit_code(slot: _Slot) -> int | None:
        if slot.child is None:
            return None
        slot.child.process.join(_STOP_GRACE_SECONDS)
        return slot.child.process.exitcode

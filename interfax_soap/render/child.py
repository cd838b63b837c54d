"""The main loop of a rendering process, run by ``pool.RenderPool`` in a child process."""

from __future__ import annotations

import ctypes
import dataclasses
import fcntl
import multiprocessing
import os
import resource
import signal
import sys
from collections.abc import Sequence
from multiprocessing.connection import Connection

from interfax_soap.render.converters import remove_work_root
from interfax_soap.render.documents import render_documents
from interfax_soap.render.errors import RenderError
from interfax_soap.render.header import PageHeaderTemplate, stamp_header
from interfax_soap.render.options import RenderedDocument, RenderOptions

__all__ = ["serve", "RenderJob", "StampJob", "OK", "FAILED", "CRASHED"]

OK = "ok"
"""Reply ("ok", RenderedDocument)."""
FAILED = "failed"
"""Reply ("failed", exception class name, message): the document did not render."""
CRASHED = "crashed"
"""Reply ("crashed", message): the process is unusable and exits after sending it."""

_PR_SET_PDEATHSIG = 1  # linux/prctl.h


@dataclasses.dataclass(frozen=True)
class RenderJob:
    """Render documents into one fax, with an optional page header."""

    documents: Sequence[tuple[bytes, str]]
    options: RenderOptions
    header: PageHeaderTemplate | None = None


@dataclasses.dataclass(frozen=True)
class StampJob:
    """Print a page header on every page of an already rendered fax."""

    tiff: bytes
    header: PageHeaderTemplate
    options: RenderOptions


def run_job(job: object) -> RenderedDocument:
    """Do one job in this process.

    Args:
        job: A RenderJob, a StampJob, or a (documents, options) pair.

    Returns:
        The fax.

    Raises:
        RenderError: As ``render_documents`` and ``stamp_header``.
        TypeError: Not a job.
    """
    if isinstance(job, RenderJob):
        return render_documents(job.documents, job.options, job.header)
    if isinstance(job, StampJob):
        return stamp_header(job.tiff, job.header, job.options)
    if isinstance(job, tuple) and len(job) == 2:
        documents, options = job
        return render_documents(documents, options)
    raise TypeError(f"not a render job: {type(job).__name__}")


def serve(connection: Connection, memory_mb: int) -> None:
    """Render jobs from ``connection`` until it closes or sends None.

    Each job is one ``run_job`` understands; each reply is one of the tuples described by
    OK, FAILED and CRASHED. External converters run in ``converters.work_root()``, which is
    deleted when the loop ends (the pool deletes it when it kills the process).

    Args:
        connection: This process's end of the pipe to the pool.
        memory_mb: Address-space limit of this process (RLIMIT_AS), in MiB.
    """
    _die_with_parent()
    # Ctrl-C in a terminal reaches the whole process group; shutdown is the parent's call.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _limit_memory(memory_mb)
    try:
        _loop(connection, memory_mb)
    finally:
        remove_work_root(os.getpid())


def _loop(connection: Connection, memory_mb: int) -> None:
    while True:
        try:
            job = connection.recv()
        except (EOFError, OSError):
            return  # the pool (or its process) is gone
        if job is None:
            return
        try:
            reply: tuple[object, ...] = (OK, run_job(job))
        except RenderError as exc:
            reply = (FAILED, type(exc).__name__, str(exc))
        except MemoryError:
            # The heap may be in any state now; report and let the pool start a fresh process.
            _send(connection, (CRASHED, f"out of memory (limit {memory_mb} MiB)"))
            return
        except Exception as exc:  # a bug, not a bad document: report it with its type
            reply = (FAILED, "RenderError", f"renderer failed: {exc!r}")
        if not _send(connection, reply):
            return


def _send(connection: Connection, reply: tuple[object, ...]) -> bool:
    try:
        connection.send(reply)
    except MemoryError:
        return False  # a large TIFF can fail to pickle near the limit: the pool sees EOF
    except (OSError, ValueError):
        return False
    return True


def _die_with_parent() -> None:
    """Make sure this process ends when the pool's process dies, even in the middle of a job.

    Two mechanisms, because neither covers every case alone:

    - ``PR_SET_PDEATHSIG``: Linux sends SIGKILL when the process that forked us dies. With
      the fork server that is the fork server, not the pool's process (and with "spawn" it
      is the pool's *thread* that started us, which may be a short-lived worker thread).
    - multiprocessing's parent sentinel, a pipe the pool's process holds open, reads
      end-of-file the moment that process is gone, whatever forked us. The pipe is set to
      raise SIGIO then, and SIGIO's default action ends the process, even inside a long C
      call, with no thread needed. (The fork server alone would not notice the pool's death
      while a job runs: every child it starts holds its keep-alive pipe open.)
    """
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    parent = multiprocessing.parent_process()
    if parent is None:
        return
    sentinel = parent.sentinel
    signal.signal(signal.SIGIO, signal.SIG_DFL)
    fcntl.fcntl(sentinel, fcntl.F_SETOWN, os.getpid())
    fcntl.fcntl(sentinel, fcntl.F_SETFL, fcntl.fcntl(sentinel, fcntl.F_GETFL) | os.O_ASYNC)
    if not parent.is_alive():
        os._exit(0)  # the pool died before the signal was armed


def _limit_memory(memory_mb: int) -> None:
    limit = memory_mb * 1024 * 1024
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))

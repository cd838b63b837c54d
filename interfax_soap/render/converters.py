"""External converters (Ghostscript, LibreOffice) as a rendering process runs them.

Each conversion runs in a private folder under this process's work root
(``work_root``), with stdin closed, HOME and TMPDIR pointing into that folder, and a wall-time
limit. The converter gets a session of its own (so a timeout kills everything it started)
and ``PR_SET_PDEATHSIG``, so it dies with the rendering process when the pool kills that
process for running past the pool's limit. The pool deletes a killed process's work root.
The converter inherits the rendering process's address-space limit (RLIMIT_AS); the files it
writes (its output and its log: stdout goes to a file, not a pipe) are limited to 256 MiB.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

from interfax_soap.render.errors import RenderError

__all__ = [
    "ConversionResult",
    "ConverterTimeout",
    "find_ghostscript",
    "find_libreoffice",
    "run_converter",
    "work_dir",
    "work_root",
    "remove_work_root",
]

_PR_SET_PDEATHSIG = 1  # linux/prctl.h
_OUTPUT_KEPT = 2000  # bytes of a converter's output kept for the error message
_MAX_FILE_BYTES = 256 * 1024 * 1024  # largest file a converter may write (its PDF, its log)
_WORK_PREFIX = "interfax-render-"


def find_ghostscript(path: str | None = None) -> str | None:
    """The Ghostscript interpreter on ``path`` (default: $PATH), or None.

    Args:
        path: A search path as in $PATH; None uses the environment's.

    Returns:
        The executable's path, or None when Ghostscript is not installed.
    """
    return shutil.which("gs", path=path)


def find_libreoffice(path: str | None = None) -> str | None:
    """The LibreOffice program to convert documents with, or None.

    ``soffice`` on Debian is a shell script that starts ``oosplash``, which starts
    ``soffice.bin``. The binary itself is returned when it sits beside the script, so that
    the process this module starts (and can kill) is the one doing the work.

    Args:
        path: A search path as in $PATH; None uses the environment's.

    Returns:
        The executable's path, or None when LibreOffice is not installed.
    """
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name, path=path)
        if found is None:
            continue
        binary = Path(os.path.realpath(found)).with_name("soffice.bin")
        if binary.is_file() and os.access(binary, os.X_OK):
            return str(binary)
        return found
    return None


def work_root(pid: int | None = None) -> Path:
    """The folder under which rendering process ``pid`` (default: this one) converts.

    Args:
        pid: A rendering process id.

    Returns:
        ``$TMPDIR/interfax-render-PID`` (not created here).
    """
    return Path(tempfile.gettempdir()) / f"{_WORK_PREFIX}{pid or os.getpid()}"


def remove_work_root(pid: int) -> None:
    """Delete what a (dead) rendering process left in its work root.

    Args:
        pid: The process id it had.
    """
    shutil.rmtree(work_root(pid), ignore_errors=True)


@contextlib.contextmanager
def work_dir() -> Iterator[Path]:
    """A private, empty folder for one conversion, deleted afterwards.

    Yields:
        The folder (mode 0700).
    """
    root = work_root()
    root.mkdir(mode=0o700, exist_ok=True)
    try:
        with tempfile.TemporaryDirectory(dir=root) as folder:
            yield Path(folder)
    finally:
        with contextlib.suppress(OSError):
            root.rmdir()  # only when empty: nothing else of this process converts now


class ConverterTimeout(RenderError):
    """A converter ran past its time limit and was killed (status 204000)."""


class ConversionResult:
    """How a converter ended: its exit status and the tail of what it printed."""

    def __init__(self, returncode: int, output: str) -> None:
        self.returncode = returncode
        self.output = output


def run_converter(
    argv: Sequence[str], folder: Path, timeout_seconds: float, what: str
) -> ConversionResult:
    """Run one converter in ``folder`` and wait for it.

    Args:
        argv: The command.
        folder: Its working folder (also its HOME and TMPDIR).
        timeout_seconds: Wall-time limit; past it the converter's whole session is killed.
        what: The converter's name for messages ("Ghostscript", "LibreOffice").

    Returns:
        Its exit status and the last lines of its output.

    Raises:
        ConverterTimeout: It ran past the limit.
        RenderError: It could not be started.
    """
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(folder),
        "TMPDIR": str(folder),
        "LANG": "C.UTF-8",
        # LibreOffice: no display, no desktop integration.
        "SAL_USE_VCLPLUGIN": "svp",
    }
    log = folder / "converter.log"
    with open(log, "wb") as output:
        try:
            process = subprocess.Popen(
                list(argv),
                cwd=folder,
                env=env,
                stdin=subprocess.DEVNULL,
                # A file, not a pipe: a program printing without end fills at most
                # _MAX_FILE_BYTES of disk (RLIMIT_FSIZE), never this process's memory.
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                # The rendering process has one thread, so preexec_fn is safe here.
                preexec_fn=functools.partial(_prepare_converter, os.getpid()),
                close_fds=True,
            )
        except OSError as exc:
            raise RenderError(f"{what} could not be started: {exc}") from exc
        try:
            process.wait(timeout=timeout_seconds)
        except subprocess.TimeoutExpired:
            _kill_session(process)
            raise ConverterTimeout(f"{what} did not finish within {timeout_seconds:g} s") from None
        except BaseException:
            _kill_session(process)
            raise
    return ConversionResult(process.returncode, _tail(log))


def _tail(log: Path) -> str:
    with open(log, "rb") as handle:
        handle.seek(max(0, log.stat().st_size - _OUTPUT_KEPT))
        return handle.read().decode("utf-8", "replace").strip()


def _kill_session(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    process.kill()
    process.wait()


def _prepare_converter(parent: int) -> None:
    """In the converter, before exec: die with the rendering process, bound file sizes."""
    _soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    limit = _MAX_FILE_BYTES if hard == resource.RLIM_INFINITY else min(_MAX_FILE_BYTES, hard)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, hard))
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the parent died before the signal was armed
        os._exit(1)

"""Tests of render/pool.py: rendering in child processes with time and memory limits."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

import pytest

from interfax_soap.render import (
    DocumentTooLarge,
    RenderError,
    RenderOptions,
    RenderPool,
    RenderTimeout,
)
from interfax_soap.render.faxtiff import describe_fax_tiff

# Sixty pages of text: seconds of work, so a 50 ms limit always cuts it short.
SLOW_TEXT = ("x" * 80 + "\n") * 64 * 60


@pytest.fixture
def pool():
    with RenderPool(workers=2, timeout_seconds=30) as render_pool:
        yield render_pool


def _children(render_pool: RenderPool) -> list[int]:
    return [slot.child.process.pid for slot in render_pool._slots if slot.child is not None]


def test_renders_in_a_child(pool, make_pdf):
    rendered = pool.render([(make_pdf([[(12, "a")], [(12, "b")]]), "PDF")], RenderOptions())

    assert rendered.pages == 2
    assert describe_fax_tiff(rendered.tiff).page_count == 2
    assert os.getpid() not in _children(pool)


def test_errors_keep_their_type_and_status(pool):
    with pytest.raises(RenderError) as caught:
        pool.render([(b"garbage", "PDF")], RenderOptions())
    assert (type(caught.value), caught.value.status) == (RenderError, 204000)

    with pytest.raises(DocumentTooLarge) as caught:
        pool.render([(b"page\f" * 101, "TXT")], RenderOptions())
    assert caught.value.status == 204001


def test_timeout_kills_the_child_and_the_pool_goes_on(pool):
    pool.render([(b"warm up", "TXT")], RenderOptions())
    before = set(_children(pool))

    with pytest.raises(RenderTimeout) as caught:
        pool.render([(SLOW_TEXT.encode(), "TXT")], RenderOptions(), timeout_seconds=0.05)
    assert caught.value.status == 204000

    assert set(_children(pool)) != before  # the slow one was replaced
    assert pool.render([(b"after the timeout", "TXT")], RenderOptions()).pages == 1


def test_child_out_of_memory_is_a_render_error(big_gray_png):
    # 9000 x 9000 grey needs 81 MB to decode: more than a 120 MiB address space has left.
    with RenderPool(workers=1, memory_mb=120) as small:
        options = RenderOptions(max_image_pixels=10**9)
        with pytest.raises(RenderError, match="memory") as caught:
            small.render([(big_gray_png(9000, 9000), "PNG")], options)
        assert type(caught.value) is RenderError

        assert small.render([(b"still working", "TXT")], RenderOptions()).pages == 1


def test_child_killed_while_idle_is_replaced(pool):
    pool.render([(b"start", "TXT")], RenderOptions())
    for pid in _children(pool):
        os.kill(pid, signal.SIGKILL)

    assert pool.render([(b"again", "TXT")], RenderOptions()).pages == 1


def test_concurrent_callers_share_the_children(pool):
    results: list[int] = []
    errors: list[BaseException] = []

    def call(n: int) -> None:
        try:
            results.append(pool.render([(b"page\f" * n, "TXT")], RenderOptions()).pages)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=call, args=(n,)) for n in range(1, 6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert not errors
    assert sorted(results) == [1, 2, 3, 4, 5]


def test_closed_pool_refuses_work():
    render_pool = RenderPool(workers=1)
    render_pool.render([(b"x", "TXT")], RenderOptions())
    (pid,) = _children(render_pool)

    render_pool.close()

    with pytest.raises(RenderError, match="closed"):
        render_pool.render([(b"x", "TXT")], RenderOptions())
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_fork_is_not_allowed():
    with pytest.raises(ValueError):
        RenderPool(start_method="fork")


def test_children_die_with_the_pool_process(tmp_path):
    # A pool in another process, busy with a long job, then that process is killed.
    script = tmp_path / "host.py"
    script.write_text(
        "import threading, time\n"
        "from interfax_soap.render import RenderOptions, RenderPool\n"
        "if __name__ == '__main__':\n"
        "    pool = RenderPool(workers=1, timeout_seconds=600)\n"
        "    pool.render([(b'x', 'TXT')], RenderOptions())\n"
        "    job = [((('x' * 80 + '\\n') * 64 * 1000).encode(), 'TXT')]  # a minute's work\n"
        "    options = RenderOptions(max_pages=1000)\n"
        "    threading.Thread(target=pool.render, args=(job, options)).start()\n"
        "    time.sleep(0.5)  # the job is in the child now, for seconds\n"
        "    print(pool._slots[0].child.process.pid, flush=True)\n"
        "    time.sleep(600)\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    host = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, env=env)
    try:
        child_pid = int(host.stdout.readline())
    finally:
        host.kill()
        host.wait()

    deadline = time.monotonic() + 5  # the job alone would keep it busy longer
    while _alive(child_pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(child_pid)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"  # a zombie is dead
    except FileNotFoundError:
        return False

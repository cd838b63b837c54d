"""The fax engine end to end: real servers and workers, SOAP over HTTP, the call log."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from PIL import Image

from tests.conftest import RunningServer
from tests.soap_helpers import fax_status, send_char_fax

USER, PASSWORD = "engine", "s3cret-engine"


def wait_until(predicate: Callable[[], Any], seconds: float, what: str) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def open_store(url: str, data_dir: Path | None = None, blob_store: str = "local") -> Any:
    from interfax_soap.store.blobs import make_blob_store
    from interfax_soap.store.db import Database

    database = Database(url, reactor=None)
    blobs = make_blob_store(blob_store, data_dir or Path("."), database.sessions)
    return database, blobs


def all_final(session: requests.Session, server: RunningServer, ids: list[int]) -> dict[int, Any]:
    items = fax_status(session, server.dfs, USER, PASSWORD)
    if all(int(items[i]["Status"]) >= 0 for i in ids):
        return items
    return {}


@pytest.fixture
def engine_server(server: RunningServer) -> RunningServer:
    server.add_user(USER, PASSWORD)
    return server


ALL = -1  # every page submitted
EXPECTED = [
    # (national number, final status, pages sent, calls placed with 3 retries)
    ("2125550100", 0, ALL, 1),
    ("2125550117", 6017, 0, 3),
    ("2125550118", 6018, 0, 3),
    ("2125550101", 6001, 0, 3),
    ("2125550188", 6088, 0, 3),
    ("2125550136", 3936, 0, 3),
    ("2125550168", 3268, 1, 3),
    ("2125550199", 0, ALL, 1),
]
# XML 1.0 cannot carry a form feed, so a two-page text is a long one.
TWO_PAGES = "\n".join(f"Line {n}: the quick brown fox jumps over the lazy dog" for n in range(130))


def test_send_char_fax_reaches_every_final_status_with_its_fields_and_image(
    engine_server: RunningServer,
) -> None:
    session = requests.Session()
    ids = {}
    for national, *_ in EXPECTED:
        ids[national] = send_char_fax(
            session, engine_server.dfs, USER, PASSWORD, f"+1 {national}", TWO_PAGES
        )
        assert ids[national] > 0
    first = fax_status(session, engine_server.dfs, USER, PASSWORD)
    assert all(int(first[i]["Status"]) in (-1, -2, -3, 0) or int(first[i]["Status"]) > 0
               for i in ids.values())
    items = wait_until(lambda: all_final(session, engine_server, list(ids.values())), 60,
                       "every fax to finish")

    database, blobs = open_store(
        f"sqlite:///{engine_server.data_dir / 'interfax.db'}", engine_server.data_dir
    )
    try:
        for national, status, pages_sent, calls in EXPECTED:
            item = items[ids[national]]
            submitted = int(item["PagesSubmitted"])
            assert submitted >= 2
            assert int(item["Status"]) == status, national
            assert int(item["PagesSent"]) == (submitted if pages_sent == ALL else pages_sent)
            assert item["DestinationFax"] == f"001{national}"
            assert item["CompletionTime"] > item["SubmitTime"]
            if status == 0:
                assert item["RemoteCSID"] == "VIRTUAL FAX"
                assert int(item["Duration"]) >= 12
            record = database.transaction_sync("get", lambda uow, i=ids[national]: uow.faxes.get(i))
            assert record.trials_performed == calls, national
            log = database.transaction_sync("calls", lambda uow, i=ids[national]: uow.jobs.calls(i))
            assert [c.status for c in log][-1] == status and len(log) == calls
            image = Image.open(io.BytesIO(blobs.get(record.image_blob)))
            assert image.n_frames == submitted
            for frame in range(submitted):
                image.seek(frame)
                assert image.size[0] == 1728
                assert image.info["compression"] in ("group3", "group4")
                assert tuple(round(float(v)) for v in image.info["dpi"]) in ((204, 98), (204, 196))
        slow = items[ids["2125550199"]]
        assert int(slow["Duration"]) >= 60  # 30 s a page, recorded unscaled
    finally:
        database.engine.dispose()


def test_a_killed_server_resumes_every_fax_and_sends_none_twice(
    server_factory: Callable[..., RunningServer], tmp_path: Path
) -> None:
    slow_lines = {"INTERFAX_SOAP_VIRTUAL_NETWORK__TIME_SCALE": "0.02"}
    first = server_factory(extra_env=slow_lines, data_dir=tmp_path / "kill")
    first.add_user(USER, PASSWORD)
    session = requests.Session()
    ids = [
        send_char_fax(session, first.dfs, USER, PASSWORD, f"+1 2125550{100 + n % 3}", f"fax {n}")
        for n in range(20)
    ]
    wait_until(
        lambda: any(int(i["Status"]) == -3 for i in fax_status(session, first.dfs, USER, PASSWORD).values()),
        30, "a fax on the line",
    )
    os.killpg(first.process.pid, signal.SIGKILL)
    first.process.wait(timeout=10)

    second = server_factory(extra_env=slow_lines, data_dir=tmp_path / "kill")
    items = wait_until(lambda: all_final(session, second, ids), 120, "every fax to finish")
    database, _ = open_store(f"sqlite:///{second.data_dir / 'interfax.db'}")
    try:
        calls = database.transaction_sync("calls", lambda uow: uow.jobs.calls())
    finally:
        database.engine.dispose()
    sent = Counter(c.transaction_id for c in calls if c.status == 0)
    assert all(count == 1 for count in sent.values()), sent
    for n, transaction_id in enumerate(ids):
        status = int(items[transaction_id]["Status"])
        # +1 212 555 0101 is not operational; the others are sent exactly once.
        assert status == (6001 if n % 3 == 1 else 0), (n, status)
        assert sent[transaction_id] == (0 if n % 3 == 1 else 1)
    interrupted = [c for c in calls if c.status == 1]
    assert all(c.ended_at is not None for c in calls)
    print(f"calls interrupted by the kill: {len(interrupted)}")


def start_worker(env: dict[str, str]) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "interfax_soap", "worker"], env=env, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )
    assert process.stdout is not None
    started = threading.Event()

    def pump() -> None:
        for line in process.stdout:  # type: ignore[union-attr]
            if "running" in line:
                started.set()

    threading.Thread(target=pump, daemon=True).start()
    assert started.wait(60), "worker did not start"
    return process


@pytest.fixture
def two_workers_on_postgresql(
    server_factory: Callable[..., RunningServer], pg_url: str, tmp_path: Path
) -> Iterator[RunningServer]:
    env = {
        "INTERFAX_SOAP_DATABASE_URL": pg_url,
        "INTERFAX_SOAP_SERVER__BLOB_STORE": "database",
        "INTERFAX_SOAP_WORKER__POLL_SECONDS": "0.2",
    }
    server = server_factory(extra_env=env, args=("--no-worker",), data_dir=tmp_path / "front")
    workers = []
    for n in range(2):
        worker_env = dict(server.env, INTERFAX_SOAP_DATA_DIR=str(tmp_path / f"worker{n}"))
        workers.append(start_worker(worker_env))
    yield server
    for worker in workers:
        worker.send_signal(signal.SIGTERM)
    for worker in workers:
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()


def test_two_workers_on_postgresql_send_two_hundred_faxes_each_exactly_once(
    two_workers_on_postgresql: RunningServer, pg_url: str
) -> None:
    server = two_workers_on_postgresql
    server.add_user(USER, PASSWORD)
    session = requests.Session()
    ids = [
        send_char_fax(session, server.dfs, USER, PASSWORD, "+81 3 5550 0100", f"order {n}")
        for n in range(200)
    ]
    wait_until(lambda: all_final(session, server, ids), 300, "200 faxes to finish")
    database, _ = open_store(pg_url)
    try:
        calls = database.transaction_sync("calls", lambda uow: uow.jobs.calls())
    finally:
        database.engine.dispose()
    sent = Counter(c.transaction_id for c in calls if c.status == 0)
    assert sorted(sent) == sorted(ids)
    assert set(sent.values()) == {1}
    workers = {c.worker_id for c in calls}
    assert len(workers) == 2, workers  # both workers took part

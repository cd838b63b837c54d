"""Shared fixtures: a real ``interfax-soap serve`` on a free port, and databases on SQLite and
PostgreSQL (a fresh schema per use)."""

from __future__ import annotations

import dataclasses
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

PG_URL = os.environ.get("INTERFAX_SOAP_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _pg_available() -> bool:
    import sqlalchemy

    try:
        engine = sqlalchemy.create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://"))
        with engine.connect():
            pass
        engine.dispose()
        return True
    except Exception:
        return False


@pytest.fixture(scope="session")
def pg_available() -> bool:
    available = _pg_available()
    if not available and IN_CI:
        pytest.fail(f"PostgreSQL does not answer at {PG_URL} (CI requires it)")
    return available


@pytest.fixture
def pg_url(pg_available: bool) -> Iterator[str]:
    """A URL to a fresh, empty PostgreSQL schema, dropped afterwards."""
    if not pg_available:
        pytest.skip("PostgreSQL is not running (set CI=true to make this a failure)")
    import sqlalchemy

    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = sqlalchemy.create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://"))
    with admin.begin() as connection:
        connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
    separator = "&" if "?" in PG_URL else "?"
    yield f"{PG_URL}{separator}options=-csearch_path%3D{schema}"
    with admin.begin() as connection:
        connection.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each store test runs on a fresh SQLite file and on a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    return str(request.getfixturevalue("pg_url"))


@dataclasses.dataclass
class RunningServer:
    """A ``serve`` process and the settings it runs with."""

    process: subprocess.Popen[str]
    base_url: str
    data_dir: Path
    env: dict[str, str]
    log: list[str]
    smtp_port: int = 0

    @property
    def wsdl_url(self) -> str:
        return f"{self.base_url}/dfs.asmx?WSDL"

    @property
    def dfs(self) -> str:
        return f"{self.base_url}/dfs.asmx"

    def cli(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """Runs an admin command against the same settings (works while serving)."""
        result = subprocess.run(
            [sys.executable, "-m", "interfax_soap", *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"{args} failed: {result.stderr}")
        return result

    def add_user(self, username: str, password: str, *extra: str) -> None:
        self.cli("user", "add", username, "--password", password)
        if extra:
            self.cli("user", "set", username, *extra)

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def start_server(
    data_dir: Path, extra_env: dict[str, str] | None = None, args: tuple[str, ...] = ()
) -> RunningServer:
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTERFAX_SOAP_")}
    env.update(
        {
            "INTERFAX_SOAP_DATA_DIR": str(data_dir),
            "INTERFAX_SOAP_VIRTUAL_NETWORK__TIME_SCALE": "0",
            "INTERFAX_SOAP_MAIL_GATEWAY__PORT": "0",
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.update(extra_env or {})
    process = subprocess.Popen(
        [sys.executable, "-m", "interfax_soap", "serve", "--port", "0", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    log: list[str] = []
    smtp_port = 0

    def pump() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            log.append(line)
            lines.put(line)

    threading.Thread(target=pump, daemon=True).start()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=0.5)
        except queue.Empty:
            if process.poll() is not None:
                break
            continue
        smtp = re.match(r"mail gateway listening on smtp://\S+:(\d+)", line)
        if smtp:
            smtp_port = int(smtp.group(1))
        match = re.match(r"listening on (https?://\S+)", line)
        if match:
            return RunningServer(process, match.group(1), data_dir, env, log, smtp_port)
    process.kill()
    raise AssertionError("server did not start:\n" + "".join(log))


@pytest.fixture
def server_factory(tmp_path: Path) -> Iterator[Any]:
    """Starts servers; each is stopped at the end of the test."""
    started: list[RunningServer] = []

    def factory(
        extra_env: dict[str, str] | None = None, args: tuple[str, ...] = (), data_dir: Path | None = None
    ) -> RunningServer:
        server = start_server(data_dir or tmp_path / "data", extra_env, args)
        started.append(server)
        return server

    yield factory
    for server in started:
        server.stop()


@pytest.fixture
def server(server_factory: Any) -> RunningServer:
    """A server on the embedded default (SQLite, local data folder), time scale 0."""
    return server_factory()

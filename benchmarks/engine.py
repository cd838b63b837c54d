"""End-to-end fax throughput of the engine: faxes/hour with one and with two workers on
PostgreSQL, in one run, at virtual-network time_scale 0.

    python benchmarks/engine.py [--faxes 200] [--database postgresql://postgres@127.0.0.1/test]

For each worker count it creates a fresh PostgreSQL schema, starts ``serve --no-worker`` and N
``interfax-soap worker`` processes (database blob store, so no shared disk is assumed),
submits the faxes with SendCharFax (one text page each) while no worker runs, then starts the
workers and measures from the moment they are running until every fax reports a final status
through FaxStatus: render, schedule, transmit and record, without the submission rate. It prints faxes/hour
for each and the ratio two/one. Loopback only; every process is stopped at the end.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import requests
import sqlalchemy

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.soap_helpers import fax_status, send_char_fax  # noqa: E402

USER, PASSWORD = "bench", "bench-Pa55word"


def spawn(args: list[str], env: dict[str, str], ready: str) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "interfax_soap", *args], env=env, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )
    found: list[str] = []
    event = threading.Event()

    def pump() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            if ready in line and not event.is_set():
                found.append(line.strip())
                event.set()

    threading.Thread(target=pump, daemon=True).start()
    if not event.wait(90):
        process.kill()
        raise SystemExit(f"{args[0]} did not start")
    return process, found[0]


def stop(processes: list[subprocess.Popen[str]]) -> None:
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def run(workers: int, faxes: int, database: str) -> float:
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = sqlalchemy.create_engine(database.replace("postgresql://", "postgresql+psycopg://"))
    with admin.begin() as connection:
        connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
    url = f"{database}{'&' if '?' in database else '?'}options=-csearch_path%3D{schema}"
    processes: list[subprocess.Popen[str]] = []
    try:
        with tempfile.TemporaryDirectory() as data:
            env = {k: v for k, v in os.environ.items() if not k.startswith("INTERFAX_SOAP_")}
            env.update({
                "INTERFAX_SOAP_DATA_DIR": data,
                "INTERFAX_SOAP_DATABASE_URL": url,
                "INTERFAX_SOAP_SERVER__BLOB_STORE": "database",
                "INTERFAX_SOAP_VIRTUAL_NETWORK__TIME_SCALE": "0",
                "INTERFAX_SOAP_WORKER__POLL_SECONDS": "0.2",
                "PYTHONUNBUFFERED": "1",
            })
            server, line = spawn(["serve", "--port", "0", "--no-worker"], env, "listening on")
            processes.append(server)
            base = re.search(r"http://\S+", line).group(0)  # type: ignore[union-attr]
            subprocess.run([sys.executable, "-m", "interfax_soap", "user", "add", USER,
                            "--password", PASSWORD], env=env, check=True, capture_output=True)
            session = requests.Session()
            dfs = f"{base}/dfs.asmx"
            ids = [send_char_fax(session, dfs, USER, PASSWORD, "+1 212 555 0100", f"fax {n}")
                   for n in range(faxes)]
            starting = [spawn(["worker"], env, "running") for _ in range(workers)]
            started = time.monotonic()
            processes.extend(process for process, _ in starting)
            deadline = started + 1800
            while time.monotonic() < deadline:
                items = fax_status(session, dfs, USER, PASSWORD, max_items=faxes + 10)
                if all(int(items[i]["Status"]) >= 0 for i in ids):
                    break
                time.sleep(0.5)
            else:
                raise SystemExit("faxes did not finish within 30 minutes")
            elapsed = time.monotonic() - started
            sent = sum(1 for i in ids if int(items[i]["Status"]) == 0)
            print(f"{workers} worker(s): {faxes} faxes ({sent} sent) in {elapsed:.1f} s")
            return faxes / elapsed * 3600
    finally:
        stop(processes)
        with admin.begin() as connection:
            connection.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--faxes", type=int, default=200)
    parser.add_argument("--database", default="postgresql://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    one = run(1, args.faxes, args.database)
    two = run(2, args.faxes, args.database)
    print()
    print(f"{'workers':<10}{'faxes/hour':>14}")
    print(f"{'1':<10}{one:>14,.0f}")
    print(f"{'2':<10}{two:>14,.0f}")
    print(f"ratio two/one: {two / one:.2f}")


if __name__ == "__main__":
    main()

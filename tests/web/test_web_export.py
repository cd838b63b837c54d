"""Exports stream: 100,000 sent faxes come out as CSV and XML in slices, with flow control,
while the server's memory stays flat (rows are inserted straight through the store)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import etree
from sqlalchemy import insert, select

from interfax_soap.config import load_settings
from interfax_soap.store.db import Database
from interfax_soap.store.models import Transaction, User
from tests.conftest import RunningServer, start_server
from tests.web.conftest import add_users, http_sign_in

ROWS = 100_000
PASSWORD = "pw-export"
# Holding every row at once costs well over 150 MB (a FaxRecord and its strings, dates and
# decimals are over a kilobyte); a streamed export holds one slice of 500.
MEMORY_BOUND_MB = 80


def _peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmHWM")


@pytest.fixture(scope="module")
def bulk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    server = start_server(tmp_path_factory.mktemp("web-export") / "data",
                          {"INTERFAX_SOAP_MAIL_GATEWAY__ENABLED": "false"},
                          args=("--no-worker",))
    add_users(server, PASSWORD, "bulk")
    database = Database(load_settings(environ=server.env).database_url, None)
    try:
        with database.engine.begin() as connection:
            user_id = connection.execute(select(User.id).where(User.username == "bulk")).scalar()
            start = dt.datetime(2024, 5, 1, tzinfo=dt.UTC)
            rows = [
                {
                    "user_id": user_id,
                    "status": 6001 if n % 10 == 0 else 0,
                    "submit_time": start + dt.timedelta(seconds=n),
                    "completion_time": start + dt.timedelta(seconds=n + 30),
                    "destination_fax": f"0081355{n % 100000:05d}",
                    "subject": f"注文 PO-{n:06d}" if n % 2 else f"PO-{n:06d}, \"quoted\"",
                    "pages_sent": 1,
                    "pages_submitted": 1,
                    "duration": 20,
                }
                for n in range(ROWS)
            ]
            for first in range(0, ROWS, 20_000):
                connection.execute(insert(Transaction), rows[first : first + 20_000])
            del rows
    finally:
        database.engine.dispose()
    yield server
    server.stop()


def test_a_csv_export_of_100000_rows_streams_in_chunks(bulk: RunningServer) -> None:
    browser = http_sign_in(bulk.base_url, "bulk", PASSWORD)
    before = _peak_rss_mb(bulk.process.pid)
    response = browser.get(f"{bulk.base_url}/web/sent/export.csv?sort=transaction_id&dir=asc",
                           stream=True, timeout=120)
    assert response.status_code == 200
    assert response.headers["transfer-encoding"] == "chunked"
    assert "content-length" not in response.headers
    assert response.headers["content-disposition"].startswith('attachment; filename="sent-faxes-')
    lines: list[bytes] = []
    previous_id = 0
    count = 0
    rest = b""
    for chunk in response.iter_content(65536):  # the body as it arrives, never whole
        *complete, rest = (rest + chunk).split(b"\r\n")
        for line in complete:
            if count:
                transaction_id = int(line.split(b",", 1)[0])
                assert transaction_id > previous_id  # ascending, as asked
                previous_id = transaction_id
            if count == 0 or len(lines) < 2:
                lines.append(line)
            else:
                lines[1] = line
            count += 1
    assert rest == b""
    first_line, last_line = lines
    assert first_line.startswith(b"\xef\xbb\xbfTransactionID,ParentTransactionID,SubmitTime")
    assert count == ROWS + 1
    assert last_line.decode("utf-8").split(",")[4] == "注文 PO-099999"
    growth = _peak_rss_mb(bulk.process.pid) - before
    print(f"peak RSS grew by {growth:.1f} MB")
    assert growth < MEMORY_BOUND_MB, f"the export grew the server by {growth:.0f} MB"


def test_an_xml_export_of_the_failed_ones_and_shift_jis_csv(bulk: RunningServer) -> None:
    browser = http_sign_in(bulk.base_url, "bulk", PASSWORD)
    response = browser.get(f"{bulk.base_url}/web/sent/export.xml?class=failed", timeout=120)
    assert response.status_code == 200 and response.headers["transfer-encoding"] == "chunked"
    root = etree.fromstring(response.content)
    faxes = root.findall("Fax")
    assert len(faxes) == ROWS // 10
    assert {f.findtext("Status") for f in faxes} == {"6001"}
    assert faxes[0].findtext("StatusDescription") == "Number not operational"

    sjis = browser.get(f"{bulk.base_url}/web/sent/export.csv?charset=shift_jis&subject=PO-00001",
                       timeout=60)
    assert sjis.headers["content-type"] == "text/csv; charset=Shift_JIS"
    table = list(csv.reader(io.StringIO(sjis.content.decode("cp932"), newline="")))
    subjects = [row[4] for row in table[1:]]
    assert len(subjects) == 10
    assert "注文 PO-000011" in subjects and 'PO-000010, "quoted"' in subjects
    growth = _peak_rss_mb(bulk.process.pid)
    print(f"peak RSS {growth:.0f} MB")


def test_the_export_stops_reading_when_the_client_goes_away(bulk: RunningServer) -> None:
    browser = http_sign_in(bulk.base_url, "bulk", PASSWORD)
    response = browser.get(f"{bulk.base_url}/web/sent/export.csv", stream=True, timeout=60)
    assert next(response.iter_content(65536))
    response.close()
    # The server is not stuck writing to nobody: it answers at once.
    page = browser.get(f"{bulk.base_url}/web/sent?size=20", timeout=30)
    assert page.status_code == 200 and "Sent faxes: 1–20 of 100000" in page.text
    assert os.path.exists(f"/proc/{bulk.process.pid}")

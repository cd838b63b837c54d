"""zeep (ports InterFaxSoap and InterFaxSoap12) and suds (suds-community) on the served WSDL,
each run as its own program."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import RunningServer
from tests.toolkits import support

pytestmark = pytest.mark.toolkits

CLIENTS = support.CLIENTS / "python"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    yield from support.serve(tmp_path_factory, "python")


@pytest.mark.parametrize("port", ["soap11", "soap12"])
def test_zeep_sends_polls_downloads_and_uploads_in_chunks(
    server: RunningServer, tmp_path: Path, port: str
) -> None:
    label = f"zeep-{port}"
    png = support.write_png(tmp_path / "page.png")
    args: list[str | Path] = [sys.executable, CLIENTS / "zeep_client.py", server.dfs, support.USER,
            support.PASSWORD, png, label]
    if port == "soap12":
        args.append("soap12")
    result = support.run(args, cwd=tmp_path)
    transcript = support.verify(server, support.USER, label, result.stdout)
    assert transcript.toolkit.endswith("InterFaxSoap12" if port == "soap12" else "InterFaxSoap")


def test_suds_sends_polls_downloads_and_uploads_in_chunks(
    server: RunningServer, tmp_path: Path
) -> None:
    support.require(probes=[("suds (pip install suds)", [sys.executable, "-c", "import suds"])])
    label = "suds"
    png = support.write_png(tmp_path / "page.png")
    result = support.run([sys.executable, CLIENTS / "suds_client.py", server.dfs, support.USER,
                          support.PASSWORD, png, label], cwd=tmp_path)
    transcript = support.verify(server, support.USER, label, result.stdout)
    assert transcript.toolkit.startswith(f"{label} suds ")

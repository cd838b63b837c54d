"""Perl SOAP::Lite (libsoap-lite-perl): hand-built calls in the service's namespace, as Perl
programs talk to an .asmx service (SOAP::Lite does not generate from a WSDL)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import RunningServer
from tests.toolkits import support

pytestmark = pytest.mark.toolkits

CLIENT = support.CLIENTS / "perl" / "interfax_client.pl"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    support.require("perl", probes=[("SOAP::Lite", ["perl", "-MSOAP::Lite", "-e", "1"])])
    yield from support.serve(tmp_path_factory, "perl")


def test_soap_lite_sends_polls_downloads_and_uploads_in_chunks(
    server: RunningServer, tmp_path: Path
) -> None:
    label = "perl"
    png = support.write_png(tmp_path / "page.png")
    result = support.run(["perl", CLIENT, server.dfs, support.USER, support.PASSWORD, png, label],
                         cwd=tmp_path)
    transcript = support.verify(server, support.USER, label, result.stdout)
    assert transcript.toolkit.startswith(f"{label} SOAP::Lite ")

"""PHP SoapClient (php-cli, php-soap) in WSDL mode on the served WSDL, SOAP 1.1 and 1.2."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import RunningServer
from tests.toolkits import support

pytestmark = pytest.mark.toolkits

CLIENT = support.CLIENTS / "php" / "interfax_client.php"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    support.require("php", probes=[("php-soap (SoapClient)",
                                    ["php", "-r", "exit(class_exists('SoapClient') ? 0 : 1);"])])
    yield from support.serve(tmp_path_factory, "php")


@pytest.mark.parametrize("version", ["soap11", "soap12"])
def test_php_soapclient_sends_polls_downloads_and_uploads_in_chunks(
    server: RunningServer, tmp_path: Path, version: str
) -> None:
    label = f"php-{version}"
    png = support.write_png(tmp_path / "page.png")
    args: list[str | Path] = ["php", CLIENT, server.dfs, support.USER, support.PASSWORD, png, label]
    if version == "soap12":
        args.append("soap12")
    result = support.run(args, cwd=tmp_path)
    transcript = support.verify(server, support.USER, label, result.stdout)
    assert transcript.toolkit == f"{label} {'SOAP_1_2' if version == 'soap12' else 'SOAP_1_1'}"

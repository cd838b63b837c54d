"""Every program in examples/ runs against a server: built by its own build.sh where it has one
(from the served WSDL), it sends two documents to two numbers, waits, and saves the images that
the server holds."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import random
import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import requests
from PIL import Image

from tests.conftest import RunningServer
from tests.soap_helpers import NS, call
from tests.toolkits import support

pytestmark = pytest.mark.toolkits

EXAMPLES = support.REPO / "examples"
NUMBERS = "+1 212 555 0100;+44 20 5550 0100"


@dataclasses.dataclass
class Example:
    name: str
    require: Callable[[], None]
    command: list[str | Path]
    build: Path | None = None


def _python() -> None:
    pass


def _suds() -> None:
    support.require(probes=[("suds (pip install suds)", [sys.executable, "-c", "import suds"])])


def _php() -> None:
    support.require("php", probes=[("php-soap (SoapClient)",
                                    ["php", "-r", "exit(class_exists('SoapClient') ? 0 : 1);"])])


def _perl() -> None:
    support.require("perl", probes=[("SOAP::Lite", ["perl", "-MSOAP::Lite", "-e", "1"])])


def _mono() -> None:
    support.require("wsdl", "mcs", "mono")


def _jaxws() -> None:
    support.require("wsimport", "javac", "java", files=support.JAXWS_CLASSPATH)


def _axis() -> None:
    support.require("javac", "java", files=support.AXIS_CLASSPATH)


EXAMPLE_LIST = [
    Example("zeep", _python, [sys.executable, EXAMPLES / "python/zeep_send_fax.py"]),
    Example("suds", _suds, [sys.executable, EXAMPLES / "python/suds_send_fax.py"]),
    Example("php", _php, ["php", EXAMPLES / "php/send_fax.php"]),
    Example("perl", _perl, ["perl", EXAMPLES / "perl/send_fax.pl"]),
    Example("csharp", _mono, ["mono", "{out}/SendFax.exe"], EXAMPLES / "csharp/build.sh"),
    Example("jaxws", _jaxws, [EXAMPLES / "java/jaxws/run.sh"], EXAMPLES / "java/jaxws/build.sh"),
    Example("axis", _axis, [EXAMPLES / "java/axis/run.sh"], EXAMPLES / "java/axis/build.sh"),
]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    yield from support.serve(tmp_path_factory, "examples")


@pytest.fixture(scope="module")
def documents(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("documents")
    memo = folder / "memo.txt"
    memo.write_bytes(b"A memo sent by an example client.\fIts second page.")
    return [memo, support.write_png(folder / "chart.png")]


def run_example(example: Example, server: RunningServer, work: Path, numbers: str,
                files: list[Path]) -> tuple[int, str]:
    """Builds (into ``work``) and runs the example; returns the transaction and its output."""
    example.require()
    env = {"OUT_DIR": str(work / "build")}
    if example.build is not None:
        support.run(["bash", example.build, server.wsdl_url], cwd=work, env=env)
    command = [str(part).replace("{out}", env["OUT_DIR"]) for part in example.command]
    result = support.run([*command, server.dfs, support.USER, support.PASSWORD, numbers, *files],
                         cwd=work, env=env)
    match = re.match(r"transaction (\d+)\n", result.stdout)
    assert match, result.stdout
    return int(match.group(1)), result.stdout + result.stderr


@pytest.mark.parametrize("example", EXAMPLE_LIST, ids=[e.name for e in EXAMPLE_LIST])
def test_the_example_sends_waits_and_saves_the_images(
    example: Example, server: RunningServer, documents: list[Path], tmp_path: Path
) -> None:
    parent, output = run_example(example, server, tmp_path, NUMBERS, documents)
    with requests.Session() as http:
        answer = call(http, server.dfs, "FaxQuery", Username=support.USER,
                      Password=support.PASSWORD, Verb="PARENT", VerbData=parent, MaxItems=-1,
                      ResultCode=0)
        members = [int(item.findtext(f"{{{NS}}}TransactionID"))
                   for item in answer.iter(f"{{{NS}}}FaxItemEx")]
        assert len(members) == 2
        for member in members:
            line = rf"^{member} to \d+: status 0, 3/3 pages, \d+ s$"
            assert re.search(line, output, re.M), output
            saved = tmp_path / f"fax-{member}.tif"
            assert f"saved {saved.name}" in output
            image = call(http, server.dfs, "GetFaxImage", Username=support.USER,
                         Password=support.PASSWORD, TransactionID=member, Image="")
            held = base64.b64decode(image.findtext(f"{{{NS}}}Image"))
            assert hashlib.sha256(saved.read_bytes()).digest() == hashlib.sha256(held).digest()


def test_the_zeep_example_sends_a_large_document_by_chunk_upload(
    server: RunningServer, tmp_path: Path
) -> None:
    noise = random.Random(8).randbytes(1100 * 1300)
    photo = tmp_path / "photo.png"
    Image.frombytes("L", (1100, 1300), noise).save(photo)
    assert photo.stat().st_size > 1024 * 1024  # over the example's chunk-upload threshold
    parent, output = run_example(EXAMPLE_LIST[0], server, tmp_path, "+81 3 5550 0100", [photo])
    size = photo.stat().st_size
    assert re.search(rf"^uploaded {size} bytes in chunks \(session [0-9A-F]{{64}}\)$", output, re.M)
    assert re.search(rf"^{parent} to 0081355500100: status 0, 1/1 pages", output, re.M), output
    assert (tmp_path / f"fax-{parent}.tif").read_bytes()[:3] == b"II*"

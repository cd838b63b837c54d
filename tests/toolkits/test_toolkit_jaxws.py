"""JAX-WS RI: `wsimport -extension` (Debian's jaxws) on the served WSDL, compiled with javac and
run on the machine's JDK over the ports InterFaxSoap and InterFaxSoap12."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import RunningServer
from tests.toolkits import support

pytestmark = pytest.mark.toolkits

CLIENT = support.CLIENTS / "jaxws" / "InterFaxClient.java"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    support.require("wsimport", "javac", "java", files=support.JAXWS_CLASSPATH)
    yield from support.serve(tmp_path_factory, "jaxws")


@pytest.fixture(scope="module")
def classes(server: RunningServer, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """wsimport's classes, generated once; the WSDL's by-namespace import of the SOAP-encoding
    schema is answered by a local copy given as an additional schema (-b)."""
    work = tmp_path_factory.mktemp("jaxws-build")
    sources, out = work / "src", work / "classes"
    sources.mkdir()
    out.mkdir()
    generated = support.run(
        ["wsimport", "-keep", "-Xnocompile", "-extension", "-s", sources, "-d", out,
         "-p", "cc.interfax.jaxws", "-b", support.SOAP_ENCODING_XSD, server.wsdl_url],
        cwd=work,
    )
    assert "[ERROR]" not in generated.stdout + generated.stderr
    assert (sources / "cc/interfax/jaxws/InterFaxSoap.java").exists()
    support.run(["javac", "-nowarn", "-encoding", "UTF-8", "-d", out,
                 "-cp", support.classpath(support.JAXWS_CLASSPATH),
                 *sorted(sources.rglob("*.java")), CLIENT], cwd=work)
    return out


@pytest.mark.parametrize("port", ["soap11", "soap12"])
def test_a_wsimport_client_sends_polls_downloads_and_uploads_in_chunks(
    server: RunningServer, classes: Path, port: str
) -> None:
    label = f"jaxws-{port}"
    png = support.write_png(classes.parent / "page.png")
    classpath = support.classpath(classes, support.JAXWS_CLASSPATH)
    args: list[str | Path] = ["java", "-cp", classpath, "InterFaxClient", server.dfs,
                              support.USER, support.PASSWORD, png, label]
    if port == "soap12":
        args.append("soap12")
    result = support.run(args, cwd=classes.parent)
    transcript = support.verify(server, support.USER, label, result.stdout)
    expected = "InterFaxSoap12" if port == "soap12" else "InterFaxSoap"
    assert transcript.toolkit == f"{label} {expected}"

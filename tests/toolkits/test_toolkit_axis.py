"""Apache Axis 1.4 (libaxis-java, the toolkit of InterFAX's own Java samples): WSDL2Java on the
served WSDL, compiled with javac and run on the machine's JDK."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import RunningServer
from tests.toolkits import support

pytestmark = pytest.mark.toolkits

CLIENT = support.CLIENTS / "axis" / "InterFaxClient.java"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    support.require("javac", "java", files=support.AXIS_CLASSPATH)
    yield from support.serve(tmp_path_factory, "axis")


@pytest.fixture(scope="module")
def classes(server: RunningServer, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """WSDL2Java's stub, generated once and compiled with the client program."""
    work = tmp_path_factory.mktemp("axis-build")
    sources, out = work / "src", work / "classes"
    out.mkdir()
    axis = support.classpath(support.AXIS_CLASSPATH)
    generated = support.run(["java", "-cp", axis, "org.apache.axis.wsdl.WSDL2Java", "-o", sources,
                             "-p", "cc.interfax.axis", server.wsdl_url], cwd=work)
    assert "rror" not in generated.stdout + generated.stderr, generated.stdout + generated.stderr
    assert (sources / "cc/interfax/axis/InterFaxSoap_BindingStub.java").exists()
    support.run(["javac", "-nowarn", "-encoding", "UTF-8", "-d", out, "-cp", axis,
                 *sorted(sources.rglob("*.java")), CLIENT], cwd=work)
    return out


def test_an_axis_wsdl2java_stub_sends_polls_downloads_and_uploads_in_chunks(
    server: RunningServer, classes: Path
) -> None:
    label = "axis"
    png = support.write_png(classes.parent / "page.png")
    result = support.run(
        ["java", "-cp", support.classpath(classes, support.AXIS_CLASSPATH), "InterFaxClient",
         server.dfs, support.USER, support.PASSWORD, png, label],
        cwd=classes.parent,
    )
    transcript = support.verify(server, support.USER, label, result.stdout)
    assert transcript.toolkit == f"{label} InterFaxSoap_BindingStub"

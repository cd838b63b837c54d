"""mono's `wsdl` tool: ASMX proxies generated from the served WSDL, compiled with mcs and run
with mono: SoapHttpClientProtocol (SOAP 1.1, and SOAP 1.2 with -protocol:SOAP12) for the full
scenario, HttpGetClientProtocol and HttpPostClientProtocol for the form bindings."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.conftest import RunningServer
from tests.soap_helpers import NS, call
from tests.toolkits import support

pytestmark = pytest.mark.toolkits

CLIENT = support.CLIENTS / "mono" / "InterFaxClient.cs"
FORM_CLIENT = support.CLIENTS / "mono" / "InterFaxFormClient.cs"
PROTOCOLS = ("SOAP", "SOAP12")
FORM_PROTOCOLS = ("HttpGet", "HttpPost")
REFERENCES = ["-r:System.Web.Services.dll", "-r:System.Xml.dll",
              "-r:System.EnterpriseServices.dll"]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    support.require("wsdl", "mcs", "mono")
    yield from support.serve(tmp_path_factory, "dotnet")


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("dotnet-build")


@pytest.fixture(scope="module")
def programs(server: RunningServer, work: Path) -> dict[str, Path]:
    """Each protocol's proxy, generated once and compiled with its client program."""
    built = {}
    for protocol in PROTOCOLS + FORM_PROTOCOLS:
        form = protocol in FORM_PROTOCOLS
        source = work / f"InterFax{protocol}.cs"
        namespace = "InterFaxForm" if form else "InterFaxProxy"
        support.run(["wsdl", "-nologo", f"-protocol:{protocol}", f"-namespace:{namespace}",
                     f"-out:{source}", server.wsdl_url], cwd=work)
        proxy = source.read_text()
        base = f"{protocol}ClientProtocol" if form else "SoapHttpClientProtocol"
        assert f"class InterFax : System.Web.Services.Protocols.{base}" in proxy
        assert ("SoapProtocolVersion.Soap12" in proxy) == (protocol == "SOAP12")
        program = work / f"InterFaxClient{protocol}.exe"
        support.run(["mcs", "-nologo", "-target:exe", f"-out:{program}", *REFERENCES, source,
                     FORM_CLIENT if form else CLIENT], cwd=work)
        built[protocol] = program
    return built


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_a_mono_wsdl_proxy_sends_polls_downloads_and_uploads_in_chunks(
    server: RunningServer, programs: dict[str, Path], work: Path, protocol: str
) -> None:
    label = f"dotnet-{protocol.lower()}"
    png = support.write_png(work / "page.png")
    result = support.run(["mono", programs[protocol], server.dfs, support.USER,
                          support.PASSWORD, png, label], cwd=work)
    transcript = support.verify(server, support.USER, label, result.stdout)
    assert transcript.toolkit == f"{label} SoapHttpClientProtocol"


def final_items(server: RunningServer, verb: str, data: int, count: int) -> list[dict[str, str]]:
    """FaxQuery until ``count`` items are final (raw SOAP)."""
    deadline = time.monotonic() + 120
    with requests.Session() as http:
        while time.monotonic() < deadline:
            answer = call(http, server.dfs, "FaxQuery", Username=support.USER,
                          Password=support.PASSWORD, Verb=verb, VerbData=data, MaxItems=-1,
                          ResultCode=0)
            items = [{child.tag.split("}")[1]: child.text or "" for child in item}
                     for item in answer.iter(f"{{{NS}}}FaxItemEx")]
            if len(items) == count and all(int(item["Status"]) >= 0 for item in items):
                return items
            time.sleep(0.25)
    raise AssertionError(f"{verb} {data} did not finish")


@pytest.mark.parametrize("protocol", FORM_PROTOCOLS)
def test_mono_http_get_and_post_proxies_send_and_cancel_over_the_form_bindings(
    server: RunningServer, programs: dict[str, Path], work: Path, protocol: str
) -> None:
    label = f"dotnet-{protocol.lower()}"
    later = (dt.datetime.now(dt.UTC) + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%S")
    result = support.run(["mono", programs[protocol], server.dfs, support.USER,
                          support.PASSWORD, label, later], cwd=work)
    lines = dict(line.split(" ", 1) for line in result.stdout.splitlines() if " " in line)
    assert result.stdout.splitlines()[-1] == "DONE", result.stdout
    assert lines["FORM"] == f"{label} {protocol}ClientProtocol"
    assert "TXT" in lines["SUPPORTED"].split(";")
    batch = final_items(server, "PARENT", int(lines["SENT"]), 2)
    assert {(item["Contact"], item["Status"], item["PagesSent"]) for item in batch} == {
        ("New York", "0", "3"), ("London", "0", "3")}
    assert {(item["Subject"], item["JobID"], item["RetriesToPerform"]) for item in batch} == {
        (f"{label} batch", f"job-{label}", "2")}
    (char_fax,) = final_items(server, "EQ", int(lines["CHARFAX"]), 1)
    assert (char_fax["Status"], char_fax["DestinationFax"]) == ("0", "0081355500100")
    (sent,) = final_items(server, "EQ", int(lines["SENDFAX"]), 1)
    assert sent["Status"] == "0"
    (cancelled,) = final_items(server, "EQ", int(lines["CANCELLED"]), 1)
    assert (cancelled["Status"], cancelled["Subject"]) == ("403", f"{label} cancelled")

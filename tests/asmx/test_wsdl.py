"""The served WSDL (COMPAT 1-3): any-case ``?WSDL``, addresses naming what the client used
(``Host``; ``X-Forwarded-*`` only from trusted proxies), the names generated proxies depend on,
the checked-in ``wsdl/dfs.wsdl``, and zeep driving the service from the served WSDL and from
InterFAX's original file. Also the other X-Forwarded-* consumer: the client address that
lockout counts (``X-Forwarded-For``), believed only from a trusted proxy.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
import zeep
import zeep.transports
from lxml import etree
from zeep.plugins import HistoryPlugin

from interfax_soap.app import outbound_schema
from interfax_soap.asmx.wsdl import generate_wsdl
from tests.asmx.wire import (
    CT_SOAP11,
    NS,
    NUMBER,
    PASSWORD,
    SOAP11,
    SOAP12,
    TIMEOUT,
    envelope,
    host_port,
    module_server,
    post,
    raw_exchange,
    result,
    send_char_fax_params,
)
from tests.conftest import RunningServer

ROOT = Path(__file__).resolve().parents[2]
REPO_WSDL = ROOT / "wsdl" / "dfs.wsdl"
ORIGINAL_WSDL = ROOT.parent / "shared" / "reference" / "interfax" / "dfs.wsdl"

WSDL = "http://schemas.xmlsoap.org/wsdl/"
WSDL_SOAP = "http://schemas.xmlsoap.org/wsdl/soap/"
WSDL_SOAP12 = "http://schemas.xmlsoap.org/wsdl/soap12/"
WSDL_HTTP = "http://schemas.xmlsoap.org/wsdl/http/"
XSD_NS = "http://www.w3.org/2001/XMLSchema"
PORTS = ["InterFaxSoap", "InterFaxSoap12", "InterFaxHttpGet", "InterFaxHttpPost"]
ALICE = "alice"


MALLORY = "mallory"  # the lockout tests' victim; nobody else uses this user
LOCKOUT = {"INTERFAX_SOAP_SECURITY__LOCKOUT_FAILURES": "3"}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    with module_server(
        tmp_path_factory.mktemp("wsdl"), users=(ALICE, MALLORY), extra_env=LOCKOUT
    ) as running:
        yield running


@pytest.fixture(scope="module")
def proxied(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """A server that trusts X-Forwarded-* from loopback (it sits behind a local proxy)."""
    with module_server(
        tmp_path_factory.mktemp("wsdl-proxied"),
        users=(MALLORY,),
        extra_env={"INTERFAX_SOAP_SERVER__TRUSTED_PROXIES": "127.0.0.1", **LOCKOUT},
    ) as running:
        yield running


def get_wsdl(url: str, **headers: str) -> requests.Response:
    response = requests.get(url, headers=headers, timeout=TIMEOUT)
    assert response.status_code == 200, response.text
    return response


def addresses(content: bytes) -> dict[str, str]:
    """Port name -> the location of its soap:, soap12: or http:address."""
    root = etree.fromstring(content)
    found = {}
    for port in root.iterfind(f"{{{WSDL}}}service/{{{WSDL}}}port"):
        (address,) = [child for child in port if etree.QName(child).localname == "address"]
        assert etree.QName(address).namespace in (WSDL_SOAP, WSDL_SOAP12, WSDL_HTTP)
        found[port.get("name")] = address.get("location")
    return found


# zeep imports the SOAP-encoding schema from its namespace URL whenever a WSDL names
# soapenc:Array (every .asmx WSDL with HTTP bindings does, for s1:StringArray). Tests stay on
# loopback, so zeep gets this local stand-in: the parts of the W3C schema that StringArray uses.
SOAP_ENCODING = "http://schemas.xmlsoap.org/soap/encoding/"
SOAP_ENCODING_SCHEMA = f"""<xs:schema xmlns:xs="{XSD_NS}" xmlns:tns="{SOAP_ENCODING}"
  targetNamespace="{SOAP_ENCODING}">
  <xs:attributeGroup name="commonAttributes">
    <xs:attribute name="id" type="xs:ID" />
    <xs:attribute name="href" type="xs:anyURI" />
    <xs:anyAttribute namespace="##other" processContents="lax" />
  </xs:attributeGroup>
  <xs:attribute name="arrayType" type="xs:string" />
  <xs:attribute name="offset" type="xs:string" />
  <xs:attributeGroup name="arrayAttributes">
    <xs:attribute ref="tns:arrayType" />
    <xs:attribute ref="tns:offset" />
  </xs:attributeGroup>
  <xs:complexType name="Array">
    <xs:sequence>
      <xs:any namespace="##any" minOccurs="0" maxOccurs="unbounded" processContents="lax" />
    </xs:sequence>
    <xs:attributeGroup ref="tns:arrayAttributes" />
    <xs:attributeGroup ref="tns:commonAttributes" />
  </xs:complexType>
</xs:schema>""".encode()


class LoopbackTransport(zeep.transports.Transport):
    """zeep's transport for these tests: documents come from loopback or local files only."""

    def load(self, url: str) -> bytes:
        if url == SOAP_ENCODING:
            return SOAP_ENCODING_SCHEMA
        parts = urlsplit(url)
        if parts.scheme in ("http", "https"):
            assert parts.hostname in ("127.0.0.1", "localhost"), f"zeep tried to reach {url}"
        return super().load(url)

    def post(self, address: str, message: Any, headers: Any) -> Any:
        assert urlsplit(address).hostname in ("127.0.0.1", "localhost"), address
        return super().post(address, message, headers)


def zeep_client(wsdl: str, history: HistoryPlugin | None = None) -> zeep.Client:
    transport = LoopbackTransport(timeout=TIMEOUT, operation_timeout=TIMEOUT)
    return zeep.Client(wsdl, transport=transport, plugins=[history] if history else [])


# ?WSDL ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["?WSDL", "?wsdl", "?Wsdl", "?wSdL"])
def test_wsdl_is_served_for_any_case_of_the_query(server: RunningServer, query: str) -> None:
    response = get_wsdl(server.dfs + query)

    assert response.headers["Content-Type"] == CT_SOAP11
    root = etree.fromstring(response.content)
    assert root.tag == f"{{{WSDL}}}definitions"
    assert root.get("targetNamespace") == NS


def test_wsdl_on_a_mis_cased_path(server: RunningServer) -> None:
    response = get_wsdl(server.base_url + "/DFS.asmx?wsdl")

    assert set(addresses(response.content).values()) == {server.base_url + "/DFS.asmx"}


# Addresses (COMPAT 2) -------------------------------------------------------------------------


def test_every_address_names_the_url_the_client_used(server: RunningServer) -> None:
    found = addresses(get_wsdl(server.wsdl_url).content)

    assert sorted(found) == sorted(PORTS)
    assert set(found.values()) == {server.dfs}


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("fax.example.org:8443", "http://fax.example.org:8443/dfs.asmx"),
        ("fax.example.org", "http://fax.example.org/dfs.asmx"),
        ("[::1]:9000", "http://[::1]:9000/dfs.asmx"),
    ],
)
def test_addresses_follow_the_host_header(server: RunningServer, host: str, expected: str) -> None:
    found = addresses(get_wsdl(server.wsdl_url, Host=host).content)

    assert set(found.values()) == {expected}
    assert len(found) == 4


def test_an_http_1_0_request_without_host_gets_the_listening_address(server: RunningServer) -> None:
    _, response = raw_exchange(server, b"GET /dfs.asmx?wsdl HTTP/1.0\r\n\r\n")

    assert response.status == 200
    host, port = host_port(server)
    assert set(addresses(response.body).values()) == {f"http://{host}:{port}/dfs.asmx"}


def test_forwarded_headers_from_an_untrusted_peer_are_ignored(server: RunningServer) -> None:
    found = addresses(
        get_wsdl(
            server.wsdl_url, **{"X-Forwarded-Proto": "https", "X-Forwarded-Host": "fax.example.com"}
        ).content
    )

    assert set(found.values()) == {server.dfs}


def test_forwarded_headers_from_a_trusted_proxy_are_honoured(proxied: RunningServer) -> None:
    found = addresses(
        get_wsdl(
            proxied.wsdl_url,
            **{"X-Forwarded-Proto": "https", "X-Forwarded-Host": "fax.example.com"},
        ).content
    )

    assert set(found.values()) == {"https://fax.example.com/dfs.asmx"}
    assert len(found) == 4


def test_a_trusted_proxy_without_forwarded_headers_keeps_the_host(proxied: RunningServer) -> None:
    found = addresses(get_wsdl(proxied.wsdl_url, Host="internal.example:81").content)

    assert set(found.values()) == {"http://internal.example:81/dfs.asmx"}


def test_a_hostile_host_header_cannot_break_the_wsdl(server: RunningServer) -> None:
    response = get_wsdl(server.wsdl_url, Host='evil"><x a="')

    found = addresses(response.content)  # still well-formed XML
    assert set(found.values()) == {'http://evil"><x a="/dfs.asmx'}


def _login(server: RunningServer, password: str, forwarded_for: str) -> int:
    body = envelope(
        "SendCharFax", send_char_fax_params(MALLORY, number="no number", password=password)
    )
    return result(post(server.dfs, body, **{"X-Forwarded-For": forwarded_for}), "SendCharFax")


def test_lockout_counts_the_forwarded_client_behind_a_trusted_proxy(
    proxied: RunningServer,
) -> None:
    for _ in range(3):
        assert _login(proxied, "wrong", "198.51.100.7") == -1003

    # Locked for that client only (-1876), even with the right password ...
    assert _login(proxied, PASSWORD, "198.51.100.7") == -1876
    assert _login(proxied, PASSWORD, "10.0.0.1, 198.51.100.7") == -1876  # the proxy's entry
    # ... another client behind the same proxy still gets through (-112: past the login).
    assert _login(proxied, PASSWORD, "198.51.100.8") == -112


def test_a_forged_x_forwarded_for_does_not_escape_lockout(server: RunningServer) -> None:
    for n in range(3):
        assert _login(server, "wrong", f"203.0.113.{n}") == -1003

    # All three failures counted against the real peer, whatever the header claimed.
    assert _login(server, PASSWORD, "203.0.113.99") == -1876


# Names generated proxies depend on (COMPAT 3) -------------------------------------------------


def test_service_ports_and_soap_actions_have_the_asmx_names(server: RunningServer) -> None:
    root = etree.fromstring(get_wsdl(server.wsdl_url).content)

    services = root.findall(f"{{{WSDL}}}service")
    assert [s.get("name") for s in services] == ["InterFax"]
    assert [p.get("name") for p in services[0].iterfind(f"{{{WSDL}}}port")] == PORTS
    operations = [
        op.get("name")
        for op in root.iterfind(f"{{{WSDL}}}portType[@name='InterFaxSoap']/{{{WSDL}}}operation")
    ]
    assert {"SendCharFax", "FaxStatus"} <= set(operations)
    for binding_name, prefix_ns in (("InterFaxSoap", WSDL_SOAP), ("InterFaxSoap12", WSDL_SOAP12)):
        binding = root.find(f"{{{WSDL}}}binding[@name='{binding_name}']")
        assert binding is not None
        assert binding.get("type") == "tns:InterFaxSoap"
        actions = {
            op.get("name"): op.find(f"{{{prefix_ns}}}operation").get("soapAction")
            for op in binding.iterfind(f"{{{WSDL}}}operation")
        }
        assert list(actions) == operations
        assert actions == {name: f"{NS}/{name}" for name in operations}


# The checked-in file --------------------------------------------------------------------------


def _served_for_default_host(server: RunningServer) -> bytes:
    return get_wsdl(server.wsdl_url, Host="127.0.0.1:8080").content


def test_wsdl_write_produces_what_is_served_for_the_default_address(
    server: RunningServer, tmp_path: Path
) -> None:
    written = subprocess.run(
        [sys.executable, "-m", "interfax_soap", "wsdl", "write", str(tmp_path)],
        env=server.env,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert written.returncode == 0, written.stderr
    assert (tmp_path / "dfs.wsdl").read_bytes() == _served_for_default_host(server)


def test_checked_in_wsdl_equals_what_is_served_for_the_default_address(
    server: RunningServer,
) -> None:
    assert REPO_WSDL.exists(), (
        "wsdl/dfs.wsdl is missing: generate it with `interfax-soap wsdl write wsdl`"
    )
    assert REPO_WSDL.read_bytes() == _served_for_default_host(server), (
        "wsdl/dfs.wsdl is stale: regenerate it with `interfax-soap wsdl write wsdl`"
    )


def test_wsdl_without_the_get_binding_has_no_get_port() -> None:
    text = generate_wsdl(outbound_schema(), http_get=False)

    assert 'name="InterFaxHttpGet"' not in text
    assert 'name="InterFaxHttpPost"' in text
    etree.fromstring(text.encode())


# zeep -----------------------------------------------------------------------------------------


def _send_and_read_back(service: Any) -> None:
    transaction_id = int(
        service.SendCharFax(
            Username=ALICE,
            Password=PASSWORD,
            FaxNumber=NUMBER,
            Data="Hello from zeep",
            FileType="TXT",
        )
    )
    assert transaction_id > 0

    answer = service.FaxStatus(
        Username=ALICE,
        Password=PASSWORD,
        LastTransactionID=transaction_id + 1,
        MaxItems=1,
        TotalCount=0,
        ListSize=0,
        ResultCode=0,
    )

    assert answer.ResultCode == 0
    assert answer.ListSize == 1
    (item,) = answer.FaxStatusResult.FaxItem
    assert item.TransactionID == transaction_id
    assert item.DestinationFax == "0012125550100"


def _envelope_namespace(history: HistoryPlugin) -> str:
    return etree.QName(history.last_sent["envelope"]).namespace


def test_zeep_from_the_served_wsdl_over_soap11(server: RunningServer) -> None:
    history = HistoryPlugin()
    client = zeep_client(server.wsdl_url, history)

    _send_and_read_back(client.service)

    assert _envelope_namespace(history) == SOAP11


def test_zeep_from_the_served_wsdl_over_soap12(server: RunningServer) -> None:
    history = HistoryPlugin()
    client = zeep_client(server.wsdl_url, history)

    _send_and_read_back(client.bind("InterFax", "InterFaxSoap12"))

    assert _envelope_namespace(history) == SOAP12
    assert history.last_received["http_headers"]["Content-Type"].startswith("application/soap+xml")


@pytest.mark.skipif(not ORIGINAL_WSDL.exists(), reason="InterFAX's dfs.wsdl is not available")
@pytest.mark.parametrize("binding", ["InterFaxSoap", "InterFaxSoap12"])
def test_zeep_from_interfax_original_wsdl_with_the_address_overridden(
    server: RunningServer, binding: str
) -> None:
    history = HistoryPlugin()
    client = zeep_client(str(ORIGINAL_WSDL), history)

    _send_and_read_back(client.create_service(f"{{{NS}}}{binding}", server.dfs))

    assert _envelope_namespace(history) == (SOAP12 if binding.endswith("12") else SOAP11)

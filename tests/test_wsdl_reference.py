"""The served dfs.asmx WSDL against InterFAX's, through the committed structural summary.

``tests/data/dfs.reference-summary.json`` is produced from the reference WSDL by
``tools/wsdl_summary.py`` (CONVENTIONS "Tests and the reference files"); the WSDL itself is not
part of the project. The comparison is restricted to the reference operations the server offers
(it may offer later ones too, COMPAT 4).
"""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import requests

from tests.conftest import RunningServer, start_server

ROOT = Path(__file__).resolve().parents[1]
REFERENCE_SUMMARY = ROOT / "tests" / "data" / "dfs.reference-summary.json"


def _load(name: str) -> ModuleType:
    """tools/ holds scripts, not a package: load one by path (it finds its siblings itself)."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


summary_tool = _load("wsdl_summary")
compare_tool = _load("wsdl_compare")


@pytest.fixture(scope="module")
def reference() -> dict[str, Any]:
    return json.loads(REFERENCE_SUMMARY.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def served_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    # Only the web face is needed: no fax worker.
    server = start_server(tmp_path_factory.mktemp("wsdl") / "data", args=("--no-worker",))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def served(served_server: RunningServer) -> dict[str, Any]:
    response = requests.get(served_server.wsdl_url, timeout=30)
    assert response.status_code == 200, response.text
    return dict(summary_tool.summarise(response.content))


# The comparison itself -----------------------------------------------------------------------


def test_served_operations_match_the_reference(
    reference: dict[str, Any], served: dict[str, Any]
) -> None:
    known = set(summary_tool.operation_names(reference))
    operations = [name for name in summary_tool.operation_names(served) if name in known]
    assert operations, "the served WSDL offers no reference operation: nothing would be compared"
    differences = compare_tool.compare(reference, served, operations)
    assert not differences, (
        f"served WSDL differs from InterFAX's for {', '.join(operations)} "
        f"({len(differences)} differences, served != reference):\n" + "\n".join(differences)
    )


INBOUND_SUMMARY = ROOT / "tests" / "data" / "inbound.reference-summary.json"


def test_the_inbound_wsdl_matches_the_reconstructed_one_completely(
    served_server: RunningServer,
) -> None:
    """inbound.asmx against the reconstructed inbound schema: every operation, no difference
    (the summary is made from inbound.reconstructed.wsdl by tools/wsdl_summary.py)."""
    reference = json.loads(INBOUND_SUMMARY.read_text(encoding="utf-8"))
    response = requests.get(f"{served_server.base_url}/inbound.asmx?WSDL", timeout=30)
    assert response.status_code == 200
    served = dict(summary_tool.summarise(response.content))
    names = summary_tool.soap_operations(reference)
    assert len(names) == 7 and summary_tool.operation_names(served) == names
    differences = compare_tool.compare(reference, served, names)
    assert not differences, "\n".join(differences)


def test_operations_not_served_yet(reference: dict[str, Any], served: dict[str, Any]) -> None:
    """Information only: what remains to be implemented, and what the server adds beyond the
    2011 reference (later InterFAX operations, COMPAT 4)."""
    reference_names = summary_tool.soap_operations(reference)
    served_names = summary_tool.operation_names(served)
    missing = [name for name in reference_names if name not in served_names]
    extra = [name for name in served_names if name not in reference_names]
    print(
        f"\n{len(missing)} of {len(reference_names)} reference operations not served yet: "
        f"{', '.join(missing) or '(none)'}"
        f"\nserved beyond the reference (not compared): {', '.join(extra) or '(none)'}"
    )


def test_reference_summary_is_the_whole_service(reference: dict[str, Any]) -> None:
    """The committed summary really describes dfs.asmx (so a comparison is never empty)."""
    assert reference["targetNamespace"] == "http://www.interfax.cc"
    assert len(summary_tool.soap_operations(reference)) == 26
    assert "SendCharFax" in summary_tool.soap_operations(reference)
    (service,) = reference["services"]
    assert service["name"] == "InterFax"
    assert [(p["name"], p["address"]) for p in service["ports"]] == [
        ("InterFaxSoap", "soap"),
        ("InterFaxSoap12", "soap12"),
        ("InterFaxHttpGet", "http"),
        ("InterFaxHttpPost", "http"),
    ]
    assert [b.get("verb", b["kind"]) for b in reference["bindings"]] == [
        "soap",
        "soap12",
        "GET",
        "POST",
    ]
    main_schema = reference["schemas"][0]
    assert [e["name"] for e in main_schema["elements"][:2]] == ["GetListPP", "GetListPPResponse"]


# The summary tool on a hand-written WSDL ------------------------------------------------------

TINY_WSDL = b"""<?xml version="1.0" encoding="utf-8"?>
<wsdl:definitions xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/"
    xmlns:soap12="http://schemas.xmlsoap.org/wsdl/soap12/"
    xmlns:http="http://schemas.xmlsoap.org/wsdl/http/"
    xmlns:mime="http://schemas.xmlsoap.org/wsdl/mime/"
    xmlns:tns="urn:tiny" xmlns:x="http://www.w3.org/2001/XMLSchema"
    xmlns:t1="urn:tiny/AbstractTypes" xmlns:soapenc="http://schemas.xmlsoap.org/soap/encoding/"
    targetNamespace="urn:tiny" xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/">
  <wsdl:types>
    <x:schema elementFormDefault="qualified" targetNamespace="urn:tiny">
      <x:element name="Echo">
        <x:complexType>
          <x:sequence>
            <x:element minOccurs="0" maxOccurs="1" name="Text" type="x:string" />
            <x:element minOccurs="1" maxOccurs="1" name="Mode" type="tns:ModeEnum" />
          </x:sequence>
        </x:complexType>
      </x:element>
      <x:element name="EchoResponse">
        <x:complexType>
          <x:sequence>
            <x:element minOccurs="0" maxOccurs="1" name="EchoResult" type="tns:ArrayOfItem" />
          </x:sequence>
        </x:complexType>
      </x:element>
      <x:complexType name="ArrayOfItem">
        <x:sequence>
          <x:element minOccurs="0" maxOccurs="unbounded" name="Item" nillable="true"
              type="tns:Item" />
        </x:sequence>
      </x:complexType>
      <x:complexType name="Item">
        <x:sequence>
          <x:element name="Id" type="x:int" />
        </x:sequence>
      </x:complexType>
      <x:simpleType name="ModeEnum">
        <x:restriction base="x:string">
          <x:enumeration value="Loud" />
          <x:enumeration value="Quiet" />
        </x:restriction>
      </x:simpleType>
      <x:element name="Ping"><x:complexType /></x:element>
      <x:element name="PingResponse"><x:complexType /></x:element>
      <x:element name="string" nillable="true" type="x:string" />
    </x:schema>
    <x:schema targetNamespace="urn:tiny/AbstractTypes">
      <x:import namespace="http://schemas.xmlsoap.org/soap/encoding/" />
      <x:complexType name="StringArray">
        <x:complexContent mixed="false">
          <x:restriction base="soapenc:Array">
            <x:sequence>
              <x:element minOccurs="0" maxOccurs="unbounded" name="String" type="x:string" />
            </x:sequence>
          </x:restriction>
        </x:complexContent>
      </x:complexType>
    </x:schema>
  </wsdl:types>
  <wsdl:message name="EchoSoapIn"><wsdl:part name="parameters" element="tns:Echo" /></wsdl:message>
  <wsdl:message name="EchoSoapOut">
    <wsdl:part name="parameters" element="tns:EchoResponse" />
  </wsdl:message>
  <wsdl:message name="PingSoapIn"><wsdl:part name="parameters" element="tns:Ping" /></wsdl:message>
  <wsdl:message name="PingSoapOut">
    <wsdl:part name="parameters" element="tns:PingResponse" />
  </wsdl:message>
  <wsdl:message name="PingHttpGetIn"><wsdl:part name="Data" type="t1:StringArray" /></wsdl:message>
  <wsdl:message name="PingHttpGetOut"><wsdl:part name="Body" element="tns:string" /></wsdl:message>
  <wsdl:portType name="TinySoap">
    <wsdl:operation name="Echo">
      <wsdl:documentation>Echoes.</wsdl:documentation>
      <wsdl:input message="tns:EchoSoapIn" />
      <wsdl:output message="tns:EchoSoapOut" />
    </wsdl:operation>
    <wsdl:operation name="Ping">
      <wsdl:input message="tns:PingSoapIn" />
      <wsdl:output message="tns:PingSoapOut" />
    </wsdl:operation>
  </wsdl:portType>
  <wsdl:portType name="TinyHttpGet">
    <wsdl:operation name="Ping">
      <wsdl:input message="tns:PingHttpGetIn" />
      <wsdl:output message="tns:PingHttpGetOut" />
    </wsdl:operation>
  </wsdl:portType>
  <wsdl:binding name="TinySoap" type="tns:TinySoap">
    <soap:binding transport="http://schemas.xmlsoap.org/soap/http" />
    <wsdl:operation name="Echo">
      <soap:operation soapAction="urn:tiny/Echo" style="document" />
      <wsdl:input><soap:body use="literal" /></wsdl:input>
      <wsdl:output><soap:body use="literal" /></wsdl:output>
    </wsdl:operation>
    <wsdl:operation name="Ping">
      <soap:operation soapAction="urn:tiny/Ping" style="document" />
      <wsdl:input><soap:body use="literal" /></wsdl:input>
      <wsdl:output><soap:body use="literal" /></wsdl:output>
    </wsdl:operation>
  </wsdl:binding>
  <wsdl:binding name="TinyHttpGet" type="tns:TinyHttpGet">
    <http:binding verb="GET" />
    <wsdl:operation name="Ping">
      <http:operation location="/Ping" />
      <wsdl:input><http:urlEncoded /></wsdl:input>
      <wsdl:output><mime:mimeXml part="Body" /></wsdl:output>
    </wsdl:operation>
  </wsdl:binding>
  <wsdl:service name="Tiny">
    <wsdl:port name="TinySoap" binding="tns:TinySoap">
      <soap:address location="http://example.invalid/tiny.asmx" />
    </wsdl:port>
    <wsdl:port name="TinyHttpGet" binding="tns:TinyHttpGet">
      <http:address location="http://example.invalid/tiny.asmx" />
    </wsdl:port>
  </wsdl:service>
</wsdl:definitions>
"""


def test_summary_of_a_tiny_wsdl() -> None:
    summary = summary_tool.summarise(TINY_WSDL)

    assert summary["targetNamespace"] == "urn:tiny"
    assert summary["services"] == [
        {
            "name": "Tiny",
            "documentation": False,
            "ports": [
                {"name": "TinySoap", "binding": "tns:TinySoap", "address": "soap"},
                {"name": "TinyHttpGet", "binding": "tns:TinyHttpGet", "address": "http"},
            ],
        }
    ]
    soap, get = summary["bindings"]
    assert (soap["kind"], soap["transport"]) == ("soap", "http://schemas.xmlsoap.org/soap/http")
    assert soap["operations"][0] == {
        "name": "Echo",
        "soapAction": "urn:tiny/Echo",
        "style": "document",
        "input": ["soap:body use=literal"],
        "output": ["soap:body use=literal"],
    }
    assert (get["kind"], get["verb"]) == ("http", "GET")
    assert get["operations"] == [
        {
            "name": "Ping",
            "location": "/Ping",
            "input": ["http:urlEncoded"],
            "output": ["mime:mimeXml part=Body"],
        }
    ]
    assert summary["portTypes"][0]["operations"] == [
        {
            "name": "Echo",
            "input": "tns:EchoSoapIn",
            "output": "tns:EchoSoapOut",
            "documentation": True,
        },
        {
            "name": "Ping",
            "input": "tns:PingSoapIn",
            "output": "tns:PingSoapOut",
            "documentation": False,
        },
    ]
    assert summary["messages"][4] == {
        "name": "PingHttpGetIn",
        "parts": [{"name": "Data", "type": "{urn:tiny/AbstractTypes}StringArray"}],
    }
    schema, abstract = summary["schemas"]
    assert abstract == {
        "targetNamespace": "urn:tiny/AbstractTypes",
        "imports": ["http://schemas.xmlsoap.org/soap/encoding/"],
        "elements": [],
        "complexTypes": [
            {
                "name": "StringArray",
                "complexContent": {
                    "mixed": "false",
                    "restriction": "soapenc:Array",
                    "sequence": [
                        {
                            "name": "String",
                            "type": "s:string",
                            "minOccurs": 0,
                            "maxOccurs": "unbounded",
                            "nillable": False,
                        }
                    ],
                },
            }
        ],
        "simpleTypes": [],
    }
    assert [e["name"] for e in schema["elements"]] == [
        "Echo",
        "EchoResponse",
        "Ping",
        "PingResponse",
        "string",
    ]
    assert schema["elements"][0]["complexType"]["sequence"] == [
        {"name": "Text", "type": "s:string", "minOccurs": 0, "maxOccurs": 1, "nillable": False},
        {"name": "Mode", "type": "tns:ModeEnum", "minOccurs": 1, "maxOccurs": 1, "nillable": False},
    ]
    assert schema["elements"][2]["complexType"] == {}
    assert schema["elements"][4] == {"name": "string", "type": "s:string", "nillable": True}
    array, item = schema["complexTypes"]
    assert array["sequence"][0]["maxOccurs"] == "unbounded"
    assert array["sequence"][0]["nillable"] is True
    # XSD defaults are filled in: minOccurs and maxOccurs 1, not nillable.
    assert item["sequence"] == [
        {"name": "Id", "type": "s:int", "minOccurs": 1, "maxOccurs": 1, "nillable": False}
    ]
    assert schema["simpleTypes"] == [
        {"name": "ModeEnum", "base": "s:string", "enumeration": ["Loud", "Quiet"]}
    ]
    assert summary_tool.soap_operations(summary) == ["Echo", "Ping"]


def test_compare_finds_each_kind_of_difference() -> None:
    reference = summary_tool.summarise(TINY_WSDL)
    assert compare_tool.compare(reference, reference) == []

    def differences(old: bytes, new: bytes, operations: list[str] | None = None) -> list[str]:
        assert old in TINY_WSDL, old
        return list(
            compare_tool.compare(
                reference, summary_tool.summarise(TINY_WSDL.replace(old, new)), operations
            )
        )

    assert differences(
        b'minOccurs="0" maxOccurs="1" name="Text"', b'minOccurs="1" maxOccurs="1" name="Text"'
    ) == ["Echo: element Echo/Text minOccurs 1 != 0"]
    assert differences(b'<x:enumeration value="Quiet" />', b"") == [
        "Echo: simpleType ModeEnum enumeration [Loud] != [Loud, Quiet]"
    ]
    assert differences(b'name="Id" type="x:int"', b'name="Id" type="x:long"') == [
        "Echo: complexType Item/Id type s:long != s:int"
    ]
    assert differences(b'name="Item" nillable="true"', b'name="Item"') == [
        "Echo: complexType ArrayOfItem/Item nillable false != true"
    ]
    assert differences(b'maxOccurs="unbounded" name="String"', b'maxOccurs="1" name="String"') == [
        "Ping: complexType StringArray complexContent/String maxOccurs 1 != unbounded"
    ]
    assert differences(b'soapAction="urn:tiny/Ping"', b'soapAction="Ping"') == [
        "Ping: binding TinySoap soapAction Ping != urn:tiny/Ping"
    ]
    assert differences(b"<wsdl:documentation>Echoes.</wsdl:documentation>", b"") == [
        "Echo: portType TinySoap documentation present false != true"
    ]
    reordered = differences(
        b'<x:element minOccurs="0" maxOccurs="1" name="Text" type="x:string" />\n'
        b'            <x:element minOccurs="1" maxOccurs="1" name="Mode" type="tns:ModeEnum" />',
        b'<x:element minOccurs="1" maxOccurs="1" name="Mode" type="tns:ModeEnum" />\n'
        b'            <x:element minOccurs="0" maxOccurs="1" name="Text" type="x:string" />',
    )
    assert reordered == ["Echo: element Echo sequence elements [Mode, Text] != [Text, Mode]"]
    # An operation the reference offers on HTTP GET but the served WSDL does not, and back.
    without_get = json.loads(json.dumps(reference))
    without_get["portTypes"][1]["operations"] = []
    without_get["bindings"][1]["operations"] = []
    assert compare_tool.compare(reference, without_get, ["Ping"]) == [
        "Ping: portType TinyHttpGet: not offered (the reference offers it)",
        "Ping: binding TinyHttpGet: not offered (the reference offers it)",
    ]
    assert compare_tool.compare(without_get, reference, ["Ping"]) == [
        "Ping: portType TinyHttpGet: offered (the reference does not offer it)",
        "Ping: binding TinyHttpGet: offered (the reference does not offer it)",
    ]
    swapped = json.loads(json.dumps(reference))
    swapped["portTypes"][0]["operations"].reverse()
    assert compare_tool.compare(reference, swapped) == [
        "portType TinySoap operation order [Ping, Echo] != [Echo, Ping]"
    ]
    assert differences(b'elementFormDefault="qualified" ', b"") == [
        "schema urn:tiny elementFormDefault (none) != qualified"
    ]
    renamed = differences(
        b'<wsdl:port name="TinySoap" binding="tns:TinySoap">',
        b'<wsdl:port name="TinySoap11" binding="tns:TinySoap">',
    )
    assert renamed == ["service Tiny ports [TinySoap11, TinyHttpGet] != [TinySoap, TinyHttpGet]"]
    assert compare_tool.compare(reference, reference, ["Nope"]) == [
        "Nope: not an operation of the reference"
    ]
    # By default only operations both sides offer are compared (the served WSDL may add some).
    only_echo = json.loads(json.dumps(reference))
    for listing in only_echo["portTypes"] + only_echo["bindings"]:
        listing["operations"] = [o for o in listing["operations"] if o["name"] == "Echo"]
    assert compare_tool.compare(only_echo, reference) == []
    assert compare_tool.compare(only_echo, reference, ["Ping"])[0] == (
        "Ping: not an operation of the reference"
    )
    # Restricting to one operation ignores a difference in the other.
    assert differences(b'soapAction="urn:tiny/Ping"', b'soapAction="Ping"', ["Echo"]) == []
    # Prefixes are not structure.
    assert (
        summary_tool.summarise(
            TINY_WSDL.replace(b"x:", b"xsd:").replace(b"xmlns:x=", b"xmlns:xsd=")
        )
        == reference
    )

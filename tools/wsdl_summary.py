"""Structural summary of an ASP.NET .asmx WSDL (JSON), independent of layout and prefixes.

The project may not carry InterFAX's own WSDL (CONVENTIONS "Tests and the reference files"),
so the tests compare the served WSDL with a JSON summary derived from it::

    python tools/wsdl_summary.py /work/shared/reference/interfax/dfs.wsdl \
        > tests/data/dfs.reference-summary.json

The summary keeps structure and order, not layout: target namespace; services and ports (the
address kind, never the URL); bindings with each operation's soapAction, style or HTTP location
and the input/output encodings; portTypes (messages, whether documentation is present);
messages and parts; and for every schema its top-level elements, named complexTypes and
simpleTypes in document order. Qualified names are written prefix-independently: ``s:`` is
XML Schema, ``tns:`` the WSDL's target namespace, ``soapenc:`` SOAP encoding, anything else
``{namespace}name``.

``tools/wsdl_compare.py`` compares a served WSDL with such a summary.
"""

from __future__ import annotations

import argparse
import json
import sys
import urllib.request
from pathlib import Path
from typing import Any

from lxml import etree

__all__ = ["summarise", "soap_operations", "operation_names", "qualified_name", "read_wsdl"]

WSDL = "http://schemas.xmlsoap.org/wsdl/"
XSD = "http://www.w3.org/2001/XMLSchema"
SOAP_ENCODING = "http://schemas.xmlsoap.org/soap/encoding/"
_EXTENSION_PREFIXES = {
    "http://schemas.xmlsoap.org/wsdl/soap/": "soap",
    "http://schemas.xmlsoap.org/wsdl/soap12/": "soap12",
    "http://schemas.xmlsoap.org/wsdl/http/": "http",
    "http://schemas.xmlsoap.org/wsdl/mime/": "mime",
    "http://microsoft.com/wsdl/mime/textMatching/": "tm",
}


def _w(local: str) -> str:
    return f"{{{WSDL}}}{local}"


def _x(local: str) -> str:
    return f"{{{XSD}}}{local}"


def _split(tag: str) -> tuple[str, str]:
    namespace, _, local = tag[1:].partition("}")
    return namespace, local


def qualified_name(namespace: str, local: str, target_namespace: str) -> str:
    """A qualified name as the summary writes it, whatever prefix the document used."""
    if namespace == XSD:
        return f"s:{local}"
    if namespace == target_namespace:
        return f"tns:{local}"
    if namespace == SOAP_ENCODING:
        return f"soapenc:{local}"
    return f"{{{namespace}}}{local}"


# Summary ------------------------------------------------------------------------------------


class _Summariser:
    def __init__(self, root: Any) -> None:
        self.root = root
        self.tns = root.get("targetNamespace", "")

    def name(self, namespace: str, local: str) -> str:
        return qualified_name(namespace, local, self.tns)

    def qname(self, element: Any, value: str | None) -> str | None:
        if value is None:
            return None
        prefix, _, local = value.rpartition(":")
        namespace = element.nsmap.get(prefix or None)
        if namespace is None:
            return value  # unresolvable: keep as written, so a comparison shows it
        return self.name(namespace, local)

    def summary(self) -> dict[str, Any]:
        root = self.root
        return {
            "targetNamespace": self.tns,
            "documentation": root.find(_w("documentation")) is not None,
            "services": [self.service(s) for s in root.findall(_w("service"))],
            "bindings": [self.binding(b) for b in root.findall(_w("binding"))],
            "portTypes": [self.port_type(p) for p in root.findall(_w("portType"))],
            "messages": [self.message(m) for m in root.findall(_w("message"))],
            "schemas": [self.schema(s) for s in root.iterfind(f"{_w('types')}/{_x('schema')}")],
        }

    # wsdl: service, binding, portType, message

    def service(self, service: Any) -> dict[str, Any]:
        ports = []
        for port in service.findall(_w("port")):
            kinds = [
                _EXTENSION_PREFIXES.get(_split(child.tag)[0], _split(child.tag)[0])
                for child in port
                if isinstance(child.tag, str) and _split(child.tag)[1] == "address"
            ]
            ports.append(
                {
                    "name": port.get("name"),
                    "binding": self.qname(port, port.get("binding")),
                    "address": kinds[0] if len(kinds) == 1 else kinds,
                }
            )
        return {
            "name": service.get("name"),
            "documentation": service.find(_w("documentation")) is not None,
            "ports": ports,
        }

    def extension(self, element: Any) -> str:
        """``soap:body use=literal``, ``http:urlEncoded``, ``mime:mimeXml part=Body``..."""
        namespace, local = _split(element.tag)
        prefix = _EXTENSION_PREFIXES.get(namespace, f"{{{namespace}}}")
        sep = ":" if namespace in _EXTENSION_PREFIXES else ""
        attributes = " ".join(f"{k}={v}" for k, v in sorted(element.attrib.items()))
        return f"{prefix}{sep}{local}" + (f" {attributes}" if attributes else "")

    def binding(self, binding: Any) -> dict[str, Any]:
        result: dict[str, Any] = {
            "name": binding.get("name"),
            "type": self.qname(binding, binding.get("type")),
        }
        for child in binding:
            if not isinstance(child.tag, str):
                continue
            namespace, local = _split(child.tag)
            if namespace != WSDL and local == "binding":
                result["kind"] = _EXTENSION_PREFIXES.get(namespace, namespace)
                for attribute in ("transport", "style", "verb"):
                    if child.get(attribute) is not None:
                        result[attribute] = child.get(attribute)
        result["operations"] = [self.binding_operation(o) for o in binding.findall(_w("operation"))]
        return result

    def binding_operation(self, operation: Any) -> dict[str, Any]:
        result: dict[str, Any] = {"name": operation.get("name")}
        for child in operation:
            if not isinstance(child.tag, str):
                continue
            namespace, local = _split(child.tag)
            if namespace != WSDL and local == "operation":
                for attribute in ("soapAction", "style", "location"):
                    if child.get(attribute) is not None:
                        result[attribute] = child.get(attribute)
        for direction in ("input", "output"):
            part = operation.find(_w(direction))
            if part is not None:
                result[direction] = [self.extension(c) for c in part if isinstance(c.tag, str)]
        faults = operation.findall(_w("fault"))
        if faults:
            result["faults"] = [f.get("name") for f in faults]
        return result

    def port_type(self, port_type: Any) -> dict[str, Any]:
        operations = []
        for operation in port_type.findall(_w("operation")):
            entry: dict[str, Any] = {"name": operation.get("name")}
            for direction in ("input", "output"):
                part = operation.find(_w(direction))
                if part is not None:
                    entry[direction] = self.qname(part, part.get("message"))
            entry["documentation"] = operation.find(_w("documentation")) is not None
            operations.append(entry)
        return {"name": port_type.get("name"), "operations": operations}

    def message(self, message: Any) -> dict[str, Any]:
        parts = []
        for part in message.findall(_w("part")):
            entry = {"name": part.get("name")}
            for attribute in ("element", "type"):
                if part.get(attribute) is not None:
                    entry[attribute] = self.qname(part, part.get(attribute))
            parts.append(entry)
        return {"name": message.get("name"), "parts": parts}

    # xsd

    def schema(self, schema: Any) -> dict[str, Any]:
        result: dict[str, Any] = {"targetNamespace": schema.get("targetNamespace", "")}
        if schema.get("elementFormDefault") is not None:
            result["elementFormDefault"] = schema.get("elementFormDefault")
        result["imports"] = [i.get("namespace") for i in schema.findall(_x("import"))]
        result["elements"] = [self.element(e) for e in schema.findall(_x("element"))]
        result["complexTypes"] = [
            {"name": c.get("name"), **self.complex_type(c)}
            for c in schema.findall(_x("complexType"))
        ]
        result["simpleTypes"] = [self.simple_type(s) for s in schema.findall(_x("simpleType"))]
        return result

    def element(self, element: Any) -> dict[str, Any]:
        result: dict[str, Any] = {"name": element.get("name")}
        if element.get("type") is not None:
            result["type"] = self.qname(element, element.get("type"))
        result["nillable"] = element.get("nillable", "false") == "true"
        inline = element.find(_x("complexType"))
        if inline is not None:
            result["complexType"] = self.complex_type(inline)
        return result

    def particle(self, particle: Any) -> dict[str, Any]:
        namespace, local = _split(particle.tag)
        result: dict[str, Any] = {}
        if local == "element":
            if particle.get("ref") is not None:
                result["ref"] = self.qname(particle, particle.get("ref"))
            else:
                result["name"] = particle.get("name")
                result["type"] = self.qname(particle, particle.get("type"))
        else:
            result["particle"] = local  # s:any, nested s:choice...: noted, not expanded
        max_occurs = particle.get("maxOccurs", "1")
        result["minOccurs"] = int(particle.get("minOccurs", "1"))
        result["maxOccurs"] = max_occurs if max_occurs == "unbounded" else int(max_occurs)
        result["nillable"] = particle.get("nillable", "false") == "true"
        return result

    def content(self, holder: Any) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for kind in ("sequence", "all", "choice"):
            group = holder.find(_x(kind))
            if group is not None:
                result[kind] = [self.particle(p) for p in group if isinstance(p.tag, str)]
        attributes = holder.findall(_x("attribute"))
        if attributes:
            result["attributes"] = [
                {"name": a.get("name"), "type": self.qname(a, a.get("type"))} for a in attributes
            ]
        return result

    def complex_type(self, complex_type: Any) -> dict[str, Any]:
        result: dict[str, Any] = {}
        if complex_type.get("mixed") is not None:
            result["mixed"] = complex_type.get("mixed")
        result.update(self.content(complex_type))
        for content_kind in ("complexContent", "simpleContent"):
            holder = complex_type.find(_x(content_kind))
            if holder is None:
                continue
            for derivation in ("restriction", "extension"):
                derived = holder.find(_x(derivation))
                if derived is not None:
                    result[content_kind] = {
                        "mixed": holder.get("mixed"),
                        derivation: self.qname(derived, derived.get("base")),
                        **self.content(derived),
                    }
        return result

    def simple_type(self, simple_type: Any) -> dict[str, Any]:
        result: dict[str, Any] = {"name": simple_type.get("name")}
        restriction = simple_type.find(_x("restriction"))
        if restriction is not None:
            result["base"] = self.qname(restriction, restriction.get("base"))
            result["enumeration"] = [e.get("value") for e in restriction.findall(_x("enumeration"))]
        return result


def summarise(wsdl_bytes: bytes) -> dict[str, Any]:
    """The structural summary of a WSDL document (JSON-able; lists keep document order)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True)
    root = etree.fromstring(wsdl_bytes, parser)
    if root.tag != _w("definitions"):
        raise ValueError(f"not a WSDL 1.1 document: root element {root.tag}")
    return _Summariser(root).summary()


def soap_operations(summary: dict[str, Any]) -> list[str]:
    """Operation names of the SOAP 1.1 binding(s), in order."""
    names: list[str] = []
    for binding in summary["bindings"]:
        if binding.get("kind") == "soap":
            names += [o["name"] for o in binding["operations"] if o["name"] not in names]
    return names


def operation_names(summary: dict[str, Any]) -> list[str]:
    """Every operation any portType offers, in first-seen order."""
    names: list[str] = []
    for port_type in summary["portTypes"]:
        names += [o["name"] for o in port_type["operations"] if o["name"] not in names]
    return names


# Command line -------------------------------------------------------------------------------


def read_wsdl(source: str) -> bytes:
    """A WSDL from a file, an http(s) URL or ``-`` (standard input)."""
    if source == "-":
        return sys.stdin.buffer.read()
    if source.startswith(("http://", "https://")):
        with urllib.request.urlopen(source, timeout=30) as answer:  # noqa: S310 (explicit URL)
            return bytes(answer.read())
    return Path(source).read_bytes()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("wsdl", help="WSDL file, http(s) URL, or - for standard input")
    args = parser.parse_args(argv)
    sys.stdout.write(json.dumps(summarise(read_wsdl(args.wsdl)), indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""SOAP 1.1/1.2 envelopes: lenient, safe request reading and the exact .asmx response layout."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from lxml import etree

from interfax_soap import ns
from interfax_soap.asmx.schema import Field, Operation, ServiceSchema
from interfax_soap.asmx.values import BadValue, parse_value
from interfax_soap.asmx.xmlwrite import escape, write_fields

__all__ = [
    "SoapFault",
    "SoapRequest",
    "parse_envelope",
    "read_params",
    "response_bytes",
    "fault_bytes",
]

_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)
_FIRST_ELEMENT = re.compile(rb"<[^?!]")
_DECLARED_ENCODING = re.compile(rb"^\s*<\?xml[^>]*encoding\s*=", re.IGNORECASE)
_XSI_NIL = f"{{{ns.XSI}}}nil"


class SoapFault(Exception):
    """A request the ASP.NET serializer would have refused: answered with a SOAP fault."""

    def __init__(self, reason: str, client: bool = True) -> None:
        super().__init__(reason)
        self.reason = reason
        self.client = client


@dataclasses.dataclass(frozen=True)
class SoapRequest:
    version: str  # "1.1" or "1.2"
    operation: Operation
    element: Any  # the Body's first child (lxml element)


def _parser(encoding: str | None) -> etree.XMLParser:
    # No entities, no DTD, no network; huge_tree because base64 documents reach 30 MB.
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=True,
        remove_comments=True,
        remove_pis=True,
        encoding=encoding,
    )


def parse_envelope(body: bytes, charset: str | None, service: ServiceSchema) -> SoapRequest:
    """Finds the operation by the namespace and local name of the Body's first element.

    SOAPAction is not consulted (COMPAT 7); the envelope's namespace gives the SOAP version.

    Raises:
        SoapFault: not XML, a DOCTYPE, not a SOAP envelope, or an unknown operation.
    """
    # Fix: the whole body was searched, so a document in CDATA (`<Data><![CDATA[<!DOCTYPE
    # html>...`) was refused as a DTD. A DOCTYPE can only precede the first element; one the
    # byte search misses (other encodings) is caught after parsing, below.
    first_element = _FIRST_ELEMENT.search(body)
    if _DOCTYPE.search(body, 0, first_element.start() if first_element else len(body)):
        raise SoapFault("DTD is prohibited in this XML document.")
    if not body.strip():
        raise SoapFault("Root element is missing.")
    encoding = None
    if charset and not _DECLARED_ENCODING.match(body) and not body.startswith(b"\xef\xbb\xbf"):
        encoding = charset
    try:
        root = etree.fromstring(body, _parser(encoding))
    except (etree.XMLSyntaxError, LookupError, ValueError) as exc:
        raise SoapFault(f"The request is not well-formed XML: {exc}".splitlines()[0]) from None
    # Fix: the byte search above cannot see a DOCTYPE in a UTF-16/UTF-32 body, which was then
    # parsed and answered normally. The parsed tree tells for any encoding (entities were still
    # never resolved: resolve_entities=False).
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise SoapFault("DTD is prohibited in this XML document.")
    qname = etree.QName(root)
    versions = {ns.SOAP11_ENV: "1.1", ns.SOAP12_ENV: "1.2"}
    if qname.localname != "Envelope" or qname.namespace not in versions:
        raise SoapFault("The root element is not a SOAP envelope.")
    version = versions[qname.namespace]
    body_element = root.find(f"{{{qname.namespace}}}Body")
    if body_element is None:
        raise SoapFault("The SOAP envelope has no Body.")
    element = next((c for c in body_element if isinstance(c.tag, str)), None)
    if element is None:
        raise SoapFault("The SOAP Body is empty.", client=True)
    requested = etree.QName(element)
    operation = service.find(requested.localname)
    if operation is None or requested.namespace != operation.namespace:
        raise SoapFault(
            f"Server did not recognize the value of HTTP Header SOAPAction: "
            f"{requested.namespace or ''}/{requested.localname}."
        )
    return SoapRequest(version, operation, element)


def _read(element: Any, field: Field) -> Any:
    nil = element.get(_XSI_NIL) in ("true", "1")
    complex_type = field.complex
    if complex_type is None:
        return field.default() if nil and field.kind != "string" else parse_value(
            field.kind, "" if nil else element.text
        )
    if complex_type.is_enum:
        text = (element.text or "").strip()
        if text not in complex_type.enum_values:
            raise BadValue(f"Instance validation error: '{text}' is not a valid value for "
                           f"{complex_type.name}.")
        return text
    if nil:
        return None
    if complex_type.is_array:
        (item_field,) = complex_type.fields
        return [
            _read(child, item_field)
            for child in element
            if isinstance(child.tag, str) and etree.QName(child).localname == item_field.name
        ]
    values = _read_children(element, complex_type.fields, etree.QName(element).namespace)
    return complex_type.model(**values)


def _read_children(element: Any, fields: tuple[Field, ...], namespace: str | None) -> dict[str, Any]:
    by_name = {f.name: f for f in fields}
    values = {f.name: f.default() for f in fields}
    for child in element:
        if not isinstance(child.tag, str):
            continue
        qname = etree.QName(child)
        field = by_name.get(qname.localname)
        # Unknown, wrongly cased, or un-namespaced children are ignored (COMPAT 9).
        if field is None or qname.namespace != namespace:
            continue
        values[field.name] = _read(child, field)
    return values


def read_params(request: SoapRequest) -> list[Any]:
    """The operation's arguments in schema order; missing ones take .NET defaults.

    Raises:
        SoapFault: a value that is not of its type (the Client's fault).
    """
    operation = request.operation
    try:
        values = _read_children(request.element, operation.params, operation.namespace)
    except BadValue as exc:
        raise SoapFault(str(exc)) from None
    return [values[f.name] for f in operation.params]


def _envelope(version: str, inner: str) -> bytes:
    env = ns.SOAP12_ENV if version == "1.2" else ns.SOAP11_ENV
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        f'<soap:Envelope xmlns:soap="{env}" xmlns:xsi="{ns.XSI}" xmlns:xsd="{ns.XSD}">'
        f"<soap:Body>{inner}</soap:Body></soap:Envelope>"
    ).encode("utf-8")


def response_bytes(version: str, operation: Operation, values: list[Any]) -> bytes:
    """``<OpResponse xmlns="ns"><OpResult>…</OpResult>…</OpResponse>`` (COMPAT 13, 15, 16)."""
    out = [f'<{operation.name}Response xmlns="{operation.namespace}">']
    write_fields(out, operation.results, values)
    out.append(f"</{operation.name}Response>")
    return _envelope(version, "".join(out))


def fault_bytes(version: str, reason: str, client: bool) -> bytes:
    text = escape(reason)
    if version == "1.2":
        code = "soap:Sender" if client else "soap:Receiver"
        inner = (
            f"<soap:Fault><soap:Code><soap:Value>{code}</soap:Value></soap:Code>"
            f'<soap:Reason><soap:Text xml:lang="en">{text}</soap:Text></soap:Reason>'
            "<soap:Detail /></soap:Fault>"
        )
    else:
        code = "soap:Client" if client else "soap:Server"
        inner = (
            f"<soap:Fault><faultcode>{code}</faultcode><faultstring>{text}</faultstring>"
            "<detail /></soap:Fault>"
        )
    return _envelope(version, inner)

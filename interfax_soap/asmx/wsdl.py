"""An .asmx-style WSDL generated from the service schema (ASP.NET 2.0's layout and order)."""

from __future__ import annotations

from interfax_soap import ns
from interfax_soap.asmx.schema import ComplexType, Field, Operation, ServiceSchema
from interfax_soap.asmx.xmlwrite import escape

__all__ = ["generate_wsdl", "ADDRESS_PLACEHOLDER"]

ADDRESS_PLACEHOLDER = "{{address}}"
_NL = "\r\n"  # ASP.NET on Windows wrote CRLF


def _doc(indent: str, text: str) -> str:
    return (
        f'{indent}<wsdl:documentation xmlns:wsdl="{ns.WSDL}">{escape(text)}</wsdl:documentation>'
    )


def _type_ref(field: Field) -> str:
    if field.complex is not None:
        return f"tns:{field.complex.name}"
    return f"s:{field.kind}"


def _element(indent: str, field: Field) -> str:
    max_occurs = "unbounded" if field.unbounded else "1"
    return (
        f'{indent}<s:element minOccurs="{field.min_occurs}" maxOccurs="{max_occurs}" '
        f'name="{field.name}" type="{_type_ref(field)}" />'
    )


def _sequence(lines: list[str], indent: str, fields: tuple[Field, ...]) -> None:
    if not fields:
        lines.append(f"{indent}<s:complexType />")
        return
    lines.append(f"{indent}<s:complexType>")
    lines.append(f"{indent}  <s:sequence>")
    lines.extend(_element(indent + "    ", f) for f in fields)
    lines.append(f"{indent}  </s:sequence>")
    lines.append(f"{indent}</s:complexType>")


class _SchemaWriter:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.written: set[str] = set()

    def types_of(self, fields: tuple[Field, ...]) -> None:
        """Writes each complex type after the element that first uses it, depth first."""
        for field in fields:
            if field.complex is not None:
                self.complex_type(field.complex)

    def complex_type(self, complex_type: ComplexType) -> None:
        if complex_type.name in self.written:
            return
        self.written.add(complex_type.name)
        pad = "      "
        if complex_type.is_enum:
            self.lines.append(f'{pad}<s:simpleType name="{complex_type.name}">')
            self.lines.append(f'{pad}  <s:restriction base="s:string">')
            self.lines.extend(
                f'{pad}    <s:enumeration value="{value}" />' for value in complex_type.enum_values
            )
            self.lines.append(f"{pad}  </s:restriction>")
            self.lines.append(f"{pad}</s:simpleType>")
            return
        self.lines.append(f'{pad}<s:complexType name="{complex_type.name}">')
        self.lines.append(f"{pad}  <s:sequence>")
        self.lines.extend(_element(pad + "    ", f) for f in complex_type.fields)
        self.lines.append(f"{pad}  </s:sequence>")
        self.lines.append(f"{pad}</s:complexType>")
        self.types_of(complex_type.fields)

    def wrapper(self, name: str, fields: tuple[Field, ...]) -> None:
        self.lines.append(f'      <s:element name="{name}">')
        _sequence(self.lines, "        ", fields)
        self.lines.append("      </s:element>")
        self.types_of(fields)


def _http_result_element(operation: Operation) -> str:
    (result,) = operation.results
    if result.complex is not None:
        name = result.complex.name
        return f'      <s:element name="{name}" type="tns:{name}" />'
    if result.kind == "string":
        return '      <s:element name="string" nillable="true" type="s:string" />'
    return f'      <s:element name="{result.kind}" type="s:{result.kind}" />'


def _http_part(field: Field) -> str:
    kind = "s1:StringArray" if field.kind == "base64Binary" else "s:string"
    return f'    <wsdl:part name="{field.name}" type="{kind}" />'


def _http_result_name(operation: Operation) -> str:
    (result,) = operation.results
    return result.complex.name if result.complex is not None else result.kind


def _types(service: ServiceSchema, http_ops: list[Operation], abstract: bool) -> list[str]:
    writer = _SchemaWriter()
    lines = ["  <wsdl:types>"]
    lines.append(f'    <s:schema elementFormDefault="qualified" targetNamespace="{service.namespace}">')
    for operation in service.operations:
        writer.wrapper(operation.name, operation.params)
        writer.wrapper(f"{operation.name}Response", operation.results)
    lines.extend(writer.lines)
    seen: list[str] = []
    for operation in http_ops:
        element = _http_result_element(operation)
        if element not in seen:
            seen.append(element)
    lines.extend(seen)
    lines.append("    </s:schema>")
    if abstract:
        lines += [
            f'    <s:schema targetNamespace="{service.namespace}{ns.ABSTRACT_TYPES_SUFFIX}">',
            f'      <s:import namespace="{ns.SOAP_ENCODING}" />',
            '      <s:complexType name="StringArray">',
            '        <s:complexContent mixed="false">',
            '          <s:restriction base="soapenc:Array">',
            "            <s:sequence>",
            '              <s:element minOccurs="0" maxOccurs="unbounded" name="String" '
            'type="s:string" />',
            "            </s:sequence>",
            "          </s:restriction>",
            "        </s:complexContent>",
            "      </s:complexType>",
            "    </s:schema>",
        ]
    lines.append("  </wsdl:types>")
    return lines


def _messages(service: ServiceSchema, http_kinds: list[str], http_ops: list[Operation]) -> list[str]:
    lines = []
    for operation in service.operations:
        for suffix, element in (("SoapIn", operation.name), ("SoapOut", f"{operation.name}Response")):
            lines.append(f'  <wsdl:message name="{operation.name}{suffix}">')
            lines.append(f'    <wsdl:part name="parameters" element="tns:{element}" />')
            lines.append("  </wsdl:message>")
    for kind in http_kinds:
        for operation in http_ops:
            lines.append(f'  <wsdl:message name="{operation.name}{kind}In">')
            lines.extend(_http_part(p) for p in operation.params)
            lines.append("  </wsdl:message>")
            lines.append(f'  <wsdl:message name="{operation.name}{kind}Out">')
            lines.append(
                f'    <wsdl:part name="Body" element="tns:{_http_result_name(operation)}" />'
            )
            lines.append("  </wsdl:message>")
    return lines


def _port_type(name: str, operations: list[Operation], suffix: str) -> list[str]:
    lines = [f'  <wsdl:portType name="{name}">']
    for operation in operations:
        lines.append(f'    <wsdl:operation name="{operation.name}">')
        if operation.doc:
            lines.append(_doc("      ", operation.doc))
        lines.append(f'      <wsdl:input message="tns:{operation.name}{suffix}In" />')
        lines.append(f'      <wsdl:output message="tns:{operation.name}{suffix}Out" />')
        lines.append("    </wsdl:operation>")
    lines.append("  </wsdl:portType>")
    return lines


def _soap_binding(name: str, port_type: str, prefix: str, service: ServiceSchema) -> list[str]:
    lines = [
        f'  <wsdl:binding name="{name}" type="tns:{port_type}">',
        f'    <{prefix}:binding transport="{ns.SOAP_HTTP_TRANSPORT}" />',
    ]
    for operation in service.operations:
        lines += [
            f'    <wsdl:operation name="{operation.name}">',
            f'      <{prefix}:operation soapAction="{ns.soap_action(service.namespace, operation.name)}"'
            ' style="document" />',
            "      <wsdl:input>",
            f'        <{prefix}:body use="literal" />',
            "      </wsdl:input>",
            "      <wsdl:output>",
            f'        <{prefix}:body use="literal" />',
            "      </wsdl:output>",
            "    </wsdl:operation>",
        ]
    lines.append("  </wsdl:binding>")
    return lines


def _http_binding(name: str, verb: str, operations: list[Operation]) -> list[str]:
    if verb == "GET":
        input_line = "        <http:urlEncoded />"
    else:
        input_line = '        <mime:content type="application/x-www-form-urlencoded" />'
    lines = [f'  <wsdl:binding name="{name}" type="tns:{name}">', f'    <http:binding verb="{verb}" />']
    for operation in operations:
        lines += [
            f'    <wsdl:operation name="{operation.name}">',
            f'      <http:operation location="/{operation.name}" />',
            "      <wsdl:input>",
            input_line,
            "      </wsdl:input>",
            "      <wsdl:output>",
            '        <mime:mimeXml part="Body" />',
            "      </wsdl:output>",
            "    </wsdl:operation>",
        ]
    lines.append("  </wsdl:binding>")
    return lines


def generate_wsdl(service: ServiceSchema, http_get: bool = True, http_post: bool = True) -> str:
    """The WSDL text, with :data:`ADDRESS_PLACEHOLDER` where each port's address goes."""
    name = service.name
    http_ops = [op for op in service.operations if op.http_binding]
    http_kinds = [k for k, on in (("HttpGet", http_get), ("HttpPost", http_post)) if on and http_ops]
    abstract = any(p.kind == "base64Binary" for op in http_ops for p in op.params) and bool(
        http_kinds
    )
    s1 = f' xmlns:s1="{service.namespace}{ns.ABSTRACT_TYPES_SUFFIX}"' if abstract else ""
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<wsdl:definitions xmlns:soap="{ns.WSDL_SOAP11}" xmlns:tm="{ns.WSDL_TM}" '
        f'xmlns:soapenc="{ns.SOAP_ENCODING}" xmlns:mime="{ns.WSDL_MIME}" '
        f'xmlns:tns="{service.namespace}"{s1} xmlns:s="{ns.XSD}" xmlns:soap12="{ns.WSDL_SOAP12}" '
        f'xmlns:http="{ns.WSDL_HTTP}" targetNamespace="{service.namespace}" xmlns:wsdl="{ns.WSDL}">',
    ]
    if service.doc:
        lines.append(_doc("  ", service.doc))
    lines += _types(service, http_ops if http_kinds else [], abstract)
    lines += _messages(service, http_kinds, http_ops)
    lines += _port_type(f"{name}Soap", list(service.operations), "Soap")
    for kind in http_kinds:
        lines += _port_type(f"{name}{kind}", http_ops, kind)
    lines += _soap_binding(f"{name}Soap", f"{name}Soap", "soap", service)
    lines += _soap_binding(f"{name}Soap12", f"{name}Soap", "soap12", service)
    for kind in http_kinds:
        lines += _http_binding(f"{name}{kind}", "GET" if kind == "HttpGet" else "POST", http_ops)
    lines.append(f'  <wsdl:service name="{name}">')
    if service.doc:
        lines.append(_doc("    ", service.doc))
    ports = [(f"{name}Soap", "soap"), (f"{name}Soap12", "soap12")]
    ports += [(f"{name}{kind}", "http") for kind in http_kinds]
    for port, prefix in ports:
        lines += [
            f'    <wsdl:port name="{port}" binding="tns:{port}">',
            f'      <{prefix}:address location="{ADDRESS_PLACEHOLDER}" />',
            "    </wsdl:port>",
        ]
    lines += ["  </wsdl:service>", "</wsdl:definitions>"]
    return _NL.join(lines)

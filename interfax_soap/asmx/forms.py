"""The HTTP GET/POST form bindings: ``/dfs.asmx/<Op>`` with query or form parameters."""

from __future__ import annotations

from typing import Any

from interfax_soap import ns
from interfax_soap.asmx.schema import Field, Operation
from interfax_soap.asmx.values import BadValue, format_value, parse_value
from interfax_soap.asmx.xmlwrite import escape

__all__ = ["read_form", "form_response_bytes"]


def read_form(operation: Operation, args: dict[bytes, list[bytes]], charset: str) -> list[Any]:
    """Reads the operation's parameters from form fields (names case-insensitive, as ASP.NET).

    Byte fields take one base64 value. Missing fields take .NET defaults.

    Raises:
        BadValue: a value that does not parse; the caller answers HTTP 500 text/plain.
    """
    fields = {key.decode("latin-1").lower(): values for key, values in args.items()}
    result = []
    for param in operation.params:
        values = fields.get(param.name.lower())
        if not values:
            result.append(param.default())
            continue
        text = values[0].decode(charset, "replace")
        if param.complex is not None:  # an enumeration: form bindings carry only simple types
            if text not in param.complex.enum_values:
                raise BadValue(f"Cannot convert {text} to {param.complex.name}.")
            result.append(text)
            continue
        try:
            result.append(parse_value(param.kind, text))
        except BadValue as exc:
            raise BadValue(f"Cannot convert {text} to {param.kind}. Parameter name: "
                           f"{param.name} --> {exc}") from None
    return result


def _indent_struct(out: list[str], field: Field, value: Any, depth: int) -> None:
    pad = "  " * depth
    complex_type = field.complex
    if complex_type is None:
        if value is None and field.kind in ("string", "base64Binary"):
            return
        text = escape(format_value(field.kind, value))
        out.append(f"{pad}<{field.name}>{text}</{field.name}>" if text else f"{pad}<{field.name} />")
        return
    if value is None:
        return
    if complex_type.is_enum:
        out.append(f"{pad}<{field.name}>{escape(str(value))}</{field.name}>")
        return
    children = (
        [(complex_type.fields[0], item) for item in value]
        if complex_type.is_array
        else [(member, getattr(value, member.name, None)) for member in complex_type.fields]
    )
    if not children:
        out.append(f"{pad}<{field.name} />")
        return
    out.append(f"{pad}<{field.name}>")
    for member, member_value in children:
        _indent_struct(out, member, member_value, depth + 1)
    out.append(f"{pad}</{field.name}>")


def form_response_bytes(operation: Operation, value: Any) -> bytes:
    """The bare result element: ``<long xmlns="http://www.interfax.cc">123</long>``.

    Structs are named after their type and indented by two spaces (ASPNET-OBSERVED).
    """
    (result,) = operation.results
    namespace = operation.namespace
    head = '<?xml version="1.0" encoding="utf-8"?>\n'
    if result.complex is None or result.complex.is_enum:
        name = result.kind if result.complex is None else result.complex.name
        if value is None:
            body = (f'<{name} xmlns:xsi="{ns.XSI}" xsi:nil="true" xmlns="{namespace}" />')
        else:
            text = str(value) if result.complex else format_value(result.kind, value)
            body = f'<{name} xmlns="{namespace}">{escape(text)}</{name}>'
        return (head + body).encode("utf-8")
    name = result.complex.name
    lines: list[str] = []
    _indent_struct(lines, Field(name, "complex", result.complex), value, 0)
    if lines:
        first = lines[0]
        lines[0] = first.replace(
            f"<{name}", f'<{name} xmlns:xsi="{ns.XSI}" xmlns:xsd="{ns.XSD}" xmlns="{namespace}"', 1
        )
    return (head + "\n".join(lines)).encode("utf-8")

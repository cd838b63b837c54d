"""Writing values as ASP.NET's XmlSerializer does: one line, unprefixed, nulls omitted."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from interfax_soap.asmx.schema import Field
from interfax_soap.asmx.values import format_value

__all__ = ["escape", "write_fields", "write_field", "element_text"]

# Characters XML 1.0 cannot carry at all; .NET would throw, we write a replacement instead.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def escape(text: str) -> str:
    """Only &, < and > are escaped; quotes, tab, CR and LF stay raw (ASPNET-OBSERVED)."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _ILLEGAL.sub("\ufffd", text)


def _member(value: Any, name: str) -> Any:
    if isinstance(value, dict):
        return value.get(name)
    return getattr(value, name, None)


def write_field(out: list[str], field: Field, value: Any) -> None:
    """Appends one element: null reference types are omitted, empty ones self-closed."""
    name = field.name
    complex_type = field.complex
    if complex_type is None or complex_type.is_enum:
        if value is None and (field.kind in ("string", "base64Binary") and complex_type is None):
            return
        if complex_type is not None:
            text = str(value if value is not None else complex_type.enum_values[0])
        else:
            text = format_value(field.kind, value)
        out.append(f"<{name}>{escape(text)}</{name}>" if text else f"<{name} />")
        return
    if value is None:
        return
    if complex_type.is_array:
        items = list(value)
        if not items:
            out.append(f"<{name} />")
            return
        out.append(f"<{name}>")
        (item_field,) = complex_type.fields
        for item in items:
            write_field(out, item_field, item)
        out.append(f"</{name}>")
        return
    out.append(f"<{name}>")
    for member in complex_type.fields:
        write_field(out, member, _member(value, member.name))
    out.append(f"</{name}>")


def write_fields(out: list[str], fields: Sequence[Field], values: Sequence[Any]) -> None:
    for field, value in zip(fields, values, strict=True):
        write_field(out, field, value)


def element_text(field: Field, value: Any, namespace: str) -> str:
    """One element as an XML document string, default namespace on the root."""
    out: list[str] = []
    write_field(out, field, value)
    if not out:
        return ""
    first = out[0]
    name = field.name
    if first.startswith(f"<{name} />"):
        out[0] = f'<{name} xmlns="{namespace}" />'
    else:
        out[0] = first.replace(f"<{name}>", f'<{name} xmlns="{namespace}">', 1)
    return '<?xml version="1.0" encoding="utf-8"?>' + "".join(out)

"""The .asmx view of a Spyne interface: operations, fields and their XSD kinds.

Reader, writer, form bindings and WSDL all work from this one description, built once per
service from the project's Spyne declarations.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from interfax_soap.soap import compat  # noqa: F401  (shims before Spyne)

from spyne.model.binary import ByteArray  # noqa: E402
from spyne.model.complex import Array, ComplexModelBase  # noqa: E402
from spyne.model.enum import EnumBase  # noqa: E402
from spyne.model.primitive import Boolean, DateTime, Decimal, Integer, Unicode  # noqa: E402

__all__ = ["Field", "ComplexType", "Operation", "ServiceSchema", "build_schema", "field_for"]

# XSD kinds of simple values and their .NET defaults when the element is missing.
SIMPLE_DEFAULTS: dict[str, Any] = {
    "string": None,
    "base64Binary": None,
    "int": 0,
    "long": 0,
    "short": 0,
    "boolean": False,
    "dateTime": None,  # DateTime.MinValue, written 0001-01-01T00:00:00
    "decimal": None,  # 0, written "0"
}
INT_RANGES = {"short": 16, "int": 32, "long": 64}


@dataclasses.dataclass(frozen=True)
class ComplexType:
    """A named complexType (struct), an ArrayOfX, or a string enumeration."""

    name: str
    fields: tuple[Field, ...] = ()
    is_array: bool = False
    enum_values: tuple[str, ...] = ()
    model: Any = None

    @property
    def is_enum(self) -> bool:
        return bool(self.enum_values)


@dataclasses.dataclass(frozen=True)
class Field:
    """One element: its wire name, simple XSD kind or complex type, and occurrence."""

    name: str
    kind: str  # XSD simple type name, or "complex"
    complex: ComplexType | None = None
    min_occurs: int = 0
    unbounded: bool = False

    @property
    def is_value_type(self) -> bool:
        return self.min_occurs >= 1

    def default(self) -> Any:
        if self.complex is not None:
            if self.complex.is_enum:
                return self.complex.enum_values[0]
            return None
        return SIMPLE_DEFAULTS[self.kind]


@dataclasses.dataclass(frozen=True)
class Operation:
    name: str
    namespace: str
    params: tuple[Field, ...]
    results: tuple[Field, ...]
    function: Callable[..., Any]
    doc: str

    @property
    def http_binding(self) -> bool:
        """ASP.NET offers HTTP GET/POST only for simple inputs and a single output."""
        return len(self.results) == 1 and all(
            p.complex is None or p.complex.is_enum for p in self.params
        )


@dataclasses.dataclass(frozen=True)
class ServiceSchema:
    name: str
    namespace: str
    doc: str
    operations: tuple[Operation, ...]

    def find(self, name: str) -> Operation | None:
        for operation in self.operations:
            if operation.name == name:
                return operation
        return None


def _simple_kind(model: Any) -> str:
    if issubclass(model, Integer):
        return str(model.get_type_name())
    for base, kind in (
        (Unicode, "string"),
        (Boolean, "boolean"),
        (DateTime, "dateTime"),
        (ByteArray, "base64Binary"),
        (Decimal, "decimal"),
    ):
        if issubclass(model, base):
            return kind
    raise TypeError(f"no .asmx mapping for {model!r}")


class _Builder:
    def __init__(self) -> None:
        self.types: dict[str, ComplexType] = {}

    def complex(self, model: Any) -> ComplexType:
        name = model.get_type_name()
        if name in self.types:
            return self.types[name]
        if issubclass(model, EnumBase):
            made = ComplexType(name=name, enum_values=tuple(model.__values__), model=model)
        elif issubclass(model, Array):
            (item_name, item_model), = model._type_info.items()
            item = self.field(item_name, item_model, array_item=True)
            made = ComplexType(name=name, fields=(item,), is_array=True, model=model)
        else:
            made = ComplexType(name=name, model=model)
            self.types[name] = made  # recursion guard
            fields = tuple(self.field(n, m) for n, m in model._type_info.items())
            made = dataclasses.replace(made, fields=fields)
        self.types[name] = made
        return made

    def field(self, name: str, model: Any, array_item: bool = False) -> Field:
        min_occurs = int(model.Attributes.min_occurs or 0)
        if issubclass(model, ComplexModelBase) or issubclass(model, EnumBase):
            complex_type = self.complex(model)
            if complex_type.is_enum:
                min_occurs = 1
            return Field(name, "complex", complex_type, 0 if array_item else min_occurs, array_item)
        return Field(name, _simple_kind(model), None, 0 if array_item else min_occurs, array_item)


def build_schema(application: Any, name: str, doc: str) -> ServiceSchema:
    """Describes every operation of a Spyne application, in declaration order."""
    builder = _Builder()
    operations = []
    for descriptors in application.interface.service_method_map.values():
        descriptor = descriptors[0]
        params = tuple(builder.field(n, m) for n, m in descriptor.in_message._type_info.items())
        results = tuple(builder.field(n, m) for n, m in descriptor.out_message._type_info.items())
        operations.append(
            Operation(
                name=descriptor.name,
                namespace=descriptor.in_message.get_namespace(),
                params=params,
                results=results,
                function=descriptor.function,
                doc=getattr(descriptor.function, "asmx_doc", ""),
            )
        )
    return ServiceSchema(name, application.tns, doc, tuple(operations))


def field_for(name: str, model: Any) -> Field:
    """The .asmx description of one element of a Spyne type (e.g. to write it on its own)."""
    return _Builder().field(name, model)

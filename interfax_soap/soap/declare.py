"""The .asmx vocabulary for Spyne declarations: value-type fields and wrapped operations."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from interfax_soap.soap import compat  # noqa: F401  (shims before Spyne)

from spyne import rpc  # noqa: E402
from spyne.model.binary import ByteArray  # noqa: E402
from spyne.model.primitive import (  # noqa: E402
    Boolean,
    DateTime,
    Decimal,
    Integer16,
    Integer32,
    Integer64,
    Unicode,
)

__all__ = ["String", "Int", "Long", "Short", "Bool", "Date", "Money", "Bytes", "operation"]

# .asmx declares reference types (string, byte[]) minOccurs=0 and value types minOccurs=1,
# not nillable; a missing value type reads as its .NET default.
String = Unicode(min_occurs=0)
Bytes = ByteArray(min_occurs=0)
Int = Integer32(min_occurs=1, nillable=False)
Long = Integer64(min_occurs=1, nillable=False)
Short = Integer16(min_occurs=1, nillable=False)
Bool = Boolean(min_occurs=1, nillable=False)
Date = DateTime(min_occurs=1, nillable=False)
Money = Decimal(min_occurs=1, nillable=False)


def operation(
    name: str,
    params: Sequence[tuple[str, str, Any]],
    returns: Sequence[tuple[str, Any]],
    doc: str = "",
) -> Callable[[Callable[..., Any]], Any]:
    """Declares a document/literal wrapped .asmx operation.

    Args:
        name: the wire name (``SendCharFax``); the response is ``<name>Response``.
        params: ``(python_name, WireName, type)`` in schema order.
        returns: ``(WireName, type)``: the ``<name>Result`` first, then ByRef echoes.
        doc: InterFAX's documentation text, written into the WSDL.
    """
    kwargs: dict[str, Any] = {
        "_operation_name": name,
        "_out_message_name": f"{name}Response",
        "_in_arg_names": {python: wire for python, wire, _ in params},
    }
    if len(returns) == 1:
        kwargs["_returns"] = returns[0][1]
        kwargs["_out_variable_name"] = returns[0][0]
    else:
        kwargs["_returns"] = tuple(kind for _, kind in returns)
        kwargs["_out_variable_names"] = tuple(wire for wire, _ in returns)
    decorator = rpc(*(kind for _, _, kind in params), **kwargs)

    def wrap(function: Callable[..., Any]) -> Any:
        function.asmx_doc = doc  # type: ignore[attr-defined]
        return decorator(function)

    return wrap

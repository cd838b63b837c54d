"""Reading and writing simple XSD values the way ASP.NET clients send and expect them."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from interfax_soap.asmx.schema import INT_RANGES

__all__ = ["BadValue", "parse_value", "format_value", "MIN_DATETIME"]

MIN_DATETIME = "0001-01-01T00:00:00"

_DATE = re.compile(
    r"^(?P<y>-?\d{4,})-(?P<mo>\d{2})-(?P<d>\d{2})"
    r"(?:[T ](?P<h>\d{2}):(?P<mi>\d{2})(?::(?P<s>\d{2})(?:\.(?P<f>\d+))?)?)?"
    r"(?P<tz>Z|[+-]\d{2}:?\d{2})?$"
)
_WHITESPACE = re.compile(rb"\s+")


class BadValue(ValueError):
    """A value that is not what its XSD type requires (the caller answers a Client fault)."""


def _parse_datetime(text: str) -> dt.datetime | None:
    """Every form of COMPAT 11; a naive result means "in the user's zone"; None = MinValue."""
    match = _DATE.match(text)
    if not match:
        raise BadValue(f"'{text}' is not a valid dateTime")
    parts = match.groupdict()
    try:
        year = int(parts["y"])
        if year < 1:
            return None
        fraction = (parts["f"] or "0")[:6].ljust(6, "0")
        value = dt.datetime(
            year,
            int(parts["mo"]),
            int(parts["d"]),
            int(parts["h"] or 0),
            int(parts["mi"] or 0),
            int(parts["s"] or 0),
            int(fraction),
        )
    except ValueError as exc:
        raise BadValue(f"'{text}' is not a valid dateTime") from exc
    # Fix: MinValue sent with an offset (`0001-01-01T00:00:00+05:00`, how Java/PHP clients write
    # an unset date) fell before year 1 once converted to UTC and the call died with an
    # OverflowError (HTTP 500 Server fault). Anything on the first day of year 1 is MinValue
    # ("send now"); no valid offset (under 24 h) can move a later value out of range.
    if value < dt.datetime(1, 1, 2):
        return None
    zone = parts["tz"]
    if zone:
        if zone == "Z":
            return value.replace(tzinfo=dt.UTC)
        sign = -1 if zone[0] == "-" else 1
        digits = zone[1:].replace(":", "")
        offset = dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
        # Fix: an offset of 24 h or more made dt.timezone raise a bare ValueError (answered
        # "500 text/plain", not a SOAP fault), and `9999-12-31T23:00:00-05:00` overflowed
        # later when converted to UTC (a Server fault). Both are the client's error.
        try:
            aware = value.replace(tzinfo=dt.timezone(sign * offset))
            aware.astimezone(dt.UTC)
        except (ValueError, OverflowError) as exc:
            raise BadValue(f"'{text}' is not a valid dateTime") from exc
        return aware
    return value


def parse_value(kind: str, text: str | None) -> Any:
    """Parses the text of an element of XSD ``kind``.

    An empty element of a value type reads as its default (CONVENTIONS "Wire errors").

    Raises:
        BadValue: the text is not of the kind (non-numeric int, broken base64, ...).
    """
    if kind == "string":
        return text if text is not None else ""
    raw = (text or "").strip()
    if kind in INT_RANGES:
        if not raw:
            return 0
        if not re.fullmatch(r"[+-]?\d+", raw):
            raise BadValue(f"Input string '{raw}' was not in a correct format.")
        value = int(raw)
        bits = INT_RANGES[kind]
        if not -(2 ** (bits - 1)) <= value < 2 ** (bits - 1):
            raise BadValue(f"Value '{raw}' was either too large or too small for an {kind}.")
        return value
    if kind == "boolean":
        lowered = raw.lower()
        if lowered in ("", "false", "0"):
            return False
        if lowered in ("true", "1"):
            return True
        raise BadValue(f"The string '{raw}' is not a valid Boolean value.")
    if kind == "dateTime":
        return _parse_datetime(raw) if raw else None
    if kind == "base64Binary":
        compact = _WHITESPACE.sub(b"", raw.encode("ascii", "replace"))
        try:
            return base64.b64decode(compact, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise BadValue("Invalid character in a Base-64 string.") from exc
    if kind == "decimal":
        if not raw:
            return Decimal(0)
        try:
            return Decimal(raw)
        except InvalidOperation as exc:
            raise BadValue(f"Input string '{raw}' was not in a correct format.") from exc
    raise BadValue(f"unsupported kind {kind}")


def _format_datetime(value: dt.datetime | None) -> str:
    """ASP.NET's unspecified-kind DateTime: no offset, fractions trimmed (COMPAT 13)."""
    if value is None:
        return MIN_DATETIME
    text = value.replace(tzinfo=None).isoformat(timespec="microseconds")
    return text.rstrip("0").rstrip(".")


def format_value(kind: str, value: Any) -> str:
    """Writes a simple value as .NET's XmlSerializer does (``true``, ``1.00``, one-line base64)."""
    if kind == "string":
        return str(value)
    if kind in INT_RANGES:
        return str(int(value or 0))
    if kind == "boolean":
        return "true" if value else "false"
    if kind == "dateTime":
        return _format_datetime(value)
    if kind == "base64Binary":
        return base64.b64encode(value or b"").decode("ascii")
    if kind == "decimal":
        return str(value if value is not None else Decimal(0))
    raise TypeError(f"unsupported kind {kind}")

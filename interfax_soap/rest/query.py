"""Reading REST query strings with every leniency real clients need (REST-FACTS 1.2).

Names match case-insensitively and unknown ones are ignored; a key without ``=`` (Ruby) is
absent; booleans are ``true``/``True``/``TRUE``/``1``/``yes``; id lists come repeated,
comma-separated, space-separated or as Python's tuple repr, so their digit runs are taken;
dates come in ISO (with ``Z``, an offset or a fraction, or none: UTC), as a bare date, or as
Java's ``Date.toString()``.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import re
import urllib.parse

from interfax_soap.engine.codes import ResultCode
from interfax_soap.rest.wire import ApiError, error_for

__all__ = ["Query", "parse_date"]

_TRUE = ("true", "1", "yes", "on")
_FALSE = ("false", "0", "no", "off")
_DIGITS = re.compile(r"\d+")
_INT = re.compile(r"^\s*[-+]?\d{1,18}\s*$")
_JAVA_DATE = re.compile(
    r"^\s*\w{3}\s+(\w{3})\s+(\d{1,2})\s+(\d{1,2}):(\d{2}):(\d{2})\s+(\S+)\s+(\d{4})\s*$"
)
_MONTHS = {
    m: i
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}


def _bad(name: str, value: str) -> ApiError:
    return error_for(ResultCode.BAD_VERB, f"{name}={value!r} is not a valid value")


class Query:
    """The query string of one request, read from the raw URI (never from the body)."""

    def __init__(self, raw_query: bytes) -> None:
        self._values: dict[str, list[str]] = {}
        self._raw: dict[str, list[str]] = {}
        for piece in raw_query.split(b"&"):
            key, sep, value = piece.partition(b"=")
            if not sep or not key:
                continue  # "?email" (Ruby's bare key) is treated as absent
            name = urllib.parse.unquote_plus(key.decode("latin-1")).strip().lower()
            text = value.decode("latin-1")
            self._raw.setdefault(name, []).append(text)
            decoded = urllib.parse.unquote_plus(text, encoding="utf-8", errors="replace")
            self._values.setdefault(name, []).append(decoded)

    @classmethod
    def of_uri(cls, uri: bytes) -> Query:
        return cls(uri.partition(b"?")[2])

    def text(self, name: str) -> str | None:
        """The first value; an empty value is absent."""
        values = self._values.get(name.lower())
        if not values or not values[0].strip():
            return None
        return values[0]

    def flag(self, name: str, default: bool = False) -> bool:
        value = (self.text(name) or "").strip().lower()
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
        return default

    def integer(self, name: str, default: int | None = None) -> int | None:
        value = self.text(name)
        if value is None:
            return default
        if not _INT.match(value):
            raise _bad(name, value)
        return int(value)

    def ids(self, name: str) -> tuple[int, ...]:
        """Every digit run of every value: ``1,2``, ``1%2C2``, ``ids=1&ids=2``, ``(1, 2)``."""
        found: list[int] = []
        for value in self._values.get(name.lower(), []):
            found.extend(int(d) for d in _DIGITS.findall(value) if len(d) <= 18)
        return tuple(dict.fromkeys(found))

    def words(self, name: str) -> tuple[str, ...]:
        """A comma list of names, repeated or not (``userId=a,b``)."""
        found: list[str] = []
        for value in self._values.get(name.lower(), []):
            found.extend(w.strip() for w in value.split(",") if w.strip())
        return tuple(dict.fromkeys(found))

    def fax_number(self, name: str) -> str | None:
        """A fax number; a raw ``+`` (which form decoding turns into a space) is kept as the
        international prefix it meant."""
        raws = self._raw.get(name.lower())
        value = self.text(name)
        if value is None or not raws:
            return None
        if raws[0].startswith("+"):
            return "+" + value.lstrip()
        return value

    def date(self, name: str) -> dt.datetime | None:
        value = self.text(name)
        if value is None:
            return None
        parsed = parse_date(value)
        if parsed is None:
            raise _bad(name, value)
        return parsed

    def sort_ascending(self, name: str = "sortOrder") -> bool:
        return (self.text(name) or "").strip().lower().startswith("asc")


def parse_date(text: str) -> dt.datetime | None:
    """An aware datetime (UTC when the text names no zone), or None when it does not read."""
    value = text.strip()
    iso = value.replace(" ", "T", 1) if re.match(r"^\d{4}-\d{2}-\d{2} \d", value) else value
    if iso.endswith(("Z", "z")):
        iso = iso[:-1] + "+00:00"
    parsed: dt.datetime | None
    try:
        parsed = dt.datetime.fromisoformat(iso)
    except ValueError:
        parsed = _java_date(value) or _rfc_date(value)
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed


def _java_date(value: str) -> dt.datetime | None:
    """``Mon Oct 03 00:36:41 UTC 2016`` (java.util.Date.toString(); zones other than UTC/GMT
    are read as UTC, Java prints only their abbreviation)."""
    match = _JAVA_DATE.match(value)
    if not match:
        return None
    month, day, hour, minute, second, _zone, year = match.groups()
    if month.lower() not in _MONTHS:
        return None
    try:
        return dt.datetime(
            int(year),
            _MONTHS[month.lower()],
            int(day),
            int(hour),
            int(minute),
            int(second),
            tzinfo=dt.UTC,
        )
    except ValueError:
        return None


def _rfc_date(value: str) -> dt.datetime | None:
    try:
        return email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None

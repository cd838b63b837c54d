"""A lenient multipart reader for send bodies (``multipart/mixed`` and ``multipart/form-data``).

It accepts the part shapes the official clients emit (REST-FACTS 3.1 C): a quoted or bare
boundary; parts with a type only, with odd ``Content-Disposition`` forms, or with only a
``Content-Location``; Node's reference part whose header block runs straight into the next
delimiter, its extra CRLF after a document, and its closing delimiter without a line end.
"""

from __future__ import annotations

import dataclasses
import re
import urllib.parse

__all__ = ["Part", "boundary_of", "parse_multipart", "header_parameters"]

_HEADER = re.compile(rb"^([!#$%&'*+.^_`|~0-9A-Za-z-]+)[ \t]*:[ \t]*(.*)$")


@dataclasses.dataclass(frozen=True)
class Part:
    headers: dict[str, str]  # lower-case names
    body: bytes

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    @property
    def filename(self) -> str | None:
        params = header_parameters(self.header("content-disposition") or "")
        return params.get("filename*") or params.get("filename")


def header_parameters(value: str) -> dict[str, str]:
    """``form-data; name="f"; filename*=UTF-8''a%20b.pdf`` -> {name, filename*} (lower-case
    keys, quotes removed, RFC 5987 values decoded)."""
    found: dict[str, str] = {}
    for piece in _split_parameters(value)[1:]:
        key, sep, raw = piece.partition("=")
        if not sep:
            continue
        key = key.strip().lower()
        raw = raw.strip()
        if len(raw) >= 2 and raw[0] == raw[-1] == '"':
            raw = raw[1:-1].replace('\\"', '"')
        if key.endswith("*"):
            charset, _, rest = raw.partition("'")
            _language, _, encoded = rest.partition("'")
            raw = urllib.parse.unquote(encoded, encoding=charset or "utf-8", errors="replace")
        found[key] = raw
    return found


def _split_parameters(value: str) -> list[str]:
    """Splits on ``;`` outside quotes."""
    pieces: list[str] = []
    current: list[str] = []
    quoted = False
    for char in value:
        if char == '"':
            quoted = not quoted
        if char == ";" and not quoted:
            pieces.append("".join(current))
            current = []
            continue
        current.append(char)
    pieces.append("".join(current))
    return pieces


def boundary_of(content_type: str) -> str | None:
    boundary = header_parameters(content_type).get("boundary")
    return boundary or None


def parse_multipart(body: bytes, boundary: str) -> list[Part]:
    """The parts, in order. A body without any delimiter has no parts."""
    delimiter = b"--" + boundary.encode("latin-1")
    positions = _delimiters(body, delimiter)
    parts = []
    for index, start in enumerate(positions):
        after = start + len(delimiter)
        if body[after : after + 2] == b"--":
            break  # the closing delimiter; what follows is the epilogue
        end = positions[index + 1] if index + 1 < len(positions) else len(body)
        segment = body[after:end]
        parts.append(_part(_trim(segment, last=index + 1 >= len(positions))))
    return parts


def _delimiters(body: bytes, delimiter: bytes) -> list[int]:
    """Offsets of delimiter lines: at the start of the body or right after a line end."""
    found = []
    index = body.find(delimiter)
    while index >= 0:
        if index == 0 or body[index - 1 : index] == b"\n":
            found.append(index)
        index = body.find(delimiter, index + len(delimiter))
    return found


def _trim(segment: bytes, last: bool) -> bytes:
    """Drops the rest of the delimiter line and the line end that belongs to the next
    delimiter."""
    line_end = segment.find(b"\n")
    if line_end < 0:
        return b""
    segment = segment[line_end + 1 :]
    if not last:
        if segment.endswith(b"\r\n"):
            segment = segment[:-2]
        elif segment.endswith(b"\n"):
            segment = segment[:-1]
    return segment


def _part(segment: bytes) -> Part:
    for separator in (b"\r\n\r\n", b"\n\n"):
        head, sep, body = segment.partition(separator)
        if sep and _all_headers(head):
            return Part(_headers(head), body)
    if segment.startswith((b"\r\n", b"\n")):  # no headers at all
        return Part({}, segment.split(b"\n", 1)[1])
    if _all_headers(segment.rstrip(b"\r\n")):
        return Part(_headers(segment.rstrip(b"\r\n")), b"")  # Node: headers only, no blank line
    return Part({}, segment)


def _lines(head: bytes) -> list[bytes]:
    return [line.rstrip(b"\r") for line in head.split(b"\n") if line.strip()]


def _all_headers(head: bytes) -> bool:
    lines = _lines(head)
    return bool(lines) and all(_HEADER.match(line) for line in lines)


def _headers(head: bytes) -> dict[str, str]:
    headers: dict[str, str] = {}
    for line in _lines(head):
        match = _HEADER.match(line)
        if match:
            name = match.group(1).decode("latin-1").lower()
            headers[name] = match.group(2).decode("utf-8", "replace").strip()
    return headers

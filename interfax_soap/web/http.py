"""Request and response values of the account web, independent of the pages."""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlencode

from interfax_soap.engine.websessions import WebSession

__all__ = [
    "Page",
    "Response",
    "Stream",
    "redirect",
    "SESSION_COOKIE",
    "PRE_COOKIE",
    "LANG_COOKIE",
    "COOKIE_PATH",
    "SECURITY_HEADERS",
]

SESSION_COOKIE = "ifx_session"
PRE_COOKIE = "ifx_signin"  # the sign-in form's CSRF token, before there is a session
LANG_COOKIE = "ifx_lang"
COOKIE_PATH = "/web/"

# Fields of a form or of the answer to one, never carried into links.
_NOT_KEPT = frozenset({"csrf", "msg", "err", "new", "n"})

SECURITY_HEADERS = {
    "content-security-policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
}


@dataclasses.dataclass
class Page:
    """One request to a page, as the handlers see it."""

    request: Any
    path: str  # below /web/, e.g. "sent/12"
    lang: str
    secure: bool
    address: str
    base_url: str
    session: WebSession | None = None

    def arg(self, name: str, default: str = "") -> str:
        """The first value of a query or form field, decoded (UTF-8, NULs removed)."""
        values = self.request.args.get(name.encode())
        if not values:
            return default
        first: bytes = values[0]
        return first.decode("utf-8", "replace").replace("\x00", "")

    def has(self, name: str) -> bool:
        return name.encode() in self.request.args

    def cookie(self, name: str) -> str | None:
        value = self.request.getCookie(name.encode())
        return value.decode("latin-1") if value is not None else None

    def header(self, name: str) -> str | None:
        value = self.request.getHeader(name.encode())
        return value.decode("latin-1") if value is not None else None

    def query(self, **changes: Any) -> str:
        """This request's query string with some fields changed (None removes one)."""
        fields: dict[str, str] = {}
        for key, values in self.request.args.items():
            name = key.decode("utf-8", "replace")
            if name in _NOT_KEPT:
                continue
            fields[name] = values[0].decode("utf-8", "replace")
        for key, value in changes.items():
            if value is None:
                fields.pop(key, None)
            else:
                fields[key] = str(value)
        return urlencode([(k, v) for k, v in fields.items() if v != ""])


@dataclasses.dataclass
class Response:
    status: int = 200
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = dataclasses.field(default_factory=dict)
    # (name, value, max_age seconds or None for a browser session, http_only)
    cookies: list[tuple[str, str, int | None, bool]] = dataclasses.field(default_factory=list)


Send = Callable[[bytes], Awaitable[bool]]


@dataclasses.dataclass
class Stream:
    """A body written in pieces as it is produced (exports): ``produce(send)`` calls
    ``send(bytes)``, which waits while the client is slow and answers False once it left."""

    content_type: str
    produce: Callable[[Send], Awaitable[None]]
    headers: dict[str, str] = dataclasses.field(default_factory=dict)


def redirect(location: str, status: int = 303) -> Response:
    return Response(status=status, headers={"location": location}, content_type="text/plain")

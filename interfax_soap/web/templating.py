"""Jinja2 templates (autoescaped) and the static files of the account web."""

from __future__ import annotations

import datetime as dt
import hashlib
from importlib import resources
from typing import Any

import jinja2
import phonenumbers

__all__ = ["Templates", "StaticFiles", "fax_number", "when", "duration"]


def when(value: dt.datetime | None) -> str:
    """A time as the page shows it (already in the reader's zone)."""
    return value.strftime("%Y-%m-%d %H:%M:%S") if value is not None else "—"


def duration(seconds: int | None) -> str:
    if not seconds:
        return "0:00"
    return f"{seconds // 60}:{seconds % 60:02d}"


def fax_number(canonical: str | None) -> str:
    """``0012125550100`` -> ``+1 212-555-0100`` (the stored 00 form when it does not parse)."""
    if not canonical:
        return ""
    if canonical.startswith("00"):
        try:
            number = phonenumbers.parse("+" + canonical[2:], None)
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
        except phonenumbers.NumberParseException:
            pass
    return canonical


class Templates:
    def __init__(self) -> None:
        self._env = jinja2.Environment(
            loader=jinja2.PackageLoader("interfax_soap.web", "templates"),
            autoescape=True,  # every template is HTML
            trim_blocks=True,
            lstrip_blocks=True,
            undefined=jinja2.StrictUndefined,
        )
        self._env.filters.update(when=when, duration=duration, fax_number=fax_number)

    def render(self, name: str, **context: Any) -> bytes:
        return self._env.get_template(name).render(**context).encode("utf-8")


class StaticFiles:
    """The CSS and script, read once; URLs carry a content hash so they can be cached."""

    TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8"}

    def __init__(self) -> None:
        folder = resources.files("interfax_soap.web") / "static"
        self._files: dict[str, bytes] = {}
        for entry in folder.iterdir():
            if entry.name.endswith(tuple(self.TYPES)):
                self._files[entry.name] = entry.read_bytes()
        digest = hashlib.sha256(b"".join(self._files[k] for k in sorted(self._files)))
        self.version = digest.hexdigest()[:12]

    def get(self, name: str) -> tuple[bytes, str] | None:
        data = self._files.get(name)
        if data is None:
            return None
        return data, self.TYPES["." + name.rsplit(".", 1)[-1]]

    def url(self, name: str) -> str:
        return f"/web/static/{name}?v={self.version}"

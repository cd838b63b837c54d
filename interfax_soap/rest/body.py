"""The documents of a send request (REST-FACTS 3.1, checklist 10.3).

A request-level ``Content-Location`` wins and the body is ignored; else a ``multipart/*``
body gives one document per part; else the body is one document of the request's type.
A ``Content-Location`` naming ``/outbound/documents/{id}`` is an upload session whatever the
host (PHP rebuilds it from its own base URI); any other URL is a web document.
"""

from __future__ import annotations

import re
import urllib.parse

from interfax_soap.engine.rest_send import DocumentPart
from interfax_soap.rest.multipart import Part, boundary_of, parse_multipart

__all__ = ["document_parts", "reference_part", "session_id_of"]

_SESSION_PATH = re.compile(r"/outbound/documents/([0-9A-Za-z]+)/?$", re.IGNORECASE)


def session_id_of(url: str) -> str | None:
    """The upload session a URL names, by path only; None for any other URL."""
    path = urllib.parse.urlsplit(url.strip()).path
    match = _SESSION_PATH.search(path)
    return match.group(1).lower() if match else None


def reference_part(url: str) -> DocumentPart:
    session = session_id_of(url)
    if session is not None:
        return DocumentPart(document_id=session)
    return DocumentPart(url=url.strip())


def document_parts(
    content_type: str | None, content_location: str | None, body: bytes
) -> list[DocumentPart]:
    """The parts of a send, in order (empty ones included; the engine skips them)."""
    if content_location and content_location.strip():
        return [reference_part(content_location)]
    essence = (content_type or "").split(";")[0].strip().lower()
    if essence.startswith("multipart/"):
        boundary = boundary_of(content_type or "")
        if boundary:
            return [_from_part(part) for part in parse_multipart(body, boundary)]
        return []
    return [DocumentPart(data=body, content_type=content_type)]


def _from_part(part: Part) -> DocumentPart:
    location = part.header("content-location")
    if location and location.strip() and not part.body.strip():
        return reference_part(location)
    return DocumentPart(
        data=part.body, content_type=part.header("content-type"), name=part.filename
    )

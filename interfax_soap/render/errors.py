"""Rendering failures, each carrying the fax transaction status it maps to (CONVENTIONS.md)."""

from __future__ import annotations

from interfax_soap.engine.codes import FaxStatus

__all__ = ["RenderError", "DocumentTooLarge", "RenderTimeout"]


class RenderError(Exception):
    """A document could not be turned into fax pages.

    The message is meant for logs and for the user's error report; the caller records
    ``status`` as the transaction status.
    """

    status: int = int(FaxStatus.RENDERING_ERROR)


class DocumentTooLarge(RenderError):
    """A document is over the limits: too many pages or an image too large to decode."""

    status: int = int(FaxStatus.DOCUMENT_TOO_LARGE)


class RenderTimeout(RenderError):
    """Rendering took longer than the pool's time limit; the rendering process was killed."""

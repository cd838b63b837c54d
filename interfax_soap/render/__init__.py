"""Documents to fax pages: G3/G4 TIFF, min-is-white, 1728 pixels wide.

A port: it imports nothing of the engine but ``engine.codes``. ``render_documents`` does the
work in the calling process; servers call it through ``RenderPool``, which runs it in child
processes with a time and memory limit.
"""

from interfax_soap.render.documents import SUPPORTED_FILE_TYPES, render_document, render_documents
from interfax_soap.render.errors import DocumentTooLarge, RenderError, RenderTimeout
from interfax_soap.render.faxtiff import (
    FaxPageInfo,
    FaxTiffInfo,
    FaxTiffWriter,
    describe_fax_tiff,
    encode_fax_tiff,
    is_fax_compliant,
)
from interfax_soap.render.options import RenderedDocument, RenderOptions
from interfax_soap.render.pool import RenderPool

__all__ = [
    "SUPPORTED_FILE_TYPES",
    "DocumentTooLarge",
    "FaxPageInfo",
    "FaxTiffInfo",
    "FaxTiffWriter",
    "RenderError",
    "RenderOptions",
    "RenderPool",
    "RenderTimeout",
    "RenderedDocument",
    "describe_fax_tiff",
    "encode_fax_tiff",
    "is_fax_compliant",
    "render_document",
    "render_documents",
]

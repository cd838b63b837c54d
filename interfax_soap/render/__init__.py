"""Documents to fax pages: G3/G4 TIFF, min-is-white, 1728 pixels wide.

A port: it imports nothing of the engine but ``engine.codes`` and ``engine.records``.
``render_documents`` does the work in the calling process; servers call it through
``RenderPool``, which runs it in child processes with a time and memory limit.
``supported_file_types()`` (and ``SUPPORTED_FILE_TYPES``, computed when read) says which
FileTypes this installation renders: HTML needs WeasyPrint, PS/EPS Ghostscript, office
documents LibreOffice.
"""

from interfax_soap.render.documents import (
    BASE_FILE_TYPES,
    KNOWN_FILE_TYPES,
    render_document,
    render_documents,
    supported_file_types,
)
from interfax_soap.render.errors import DocumentTooLarge, RenderError, RenderTimeout
from interfax_soap.render.faxtiff import (
    FaxPageInfo,
    FaxTiffInfo,
    FaxTiffWriter,
    describe_fax_tiff,
    encode_fax_tiff,
    is_fax_compliant,
)
from interfax_soap.render.header import PageHeaderTemplate, stamp_header
from interfax_soap.render.options import RenderedDocument, RenderOptions
from interfax_soap.render.pool import RenderPool

__all__ = [
    "BASE_FILE_TYPES",
    "KNOWN_FILE_TYPES",
    "SUPPORTED_FILE_TYPES",
    "DocumentTooLarge",
    "FaxPageInfo",
    "FaxTiffInfo",
    "FaxTiffWriter",
    "PageHeaderTemplate",
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
    "stamp_header",
    "supported_file_types",
]


def __getattr__(name: str) -> object:
    # What is installed can change while the process runs: compute it when asked.
    if name == "SUPPORTED_FILE_TYPES":
        return supported_file_types()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

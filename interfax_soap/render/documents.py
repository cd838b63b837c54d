"""Documents of any supported FileType to one fax TIFF: the entry point of the renderer."""

from __future__ import annotations

import ctypes
import functools
import importlib.util
from collections.abc import Callable, Iterator, Sequence

from PIL import Image

from interfax_soap.render.converters import find_ghostscript, find_libreoffice
from interfax_soap.render.errors import DocumentTooLarge, RenderError
from interfax_soap.render.faxtiff import FaxTiffWriter, describe_fax_tiff, is_fax_compliant
from interfax_soap.render.header import PageHeaderTemplate, stamp_header
from interfax_soap.render.html import HTML_FILE_TYPES, render_html
from interfax_soap.render.images import render_image
from interfax_soap.render.office import OFFICE_FILE_TYPES, render_office
from interfax_soap.render.options import RenderedDocument, RenderOptions
from interfax_soap.render.pdf import render_pdf
from interfax_soap.render.postscript import POSTSCRIPT_FILE_TYPES, render_postscript
from interfax_soap.render.text import render_text

__all__ = [
    "BASE_FILE_TYPES",
    "KNOWN_FILE_TYPES",
    "render_document",
    "render_documents",
    "supported_file_types",
    "missing_component",
]

BASE_FILE_TYPES = ("TXT", "PDF", "TIF", "TIFF", "PNG", "JPG", "JPEG", "GIF", "BMP")
"""FileType tokens rendered with the package's own dependencies (always available)."""

_Renderer = Callable[[bytes, RenderOptions, int], Iterator[Image.Image]]
_RENDERERS: dict[str, _Renderer] = {
    "TXT": render_text,
    "PDF": render_pdf,
    "TIF": render_image,
    "TIFF": render_image,
    "PNG": render_image,
    "JPG": render_image,
    "JPEG": render_image,
    "GIF": render_image,
    "BMP": render_image,
    **{kind: render_html for kind in HTML_FILE_TYPES},
    **{kind: functools.partial(render_postscript, kind=kind) for kind in POSTSCRIPT_FILE_TYPES},
    **{kind: functools.partial(render_office, kind=kind) for kind in OFFICE_FILE_TYPES},
}
KNOWN_FILE_TYPES = tuple(_RENDERERS)
"""Every FileType token this renderer knows, whether or not its component is installed."""

_PANGO_LIBRARIES = (
    ("libpango-1.0.so.0", "libpango-1.0.so"),
    ("libpangoft2-1.0.so.0", "libpangoft2-1.0.so"),
)


def supported_file_types(path: str | None = None) -> tuple[str, ...]:
    """The FileType tokens this installation can really render, upper case.

    The base types always; HTML and HTM when WeasyPrint and Pango's libraries load; PS and
    EPS when Ghostscript (``gs``) is on the path; DOC, DOCX, XLS, XLSX, PPT, PPTX, RTF, ODT,
    ODS and ODP when LibreOffice (``soffice``) is.

    Args:
        path: Search path for the programs (default: $PATH).

    Returns:
        The tokens, base types first.
    """
    return tuple(kind for kind in KNOWN_FILE_TYPES if missing_component(kind, path) is None)


def missing_component(kind: str, path: str | None = None) -> str | None:
    """What is missing to render ``kind`` (a known FileType token), or None.

    Args:
        kind: An upper-case FileType token.
        path: Search path for the programs (default: $PATH).

    Returns:
        A phrase such as "LibreOffice is not installed", or None when it can be rendered.
    """
    if kind in HTML_FILE_TYPES and not _weasyprint_usable():
        return "WeasyPrint with Pango is not installed"
    if kind in POSTSCRIPT_FILE_TYPES and find_ghostscript(path) is None:
        return "Ghostscript is not installed"
    if kind in OFFICE_FILE_TYPES and find_libreoffice(path) is None:
        return "LibreOffice is not installed"
    return None


@functools.cache
def _weasyprint_usable() -> bool:
    """WeasyPrint is importable and Pango's libraries load (checked without importing it)."""
    if importlib.util.find_spec("weasyprint") is None:
        return False
    for names in _PANGO_LIBRARIES:
        if not any(_loads(name) for name in names):
            return False
    return True


def _loads(library: str) -> bool:
    try:
        ctypes.CDLL(library)
    except OSError:
        return False
    return True


def __getattr__(name: str) -> object:
    # SUPPORTED_FILE_TYPES is computed when asked for: what is installed can change.
    if name == "SUPPORTED_FILE_TYPES":
        return supported_file_types()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def render_document(data: bytes, file_type: str, options: RenderOptions) -> RenderedDocument:
    """Render one document to a fax TIFF.

    Args:
        data: The document's bytes.
        file_type: Its FileType token (any case; see ``supported_file_types``).
        options: Resolution, page size and orientation, limits.

    Returns:
        The fax TIFF and its page count.

    Raises:
        RenderError: Unsupported type, unreadable document, or text no font can draw.
        DocumentTooLarge: More than ``options.max_pages`` pages or an image too large.
    """
    return render_documents([(data, file_type)], options)


def render_documents(
    documents: Sequence[tuple[bytes, str]],
    options: RenderOptions,
    header: PageHeaderTemplate | None = None,
) -> RenderedDocument:
    """Render the documents of one fax, in order, into a single fax TIFF.

    A lone TIFF that is already a compliant fax image at the requested resolution
    (``faxtiff.is_fax_compliant``) is returned byte for byte.

    Args:
        documents: (data, FileType token) pairs, the fax's attachments in order.
        options: Resolution, page size and orientation, limits (the page limit counts the
            pages of all documents together).
        header: Printed at the top of every page (``header.stamp_header``), or None.

    Returns:
        The fax TIFF and its page count.

    Raises:
        RenderError: No documents, an unsupported type, an unreadable document, or text no
            font can draw. The message names the document (1-based) that failed.
        DocumentTooLarge: More than ``options.max_pages`` pages or an image too large.
    """
    if not documents:
        raise RenderError("no document to render")
    kinds = [_kind(file_type) for _, file_type in documents]
    if len(documents) == 1 and kinds[0] in ("TIF", "TIFF"):
        passed = _pass_through(documents[0][0], options)
        if passed is not None:
            return passed if header is None else stamp_header(passed.tiff, header, options)
    writer = FaxTiffWriter(fine=options.fine, compression=options.compression)
    for number, ((data, _), kind) in enumerate(zip(documents, kinds, strict=True), 1):
        budget = options.max_pages - writer.page_count
        try:
            for page in _RENDERERS[kind](data, options, budget):
                writer.add_page(page)
        except RenderError as exc:
            if len(documents) == 1:
                raise
            raise type(exc)(f"document {number} ({kind}): {exc}") from exc
        except MemoryError:
            raise  # the pool replaces a process that ran out of memory
        except Exception as exc:
            # A library failing on a malformed file (ZeroDivisionError in a decoder, ...) is
            # a rendering failure of that document, not a crash of the renderer.
            raise RenderError(f"document {number} ({kind}) failed to render: {exc!r}") from exc
    body = RenderedDocument(tiff=writer.finish(), pages=writer.page_count, fine=options.fine)
    return body if header is None else stamp_header(body.tiff, header, options)


def _kind(file_type: str) -> str:
    kind = file_type.strip().upper().lstrip(".")
    if kind not in _RENDERERS:
        raise RenderError(f"unsupported file type {file_type!r}")
    missing = missing_component(kind)
    if missing is not None:
        raise RenderError(f"unsupported file type {file_type!r} here: {missing}")
    return kind


def _pass_through(data: bytes, options: RenderOptions) -> RenderedDocument | None:
    if not is_fax_compliant(data, fine=options.fine):
        return None
    pages = describe_fax_tiff(data).page_count
    if pages > options.max_pages:
        raise DocumentTooLarge(f"the fax would have more than {options.max_pages} pages")
    return RenderedDocument(tiff=data, pages=pages, fine=options.fine)

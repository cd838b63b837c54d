"""Documents of any supported FileType to one fax TIFF: the entry point of the renderer."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

from PIL import Image

from interfax_soap.render.errors import DocumentTooLarge, RenderError
from interfax_soap.render.faxtiff import FaxTiffWriter, describe_fax_tiff, is_fax_compliant
from interfax_soap.render.images import render_image
from interfax_soap.render.options import RenderedDocument, RenderOptions
from interfax_soap.render.pdf import render_pdf
from interfax_soap.render.text import render_text

__all__ = ["SUPPORTED_FILE_TYPES", "render_document", "render_documents"]

SUPPORTED_FILE_TYPES = ("TXT", "PDF", "TIF", "TIFF", "PNG", "JPG", "JPEG", "GIF", "BMP")
"""FileType tokens this renderer handles (compared case-insensitively)."""

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
}


def render_document(data: bytes, file_type: str, options: RenderOptions) -> RenderedDocument:
    """Render one document to a fax TIFF.

    Args:
        data: The document's bytes.
        file_type: Its FileType token (TXT, PDF, TIF, TIFF, PNG, JPG, JPEG, GIF, BMP; any case).
        options: Resolution, page size and orientation, limits.

    Returns:
        The fax TIFF and its page count.

    Raises:
        RenderError: Unsupported type, unreadable document, or text no font can draw.
        DocumentTooLarge: More than ``options.max_pages`` pages or an image too large.
    """
    return render_documents([(data, file_type)], options)


def render_documents(
    documents: Sequence[tuple[bytes, str]], options: RenderOptions
) -> RenderedDocument:
    """Render the documents of one fax, in order, into a single fax TIFF.

    A lone TIFF that is already a compliant fax image at the requested resolution
    (``faxtiff.is_fax_compliant``) is returned byte for byte.

    Args:
        documents: (data, FileType token) pairs, the fax's attachments in order.
        options: Resolution, page size and orientation, limits (the page limit counts the
            pages of all documents together).

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
            return passed
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
    return RenderedDocument(tiff=writer.finish(), pages=writer.page_count, fine=options.fine)


def _kind(file_type: str) -> str:
    kind = file_type.strip().upper().lstrip(".")
    if kind not in _RENDERERS:
        raise RenderError(f"unsupported file type {file_type!r}")
    return kind


def _pass_through(data: bytes, options: RenderOptions) -> RenderedDocument | None:
    if not is_fax_compliant(data, fine=options.fine):
        return None
    pages = describe_fax_tiff(data).page_count
    if pages > options.max_pages:
        raise DocumentTooLarge(f"the fax would have more than {options.max_pages} pages")
    return RenderedDocument(tiff=data, pages=pages, fine=options.fine)

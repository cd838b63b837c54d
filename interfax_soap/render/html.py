"""HTML to fax pages: WeasyPrint lays the document out on the fax page, PDFium rasterises it.

Nothing is fetched while rendering: the URL fetcher given to WeasyPrint answers ``data:``
URIs itself and refuses every other URL (http, file, ftp, ...). A document that refers to an
external resource (stylesheet, image, font, object) fails with a RenderError naming it
(status 204000) rather than being faxed without it. Relative references are resolved
against a base on a reserved host (``document.invalid``) so that they reach the fetcher
and are refused the same way, instead of being skipped silently. Likewise a resource WeasyPrint
reports it could not use (a damaged or oversized inline image) fails the document.

The character set comes from, in order: the declared charset (RenderOptions.charset), a
byte-order mark, the document's ``<meta charset>`` or ``http-equiv`` declaration, then the
same detection as text faxes (UTF-8, ISO-2022-JP, Shift_JIS/CP932, EUC-JP, Windows-1252).
The page size and orientation asked for win over the document's ``@page size``; its
margins are kept (0.5 inch when it sets none).
"""

from __future__ import annotations

import base64
import binascii
import codecs
import importlib
import logging
import re
import urllib.parse
from collections.abc import Iterator
from typing import Any

from PIL import Image

from interfax_soap.render.charsets import decode_text
from interfax_soap.render.errors import RenderError
from interfax_soap.render.fonts import available_faces
from interfax_soap.render.options import PAGE_SIZES, RenderOptions
from interfax_soap.render.pdf import render_pdf
from interfax_soap.render.raster import check_page_budget

__all__ = ["HTML_FILE_TYPES", "decode_data_uri", "decode_html", "html_to_pdf", "render_html"]

logger = logging.getLogger(__name__)

HTML_FILE_TYPES = ("HTML", "HTM")
"""FileType tokens laid out by WeasyPrint."""

_BASE_URL = "https://document.invalid/"
_PRESCAN_BYTES = 4096  # where the HTML standard looks for a <meta> charset (1024) and more
_META_CHARSET = re.compile(rb"""<meta\b[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.I)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_MARGIN = "0.5in"
_MAX_DATA_URI_BYTES = 64 * 1024 * 1024
_REFUSED_SHOWN = 3
# Kana, CJK punctuation, ideographs, half-width forms: text that needs a Japanese font.
_CJK = re.compile("[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")


def render_html(data: bytes, options: RenderOptions, budget: int) -> Iterator[Image.Image]:
    """Lay out an HTML document on fax pages and rasterise them.

    Args:
        data: The document.
        options: Page size, orientation, resolution, declared charset, limits.
        budget: Fax pages still allowed.

    Yields:
        Mode "1" fax pages.

    Raises:
        RenderError: WeasyPrint is not installed, the document refers to an external
            resource, or it needs a font that is not installed.
        DocumentTooLarge: More pages than ``budget``.
    """
    yield from render_pdf(html_to_pdf(data, options, budget), options, budget)


def html_to_pdf(data: bytes, options: RenderOptions, budget: int) -> bytes:
    """The document laid out by WeasyPrint on pages of the requested size.

    Args:
        data: The HTML document.
        options: Page size, orientation, declared charset, page limit.
        budget: Pages allowed; more raise DocumentTooLarge before the PDF is written.

    Returns:
        A PDF.

    Raises:
        RenderError: As ``render_html``.
        DocumentTooLarge: More pages than ``budget``.
    """
    weasyprint = _weasyprint()
    text = decode_html(data, options.charset)
    _check_fonts(text)
    fetcher = _fetcher(weasyprint)
    page_rule = weasyprint.CSS(string=_page_css(options), url_fetcher=fetcher)
    html = weasyprint.HTML(string=text, base_url=_BASE_URL, url_fetcher=fetcher)
    previous = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = options.max_image_pixels  # WeasyPrint decodes with Pillow
    failures = _Failures()
    weasyprint_logger = logging.getLogger("weasyprint")
    weasyprint_logger.addHandler(failures)
    try:
        document = html.render(stylesheets=[page_rule], presentational_hints=True)
        _check_refused(fetcher)
        failures.check()
        check_page_budget(len(document.pages), budget, options.max_pages)
        pdf: bytes = document.write_pdf()
    except weasyprint.urls.FatalURLFetchingError as exc:  # a BaseException: catch it by name
        raise RenderError(f"HTML could not be rendered: {exc}") from exc
    finally:
        weasyprint_logger.removeHandler(failures)
        Image.MAX_IMAGE_PIXELS = previous
    _check_refused(fetcher)
    failures.check()
    return pdf


class _Failures(logging.Handler):
    """Collects WeasyPrint's errors: it logs a resource it could not use (a damaged or
    oversized inline image, a bad stylesheet) as an ERROR and lays the page out without it.
    A fax missing part of its document is a failed rendering instead (204000)."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())

    def check(self) -> None:
        if self.messages:
            first = self.messages[0].splitlines()[0][:300]
            raise RenderError(f"HTML could not be rendered completely: {first}")


def decode_html(data: bytes, charset: str | None = None) -> str:
    """The document's text, decoded as described in the module documentation.

    Args:
        data: The HTML bytes.
        charset: The declared charset, or None.

    Returns:
        The text (a ``<meta charset>`` in it no longer matters).
    """
    if charset:
        try:
            return decode_text(data, charset)[0]
        except RenderError:
            logger.info("unknown declared charset %r for HTML: detecting it", charset)
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(name)
            except UnicodeDecodeError:
                break
    declared = _META_CHARSET.search(data[:_PRESCAN_BYTES])
    if declared is not None:
        try:
            return decode_text(data, declared.group(1).decode("ascii"))[0]
        except RenderError:
            pass  # a charset Python does not know: detect instead
    return decode_text(data)[0]


def _weasyprint() -> Any:
    try:
        return importlib.import_module("weasyprint")
    except (ImportError, OSError) as exc:  # OSError: Pango's libraries are missing
        raise RenderError(f"HTML needs WeasyPrint and Pango, which are not usable: {exc}") from exc


def _check_fonts(text: str) -> None:
    if _CJK.search(text) and not any(face.cjk for face in available_faces()):
        raise RenderError(
            "HTML contains Japanese text and no Japanese font is installed: IPAGothic "
            "(Debian fonts-ipafont-gothic) or Noto Sans CJK (fonts-noto-cjk) is needed"
        )


def _page_css(options: RenderOptions) -> str:
    width, height = PAGE_SIZES[options.page_size]
    if options.landscape:
        width, height = height, width
    # A user style sheet: "!important" makes the fax page size win over the document's,
    # the margin is only a default (the document's own margins win).
    return f"@page {{ size: {width:.4f}in {height:.4f}in !important; margin: {_MARGIN}; }}"


def _check_refused(fetcher: Any) -> None:
    refused: list[str] = fetcher.refused
    if refused:
        shown = ", ".join(_shown(url) for url in refused[:_REFUSED_SHOWN])
        more = f" and {len(refused) - _REFUSED_SHOWN} more" if len(refused) > _REFUSED_SHOWN else ""
        raise RenderError(
            f"HTML refers to external resources ({shown}{more}); only data: URIs are allowed"
        )


def _shown(url: str) -> str:
    relative = url[len(_BASE_URL) :] if url.startswith(_BASE_URL) else url
    return repr(relative[:120])


def decode_data_uri(url: str) -> tuple[bytes, str, str | None]:
    """Decode a ``data:`` URI (RFC 2397).

    Args:
        url: The URI.

    Returns:
        (content, media type, charset or None).

    Raises:
        ValueError: Not a well-formed data: URI, or too large.
    """
    if not url[:5].lower() == "data:" or "," not in url:
        raise ValueError("not a data: URI")
    header, _, payload = url[5:].partition(",")
    if len(payload) > _MAX_DATA_URI_BYTES * 4 // 3 + 4:
        raise ValueError("data: URI too large")
    parameters = [part.strip() for part in header.split(";")]
    is_base64 = bool(parameters) and parameters[-1].lower() == "base64"
    if is_base64:
        parameters.pop()
    media_type = parameters[0].lower() if parameters and parameters[0] else "text/plain"
    charset = None
    for parameter in parameters[1:]:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip('"') or None
    if is_base64:
        try:
            content = base64.b64decode(urllib.parse.unquote(payload), validate=False)
        except (binascii.Error, ValueError) as exc:
            raise ValueError(f"bad base64 in data: URI: {exc}") from exc
    else:
        content = urllib.parse.unquote_to_bytes(payload)
    if media_type == "text/plain" and charset is None and not header:
        charset = "US-ASCII"
    return content, media_type, charset


def _fetcher(weasyprint: Any) -> Any:
    """A WeasyPrint URL fetcher that serves data: URIs and records every other URL."""
    urls = weasyprint.urls

    class DataOnlyFetcher(urls.URLFetcher):  # type: ignore[misc,name-defined]
        def __init__(self) -> None:
            super().__init__(fail_on_errors=False)
            self.refused: list[str] = []

        def fetch(self, url: str, headers: Any = None) -> Any:
            if url[:5].lower() != "data:":
                if url not in self.refused:
                    self.refused.append(url)
                raise ValueError(f"external resource refused: {url[:200]}")
            content, media_type, charset = decode_data_uri(url)
            content_type = media_type + (f"; charset={charset}" if charset else "")
            return urls.URLFetcherResponse(
                url, body=content, headers={"Content-Type": content_type}
            )

    return DataOnlyFetcher()

"""Fixtures for the renderer tests: sample documents built in the test, and TIFF decoding."""

from __future__ import annotations

import io
import os
import struct
import zipfile
import zlib
from collections.abc import Callable, Sequence

import pytest
from PIL import Image, ImageSequence

PdfMaker = Callable[..., bytes]
PageDecoder = Callable[[bytes], list[Image.Image]]


def _make_pdf(
    pages: Sequence[Sequence[tuple[float, str]]], size: tuple[float, float] = (595, 842)
) -> bytes:
    """A minimal PDF: each page a list of (font size, line) in Helvetica from the top left."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>"
        % (b" ".join(b"%d 0 R" % (4 + 2 * i) for i in range(len(pages))), len(pages)),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    for number, lines in enumerate(pages):
        operators, y = ["BT"], size[1] - 60
        for font_size, text in lines:
            escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
            operators.append(f"/F1 {font_size} Tf 1 0 0 1 50 {y} Tm ({escaped}) Tj")
            y -= font_size * 1.4
        operators.append("ET")
        stream = "\n".join(operators).encode("latin-1")
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] "
            b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>"
            % (size[0], size[1], 5 + 2 * number)
        )
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _decode_pages(tiff: bytes) -> list[Image.Image]:
    with Image.open(io.BytesIO(tiff)) as image:
        return [frame.copy() for frame in ImageSequence.Iterator(image)]


def _big_gray_png(width: int, height: int) -> bytes:
    """A valid, white, greyscale PNG built row by row (never held uncompressed here)."""

    def chunk(kind: bytes, payload: bytes) -> bytes:
        crc = zlib.crc32(kind + payload)
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)

    compressor = zlib.compressobj(1)
    row = b"\0" + b"\xff" * width
    idat = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )


@pytest.fixture
def make_pdf() -> PdfMaker:
    """Builds a PDF from pages of (font size, text) lines (Helvetica, no font embedded)."""
    return _make_pdf


@pytest.fixture
def decode_pages() -> PageDecoder:
    """Decodes every page of a TIFF with Pillow (min-is-white pages come back white = 255)."""
    return _decode_pages


@pytest.fixture
def big_gray_png() -> Callable[[int, int], bytes]:
    """Builds a large white greyscale PNG cheaply."""
    return _big_gray_png


def black_fraction(image: Image.Image, box: tuple[int, int, int, int] | None = None) -> float:
    """Fraction of black pixels of a 1-bit image (or of ``box`` in it)."""
    region = image.crop(box) if box else image
    histogram = region.convert("L").histogram()
    return histogram[0] / max(1, sum(histogram))


@pytest.fixture
def ink() -> Callable[..., float]:
    """``ink(image, box=None)``: fraction of black pixels."""
    return black_fraction


# Optional components (scripts/setup-render installs them). With CI=true a missing one is a
# failure, so CI cannot go green without testing them; elsewhere the test is skipped.


def require_component(name: str) -> None:
    """Skip (or, with CI=true, fail) unless the component ``name`` is installed.

    Args:
        name: "LibreOffice", "Ghostscript" or "WeasyPrint".
    """
    from interfax_soap.render.converters import find_ghostscript, find_libreoffice
    from interfax_soap.render.documents import missing_component

    present = {
        "LibreOffice": find_libreoffice() is not None,
        "Ghostscript": find_ghostscript() is not None,
        "WeasyPrint": missing_component("HTML") is None,
    }[name]
    if present:
        return
    message = f"{name} is not installed (scripts/setup-render installs it)"
    if os.environ.get("CI") == "true":
        pytest.fail(message + "; CI=true requires it")
    pytest.skip(message)


def make_docx(paragraphs: Sequence[str], page_break_after: int | None = None) -> bytes:
    """A minimal Word document, written by hand (python-docx is not a dependency).

    Args:
        paragraphs: Text of each paragraph (24 pt, so text regions are easy to find).
        page_break_after: Index of the paragraph followed by a page break, or None.
    """
    body = []
    for index, text in enumerate(paragraphs):
        escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        body.append(
            '<w:p><w:r><w:rPr><w:sz w:val="48"/></w:rPr>'
            f'<w:t xml:space="preserve">{escaped}</w:t></w:r></w:p>'
        )
        if index == page_break_after:
            body.append('<w:p><w:r><w:br w:type="page"/></w:r></w:p>')
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f'<w:body>{"".join(body)}<w:sectPr><w:pgSz w:w="11906" w:h="16838"/>'
        '<w:pgMar w:top="1440" w:right="1440" w:bottom="1440" w:left="1440"/></w:sectPr>'
        "</w:body></w:document>"
    )
    content_types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
    )
    relationships = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr("_rels/.rels", relationships)
        archive.writestr("word/document.xml", document)
    return out.getvalue()


def png_bytes(image: Image.Image, fmt: str = "PNG") -> bytes:
    out = io.BytesIO()
    image.save(out, fmt)
    return out.getvalue()


def expected_rows(page_size: str, fine: bool, landscape: bool = False) -> int:
    """Fax rows of one page of ``page_size`` (as RenderOptions lays pages out)."""
    from interfax_soap.render.options import RenderOptions
    from interfax_soap.render.raster import fax_rows

    geometry = RenderOptions(page_size=page_size, fine=fine).geometry()
    square = geometry.width if landscape else geometry.height
    return fax_rows(square, fine)

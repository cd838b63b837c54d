"""Fixtures for the renderer tests: sample documents built in the test, and TIFF decoding."""

from __future__ import annotations

import io
import struct
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

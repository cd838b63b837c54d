"""The fax TIFF: multi-page, 1-bit, min-is-white, CCITT G3/G4, 1728 pixels wide.

Writing it with Pillow needs one workaround. Pillow writes mode "1" as min-is-black; the
documented way to ask for min-is-white (``tiffinfo={262: 0}``) inverts the page in a
per-pixel Python loop (~400 ms a page) that only recognises white stored as 255, so a page
whose white is stored as 1 (``Image.new("1", size, 1)`` does that) comes out all black. A
CCITT coder, however, codes bit 0 as a white run whatever the Photometric tag says. So
we invert each page (white pixels become bit 0, exactly the bits a min-is-white file holds),
let Pillow write it, and then set the Photometric field of each image directory from 1 to 0
in the written bytes. No Pillow global is touched, so this is safe in threads and processes,
and a self-check decodes a test page once per process to prove the pixels come back as they
were drawn.
"""

from __future__ import annotations

import dataclasses
import functools
import io
import struct
from collections.abc import Iterable

from PIL import (
    Image,
    ImageChops,
    ImageDraw,
    ImageSequence,
    TiffImagePlugin,
    UnidentifiedImageError,
)

from interfax_soap.render.errors import DocumentTooLarge, RenderError
from interfax_soap.render.options import (
    COMPRESSIONS,
    FAX_WIDTH,
    FAX_X_DPI,
    FINE_Y_DPI,
    STANDARD_Y_DPI,
)

__all__ = [
    "FaxTiffWriter",
    "FaxPageInfo",
    "FaxTiffInfo",
    "encode_fax_tiff",
    "describe_fax_tiff",
    "is_fax_compliant",
]

_PHOTOMETRIC = 262
_T4_OPTIONS = 292
_T4_2D_WITH_FILL = 5  # bit 0: 2-D coding, bit 2: EOLs padded to a byte boundary
_T4_UNCOMPRESSED = 2  # uncompressed mode: not something fax modems send
_DPI_TOLERANCE = 4.0  # 195.58 (7.7 l/mm) and 200 dpi files are both "fine" in practice
_MAX_PAGE_INCHES = 14.4  # the longest page we lay out (JIS B4/Legal) with a little slack
_MAX_IFDS = 100_000
# Mode "1" pixels may hold 255 or 1 for white (Image.new("1", size, 1) stores 1), so
# ImageChops.invert would turn white into 254 and 254 into another "white". This table maps
# every non-zero value to black and zero to white.
_INVERT = [255] + [0] * 255


@dataclasses.dataclass(frozen=True)
class FaxPageInfo:
    """One image directory of a TIFF, as read from its tags."""

    width: int
    height: int
    x_resolution: float
    """Pixels per inch (converted from per-centimetre when the file says so)."""
    y_resolution: float
    compression: str
    """Pillow's name: group3, group4, raw, tiff_lzw, ..."""
    photometric: int | None
    """0 min-is-white, 1 min-is-black, ...; None when the tag is missing."""
    bits_per_sample: int
    t4_options: int | None


@dataclasses.dataclass(frozen=True)
class FaxTiffInfo:
    """What a TIFF holds, page by page."""

    page_count: int
    pages: tuple[FaxPageInfo, ...]


class FaxTiffWriter:
    """Builds a multi-page fax TIFF one page at a time.

    Only the page being added is held uncompressed, so a 100-page fax costs its compressed
    size plus one page in memory. Not thread-safe: one writer per rendering.
    """

    def __init__(self, *, fine: bool, compression: str = "group3") -> None:
        """Start an empty fax TIFF.

        Args:
            fine: Tag the pages 204x196 dpi (True) or 204x98 dpi (False).
            compression: "group3" (T.4 2-D, EOLs byte-aligned, T4Options=5) or "group4" (T.6).

        Raises:
            ValueError: Unknown compression.
        """
        if compression not in COMPRESSIONS:
            raise ValueError(f"unknown compression {compression!r}")
        _check_encoder()
        self._fine = fine
        self._compression = compression
        self._out = io.BytesIO()
        self._writer = TiffImagePlugin.AppendingTiffWriter(self._out)
        self._pages = 0
        self._data: bytes | None = None

    @property
    def page_count(self) -> int:
        """Pages added so far."""
        return self._pages

    def add_page(self, page: Image.Image) -> None:
        """Compress and append one page.

        Args:
            page: A mode "1" image already at fax resolution: 1728 pixels wide, one row per
                fax line (see ``raster.finish_page``). Pixel value 0 is black, as Pillow draws.

        Raises:
            ValueError: The page has the wrong mode or width, or the file is finished.
        """
        if self._data is not None:
            raise ValueError("fax TIFF already finished")
        if page.mode != "1" or page.width != FAX_WIDTH or page.height < 1:
            raise ValueError(f"page is {page.mode} {page.size}, not 1-bit 1728 pixels wide")
        _write_page(self._writer, page, fine=self._fine, compression=self._compression)
        self._pages += 1

    def finish(self) -> bytes:
        """Complete the file.

        Returns:
            The TIFF: one strip per page, Photometric min-is-white (0), FillOrder 1.

        Raises:
            ValueError: No page was added.
        """
        if self._data is None:
            if not self._pages:
                raise ValueError("a fax TIFF needs at least one page")
            # Each page was finalised by newFrame(); close() would only finalise again.
            self._data = _min_is_white(self._out.getvalue(), self._pages)
        return self._data


def encode_fax_tiff(
    pages: Iterable[Image.Image], *, fine: bool, compression: str = "group3"
) -> bytes:
    """Encode fax pages into one multi-page fax TIFF.

    Args:
        pages: Mode "1" images at fax resolution, 1728 pixels wide (a generator is fine:
            pages are compressed as they come).
        fine: Tag the file 204x196 dpi (True) or 204x98 dpi (False).
        compression: "group3" or "group4".

    Returns:
        The TIFF, as ``FaxTiffWriter.finish`` describes it.

    Raises:
        ValueError: No pages, a page of the wrong mode or width, or an unknown compression.
    """
    writer = FaxTiffWriter(fine=fine, compression=compression)
    for page in pages:
        writer.add_page(page)
    return writer.finish()


def describe_fax_tiff(data: bytes) -> FaxTiffInfo:
    """Read the page geometry and coding of a TIFF without decoding its pixels.

    Args:
        data: A TIFF file.

    Returns:
        One FaxPageInfo per image directory.

    Raises:
        RenderError: The data is not a readable TIFF.
        DocumentTooLarge: A page is beyond Pillow's decompression-bomb limit.
    """
    try:
        with Image.open(io.BytesIO(data), formats=["TIFF"]) as image:
            pages = tuple(_page_info(frame) for frame in ImageSequence.Iterator(image))
    except Image.DecompressionBombError as exc:
        raise DocumentTooLarge(f"TIFF page too large: {exc}") from exc
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError) as exc:
        # Pillow reports damaged TIFF structures with any of these.
        raise RenderError(f"not a readable TIFF: {exc}") from exc
    return FaxTiffInfo(page_count=len(pages), pages=pages)


def is_fax_compliant(data: bytes, *, fine: bool | None = None) -> bool:
    """Whether a TIFF can be sent as it is.

    Compliant means every page is 1728 pixels wide, 1-bit, min-is-white, CCITT G3 (not in
    uncompressed mode) or G4, 204 dpi across and 98 or 196 dpi down (the same on every page),
    no longer than 14.4 inches, and decodes without error.

    Args:
        data: A TIFF file (anything else is simply not compliant).
        fine: If given, also require fine (True) or standard (False) resolution.

    Returns:
        True if the file may be passed through unchanged.
    """
    try:
        info = describe_fax_tiff(data)
    except RenderError:
        return False
    y_resolutions = {_nominal_y_dpi(page.y_resolution) for page in info.pages}
    if len(y_resolutions) != 1 or None in y_resolutions:
        return False
    y_dpi = y_resolutions.pop()
    if fine is not None and y_dpi != (FINE_Y_DPI if fine else STANDARD_Y_DPI):
        return False
    if not all(_page_is_compliant(page) for page in info.pages):
        return False
    return _decodes(data)


def _page_is_compliant(page: FaxPageInfo) -> bool:
    t4_options = page.t4_options or 0
    return (
        page.width == FAX_WIDTH
        and 0 < page.height <= page.y_resolution * _MAX_PAGE_INCHES
        and page.bits_per_sample == 1
        and page.photometric == 0
        and page.compression in COMPRESSIONS
        and not (page.compression == "group3" and t4_options & _T4_UNCOMPRESSED)
        and abs(page.x_resolution - FAX_X_DPI) <= _DPI_TOLERANCE
    )


def _nominal_y_dpi(y_resolution: float) -> int | None:
    for nominal in (FINE_Y_DPI, STANDARD_Y_DPI):
        if abs(y_resolution - nominal) <= _DPI_TOLERANCE:
            return nominal
    return None


def _decodes(data: bytes) -> bool:
    try:
        with Image.open(io.BytesIO(data), formats=["TIFF"]) as image:
            for frame in ImageSequence.Iterator(image):
                frame.load()
    except (OSError, ValueError, SyntaxError, EOFError, Image.DecompressionBombError):
        return False
    return True


def _page_info(frame: Image.Image) -> FaxPageInfo:
    tags = frame.tag_v2  # type: ignore[attr-defined]  # TIFF frames carry their IFD
    x_res, y_res = float(tags.get(282, 0) or 0), float(tags.get(283, 0) or 0)
    if tags.get(296, 2) == 3:  # resolution given per centimetre
        x_res, y_res = x_res * 2.54, y_res * 2.54
    bits = tags.get(258, (1,))
    return FaxPageInfo(
        width=frame.width,
        height=frame.height,
        x_resolution=round(x_res, 2),
        y_resolution=round(y_res, 2),
        compression=str(frame.info.get("compression", "raw")),
        photometric=tags.get(_PHOTOMETRIC),
        bits_per_sample=int(bits[0] if isinstance(bits, tuple) else bits),
        t4_options=tags.get(_T4_OPTIONS),
    )


def _write_page(
    target: TiffImagePlugin.AppendingTiffWriter, page: Image.Image, *, fine: bool, compression: str
) -> None:
    # Inverted, white is bit 0: what the CCITT coder treats as white runs.
    inverted = page.point(_INVERT)
    tiffinfo = {_T4_OPTIONS: _T4_2D_WITH_FILL} if compression == "group3" else {}
    inverted.save(
        target,
        format="TIFF",
        compression=compression,
        dpi=(FAX_X_DPI, FINE_Y_DPI if fine else STANDARD_Y_DPI),
        tiffinfo=tiffinfo,
        # One strip per page, as TIFF-F (RFC 3949) recommends for fax.
        strip_size=1 << 30,
    )
    target.newFrame()


def _min_is_white(tiff: bytes, pages: int) -> bytes:
    data = bytearray(tiff)
    patched = _set_min_is_white(data)
    if patched != pages:
        raise RuntimeError(f"set Photometric on {patched} directories, expected {pages}")
    return bytes(data)


def _set_min_is_white(data: bytearray) -> int:
    """Rewrite Photometric 1 (min-is-black) to 0 in every image directory of a classic TIFF.

    Returns:
        How many directories were changed.
    """
    if data[:4] == b"II*\0":
        order = "<"
    elif data[:4] == b"MM\0*":
        order = ">"
    else:
        raise RuntimeError("Pillow did not write a classic TIFF")
    (offset,) = struct.unpack_from(order + "I", data, 4)
    changed = 0
    seen: set[int] = set()
    while offset and offset not in seen and len(seen) < _MAX_IFDS:
        seen.add(offset)
        (count,) = struct.unpack_from(order + "H", data, offset)
        for entry in range(offset + 2, offset + 2 + 12 * count, 12):
            tag, kind, n, value = struct.unpack_from(order + "HHIH", data, entry)
            if tag == _PHOTOMETRIC and kind == 3 and n == 1 and value == 1:
                # A single SHORT sits left-justified in the 4-byte value field.
                struct.pack_into(order + "H", data, entry + 8, 0)
                changed += 1
        (offset,) = struct.unpack_from(order + "I", data, offset + 2 + 12 * count)
    return changed


@functools.cache
def _check_encoder() -> None:
    """Once per process: prove a page survives encoding in both codings, pixel for pixel.

    This guards the workaround above against a Pillow or libtiff that writes differently.
    """
    page = Image.new("1", (FAX_WIDTH, 24), 1)  # white stored as 1, the awkward case
    draw = ImageDraw.Draw(page)
    draw.rectangle((10, 2, 300, 12), fill=0)
    draw.line((400, 0, 1727, 23), fill=0)
    for compression in COMPRESSIONS:
        out = io.BytesIO()
        _write_page(
            TiffImagePlugin.AppendingTiffWriter(out), page, fine=True, compression=compression
        )
        data = _min_is_white(out.getvalue(), 1)
        with Image.open(io.BytesIO(data)) as decoded:
            decoded.load()
            same = ImageChops.difference(decoded.convert("L"), page.convert("L")).getbbox()
            if decoded.tag_v2.get(_PHOTOMETRIC) != 0 or same is not None:  # type: ignore[attr-defined]
                raise RuntimeError(f"{compression} fax TIFF does not decode to its source")

"""What a caller asks of a rendering (RenderOptions) and what it gets back (RenderedDocument)."""

from __future__ import annotations

import dataclasses
import math

__all__ = [
    "FAX_WIDTH",
    "FAX_X_DPI",
    "FINE_Y_DPI",
    "STANDARD_Y_DPI",
    "PAGE_SIZES",
    "ORIENTATIONS",
    "COMPRESSIONS",
    "RenderOptions",
    "RenderedDocument",
    "PageGeometry",
]

FAX_WIDTH = 1728
"""Pixels per fax row (ITU-T T.4 A4/Letter width, 215 mm at 204 dpi)."""
FAX_X_DPI = 204
"""Horizontal fax resolution (8 pixels/mm)."""
FINE_Y_DPI = 196
"""Vertical resolution of fine mode (7.7 lines/mm)."""
STANDARD_Y_DPI = 98
"""Vertical resolution of standard mode (3.85 lines/mm)."""

PAGE_SIZES: dict[str, tuple[float, float]] = {
    "A4": (210 / 25.4, 297 / 25.4),
    "LETTER": (8.5, 11.0),
    "LEGAL": (8.5, 14.0),
    # JIS B4 (257 x 364 mm), the B4 of Japanese fax machines. It is wider than a 1728-pixel
    # row, so a B4 page is reduced to the fax width (as a B4 original sent to an A4-width
    # receiver is).
    "B4": (257 / 25.4, 364 / 25.4),
}
"""Page sizes by upper-case name: (width, height) in inches, portrait."""
ORIENTATIONS = ("PORTRAIT", "LANDSCAPE")
COMPRESSIONS = ("group3", "group4")


@dataclasses.dataclass(frozen=True)
class RenderOptions:
    """How documents are turned into fax pages.

    Names are matched case-insensitively and stored normalised (``"a4"`` becomes ``"A4"``,
    ``"landscape"`` becomes ``"LANDSCAPE"``); an unknown name raises ``ValueError``, because
    checking the caller's input is the engine's job, not the renderer's.
    """

    fine: bool = False
    """Fine resolution (204x196 dpi) instead of standard (204x98 dpi)."""
    page_size: str = "A4"
    """A4, Letter, Legal or B4."""
    orientation: str = "Portrait"
    """Portrait or Landscape; a landscape page is drawn sideways on the portrait fax page."""
    max_pages: int = 100
    """More fax pages than this raise DocumentTooLarge (status 204001)."""
    max_image_pixels: int = 100_000_000
    """Largest image (width x height) decoded; larger ones raise DocumentTooLarge."""
    charset: str | None = None
    """Declared text encoding (a Python codec name or alias); None detects it."""
    compression: str = "group3"
    """group3 (T.4 2-D) or group4 (T.6)."""
    halftone: bool | None = None
    """True dithers grey (InterFAX IsFineRendering), False thresholds it, None decides per page."""
    converter_timeout_seconds: float = 120.0
    """Wall time an external converter (LibreOffice, Ghostscript) may take for one document."""

    def __post_init__(self) -> None:
        page_size = self.page_size.upper()
        if page_size not in PAGE_SIZES:
            raise ValueError(f"unknown page size {self.page_size!r}")
        orientation = self.orientation.upper()
        if orientation not in ORIENTATIONS:
            raise ValueError(f"unknown orientation {self.orientation!r}")
        compression = self.compression.lower()
        if compression not in COMPRESSIONS:
            raise ValueError(f"unknown compression {self.compression!r}")
        if self.max_pages < 1 or self.max_image_pixels < 1:
            raise ValueError("max_pages and max_image_pixels must be positive")
        if self.converter_timeout_seconds <= 0:
            raise ValueError("converter_timeout_seconds must be positive")
        # The dataclass is frozen; normalising in __post_init__ is the documented way out.
        object.__setattr__(self, "page_size", page_size)
        object.__setattr__(self, "orientation", orientation)
        object.__setattr__(self, "compression", compression)

    @property
    def y_dpi(self) -> int:
        """Vertical resolution of the fax pages: 196 (fine) or 98 (standard)."""
        return FINE_Y_DPI if self.fine else STANDARD_Y_DPI

    @property
    def landscape(self) -> bool:
        """Whether pages are laid out landscape (and turned onto the portrait fax page)."""
        return self.orientation == "LANDSCAPE"

    def geometry(self) -> PageGeometry:
        """The logical page this option set lays content out on.

        Returns:
            The page in square pixels, before landscape pages are turned and before the
            vertical scaling to fax rows.
        """
        width_in, height_in = PAGE_SIZES[self.page_size]
        # A page narrower than the fax row keeps 204 dpi (and gets wider margins); a wider
        # one is reduced to fit the row.
        dpi = min(float(FAX_X_DPI), FAX_WIDTH / width_in)
        long_side = math.floor(height_in * dpi)
        if self.landscape:
            return PageGeometry(width=long_side, height=FAX_WIDTH, dpi=dpi, landscape=True)
        return PageGeometry(width=FAX_WIDTH, height=long_side, dpi=dpi, landscape=False)


@dataclasses.dataclass(frozen=True)
class PageGeometry:
    """A logical page in square pixels: what renderers draw on.

    For portrait pages ``width`` is the fax row (1728). For landscape pages ``height`` is
    1728 and the finished page is turned a quarter to the left (its top edge on the fax
    page's left edge) before it becomes fax rows.
    """

    width: int
    height: int
    dpi: float
    """Square pixels per inch of the original page (204, less for pages wider than the row)."""
    landscape: bool


@dataclasses.dataclass(frozen=True)
class RenderedDocument:
    """One multi-page fax TIFF (min-is-white, 1728 pixels wide) and what it holds."""

    tiff: bytes
    pages: int
    fine: bool

"""Which FileType a REST document is: from its MIME type, its file name, or its first bytes."""

from __future__ import annotations

__all__ = ["MEDIA_TYPES", "file_type_for", "extension_of", "media_type_of"]

# MIME type -> FileType token. Types this installation cannot render still map to their token,
# so a send answers "unsupported type" (-1004) rather than "no document".
MEDIA_TYPES: dict[str, str] = {
    "application/pdf": "PDF",
    "application/x-pdf": "PDF",
    "text/plain": "TXT",
    "image/tiff": "TIF",
    "image/tif": "TIF",
    "image/x-tiff": "TIF",
    "image/png": "PNG",
    "image/jpeg": "JPG",
    "image/jpg": "JPG",
    "image/pjpeg": "JPG",
    "image/gif": "GIF",
    "image/bmp": "BMP",
    "image/x-bmp": "BMP",
    "image/x-ms-bmp": "BMP",
    "text/html": "HTML",
    "application/xhtml+xml": "HTML",
    "application/msword": "DOC",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "DOCX",
    "application/vnd.ms-excel": "XLS",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "XLSX",
    "application/vnd.ms-powerpoint": "PPT",
    "application/rtf": "RTF",
    "text/rtf": "RTF",
    "text/csv": "CSV",
    "application/postscript": "PS",
}
# Types that say nothing about the document: decide by name or content instead.
_GENERIC = (
    "",
    "application/octet-stream",
    "application/x-www-form-urlencoded",
    "binary/octet-stream",
    "application/binary",
    "application/unknown",
)
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "PDF"),
    (b"II*\x00", "TIF"),
    (b"MM\x00*", "TIF"),
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"\xff\xd8\xff", "JPG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"BM", "BMP"),
)


def _essence(content_type: str | None) -> str:
    return (content_type or "").split(";")[0].strip().lower()


def extension_of(name: str | None) -> str:
    """``report.final.PDF`` -> ``PDF``; no extension -> ``""``."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    stem, dot, ext = base.rpartition(".")
    return ext.strip().upper() if dot and stem else ""


def _sniff(data: bytes) -> str | None:
    for signature, kind in _SIGNATURES:
        if data.startswith(signature):
            return kind
    return None


def file_type_for(content_type: str | None, name: str | None, data: bytes) -> str:
    """The FileType token of a document.

    A specific MIME type wins; a generic one (none, ``application/octet-stream``, a form type)
    defers to the file name's extension, then to the content's signature, then TXT for text.
    An unknown specific type yields its subtype (``application/x-foo`` -> ``X-FOO``), which no
    renderer accepts.
    """
    essence = _essence(content_type)
    if essence in MEDIA_TYPES:
        return MEDIA_TYPES[essence]
    if essence not in _GENERIC and "/" in essence:
        sniffed = _sniff(data)
        return sniffed or essence.split("/", 1)[1].upper()
    extension = extension_of(name)
    if extension:
        return extension
    sniffed = _sniff(data)
    if sniffed:
        return sniffed
    try:
        data[:4096].decode("utf-8")
    except UnicodeDecodeError:
        return "BIN"
    return "TXT"


def media_type_of(file_type: str) -> str:
    """The MIME type a FileType token is served with (``application/octet-stream`` if none)."""
    token = file_type.upper()
    if token == "TIFF":
        token = "TIF"
    if token == "JPEG":
        token = "JPG"
    for media_type, kind in MEDIA_TYPES.items():
        if kind == token:
            return media_type
    return "application/octet-stream"

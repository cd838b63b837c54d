"""InterFAX's multi-document packing: FilesData cut by FileSizes, typed by FileTypes.

Pure rules, checked in the order the real service showed (CONVENTIONS "Codes we had to
choose"): type/size counts (-1002), sizes (-1007), their sum (-1008), types (-1004).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection

from interfax_soap.engine.codes import ResultCode

__all__ = ["Unpacked", "unpack", "normalise_file_type"]


@dataclasses.dataclass(frozen=True)
class Unpacked:
    code: ResultCode
    documents: tuple[tuple[bytes, str], ...] = ()


def normalise_file_type(token: str | None, supported: Collection[str]) -> str | None:
    """A FileType token, case-insensitive, empty meaning TXT; None when not rendered here."""
    file_type = (token or "").strip().lstrip(".").upper() or "TXT"
    return file_type if file_type in supported else None


def unpack(
    files_data: bytes | None,
    file_types: str | None,
    file_sizes: str | None,
    supported: Collection[str],
) -> Unpacked:
    """Cuts ``files_data`` into documents.

    ``file_types`` and ``file_sizes`` are ``;``-lists with one entry per document; the sizes
    are byte lengths before base64, in order.
    """
    types = (file_types or "").split(";")
    sizes = (file_sizes or "").split(";")
    # A trailing separator ("PDF;TXT;") is common in client code and names no document.
    if len(types) > 1 and not types[-1].strip():
        types.pop()
    if len(sizes) > 1 and not sizes[-1].strip():
        sizes.pop()
    if len(types) != len(sizes):
        return Unpacked(ResultCode.TYPES_SIZES_MISMATCH)
    lengths = []
    for size in sizes:
        text = size.strip()
        if not text.isdigit() or int(text) <= 0:
            return Unpacked(ResultCode.BAD_FILE_SIZE)
        lengths.append(int(text))
    data = files_data or b""
    if sum(lengths) != len(data):
        return Unpacked(ResultCode.SIZES_DATA_MISMATCH)
    kinds = []
    for token in types:
        kind = normalise_file_type(token, supported)
        if kind is None or not token.strip():
            return Unpacked(ResultCode.BAD_FILE_TYPE)
        kinds.append(kind)
    documents = []
    offset = 0
    for length, kind in zip(lengths, kinds, strict=True):
        documents.append((data[offset : offset + length], kind))
        offset += length
    return Unpacked(ResultCode.OK, tuple(documents))

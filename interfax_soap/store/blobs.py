"""Blob store for documents and fax images: a local folder, written atomically."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

__all__ = ["LocalBlobStore"]


class LocalBlobStore:
    """Immutable blobs under ``root``, named by random keys; a blob is durable once put returns.

    Blocking: call from the store's thread pool, never on the reactor.
    """

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        if not key or "/" in key or key.startswith("."):
            raise ValueError(f"bad blob key {key!r}")
        return self.root / key[:2] / key

    def new_key(self, prefix: str) -> str:
        return f"{secrets.token_hex(16)}.{prefix}"

    def put(self, key: str, data: bytes) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        # Write, fsync, rename: a crash leaves the old state or the new one, never half a file.
        with open(tmp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)

    def get(self, key: str) -> bytes | None:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            return None

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

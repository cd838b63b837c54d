"""Blob store for documents and fax images: a local folder, written atomically."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select

from interfax_soap.store.models import Blob, BlobPart

__all__ = ["BlobStore", "LocalBlobStore", "DatabaseBlobStore", "make_blob_store"]


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

    def write_at(self, key: str, offset: int, data: bytes) -> None:
        """Writes ``data`` at ``offset``, dropping anything after it: a retried chunk lands
        in the same place, whatever a failed attempt left behind."""
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "r+b" if path.exists() else "w+b") as handle:
            handle.truncate(offset)
            handle.seek(offset)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)


class DatabaseBlobStore:
    """Blobs kept in the database's ``blobs`` table: for several hosts without a shared disk.

    Blocking: call from the store's thread pool, never on the reactor.
    """

    def __init__(self, sessions: Any) -> None:
        self._sessions = sessions

    def new_key(self, prefix: str) -> str:
        return f"{secrets.token_hex(16)}.{prefix}"

    def put(self, key: str, data: bytes) -> None:
        with self._sessions.begin() as session:
            session.merge(Blob(key=key, data=data))

    def get(self, key: str) -> bytes | None:
        with self._sessions() as session:
            whole = session.scalar(select(Blob.data).where(Blob.key == key))
            if whole is not None:
                return bytes(whole)
            parts = list(
                session.scalars(
                    select(BlobPart.data).where(BlobPart.key == key).order_by(BlobPart.offset)
                )
            )
            return b"".join(bytes(p) for p in parts) if parts else None

    def write_at(self, key: str, offset: int, data: bytes) -> None:
        """Stores a part at ``offset`` (parts after it are dropped, as a file is truncated)."""
        with self._sessions.begin() as session:
            session.execute(delete(BlobPart).where(BlobPart.key == key, BlobPart.offset >= offset))
            session.add(BlobPart(key=key, offset=offset, data=data))

    def delete(self, key: str) -> None:
        with self._sessions.begin() as session:
            session.execute(delete(Blob).where(Blob.key == key))
            session.execute(delete(BlobPart).where(BlobPart.key == key))


BlobStore = LocalBlobStore | DatabaseBlobStore


def make_blob_store(kind: str, data_dir: Path, sessions: Any) -> BlobStore:
    """``local`` (a folder in the data directory) or ``database``."""
    if kind == "database":
        return DatabaseBlobStore(sessions)
    return LocalBlobStore(data_dir / "blobs")

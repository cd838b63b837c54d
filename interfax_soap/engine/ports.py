"""What the engine needs of its ports, as protocols (implemented in store/, by app.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from twisted.internet import defer

__all__ = ["Store", "Blobs"]


class Store(Protocol):
    """Runs unit-of-work functions in one transaction each, off the reactor thread."""

    def transaction(self, name: str, fn: Callable[[Any], Any]) -> defer.Deferred[Any]: ...

    def read(self, name: str, fn: Callable[[Any], Any]) -> defer.Deferred[Any]:
        """A transaction that only reads (it may run beside a writer)."""
        ...

    def run(self, fn: Callable[..., Any], *args: Any) -> defer.Deferred[Any]: ...

    def transaction_sync(self, name: str, fn: Callable[[Any], Any]) -> Any: ...


class Blobs(Protocol):
    """Immutable blobs by key; blocking (run through ``Store.run``)."""

    def new_key(self, prefix: str) -> str: ...

    def put(self, key: str, data: bytes) -> None: ...

    def get(self, key: str) -> bytes | None: ...

    def write_at(self, key: str, offset: int, data: bytes) -> None: ...

    def delete(self, key: str) -> None: ...

"""What a Spyne method receives as ``ctx``: the engine entry points and the caller's address."""

from __future__ import annotations

import dataclasses
from typing import Any

from interfax_soap.engine.accounts import Credentials

__all__ = ["CallContext"]


@dataclasses.dataclass(frozen=True)
class CallContext:
    outbound: Any
    queries: Any
    management: Any
    uploads: Any
    search: Any
    address: str

    def credentials(self, username: str | None, password: str | None) -> Credentials:
        return Credentials(username=username, password=password, address=self.address)

"""What a Spyne method receives as ``ctx``: the engine entry points and the caller's address."""

from __future__ import annotations

import dataclasses
from typing import Any

from interfax_soap.engine.accounts import Credentials

__all__ = ["CallContext"]


@dataclasses.dataclass(frozen=True, kw_only=True)
class CallContext:
    """Built per request by app.py; each service's methods use the entry points they need."""

    address: str
    outbound: Any = None
    queries: Any = None
    management: Any = None
    uploads: Any = None
    search: Any = None
    inbound: Any = None
    cards: Any = None  # engine.cardreports.CardReports
    mail_merge: Any = None  # engine.mailmerge.MailMerge

    def credentials(self, username: str | None, password: str | None) -> Credentials:
        return Credentials(username=username, password=password, address=self.address)

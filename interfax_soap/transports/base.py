"""The transport interface: how a fax image leaves (virtual network today, telephony later).

A transport reports what happened on the line; the scheduler decides retry, delay or failure.
"""

from __future__ import annotations

import dataclasses
from typing import Protocol

__all__ = ["CallRequest", "CallResult", "Transport"]


@dataclasses.dataclass(frozen=True)
class CallRequest:
    transaction_id: int
    attempt: int
    destination: str  # canonical form: 00 + country code + national number
    image: bytes  # the fax TIFF to transmit, exactly as stored
    sender_csid: str
    fine: bool


@dataclasses.dataclass(frozen=True)
class CallResult:
    """How one call ended.

    Attributes:
        status: 0 when every page was confirmed, else a fax status code (e.g. 6017 busy).
        connected: the remote fax answered (a "try" in HylaFAX's terms; every call is a dial).
        pages_sent: pages the remote confirmed.
        page_seconds: line time of each confirmed page (for Units).
        duration: whole call in seconds, as InterFAX reports Duration.
        remote_csid: the answering machine's CSID.
    """

    status: int
    connected: bool
    pages_sent: int
    page_seconds: tuple[float, ...]
    duration: int
    remote_csid: str = ""

    @property
    def busy(self) -> bool:
        return self.status in (263, 3931, 3933, 3937, 6017, 8025)


class Transport(Protocol):
    async def transmit(self, call: CallRequest) -> CallResult: ...

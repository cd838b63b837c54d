"""The built-in virtual fax network: physical call timing and scripted test numbers.

Durations are physical: each page's encoded size at 14,400 bit/s plus T.30 call and page
overhead. ``time_scale`` scales the real waiting (0 = none); recorded durations are unscaled.
"""

from __future__ import annotations

import dataclasses
import io
import logging
import math
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from PIL import Image
from twisted.internet import task

from interfax_soap.transports.base import CallRequest, CallResult

__all__ = [
    "VirtualFaxNetwork",
    "LineBehaviour",
    "LocalDelivery",
    "DEFAULT_RULES",
    "parse_rule",
    "page_sizes",
]

logger = logging.getLogger(__name__)

BITS_PER_SECOND = 14_400
CALL_SETUP_SECONDS = 12.0  # dial, ring, answer, T.30 phase B (DIS/DCS, training)
PAGE_OVERHEAD_SECONDS = 2.0  # phase C training check, EOP/MPS and MCF per page
HANGUP_SECONDS = 1.0  # DCN
RING_SECONDS = {"busy": 4.0, "no_answer": 45.0}

# National number -> behaviour; "555 01XX" in any country or area code (README table).
DEFAULT_RULES: dict[str, str] = {
    "5550117": "fail:6017",  # busy
    "5550118": "fail:6018",  # no answer
    "5550101": "fail:6001",  # not operational
    "5550188": "fail:6088",  # incompatible destination
    "5550136": "fail:3936",  # voice answered
    "5550168": "drop:1:3268",  # line drops after page 1
    "5550199": "slow:30",  # slow line, 30 s per page before scaling
}


@dataclasses.dataclass(frozen=True)
class LineBehaviour:
    """What the far end does: answer (ok), fail before connecting, drop mid-way, or be slow."""

    kind: str  # ok | fail | drop | slow
    status: int = 0
    after_pages: int = 0
    seconds_per_page: float = 0.0
    csid: str | None = None


@dataclasses.dataclass(frozen=True)
class LocalDelivery:
    """Numbers owned on this server: the virtual network hands their faxes to the inbound
    service instead of a simulated machine (sender CSID becomes RemoteCSID and CallerID)."""

    is_local: Callable[[str], Awaitable[bool]]
    receive: Callable[..., Awaitable[Any]]


def parse_rule(text: str) -> LineBehaviour:
    """``ok[:CSID]``, ``fail:CODE``, ``drop:PAGES:CODE`` or ``slow:SECONDS``.

    Raises:
        ValueError: a rule that does not read.
    """
    kind, _, rest = text.strip().partition(":")
    if kind == "ok":
        return LineBehaviour("ok", csid=rest or None)
    if kind == "fail":
        return LineBehaviour("fail", status=int(rest))
    if kind == "drop":
        pages, _, code = rest.partition(":")
        return LineBehaviour("drop", status=int(code), after_pages=int(pages))
    if kind == "slow":
        return LineBehaviour("slow", seconds_per_page=float(rest))
    raise ValueError(f"unknown line behaviour {text!r}")


def page_sizes(image: bytes) -> list[int]:
    """Encoded bytes of each page of a TIFF (sum of its strips): what crosses the line."""
    sizes = []
    with Image.open(io.BytesIO(image)) as tiff:
        for index in range(getattr(tiff, "n_frames", 1)):
            tiff.seek(index)
            counts = tiff.tag_v2.get(279, ())
            sizes.append(int(sum(counts)) if counts else 0)
    return sizes


class VirtualFaxNetwork:
    """A transport whose far ends are simulated; every number not in the rules answers."""

    def __init__(
        self,
        clock: Any,
        time_scale: float,
        csid: str = "VIRTUAL FAX",
        rules: Mapping[str, str] | None = None,
        local_numbers: LocalDelivery | None = None,
    ) -> None:
        self._clock = clock
        self._time_scale = max(0.0, time_scale)
        self._csid = csid
        self._rules = {k: parse_rule(v) for k, v in (rules or DEFAULT_RULES).items()}
        self._local = local_numbers

    def behaviour(self, destination: str) -> LineBehaviour:
        """The rule whose number ends the destination (longest match), else a fax machine."""
        for number in sorted(self._rules, key=len, reverse=True):
            if destination.endswith(number):
                return self._rules[number]
        return LineBehaviour("ok")

    async def _wait(self, seconds: float) -> None:
        delay = seconds * self._time_scale
        if delay > 0:
            await task.deferLater(self._clock, delay, lambda: None)

    async def transmit(self, call: CallRequest) -> CallResult:
        """Places one simulated call and waits (scaled) for as long as it would last."""
        if self._local is not None and await self._local.is_local(call.destination):
            return await self._deliver_locally(call)
        line = self.behaviour(call.destination)
        if line.kind == "fail":
            ring = RING_SECONDS["busy" if line.status in (6017, 263) else "no_answer"]
            if line.status not in (6017, 263, 6018):
                ring = CALL_SETUP_SECONDS
            await self._wait(ring)
            return CallResult(line.status, False, 0, (), math.ceil(ring))
        sizes = page_sizes(call.image)
        per_page = [
            line.seconds_per_page
            if line.kind == "slow"
            else size * 8 / BITS_PER_SECOND + PAGE_OVERHEAD_SECONDS
            for size in sizes
        ]
        pages = len(per_page) if line.kind != "drop" else min(line.after_pages, len(per_page))
        seconds = CALL_SETUP_SECONDS + sum(per_page[:pages]) + HANGUP_SECONDS
        await self._wait(seconds)
        status = line.status if line.kind == "drop" else 0
        return CallResult(
            status=status,
            connected=True,
            pages_sent=pages,
            page_seconds=tuple(per_page[:pages]),
            duration=math.ceil(seconds),
            remote_csid=line.csid or self._csid,
        )

    async def _deliver_locally(self, call: CallRequest) -> CallResult:
        """A fax to a number of this server: received by its owner once the call is over."""
        assert self._local is not None
        per_page = [size * 8 / BITS_PER_SECOND + PAGE_OVERHEAD_SECONDS
                    for size in page_sizes(call.image)]
        seconds = CALL_SETUP_SECONDS + sum(per_page) + HANGUP_SECONDS
        await self._wait(seconds)
        received = await self._local.receive(
            "+" + call.destination[2:], call.image, caller_id=call.sender_csid,
            remote_csid=call.sender_csid, recording_duration=math.ceil(seconds),
        )
        if getattr(received, "message_id", 0) <= 0:
            # The number stopped being ours meanwhile: like a line nobody answers.
            return CallResult(6018, False, 0, (), math.ceil(seconds))
        # The receiving "machine" identifies itself with its number, as fax machines do.
        return CallResult(0, True, len(per_page), tuple(per_page), math.ceil(seconds),
                          "+" + call.destination[2:])

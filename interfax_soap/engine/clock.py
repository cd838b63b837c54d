"""Time from an injected Twisted clock, so scheduler and lockout tests run on task.Clock."""

from __future__ import annotations

import datetime as dt
from typing import Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = ["Clock", "utcnow", "zone"]


class Clock(Protocol):
    def seconds(self) -> float: ...


def utcnow(clock: Clock) -> dt.datetime:
    return dt.datetime.fromtimestamp(clock.seconds(), dt.UTC)


def zone(name: str | None, default: str = "UTC") -> ZoneInfo:
    """The user's time zone; an unknown name falls back to the server default."""
    for candidate in (name, default, "UTC"):
        if candidate:
            try:
                return ZoneInfo(candidate)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    return ZoneInfo("UTC")

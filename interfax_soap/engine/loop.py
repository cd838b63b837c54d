"""The claim loop every background job runner shares (faxes, mail deliveries, mail requests).

It claims due items in batches (the claim is a database transaction that marks them with a
lease), runs each one concurrently up to a limit, and looks again when woken, when an item
finishes, and every ``interval`` seconds. A wake that arrives during a pass makes one more pass.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Hashable
from typing import Any, Generic, TypeVar

from twisted.internet import defer, task

__all__ = ["ClaimLoop"]

logger = logging.getLogger(__name__)
T = TypeVar("T")


class ClaimLoop(Generic[T]):
    def __init__(
        self,
        clock: Any,
        name: str,
        interval: float,
        concurrency: int,
        claim: Callable[[int], Awaitable[list[T]]],
        handle: Callable[[T], Awaitable[None]],
        key: Callable[[T], Hashable],
    ) -> None:
        self._clock = clock
        self._name = name
        self._interval = interval
        self._concurrency = concurrency
        self._claim = claim
        self._handle = handle
        self._key = key
        self.in_flight: dict[Hashable, defer.Deferred[None]] = {}
        self._running = False
        self._passing = False
        self._again = False
        self._timer: task.LoopingCall | None = None

    @property
    def running(self) -> bool:
        return self._running

    def start(self) -> None:
        self._running = True
        self._timer = task.LoopingCall(self.wake)
        self._timer.clock = self._clock
        self._timer.start(self._interval, now=True).addErrback(self._failed, "timer")

    def stop(self) -> None:
        """Claims nothing more; items under way finish (or their leases expire)."""
        self._running = False
        if self._timer is not None and self._timer.running:
            self._timer.stop()

    def wake(self) -> None:
        if not self._running:
            return
        if self._passing:
            self._again = True
            return
        self._passing = True
        defer.Deferred.fromCoroutine(self._pass()).addErrback(self._failed, "claim")

    def _failed(self, failure: Any, what: str) -> None:
        logger.error("%s %s failed: %s", self._name, what, failure.getTraceback())

    async def _pass(self) -> None:
        try:
            while self._running:
                self._again = False
                free = self._concurrency - len(self.in_flight)
                if free <= 0:
                    return
                items = await self._claim(free)
                for item in items:
                    self._launch(item)
                if len(items) < free and not self._again:
                    return
        finally:
            self._passing = False

    def _launch(self, item: T) -> None:
        key = self._key(item)
        done = defer.Deferred.fromCoroutine(self._handle(item))
        self.in_flight[key] = done

        def finished(result: Any) -> Any:
            self.in_flight.pop(key, None)
            self.wake()
            return result

        done.addErrback(self._failed, f"item {key}")
        done.addBoth(finished)

"""A real SMTP server on loopback for tests (aiosmtpd), with per-recipient behaviour."""

from __future__ import annotations

import dataclasses
import email
import email.policy
import socket
import threading
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclasses.dataclass
class MailSink:
    """Accepts mail, except: recipients starting ``refuse`` get 550 while ``refusing`` is
    set; recipients starting ``later`` get 451 for their first ``temporary_failures`` tries."""

    refusing: bool = True
    temporary_failures: int = 2

    def __post_init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.rcpt_attempts: dict[str, int] = {}
        self._lock = threading.Lock()
        self.controller: Controller | None = None

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,  # noqa: N802
                          rcpt_options: Any) -> str:
        with self._lock:
            tries = self.rcpt_attempts[address] = self.rcpt_attempts.get(address, 0) + 1
        if address.startswith("refuse") and self.refusing:
            return "550 5.1.1 mailbox unavailable"
        if address.startswith("later") and tries <= self.temporary_failures:
            return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self._lock:
            self.messages.append(message)  # type: ignore[arg-type]
        return "250 Message accepted"

    def to(self, address: str) -> list[EmailMessage]:
        with self._lock:
            return [m for m in self.messages if m["To"] == address]

    def start(self, port: int | None = None) -> int:
        port = port or free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=port)
        self.controller.start()
        return port

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()

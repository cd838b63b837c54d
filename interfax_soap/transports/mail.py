"""Outgoing mail through the configured SMTP relay (``[smtp_relay]``).

The engine hands over a plain :class:`OutgoingMail`; this module writes the MIME message and
talks SMTP. It uses the standard library's smtplib in a thread pool of its own: deliveries are
background work (never on a request path), and smtplib reports the exact reply code of the
stage that failed (MAIL, RCPT or DATA), which decides between retrying (4xx, no connection)
and giving up (5xx).
"""

from __future__ import annotations

import dataclasses
import logging
import smtplib
import socket
import ssl
from email.message import EmailMessage
from email.utils import formatdate
from typing import Any

from twisted.internet import threads
from twisted.python.threadpool import ThreadPool

__all__ = ["OutgoingMail", "SendOutcome", "SmtpRelay", "RelaySettings"]

logger = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class OutgoingMail:
    to: str
    subject: str
    text: str
    message_id: str  # without angle brackets
    attachments: tuple[tuple[str, str, bytes], ...] = ()  # (file name, MIME type, content)
    text_transfer: str = "8bit"  # or "base64", "7bit"
    text_charset: str = "utf-8"


@dataclasses.dataclass(frozen=True)
class SendOutcome:
    """``code`` is the SMTP reply (250 when accepted); ``permanent`` failures are not retried."""

    delivered: bool
    code: int
    permanent: bool
    detail: str = ""


@dataclasses.dataclass(frozen=True)
class RelaySettings:
    host: str = "127.0.0.1"
    port: int = 25
    security: str = "none"  # none | starttls | tls
    username: str = ""
    password: str = ""
    from_address: str = "fax@localhost"
    timeout_seconds: float = 30


def build_message(mail: OutgoingMail, from_address: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = from_address
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = f"<{mail.message_id}>"
    message.set_content(mail.text, charset=mail.text_charset, cte=mail.text_transfer)
    for file_name, mime_type, content in mail.attachments:
        maintype, _, subtype = mime_type.partition("/")
        message.add_attachment(content, maintype=maintype, subtype=subtype, filename=file_name)
    return message


class SmtpRelay:
    """Sends mails one connection each; safe to call from the reactor (returns Deferreds)."""

    def __init__(self, reactor: Any, settings: RelaySettings, threads_count: int = 2) -> None:
        self._reactor = reactor
        self._settings = settings
        self._pool = ThreadPool(minthreads=0, maxthreads=threads_count, name="smtp")
        self._started = False

    async def send(self, mail: OutgoingMail) -> SendOutcome:
        if not self._started:
            self._pool.start()
            self._started = True
            self._reactor.addSystemEventTrigger("during", "shutdown", self._pool.stop)
        return await threads.deferToThreadPool(self._reactor, self._pool, self._send, mail)

    def _send(self, mail: OutgoingMail) -> SendOutcome:
        relay = self._settings
        message = build_message(mail, relay.from_address)
        try:
            if relay.security == "tls":
                client: smtplib.SMTP = smtplib.SMTP_SSL(
                    relay.host, relay.port, timeout=relay.timeout_seconds,
                    context=ssl.create_default_context(),
                )
            else:
                client = smtplib.SMTP(relay.host, relay.port, timeout=relay.timeout_seconds)
            with client:
                if relay.security == "starttls":
                    client.starttls(context=ssl.create_default_context())
                if relay.username:
                    client.login(relay.username, relay.password)
                client.send_message(message, relay.from_address, [mail.to])
            return SendOutcome(True, 250, False)
        except smtplib.SMTPRecipientsRefused as exc:
            code, text = next(iter(exc.recipients.values()))
            return _failure(code, text)
        except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError, smtplib.SMTPAuthenticationError,
                smtplib.SMTPResponseException) as exc:
            return _failure(exc.smtp_code, exc.smtp_error)
        except (OSError, smtplib.SMTPException, socket.timeout) as exc:
            # No connection, a dropped one or a timeout: try again later.
            return SendOutcome(False, 0, False, f"{exc.__class__.__name__}: {exc}")


def _failure(code: int, text: Any) -> SendOutcome:
    detail = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return SendOutcome(False, int(code), 500 <= int(code) < 600, detail)

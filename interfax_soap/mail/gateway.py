"""The SMTP face of the mail gateway: ``<fax number>@<fax domain>`` becomes a fax.

Twisted's ESMTP server on the web services' reactor. The dialogue only checks and stores:
MAIL FROM must be a registered sender (else 550), each RCPT a number at the fax domain (else
550, no relay), and the whole mail is stored before the 250 reply. Rendering and sending
happen afterwards, in the engine's loop.
"""

from __future__ import annotations

import logging
from typing import Any

from twisted.cred import checkers, credentials, error, portal
from twisted.internet import defer
from twisted.mail import smtp
from twisted.mail.imap4 import LOGINCredentials, PLAINCredentials
from zope.interface import implementer

from interfax_soap.engine.mailgateway import MailGateway, Refusal

__all__ = ["GatewayFactory"]

logger = logging.getLogger(__name__)


class _Collector:
    """One mail transaction: the sender, the numbers, and the message as it arrives."""

    def __init__(self, gateway: MailGateway, user: Any, sender: str) -> None:
        self.gateway = gateway
        self.user = user
        self.sender = sender
        self.numbers: list[str] = []
        self.lines: list[bytes] = []
        self.size = 0
        self.too_large = False
        self.parts_made = 0

    def add(self, line: bytes) -> None:
        self.size += len(line) + 2
        if self.size > self.gateway.policy.max_bytes:
            self.too_large = True  # keep reading, store nothing more, refuse at the end
            self.lines.clear()
        elif not self.too_large:
            self.lines.append(line)

    async def accept(self) -> None:
        if self.too_large:
            raise smtp.SMTPServerError(552, "message too large")
        raw = b"\r\n".join(self.lines) + b"\r\n"
        try:
            await self.gateway.accept(self.user, self.sender, self.numbers, raw)
        except Refusal as refusal:
            raise smtp.SMTPServerError(refusal.code, refusal.text) from refusal


@implementer(smtp.IMessage)
class _Part:
    """Twisted makes one message object per recipient; the first one keeps the mail."""

    def __init__(self, collector: _Collector, first: bool) -> None:
        self._collector = collector
        self._first = first

    def lineReceived(self, line: bytes) -> None:  # noqa: N802 (Twisted API)
        if self._first:
            self._collector.add(line)

    def eomReceived(self) -> defer.Deferred[None]:  # noqa: N802
        if self._first:
            return defer.Deferred.fromCoroutine(self._collector.accept())
        return defer.succeed(None)

    def connectionLost(self) -> None:  # noqa: N802
        self._collector.lines.clear()


@implementer(smtp.IMessageDelivery)
class _Delivery:
    """One SMTP session's checks; ``user`` is set once the client authenticated (AUTH)."""

    def __init__(self, gateway: MailGateway, client: str, require_auth: bool, user: Any = None) -> None:
        self._gateway = gateway
        self._client = client
        self._require_auth = require_auth
        self._user = user
        self._collector: _Collector | None = None

    def receivedHeader(self, helo: Any, origin: Any, recipients: Any) -> bytes:  # noqa: N802
        host = helo[0].decode("ascii", "replace") if helo and helo[0] else "unknown"
        return f"Received: from {host} ([{self._client}]) by interfax-soap".encode("ascii", "replace")

    def validateFrom(self, helo: Any, origin: smtp.Address) -> defer.Deferred[Any]:  # noqa: N802
        async def check() -> smtp.Address:
            try:
                self._gateway.check_client(self._client)
                if self._require_auth and self._user is None:
                    raise Refusal(530, "authentication required")
                user = await self._gateway.sender(str(origin))
                if self._user is not None and user.user_id != self._user.user_id:
                    raise Refusal(550, "sender not registered for the authenticated user")
            except Refusal as refusal:
                raise smtp.SMTPBadSender(origin, refusal.code, refusal.text) from refusal
            self._collector = _Collector(self._gateway, user, str(origin))
            return origin

        return defer.Deferred.fromCoroutine(check())

    def validateTo(self, user: smtp.User) -> Any:  # noqa: N802
        collector = self._collector
        if collector is None:
            raise smtp.SMTPBadRcpt(user, 503, "need MAIL before RCPT")
        try:
            number = self._gateway.recipient(str(user.dest), len(collector.numbers))
        except Refusal as refusal:
            raise smtp.SMTPBadRcpt(user, refusal.code, refusal.text) from refusal
        collector.numbers.append(number)

        def message() -> _Part:
            collector.parts_made += 1
            return _Part(collector, collector.parts_made == 1)

        return message


class _Server(smtp.ESMTP):
    def _messageHandled(self, resultList: Any) -> None:  # noqa: N802
        # Twisted answers every failed message with 550; a refusal of ours carries its own
        # code (552 too large, 451 could not store), which tells the client whether to retry.
        for success, result in resultList:
            if not success and result.check(smtp.SMTPServerError):
                error = result.value
                self.sendCode(error.code, str(error.resp).encode("utf-8", "replace"))
                return
        super()._messageHandled(resultList)


@implementer(checkers.ICredentialsChecker)
class _UserChecker:
    """SMTP AUTH with the same usernames and passwords (and lockout) as the web services."""

    credentialInterfaces = (credentials.IUsernamePassword,)

    def __init__(self, gateway: MailGateway, client: str) -> None:
        self._gateway = gateway
        self._client = client

    def requestAvatarId(self, given: Any) -> defer.Deferred[Any]:  # noqa: N802
        async def check() -> Any:
            user = await self._gateway.authenticate(
                given.username.decode("utf-8", "replace"),
                given.password.decode("utf-8", "replace"),
                self._client,
            )
            if user is None:
                raise error.UnauthorizedLogin()
            return user

        return defer.Deferred.fromCoroutine(check())


@implementer(portal.IRealm)
class _Realm:
    def __init__(self, gateway: MailGateway, client: str) -> None:
        self._gateway = gateway
        self._client = client

    def requestAvatar(self, user: Any, mind: Any, *interfaces: Any) -> Any:  # noqa: N802
        delivery = _Delivery(self._gateway, self._client, True, user)
        return smtp.IMessageDelivery, delivery, lambda: None


class GatewayFactory(smtp.SMTPFactory):
    """ESMTP (STARTTLS when a certificate is configured, AUTH PLAIN/LOGIN) for the gateway."""

    protocol = _Server

    def __init__(self, gateway: MailGateway, tls_context: Any = None, require_auth: bool = False) -> None:
        super().__init__()
        self._gateway = gateway
        self._tls_context = tls_context
        self._require_auth = require_auth
        self.domain = gateway.policy.fax_domain.encode("ascii", "replace")

    def buildProtocol(self, addr: Any) -> smtp.ESMTP:  # noqa: N802
        client = getattr(addr, "host", "")
        protocol = _Server(
            chal={b"PLAIN": PLAINCredentials, b"LOGIN": LOGINCredentials},
            contextFactory=self._tls_context,
        )
        protocol.factory = self
        protocol.host = self.domain
        protocol.portal = portal.Portal(_Realm(self._gateway, client), [_UserChecker(self._gateway, client)])
        protocol.delivery = _Delivery(self._gateway, client, self._require_auth)
        return protocol

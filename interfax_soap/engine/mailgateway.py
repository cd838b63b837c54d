"""The mail gateway's use cases: who may send, accepting a request mail durably, and turning
accepted mails into faxes (a loop like the fax worker's, so nothing accepted is lost)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import ipaddress
import logging
from typing import Any

from interfax_soap.engine.accounts import Accounts, AdminError, Credentials
from interfax_soap.engine.clock import Clock, utcnow
from interfax_soap.engine.codes import ResultCode
from interfax_soap.engine.loop import ClaimLoop
from interfax_soap.engine.mailfax import fax_number_of, parse_mail
from interfax_soap.engine.outbound import Outbound, SendRequest
from interfax_soap.engine.ports import Blobs, Store
from interfax_soap.engine.records import UserRecord
from interfax_soap.engine.worker import new_worker_id

__all__ = ["MailGateway", "GatewayPolicy", "Refusal"]

logger = logging.getLogger(__name__)


class Refusal(Exception):
    """An SMTP-level refusal: the reply code and text to answer during the dialogue."""

    def __init__(self, code: int, text: str) -> None:
        super().__init__(f"{code} {text}")
        self.code = code
        self.text = text


@dataclasses.dataclass(frozen=True)
class GatewayPolicy:
    fax_domain: str = "fax.localhost"
    max_recipients: int = 50
    max_bytes: int = 20 * 1024 * 1024
    client_networks: tuple[str, ...] = ()  # empty: any client
    poll_seconds: float = 1.0


class MailGateway:
    def __init__(
        self,
        store: Store,
        blobs: Blobs,
        accounts: Accounts,
        outbound: Outbound,
        clock: Clock,
        policy: GatewayPolicy,
    ) -> None:
        self._store = store
        self._blobs = blobs
        self._accounts = accounts
        self._outbound = outbound
        self._clock = clock
        self.policy = policy
        self._networks = [ipaddress.ip_network(n, strict=False) for n in policy.client_networks]
        self.worker_id = new_worker_id()
        self._loop: ClaimLoop[Any] = ClaimLoop(
            clock, "mail gateway", policy.poll_seconds, 2, self._claim, self._process,
            lambda request: request.request_id,
        )

    # The SMTP dialogue

    def check_client(self, address: str) -> None:
        """Refuses clients outside ``client_networks`` (when set)."""
        if not self._networks:
            return
        try:
            client = ipaddress.ip_address(address)
        except ValueError as exc:
            raise Refusal(554, "client not allowed") from exc
        if not any(client in network for network in self._networks):
            raise Refusal(554, "client not allowed")

    async def sender(self, address: str) -> UserRecord:
        """MAIL FROM: the user who registered this envelope sender, else a 5xx refusal."""
        mailbox = address.strip().strip("<>").lower()
        user = await self._store.read("mail_sender", lambda uow: uow.mail.sender_user(mailbox))
        if user is None or user.disabled:
            logger.warning("mail gateway: refused unregistered sender %r", mailbox)
            raise Refusal(550, "sender not registered for fax by e-mail")
        return user

    async def authenticate(self, username: str, password: str, client: str) -> UserRecord | None:
        """SMTP AUTH: the user for these credentials (lockout applies as everywhere)."""
        outcome = await self._accounts.authenticate(Credentials(username, password, client))
        return outcome.caller.user if outcome.caller else None

    def recipient(self, address: str, accepted: int) -> str:
        """RCPT TO: a fax number at the fax domain; other domains are refused (no relay)."""
        number = fax_number_of(address, self.policy.fax_domain)
        if number is None:
            raise Refusal(550, "relaying denied: only <number>@" + self.policy.fax_domain)
        if accepted >= self.policy.max_recipients:
            raise Refusal(452, "too many recipients")
        return number

    async def accept(self, user: UserRecord, sender: str, numbers: list[str], raw: bytes) -> int:
        """Stores the mail (blob, then its row) before the 250 reply: a crash after 250
        loses nothing, the processing loop finds it."""
        if len(raw) > self.policy.max_bytes:
            raise Refusal(552, "message too large")
        key = self._blobs.new_key("eml")
        await self._store.run(self._blobs.put, key, raw)
        now = utcnow(self._clock)
        request_id = await self._store.transaction(
            "accept_mail",
            lambda uow: uow.mail.add_request(user.user_id, sender, tuple(numbers), key, now),
        )
        logger.info("mail request %s from %s for %s accepted", request_id, sender, numbers)
        self.wake()
        return int(request_id)

    # Processing accepted mails

    def start(self) -> None:
        self._loop.start()

    def stop(self) -> None:
        self._loop.stop()

    def wake(self) -> None:
        self._loop.wake()

    async def _claim(self, free: int) -> list[Any]:
        now = utcnow(self._clock)
        lease = now + dt.timedelta(minutes=5)
        return await self._store.transaction(
            "claim_mail", lambda uow: uow.mail.claim_requests(now, self.worker_id, lease, free)
        )

    async def _process(self, request: Any) -> None:
        raw = await self._store.run(self._blobs.get, request.blob_key)
        user = await self._store.read(
            "mail_user", lambda uow: uow.accounts.user_by_id(request.user_id)
        )
        result, reason = ResultCode.NO_DOCUMENT, "the mail is gone"
        transaction_id = None
        if raw is not None and user is not None:
            parsed = parse_mail(raw)
            if parsed.error:
                result, reason = ResultCode.BAD_FILE_TYPE, parsed.error
            else:
                switches = parsed.switches
                send = SendRequest(
                    fax_numbers=";".join(request.numbers), files_data=None, file_types=None,
                    file_sizes=None, postpone=switches.postpone, subject=switches.subject,
                    page_header=switches.header, fine=bool(switches.fine),
                    reply_address=request.sender,
                )
                submission = await self._outbound.submit_documents(
                    self._accounts.caller_for(user), send, parsed.documents
                )
                result, transaction_id = submission.code, submission.transaction_id or None
                reason = "" if result == ResultCode.OK else result.description
        now = utcnow(self._clock)
        await self._store.transaction(
            "mail_processed",
            lambda uow: uow.mail.finish_request(request.request_id, int(result), reason,
                                                transaction_id, now),
        )
        if result != ResultCode.OK:
            logger.warning("mail request %s not faxed: %s", request.request_id, reason)
        else:
            logger.info("mail request %s faxed as transaction %s", request.request_id,
                        transaction_id)

    # Administration

    def add_sender_sync(self, username: str, address: str) -> str:
        mailbox = address.strip().lower()
        if "@" not in mailbox or any(c.isspace() for c in mailbox):
            raise AdminError(f"{address!r} is not an e-mail address")

        def txn(uow: Any) -> None:
            user = uow.accounts.user_by_name(username)
            if user is None:
                raise AdminError(f"no user {username!r}")
            owner = uow.mail.sender_user(mailbox)
            if owner is not None:
                raise AdminError(f"{mailbox} is already registered for {owner.username}")
            uow.mail.add_sender(mailbox, user.user_id)

        self._store.transaction_sync("add_sender", txn)
        return mailbox



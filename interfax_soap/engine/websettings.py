"""A user's settings as the account web edits them: sending defaults, notifications,
received-fax format, time zone, and the forwarding of the user's fax numbers.

The values are the users table's (``interfax-soap user set`` edits the same); the outbound
engine reads them on every send, so a change applies to the next SOAP send.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from interfax_soap.engine.accounts import Caller
from interfax_soap.engine.inbound import check_forwarding
from interfax_soap.engine.outbound import ORIENTATIONS, PAGE_SIZES
from interfax_soap.engine.ports import Store
from interfax_soap.engine.records import InboundNumberRecord

__all__ = ["UserSettings", "NumberSettings", "WebSettings", "NOTIFY_FORMATS", "INBOUND_FORMATS"]

NOTIFY_FORMATS = ("none", "text", "csv")
INBOUND_FORMATS = ("TIF", "PDF")
CSID_LENGTH = 20
# T.30 identifies a station with up to 20 printable ASCII characters.
_CSID = re.compile(r"^[\x20-\x7e]*$")
_ADDRESS = re.compile(r"^[^@\s]+@[^@\s]+$")


@dataclasses.dataclass(frozen=True)
class NumberSettings:
    number: str
    forward_addresses: tuple[str, ...]
    attachment_format: str | None  # None: the user's inbound format


@dataclasses.dataclass(frozen=True)
class UserSettings:
    csid: str = ""
    reply_address: str = ""
    notify_format: str = "none"
    callback_url: str = ""
    page_size: str = "A4"
    page_orientation: str = "Portrait"
    page_header: str = ""
    inbound_format: str = "TIF"
    timezone: str = ""
    numbers: tuple[NumberSettings, ...] = ()


def _number(record: InboundNumberRecord) -> NumberSettings:
    return NumberSettings(record.number, record.forward_addresses, record.attachment_format)


def problems(settings: UserSettings) -> dict[str, str]:
    """Field -> what is wrong (a short key the wire words); empty when all is well."""
    found: dict[str, str] = {}
    if len(settings.csid) > CSID_LENGTH or not _CSID.match(settings.csid):
        found["csid"] = "csid"
    if settings.reply_address and not _ADDRESS.match(settings.reply_address):
        found["reply_address"] = "address"
    if settings.notify_format not in NOTIFY_FORMATS:
        found["notify_format"] = "choice"
    url = settings.callback_url
    if url and not (url.startswith(("http://", "https://")) and len(url) <= 1024):
        found["callback_url"] = "url"
    if settings.page_size not in PAGE_SIZES.values():
        found["page_size"] = "choice"
    if settings.page_orientation not in ORIENTATIONS.values():
        found["page_orientation"] = "choice"
    if len(settings.page_header) > 255:
        found["page_header"] = "length"
    if settings.inbound_format not in INBOUND_FORMATS:
        found["inbound_format"] = "choice"
    if settings.timezone:
        try:
            ZoneInfo(settings.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            found["timezone"] = "timezone"
    for index, number in enumerate(settings.numbers):
        if check_forwarding(number.forward_addresses, number.attachment_format):
            found[f"number-{index}"] = "forwarding"
    return found


class WebSettings:
    def __init__(self, store: Store) -> None:
        self._store = store

    async def load(self, caller: Caller) -> UserSettings:
        """The settings of the caller, read fresh from the store."""

        def txn(uow: Any) -> UserSettings:
            user = uow.accounts.user_by_id(caller.user_id)
            numbers = uow.inbound.numbers_for_user(caller.user_id)
            return UserSettings(
                csid=user.csid,
                reply_address=user.reply_address,
                notify_format=user.notify_format,
                callback_url=user.callback_url,
                page_size=user.page_size,
                page_orientation=user.page_orientation,
                page_header=user.page_header,
                inbound_format=user.inbound_format,
                timezone=user.timezone or "",
                numbers=tuple(_number(n) for n in numbers),
            )

        settings: UserSettings = await self._store.read("web_settings", txn)
        return settings

    async def save(self, caller: Caller, settings: UserSettings) -> dict[str, str]:
        """Stores every field at once, or nothing when any is wrong.

        Numbers are matched by their canonical form; a number that is not the caller's is
        ignored (it cannot be edited by naming it).

        Returns:
            The problems (field -> key); empty when saved.
        """
        found = problems(settings)
        if found:
            return found

        def txn(uow: Any) -> None:
            uow.accounts.update_user(
                caller.user_id,
                csid=settings.csid,
                reply_address=settings.reply_address,
                notify_format=settings.notify_format,
                callback_url=settings.callback_url,
                page_size=settings.page_size,
                page_orientation=settings.page_orientation,
                page_header=settings.page_header,
                inbound_format=settings.inbound_format,
                timezone=settings.timezone or None,
            )
            own = {n.number for n in uow.inbound.numbers_for_user(caller.user_id)}
            for number in settings.numbers:
                if number.number in own:
                    uow.inbound.update_number(
                        number.number, number.forward_addresses, number.attachment_format
                    )

        await self._store.transaction("web_save_settings", txn)
        return {}

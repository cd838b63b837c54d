"""Reading the pages' forms into the engine's query and settings values."""

from __future__ import annotations

import datetime as dt

from interfax_soap.engine.webreceived import ReceivedQuery
from interfax_soap.engine.websent import PAGE_SIZES, SORT_COLUMNS, STATUS_CLASSES, SentQuery
from interfax_soap.engine.websettings import NumberSettings, UserSettings
from interfax_soap.web.http import Page

__all__ = ["sent_query", "received_query", "user_settings", "read_date", "read_int"]


def read_date(text: str) -> tuple[dt.date | None, bool]:
    """(date or None, whether the text was given but is not a date)."""
    text = text.strip()
    if not text:
        return None, False
    try:
        return dt.date.fromisoformat(text), False
    except ValueError:
        return None, True


def read_int(text: str, low: int = -(2**31), high: int = 2**31 - 1) -> int | None:
    text = text.strip()
    if not text or not text.lstrip("-").isdigit() or len(text) > 11:
        return None
    value = int(text)
    return value if low <= value <= high else None


def sent_query(page: Page) -> tuple[SentQuery, list[str]]:
    """The sent-faxes search of this request, and the fields that did not read."""
    bad = []
    date_from, wrong = read_date(page.arg("from"))
    if wrong:
        bad.append("from")
    date_to, wrong = read_date(page.arg("to"))
    if wrong:
        bad.append("to")
    status_class = page.arg("class")
    size = read_int(page.arg("size")) or 50
    order_by = page.arg("sort") or "transaction_id"
    return SentQuery(
        date_from=date_from,
        date_to=date_to,
        subject=page.arg("subject")[:255],
        destination=page.arg("destination")[:64],
        status=read_int(page.arg("status")),
        status_class=status_class if status_class in STATUS_CLASSES else "",
        batch=read_int(page.arg("batch"), 1),
        order_by=order_by if order_by in SORT_COLUMNS else "transaction_id",
        ascending=page.arg("dir") == "asc",
        page=read_int(page.arg("page"), 1, 10**6) or 1,
        page_size=size if size in PAGE_SIZES else 50,
    ), bad


def received_query(page: Page) -> tuple[ReceivedQuery, list[str]]:
    bad = []
    date_from, wrong = read_date(page.arg("from"))
    if wrong:
        bad.append("from")
    date_to, wrong = read_date(page.arg("to"))
    if wrong:
        bad.append("to")
    return ReceivedQuery(
        date_from=date_from,
        date_to=date_to,
        number=page.arg("number")[:64],
        caller=page.arg("caller")[:64],
        unread_only=page.arg("unread") == "1",
        page=read_int(page.arg("page"), 1, 10**6) or 1,
    ), bad


def user_settings(page: Page, current: UserSettings) -> UserSettings:
    """The settings form; numbers are taken only from those the user has (``current``)."""
    numbers = []
    for index, number in enumerate(current.numbers):
        if page.arg(f"number-{index}") != number.number:
            numbers.append(number)  # the form was made for other numbers: keep them as they are
            continue
        lines = page.arg(f"forward-{index}").replace("\r", "").split("\n")
        addresses = tuple(dict.fromkeys(line.strip() for line in lines if line.strip()))
        attachment = page.arg(f"format-{index}")
        numbers.append(NumberSettings(number.number, addresses, attachment or None))
    return UserSettings(
        csid=page.arg("csid").strip(),
        reply_address=page.arg("reply_address").strip(),
        notify_format=page.arg("notify_format"),
        callback_url=page.arg("callback_url").strip(),
        page_size=page.arg("page_size"),
        page_orientation=page.arg("page_orientation"),
        page_header=page.arg("page_header").strip(),
        inbound_format=page.arg("inbound_format"),
        timezone=page.arg("timezone").strip(),
        numbers=tuple(numbers),
    )

"""Export of a sent-faxes search as CSV (UTF-8 with BOM for Excel, or Shift_JIS) or XML,
streamed slice by slice so that any number of rows never sits in memory."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable
from xml.sax.saxutils import escape

from interfax_soap.engine.records import FaxRecord
from interfax_soap.web.forms import sent_query
from interfax_soap.web.http import Page, Send, Stream
from interfax_soap.web.i18n import Translator, translator
from interfax_soap.web.resource import Web

__all__ = ["COLUMNS", "export_sent", "csv_rows", "xml_rows"]

COLUMNS = (
    "TransactionID", "ParentTransactionID", "SubmitTime", "CompletionTime", "Subject",
    "DestinationFax", "Contact", "PagesSent", "PagesSubmitted", "Status", "StatusDescription",
    "Duration", "SenderCSID", "RemoteCSID", "UserID",
)
# Characters XML 1.0 cannot carry (a subject could hold them).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# A cell starting with these is a formula to a spreadsheet: written with a leading quote.
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _time(value: dt.datetime | None) -> str:
    # The SOAP services' form: the user's zone, no suffix (CONVENTIONS "Time").
    return value.strftime("%Y-%m-%dT%H:%M:%S") if value is not None else ""


def _values(fax: FaxRecord, t: Translator) -> tuple[str, ...]:
    return (
        str(fax.transaction_id), str(fax.parent_transaction_id), _time(fax.submit_time),
        _time(fax.completion_time), fax.subject, fax.destination_fax, fax.contact,
        str(fax.pages_sent), str(fax.pages_submitted), str(fax.status), t.status(fax.status),
        str(fax.duration), fax.sender_csid, fax.remote_csid, fax.username,
    )


def _cell(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA) and not _is_number(value) else value


def _is_number(value: str) -> bool:
    return bool(re.fullmatch(r"-?\d+", value))


def csv_rows(faxes: Iterable[FaxRecord], t: Translator) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for fax in faxes:
        writer.writerow([_cell(v) for v in _values(fax, t)])
    return out.getvalue()


def xml_rows(faxes: Iterable[FaxRecord], t: Translator) -> str:
    parts = []
    for fax in faxes:
        fields = "".join(
            f"<{name}>{escape(_NOT_XML.sub('', value))}</{name}>"
            for name, value in zip(COLUMNS, _values(fax, t), strict=True)
        )
        parts.append(f"<Fax>{fields}</Fax>\n")
    return "".join(parts)


async def export_sent(web: Web, page: Page, fmt: str) -> Stream:
    """``sent/export.csv[?charset=shift_jis]`` and ``sent/export.xml`` with the list's
    search fields: every match in the list's order, not only the page shown."""
    assert page.session is not None
    acting = page.session.acting
    query, _ = sent_query(page)
    t = translator(page.lang)
    stamp = dt.datetime.now(acting.tz).strftime("%Y%m%d-%H%M%S")
    if fmt == "xml":
        encoding, content_type = "utf-8", "application/xml; charset=utf-8"
        head = ('<?xml version="1.0" encoding="utf-8"?>\n'
                f'<SentFaxes user="{escape(acting.user.username, {chr(34): "&quot;"})}" '
                f'timezone="{escape(str(acting.tz))}">\n')
        tail, rows = "</SentFaxes>\n", xml_rows
    else:
        sjis = page.arg("charset").lower().replace("-", "_") in ("shift_jis", "sjis", "cp932")
        # Shift_JIS as Windows writes it (cp932: NEC and IBM extensions, what Excel reads).
        encoding = "cp932" if sjis else "utf-8-sig"
        content_type = f"text/csv; charset={'Shift_JIS' if sjis else 'utf-8'}"
        head, tail, rows = ",".join(COLUMNS) + "\r\n", "", csv_rows

    async def produce(send: Send) -> None:
        if not await send(head.encode(encoding)):
            return
        # utf-8-sig writes its BOM once, at the head only.
        body_encoding = "utf-8" if encoding == "utf-8-sig" else encoding

        async def deliver(faxes: tuple[FaxRecord, ...]) -> bool:
            return await send(rows(faxes, t).encode(body_encoding, "replace"))

        await web.services.faxes.export_sent(acting, query, deliver)
        if tail:
            await send(tail.encode(encoding))

    return Stream(
        content_type=content_type,
        produce=produce,
        headers={"content-disposition":
                 f'attachment; filename="sent-faxes-{stamp}.{fmt}"'},
    )

"""Sent faxes: the searchable list, one fax's page, its images and downloads, and the
actions cancel, hide and resend (each the engine's, as CancelFax, HideFax, ReSendFax)."""

from __future__ import annotations

from typing import Any

from interfax_soap.engine.codes import FaxStatus, ResultCode
from interfax_soap.engine.websent import PAGE_SIZES, SORT_COLUMNS
from interfax_soap.web.forms import read_int, sent_query
from interfax_soap.web.http import Page, Response, redirect
from interfax_soap.web.i18n import translator
from interfax_soap.web.resource import Web

__all__ = ["sent_list", "fax_page", "fax_png", "fax_download", "fax_action", "PREVIEW_WIDTH"]

PREVIEW_WIDTH = 864  # half a fax row: legible, and a page is some 100 kB
_COLUMN_LABELS = {
    "transaction_id": "col_id",
    "submit_time": "col_submitted",
    "completion_time": "col_completed",
    "subject": "col_subject",
    "destination_fax": "col_destination",
    "status": "col_status",
    "pages_sent": "col_pages",
}
_MESSAGES = {"switched", "hidden", "resent", "cancelled"}


def _summary(stats: tuple[tuple[int, int], ...]) -> dict[str, int]:
    return {
        "progress": sum(n for status, n in stats if status < 0),
        "sent": sum(n for status, n in stats if status == 0),
        "failed": sum(n for status, n in stats if status > 0),
    }


def _flash(page: Page) -> tuple[str, dict[str, Any], str]:
    """(message key, its values, error text) from the redirect after a form."""
    msg = page.arg("msg")
    values: dict[str, Any] = {}
    if msg == "resent":
        values["id"] = read_int(page.arg("new")) or 0
    if msg == "switched" and page.session:
        values["user"] = page.session.acting.user.username
    code = read_int(page.arg("err"))
    error = ""
    if code is not None:
        t = translator(page.lang)
        error = t("not_done", description=t.result(code), code=code)
    return (f"msg_{msg}" if msg in _MESSAGES else ""), values, error


async def sent_list(web: Web, page: Page) -> Response:
    assert page.session is not None
    query, bad = sent_query(page)
    found = await web.services.faxes.sent(page.session.acting, query)
    first = (found.page - 1) * query.page_size + 1 if found.total else 0
    message, values, error = _flash(page)
    statuses = [(int(s), s.description) for s in FaxStatus]
    return web.render(
        page, "sent.html",
        query=query, bad=bad, found=found, first=first,
        last=first + len(found.items) - 1 if found.items else 0,
        summary=_summary(found.stats), sort_columns=SORT_COLUMNS, column_labels=_COLUMN_LABELS,
        page_sizes=PAGE_SIZES, statuses=statuses, message=message, message_values=values,
        error=error,
    )


async def fax_page(web: Web, page: Page, tid: str) -> Response:
    assert page.session is not None
    view = await web.services.faxes.fax(page.session.acting, int(tid))
    if view is None:
        return web.not_found(page)
    message, values, error = _flash(page)
    return web.render(page, "fax.html", view=view, fax=view.fax, message=message,
                      message_values=values, error=error, preview_width=PREVIEW_WIDTH)


async def fax_png(web: Web, page: Page, tid: str, number: str) -> Response:
    assert page.session is not None
    width = read_int(page.arg("w"), 100, 1728) or PREVIEW_WIDTH
    png = await web.services.faxes.page_png(page.session.acting, int(tid), int(number), width)
    if png is None:
        return web.not_found(page)
    return Response(body=png, content_type="image/png",
                    headers={"cache-control": "private, max-age=3600"})


async def fax_download(web: Web, page: Page, tid: str, fmt: str) -> Response:
    assert page.session is not None
    faxes = web.services.faxes
    acting = page.session.acting
    data = await (faxes.pdf(acting, int(tid)) if fmt == "pdf" else faxes.image(acting, int(tid)))
    if data is None:
        return web.not_found(page)
    return Response(
        body=data,
        content_type="application/pdf" if fmt == "pdf" else "image/tiff",
        headers={"content-disposition": f'attachment; filename="fax-{int(tid)}.{fmt}"',
                 "cache-control": "private, no-store"},
    )


async def fax_action(web: Web, page: Page, tid: str, action: str) -> Response:
    assert page.session is not None
    faxes = web.services.faxes
    acting = page.session.acting
    transaction_id = int(tid)
    code: ResultCode
    if action == "resend":
        submitted = await faxes.resend(acting, transaction_id, page.arg("number"))
        if submitted.code == ResultCode.OK:
            return redirect(f"/web/sent/{submitted.transaction_id}?msg=resent"
                            f"&new={submitted.transaction_id}")
        code = submitted.code
    elif action == "cancel":
        code = await faxes.cancel(acting, transaction_id)
        if code == ResultCode.OK:
            return redirect(f"/web/sent/{transaction_id}?msg=cancelled")
    else:
        code = await faxes.hide(acting, transaction_id)
        if code == ResultCode.OK:
            return redirect("/web/sent?msg=hidden")
    if code == ResultCode.NO_SUCH_TRANSACTION:
        return web.not_found(page)
    return redirect(f"/web/sent/{transaction_id}?err={int(code)}")

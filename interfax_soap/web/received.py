"""Received faxes: list and search, one fax (preview, downloads, read state, forwarding log,
resend to e-mail); the rules are the inbound service's."""

from __future__ import annotations

from typing import Any

from interfax_soap.engine.codes import ResultCode
from interfax_soap.web.forms import read_int, received_query
from interfax_soap.web.http import Page, Response, redirect
from interfax_soap.web.i18n import translator
from interfax_soap.web.resource import Web
from interfax_soap.web.sent import PREVIEW_WIDTH

__all__ = ["received_list", "message_page", "message_png", "message_download", "message_action"]

_MESSAGES = {"marked_read", "marked_unread", "emails_queued"}


def _flash(page: Page) -> tuple[str, dict[str, Any], str]:
    msg = page.arg("msg")
    values: dict[str, Any] = {}
    if msg == "emails_queued":
        values["n"] = read_int(page.arg("n")) or 0
    code = read_int(page.arg("err"))
    error = ""
    if code is not None:
        t = translator(page.lang)
        error = t("not_done", description=t.result(code), code=code)
    return (f"msg_{msg}" if msg in _MESSAGES else ""), values, error


async def received_list(web: Web, page: Page) -> Response:
    assert page.session is not None
    query, bad = received_query(page)
    found = await web.services.received.received(page.session.acting, query)
    first = (found.page - 1) * 50 + 1 if found.total else 0
    return web.render(page, "received.html", query=query, bad=bad, found=found, first=first,
                      last=first + len(found.items) - 1 if found.items else 0)


async def message_page(web: Web, page: Page, mid: str) -> Response:
    assert page.session is not None
    # Opening a fax marks it read, unless the page is the answer to "mark as unread".
    keep_unread = page.arg("msg") == "marked_unread"
    view = await web.services.received.message(page.session.acting, int(mid),
                                               mark_read=not keep_unread)
    if view is None:
        return web.not_found(page)
    message, values, error = _flash(page)
    return web.render(page, "message.html", view=view, message_record=view.message,
                      message=message, message_values=values, error=error,
                      preview_width=PREVIEW_WIDTH)


async def message_png(web: Web, page: Page, mid: str, number: str) -> Response:
    assert page.session is not None
    width = read_int(page.arg("w"), 100, 1728) or PREVIEW_WIDTH
    png = await web.services.received.page_png(page.session.acting, int(mid), int(number), width)
    if png is None:
        return web.not_found(page)
    return Response(body=png, content_type="image/png",
                    headers={"cache-control": "private, max-age=3600"})


async def message_download(web: Web, page: Page, mid: str, fmt: str) -> Response:
    assert page.session is not None
    data = await web.services.received.image(page.session.acting, int(mid), pdf=fmt == "pdf")
    if data is None:
        return web.not_found(page)
    return Response(
        body=data,
        content_type="application/pdf" if fmt == "pdf" else "image/tiff",
        headers={"content-disposition": f'attachment; filename="fax-{int(mid)}.{fmt}"',
                 "cache-control": "private, no-store"},
    )


async def message_action(web: Web, page: Page, mid: str, action: str) -> Response:
    assert page.session is not None
    received = web.services.received
    acting = page.session.acting
    message_id = int(mid)
    if action == "mark":
        read = page.arg("read") == "1"
        code = await received.mark(acting, message_id, read)
        if code == ResultCode.OK:
            return redirect(f"/web/received/{message_id}?msg=marked_{'read' if read else 'unread'}")
    else:
        answer = await received.resend_to_email(
            acting, message_id, page.arg("only_failed") == "1", page.arg("address").strip() or None
        )
        code = answer.code
        if code == ResultCode.OK:
            return redirect(f"/web/received/{message_id}?msg=emails_queued&n={answer.emails_sent}")
    if code in (ResultCode.INVALID_MESSAGE_ID, ResultCode.NOT_USERS_TRANSACTION):
        return web.not_found(page)
    return redirect(f"/web/received/{message_id}?err={int(code)}")

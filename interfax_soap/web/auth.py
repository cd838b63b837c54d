"""Signing in and out, the language switch, switching account users, static files."""

from __future__ import annotations

import secrets

from interfax_soap.engine.accounts import Credentials
from interfax_soap.engine.codes import ResultCode
from interfax_soap.web.http import (
    LANG_COOKIE,
    PRE_COOKIE,
    SESSION_COOKIE,
    Page,
    Response,
    redirect,
)
from interfax_soap.web.i18n import LANGUAGES
from interfax_soap.web.resource import Web, safe_next

__all__ = ["home", "signin_form", "signin", "signout", "language", "switch_user", "static_file"]

_YEAR = 365 * 24 * 3600


async def home(web: Web, page: Page) -> Response:
    return redirect("/web/sent")


def _signin_page(web: Web, page: Page, status: int = 200, error: str = "") -> Response:
    # The sign-in form's CSRF token lives in a cookie until there is a session.
    token = page.cookie(PRE_COOKIE) or secrets.token_urlsafe(24)
    answer = web.render(page, "signin.html", status, csrf=token, error=error,
                        next=safe_next(page.arg("next")), username=page.arg("username"))
    answer.cookies.append((PRE_COOKIE, token, None, True))
    return answer


async def signin_form(web: Web, page: Page) -> Response:
    if await web.services.sessions.resume(page.cookie(SESSION_COOKIE)) is not None:
        return redirect(safe_next(page.arg("next")))
    return _signin_page(web, page)


async def signin(web: Web, page: Page) -> Response:
    """Same credentials, lockout and codes as the SOAP services (-1003, -1876)."""
    credentials = Credentials(page.arg("username"), page.arg("password"), page.address)
    outcome = await web.services.sessions.sign_in(credentials)
    if outcome.code == ResultCode.USER_LOCKED:
        return _signin_page(web, page, 403, "signin_locked")
    if outcome.code != ResultCode.OK:
        return _signin_page(web, page, 401, "signin_failed")
    answer = redirect(safe_next(page.arg("next")))
    answer.cookies.append((SESSION_COOKIE, outcome.token, None, True))
    answer.cookies.append((PRE_COOKIE, "", 0, True))
    return answer


async def signout(web: Web, page: Page) -> Response:
    await web.services.sessions.sign_out(page.cookie(SESSION_COOKIE))
    answer = redirect("/web/signin")
    answer.cookies.append((SESSION_COOKIE, "", 0, True))
    return answer


async def language(web: Web, page: Page) -> Response:
    """``/web/lang?to=ja&next=...``: remembers the choice in a cookie (no server state)."""
    choice = page.arg("to")
    answer = redirect(safe_next(page.arg("next")))
    if choice in LANGUAGES:
        answer.cookies.append((LANG_COOKIE, choice, _YEAR, True))
    return answer


async def switch_user(web: Web, page: Page) -> Response:
    """A primary user looks at another user of its account (or back at itself)."""
    assert page.session is not None
    code = await web.services.sessions.switch_user(page.session, page.arg("user"))
    if code != ResultCode.OK:
        return redirect(f"/web/sent?err={int(code)}")
    return redirect("/web/sent?msg=switched")


async def static_file(web: Web, page: Page, name: str) -> Response:
    found = web.static.get(name)
    if found is None:
        return web.not_found(page)
    body, content_type = found
    return Response(body=body, content_type=content_type,
                    headers={"cache-control": "public, max-age=86400"})

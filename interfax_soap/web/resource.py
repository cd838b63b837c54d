"""The account web's Twisted resource: routes ``/web/...`` to the pages, resumes the session,
checks the CSRF token of every form, and writes responses (streamed ones with flow control).

Errors are our own small pages (or plain text), never Twisted's HTML error pages.
"""

from __future__ import annotations

import dataclasses
import hmac
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote, urlsplit

from twisted.internet import defer
from twisted.internet.interfaces import IPushProducer
from twisted.web import resource, server
from zope.interface import implementer

from interfax_soap.engine.webreceived import WebReceived
from interfax_soap.engine.websent import WebFaxes
from interfax_soap.engine.websessions import WebSessions
from interfax_soap.engine.websettings import WebSettings
from interfax_soap.web.http import (
    COOKIE_PATH,
    LANG_COOKIE,
    PRE_COOKIE,
    SECURITY_HEADERS,
    SESSION_COOKIE,
    Page,
    Response,
    Stream,
    redirect,
)
from interfax_soap.web.i18n import LANGUAGES, negotiate, translator
from interfax_soap.web.templating import StaticFiles, Templates

__all__ = ["WebServices", "Web", "WebResource", "Route"]

logger = logging.getLogger(__name__)

Handler = Callable[..., Awaitable[Response | Stream]]


@dataclasses.dataclass(frozen=True)
class WebServices:
    """The engine entry points the pages use."""

    sessions: WebSessions
    faxes: WebFaxes
    received: WebReceived
    settings: WebSettings


@dataclasses.dataclass(frozen=True)
class Route:
    method: str
    pattern: re.Pattern[str]
    handler: Handler
    public: bool = False  # served without a session


def safe_next(target: str | None) -> str:
    """A local address under /web/ to go to after signing in (no open redirect)."""
    if target and target.startswith("/web/") and "//" not in target and "\\" not in target:
        return target
    return "/web/sent"


class Web:
    """What the page handlers share: the engine, the templates, the page helpers."""

    def __init__(self, services: WebServices) -> None:
        self.services = services
        self.templates = Templates()
        self.static = StaticFiles()

    def render(self, page: Page, template: str, status: int = 200, **context: Any) -> Response:
        t = translator(page.lang)
        session = page.session
        body = self.templates.render(
            template,
            t=t,
            lang=page.lang,
            languages=LANGUAGES,
            page=page,
            session=session,
            csrf=session.csrf_token if session else context.pop("csrf", ""),
            static=self.static.url,
            here="/web/" + page.path + ("?" + page.query() if page.query() else ""),
            tz_name=str(session.caller.tz) if session else "",
            **context,
        )
        return Response(status=status, body=body)

    def not_found(self, page: Page) -> Response:
        return self.render(
            page, "error.html", 404, title_key="not_found_title", text_key="not_found"
        )


def _route(method: str, pattern: str, handler: Handler, public: bool = False) -> Route:
    return Route(method, re.compile(pattern + r"\Z"), handler, public)


def routes() -> list[Route]:
    from interfax_soap.web import auth, export, received, sent, settings

    return [
        _route("GET", r"", auth.home),
        _route("GET", r"signin", auth.signin_form, public=True),
        _route("POST", r"signin", auth.signin, public=True),
        _route("POST", r"signout", auth.signout),
        _route("GET", r"lang", auth.language, public=True),
        _route("GET", r"static/(?P<name>[a-z]+\.(?:css|js))", auth.static_file, public=True),
        _route("POST", r"switch-user", auth.switch_user),
        _route("GET", r"sent", sent.sent_list),
        _route("GET", r"sent/export\.(?P<fmt>csv|xml)", export.export_sent),
        _route("GET", r"sent/(?P<tid>\d{1,10})", sent.fax_page),
        _route("GET", r"sent/(?P<tid>\d{1,10})/page-(?P<number>\d{1,4})\.png", sent.fax_png),
        _route("GET", r"sent/(?P<tid>\d{1,10})/fax-\d{1,10}\.(?P<fmt>tif|pdf)", sent.fax_download),
        _route("POST", r"sent/(?P<tid>\d{1,10})/(?P<action>cancel|hide|resend)", sent.fax_action),
        _route("GET", r"received", received.received_list),
        _route("GET", r"received/(?P<mid>\d{1,10})", received.message_page),
        _route("GET", r"received/(?P<mid>\d{1,10})/page-(?P<number>\d{1,4})\.png",
               received.message_png),
        _route("GET", r"received/(?P<mid>\d{1,10})/fax-\d{1,10}\.(?P<fmt>tif|pdf)",
               received.message_download),
        _route("POST", r"received/(?P<mid>\d{1,10})/(?P<action>mark|resend-email)",
               received.message_action),
        _route("GET", r"settings", settings.settings_form),
        _route("POST", r"settings", settings.save_settings),
    ]


@implementer(IPushProducer)
class _Flow:
    """Flow control of a streamed body: the transport pauses us while its buffer is full."""

    def __init__(self) -> None:
        self._paused: defer.Deferred[None] | None = None
        self.stopped = False

    def pauseProducing(self) -> None:  # noqa: N802 (Twisted API)
        if self._paused is None:
            self._paused = defer.Deferred()

    def resumeProducing(self) -> None:  # noqa: N802 (Twisted API)
        paused, self._paused = self._paused, None
        if paused is not None:
            paused.callback(None)

    def stopProducing(self) -> None:  # noqa: N802 (Twisted API)
        self.stopped = True
        self.resumeProducing()

    async def ready(self) -> None:
        if self._paused is not None:
            await self._paused


class WebResource(resource.Resource):
    """``/web/``: the account web (server-rendered pages)."""

    isLeaf = True

    def __init__(self, services: WebServices, proxies: Any) -> None:
        super().__init__()
        self._web = Web(services)
        self._proxies = proxies
        self._routes = routes()

    def render(self, request: server.Request) -> Any:
        if not request.postpath:
            # "/web" -> "/web/": relative links and the cookie path need the slash.
            request.setResponseCode(301)
            request.setHeader(b"location", b"/web/")
            return b""
        path = "/".join(p.decode("utf-8", "replace") for p in request.postpath)
        gone: list[bool] = []
        request.notifyFinish().addErrback(lambda _: gone.append(True))
        work = defer.Deferred.fromCoroutine(self._handle(request, path, gone))
        work.addErrback(lambda failure: logger.error("web request failed: %s",
                                                     failure.getTraceback()))
        return server.NOT_DONE_YET

    def _page(self, request: server.Request, path: str) -> Page:
        base_url = self._proxies.base_url(request)
        cookie_lang = (request.getCookie(LANG_COOKIE.encode()) or b"").decode("latin-1")
        accept = (request.getHeader(b"accept-language") or b"").decode("latin-1")
        return Page(
            request=request,
            path=path,
            lang=cookie_lang if cookie_lang in LANGUAGES else negotiate(accept),
            secure=base_url.startswith("https://"),
            address=self._proxies.client_address(request),
            base_url=base_url,
        )

    async def _handle(self, request: server.Request, path: str, gone: list[bool]) -> None:
        page = self._page(request, path)
        try:
            answer = await self._dispatch(page)
        except Exception:
            logger.exception("web page /web/%s failed", path)
            answer = self._web.render(page, "error.html", 500, title_key="error_title",
                                      text_key="error")
        if gone:
            return
        if isinstance(answer, Stream):
            await self._write_stream(request, page, answer, gone)
        else:
            self._write(request, page, answer)

    async def _dispatch(self, page: Page) -> Response | Stream:
        method = page.request.method.decode("ascii", "replace")
        method = "GET" if method == "HEAD" else method
        matched = [(r, m) for r in self._routes if (m := r.pattern.match(page.path))]
        if not matched:
            return self._web.not_found(page)
        found = [(r, m) for r, m in matched if r.method == method]
        if not found:
            allowed = ", ".join(sorted({r.method for r, _ in matched}))
            answer = self._web.render(page, "error.html", 405, title_key="method_title",
                                      text_key="not_found")
            answer.headers["allow"] = allowed
            return answer
        route, match = found[0]
        if not route.public:
            page.session = await self._web.services.sessions.resume(page.cookie(SESSION_COOKIE))
            if page.session is None:
                if method == "GET":
                    target = "/web/" + page.path + ("?" + page.query() if page.query() else "")
                    return redirect("/web/signin?next=" + quote(target, safe=""))
                return redirect("/web/signin")
        if method == "POST" and not self._form_is_ours(page):
            return self._web.render(page, "error.html", 403, title_key="forbidden_title",
                                    text_key="forbidden")
        return await route.handler(self._web, page, **match.groupdict())

    def _form_is_ours(self, page: Page) -> bool:
        """CSRF: the form's token must match the session's (or, for signing in, the
        sign-in cookie's); a browser's Origin, when sent, must be this site."""
        origin = page.header("origin")
        if origin and origin != "null":
            if urlsplit(origin)[:2] != urlsplit(page.base_url)[:2]:
                return False
        if page.header("sec-fetch-site") == "cross-site":
            return False
        expected = page.session.csrf_token if page.session else page.cookie(PRE_COOKIE)
        given = page.arg("csrf")
        if not expected:
            return False
        return hmac.compare_digest(given.encode(), expected.encode())

    # Writing

    def _head(self, request: server.Request, page: Page, status: int, content_type: str,
              headers: dict[str, str]) -> None:
        request.setResponseCode(status)
        for name, value in SECURITY_HEADERS.items():
            request.setHeader(name.encode(), value.encode())
        request.setHeader(b"content-type", content_type.encode())
        if content_type.startswith("text/html"):
            request.setHeader(b"cache-control", b"no-store")
        for name, value in headers.items():
            request.setHeader(name.encode(), value.encode("utf-8"))

    def _write(self, request: server.Request, page: Page, answer: Response) -> None:
        headers = dict(answer.headers)
        headers.setdefault("cache-control", "no-store" if page.session else "no-cache")
        self._head(request, page, answer.status, answer.content_type, headers)
        for name, value, max_age, http_only in answer.cookies:
            request.addCookie(
                name.encode(), value.encode(), path=COOKIE_PATH.encode(),
                max_age=str(max_age).encode() if max_age is not None else None,
                httpOnly=http_only, secure=page.secure or None, sameSite="lax",
            )
        request.setHeader(b"content-length", str(len(answer.body)).encode())
        request.write(answer.body)
        request.finish()

    async def _write_stream(self, request: server.Request, page: Page, stream: Stream,
                            gone: list[bool]) -> None:
        """Chunked body, written while the client keeps up (a push producer on the request),
        so an export of any length holds only one slice in memory."""
        headers = dict(stream.headers)
        headers.setdefault("cache-control", "no-store")
        self._head(request, page, 200, stream.content_type, headers)
        flow = _Flow()
        request.registerProducer(flow, True)

        async def send(data: bytes) -> bool:
            if gone or flow.stopped:
                return False
            request.write(data)
            await flow.ready()
            return not (gone or flow.stopped)

        failed = False
        try:
            await stream.produce(send)
        except Exception:
            failed = True
            logger.exception("streaming /web/%s failed", page.path)
        finally:
            if not gone:
                request.unregisterProducer()
                if failed:
                    # No closing chunk: the client sees a broken download, not a short file.
                    request.loseConnection()
                else:
                    request.finish()

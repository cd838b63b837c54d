"""The account web over plain HTTP: cookies, CSRF on every form, the SOAP lockout, sessions
ending, languages, security headers; against a real ``serve``."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import requests

from tests.conftest import RunningServer, start_server
from tests.soap_helpers import call, send_char_fax
from tests.web.conftest import add_users, admin, csrf_of, http_sign_in

PASSWORD = "pw-http"
FAILURES = 3


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    running = start_server(
        tmp_path_factory.mktemp("web-http") / "data",
        {"INTERFAX_SOAP_SECURITY__LOCKOUT_FAILURES": str(FAILURES),
         "INTERFAX_SOAP_SERVER__TRUSTED_PROXIES": "127.0.0.1/32",
         "INTERFAX_SOAP_MAIL_GATEWAY__ENABLED": "false"},
    )
    add_users(running, PASSWORD, "alice", "mallory", "locky", "pat")
    yield running
    running.stop()


@pytest.fixture(scope="module")
def alice_fax(server: RunningServer) -> int:
    transaction_id = send_char_fax(requests, server.dfs, "alice", PASSWORD, "+1 212 555 0100")
    assert transaction_id > 0
    return transaction_id


def cookie_header(response: requests.Response, name: str) -> str:
    for header in response.raw.headers.getlist("Set-Cookie"):
        if header.startswith(name + "="):
            return header
    raise AssertionError(f"no Set-Cookie for {name}: {response.headers}")


def test_session_cookies_are_http_only_same_site_lax_and_secure_under_tls(
    server: RunningServer,
) -> None:
    base = server.base_url
    form = requests.get(f"{base}/web/signin", timeout=30)
    pre = cookie_header(form, "ifx_signin")
    assert "HttpOnly" in pre and "SameSite=lax" in pre and "Path=/web/" in pre
    assert "Secure" not in pre

    signed = requests.post(
        f"{base}/web/signin", cookies=form.cookies, allow_redirects=False, timeout=30,
        data={"csrf": csrf_of(form.text), "username": "alice", "password": PASSWORD},
    )
    assert signed.status_code == 303 and signed.headers["location"] == "/web/sent"
    session = cookie_header(signed, "ifx_session")
    assert "HttpOnly" in session and "SameSite=lax" in session and "Path=/web/" in session
    assert "Secure" not in session
    token = signed.cookies["ifx_session"]
    assert len(token) >= 40

    # Behind a trusted TLS proxy (X-Forwarded-Proto https) the cookies are Secure.
    tls = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "fax.example.com"}
    form = requests.get(f"{base}/web/signin", headers=tls, timeout=30)
    assert "Secure" in cookie_header(form, "ifx_signin")
    # (requests keeps Secure cookies to itself over http: the proxy would pass it on.)
    signed = requests.post(
        f"{base}/web/signin", allow_redirects=False, timeout=30,
        cookies={"ifx_signin": form.cookies["ifx_signin"]},
        headers={**tls, "Origin": "https://fax.example.com"},
        data={"csrf": csrf_of(form.text), "username": "alice", "password": PASSWORD},
    )
    assert signed.status_code == 303
    assert "Secure" in cookie_header(signed, "ifx_session")


def test_every_form_needs_its_csrf_token(server: RunningServer, alice_fax: int) -> None:
    base = server.base_url
    alice = http_sign_in(base, "alice", PASSWORD)
    page = alice.get(f"{base}/web/sent/{alice_fax}", timeout=30)
    token = csrf_of(page.text)
    hide = f"{base}/web/sent/{alice_fax}/hide"
    forms = [hide, f"{base}/web/sent/{alice_fax}/resend", f"{base}/web/sent/{alice_fax}/cancel",
             f"{base}/web/settings", f"{base}/web/signout", f"{base}/web/switch-user"]
    for url in forms:
        for data in ({}, {"csrf": "forged"}, {"csrf": token + "x"}):
            refused = alice.post(url, data=data, allow_redirects=False, timeout=30)
            assert refused.status_code == 403, (url, data)
    # The right token from another site's page is refused too (Origin says so).
    refused = alice.post(hide, data={"csrf": token}, allow_redirects=False, timeout=30,
                         headers={"Origin": "http://evil.example"})
    assert refused.status_code == 403
    # Nothing happened: still signed in, the fax is listed and not resent.
    listed = alice.get(f"{base}/web/sent", timeout=30)
    assert listed.status_code == 200 and f"/web/sent/{alice_fax}\"" in listed.text
    assert len(re.findall(r'<tr class="(?:ok|failed|progress)">', listed.text)) == 1

    # Another user's token does not work on this session.
    mallory = http_sign_in(base, "mallory", PASSWORD)
    foreign = csrf_of(mallory.get(f"{base}/web/sent", timeout=30).text)
    assert alice.post(hide, data={"csrf": foreign}, allow_redirects=False,
                      timeout=30).status_code == 403
    # Signing in needs the sign-in form's token (login CSRF).
    fresh = requests.post(f"{base}/web/signin", allow_redirects=False, timeout=30,
                          data={"csrf": "x", "username": "alice", "password": PASSWORD})
    assert fresh.status_code == 403 and "ifx_session" not in fresh.cookies

    accepted = alice.post(hide, data={"csrf": token}, allow_redirects=False, timeout=30)
    assert accepted.status_code == 303 and accepted.headers["location"] == "/web/sent?msg=hidden"


def test_another_users_fax_answers_not_found_to_every_address(
    server: RunningServer, alice_fax: int
) -> None:
    base = server.base_url
    mallory = http_sign_in(base, "mallory", PASSWORD)
    token = csrf_of(mallory.get(f"{base}/web/sent", timeout=30).text)
    for path in (f"sent/{alice_fax}", f"sent/{alice_fax}/page-1.png",
                 f"sent/{alice_fax}/fax-{alice_fax}.tif", f"sent/{alice_fax}/fax-{alice_fax}.pdf"):
        assert mallory.get(f"{base}/web/{path}", timeout=30).status_code == 404, path
    for action in ("resend", "cancel", "hide"):
        answer = mallory.post(f"{base}/web/sent/{alice_fax}/{action}", data={"csrf": token},
                              allow_redirects=False, timeout=30)
        assert answer.status_code == 404, action
    assert "Nothing matches." in mallory.get(f"{base}/web/sent", timeout=30).text
    # A user who is not an account's primary user cannot switch to anyone.
    answer = mallory.post(f"{base}/web/switch-user", data={"csrf": token, "user": "alice"},
                          allow_redirects=False, timeout=30)
    assert answer.headers["location"] == "/web/sent?err=-310"


def test_sign_in_locks_out_like_soap_after_the_failures_allowed(server: RunningServer) -> None:
    base = server.base_url
    browser = requests.Session()
    for _ in range(FAILURES):
        form = browser.get(f"{base}/web/signin", timeout=30)
        wrong = browser.post(f"{base}/web/signin", timeout=30, allow_redirects=False,
                             data={"csrf": csrf_of(form.text), "username": "locky",
                                   "password": "wrong"})
        assert wrong.status_code == 401
        assert "The username or password is wrong." in wrong.text
    form = browser.get(f"{base}/web/signin", timeout=30)
    locked = browser.post(f"{base}/web/signin", timeout=30, allow_redirects=False,
                          data={"csrf": csrf_of(form.text), "username": "locky",
                                "password": PASSWORD})
    assert locked.status_code == 403 and "locked" in locked.text
    assert "ifx_session" not in locked.cookies
    # The same lock answers SOAP from this address: -1876.
    answer = call(requests, server.dfs, "FaxStatus", Username="locky", Password=PASSWORD,
                  LastTransactionID=999999, MaxItems=1, TotalCount=0, ListSize=0, ResultCode=0)
    assert answer.findtext("{http://www.interfax.cc}ResultCode") == "-1876"


def test_signing_out_or_changing_the_password_ends_the_session(server: RunningServer) -> None:
    base = server.base_url
    pat = http_sign_in(base, "pat", PASSWORD)
    token = csrf_of(pat.get(f"{base}/web/sent", timeout=30).text)
    cookie = pat.cookies["ifx_session"]
    out = pat.post(f"{base}/web/signout", data={"csrf": token}, allow_redirects=False, timeout=30)
    assert out.status_code == 303 and out.headers["location"] == "/web/signin"
    assert 'ifx_session=""' in cookie_header(out, "ifx_session") or "Max-Age=0" in \
        cookie_header(out, "ifx_session")
    # The old cookie, replayed, no longer opens anything.
    replay = requests.get(f"{base}/web/sent", cookies={"ifx_session": cookie},
                          allow_redirects=False, timeout=30)
    assert replay.status_code == 303
    assert replay.headers["location"] == "/web/signin?next=%2Fweb%2Fsent"

    pat = http_sign_in(base, "pat", PASSWORD)
    assert pat.get(f"{base}/web/sent", allow_redirects=False, timeout=30).status_code == 200
    with admin(server) as accounts:  # what `interfax-soap user passwd` does
        accounts.set_password_sync("pat", "pw-new")
    assert pat.get(f"{base}/web/sent", allow_redirects=False, timeout=30).status_code == 303


def test_language_follows_the_browser_and_the_switch(server: RunningServer) -> None:
    base = server.base_url
    japanese = requests.get(f"{base}/web/signin", timeout=30,
                            headers={"Accept-Language": "ja-JP,ja;q=0.9,en;q=0.8"})
    assert '<html lang="ja">' in japanese.text and "ログイン" in japanese.text
    english = requests.get(f"{base}/web/signin", timeout=30,
                           headers={"Accept-Language": "fr-FR,en;q=0.5"})
    assert '<html lang="en">' in english.text and "Sign in" in english.text
    switch = requests.get(f"{base}/web/lang?to=ja&next=/web/signin", allow_redirects=False,
                          timeout=30, headers={"Accept-Language": "en"})
    assert switch.headers["location"] == "/web/signin"
    chosen = requests.get(f"{base}/web/signin", cookies=switch.cookies, timeout=30,
                          headers={"Accept-Language": "en"})
    assert '<html lang="ja">' in chosen.text
    # No open redirect through the switch.
    away = requests.get(f"{base}/web/lang?to=en&next=//evil.example/", allow_redirects=False,
                        timeout=30)
    assert away.headers["location"] == "/web/sent"


def test_pages_carry_security_headers_and_errors_are_our_own(server: RunningServer) -> None:
    base = server.base_url
    page = requests.get(f"{base}/web/signin", timeout=30)
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["cache-control"] == "no-cache"
    assert requests.get(f"{base}/web", allow_redirects=False, timeout=30).headers["location"] \
        == "/web/"
    unknown = requests.get(f"{base}/web/no/such/page", timeout=30)
    assert unknown.status_code == 404 and "text/html" in unknown.headers["content-type"]
    assert "Traceback" not in unknown.text and "twisted" not in unknown.text.lower()
    wrong_method = requests.put(f"{base}/web/sent", timeout=30)
    assert wrong_method.status_code == 405
    script = requests.get(f"{base}/web/static/app.js", timeout=30)
    assert script.status_code == 200 and "text/javascript" in script.headers["content-type"]
    # Signed-in pages are not cached.
    alice = http_sign_in(base, "alice", PASSWORD)
    assert alice.get(f"{base}/web/settings", timeout=30).headers["cache-control"] == "no-store"


def test_settings_are_checked_and_saved_together(server: RunningServer) -> None:
    base = server.base_url
    alice = http_sign_in(base, "alice", PASSWORD)
    token = csrf_of(alice.get(f"{base}/web/settings", timeout=30).text)
    values = {"csrf": token, "csid": "x" * 21, "reply_address": "not an address",
              "notify_format": "csv", "callback_url": "", "page_size": "A4",
              "page_orientation": "Landscape", "page_header": "", "inbound_format": "PDF",
              "timezone": "Asia/Tokyo"}
    refused = alice.post(f"{base}/web/settings", data=values, timeout=30)
    assert refused.status_code == 400
    assert refused.text.count('aria-invalid="true"') == 2
    saved = alice.post(f"{base}/web/settings", allow_redirects=False, timeout=30,
                       data={**values, "csid": "+81 3 5555 0100", "reply_address": "a@b.example"})
    assert saved.status_code == 303
    listed = server.cli("user", "list").stdout
    assert re.search(r"\talice\t.*Asia/Tokyo", listed)
    page = alice.get(f"{base}/web/settings", timeout=30).text
    assert 'value="+81 3 5555 0100"' in page and "Times are in Asia/Tokyo." in page

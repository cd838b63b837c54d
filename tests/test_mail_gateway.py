"""E-mail to fax and fax results by e-mail, end to end with smtplib and loopback servers."""

from __future__ import annotations

import datetime as dt
import http.server
import io
import signal
import smtplib
import ssl
import subprocess
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from tests.conftest import RunningServer, start_server
from tests.mail_sink import MailSink
from tests.soap_helpers import offline_zeep_client

PASSWORD = "pw-mail"
DOMAIN = "fax.example.com"


def wait_until(predicate: Callable[[], Any], seconds: float, what: str) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


class Callbacks(http.server.BaseHTTPRequestHandler):
    received: list[dict[str, list[str]]] = []

    def do_POST(self) -> None:  # noqa: N802
        length = int(self.headers.get("content-length", 0))
        Callbacks.received.append(urllib.parse.parse_qs(self.rfile.read(length).decode()))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


def certificate(directory: Path) -> tuple[Path, Path]:
    key, cert = directory / "key.pem", directory / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key),
         "-out", str(cert), "-days", "2", "-subj", "/CN=localhost"],
        check=True, capture_output=True,
    )
    return key, cert


@pytest.fixture(scope="module")
def gateway(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    directory = tmp_path_factory.mktemp("mailgw")
    key, cert = certificate(directory)
    sink = MailSink()
    relay_port = sink.start()
    callbacks = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Callbacks)
    threading.Thread(target=callbacks.serve_forever, daemon=True).start()
    server = start_server(directory / "data", {
        "INTERFAX_SOAP_MAIL_GATEWAY__FAX_DOMAIN": DOMAIN,
        "INTERFAX_SOAP_MAIL_GATEWAY__CERTIFICATE": str(cert),
        "INTERFAX_SOAP_MAIL_GATEWAY__PRIVATE_KEY": str(key),
        "INTERFAX_SOAP_SMTP_RELAY__PORT": str(relay_port),
        "INTERFAX_SOAP_SECURITY__ALLOW_PRIVATE_CALLBACKS": "true",
        "INTERFAX_SOAP_WORKER__POLL_SECONDS": "0.2",
    })
    server.add_user("alice", PASSWORD)
    server.cli("user", "add-sender", "alice", "Alice@Example.com")
    server.cli("user", "set", "alice", "--reply-address", "results@example.com",
               "--notify", "text", "--timezone", "Asia/Tokyo",
               "--callback-url", f"http://127.0.0.1:{callbacks.server_address[1]}/fax-done")
    yield {"server": server, "sink": sink, "callbacks": callbacks, "cert": cert}
    server.stop()
    callbacks.shutdown()
    sink.stop()


def alice_faxes(server: RunningServer) -> list[Any]:
    client = offline_zeep_client(server.wsdl_url)
    answer = client.service.FaxQuery(Username="alice", Password=PASSWORD, Verb="GT", VerbData="0",
                                     MaxItems=-1, ResultCode=0)
    return list(answer.FaxQueryResult.FaxItemEx) if answer.FaxQueryResult else []


def send_mail(server: RunningServer, message: EmailMessage, sender: str, recipients: list[str],
              starttls: bool = False) -> None:
    with smtplib.SMTP("127.0.0.1", server.smtp_port, timeout=30) as client:
        if starttls:
            client.starttls(context=ssl._create_unverified_context())
        client.send_message(message, sender, recipients)


def new_faxes(server: RunningServer, before: set[int], count: int) -> list[Any]:
    def final() -> list[Any]:
        faxes = [f for f in alice_faxes(server) if f.TransactionID not in before]
        return faxes if len(faxes) == count and all(f.Status >= 0 for f in faxes) else []

    return sorted(wait_until(final, 90, f"{count} faxes"), key=lambda f: f.TransactionID)


def test_an_iso_2022_jp_text_mail_to_two_numbers_becomes_two_faxes(gateway: dict[str, Any]) -> None:
    server = gateway["server"]
    before = {f.TransactionID for f in alice_faxes(server)}
    message = EmailMessage()
    message["From"] = "alice@example.com"
    message["To"] = f"0312345678@{DOMAIN}"
    message["Subject"] = "注文書のご送付 /rf"
    message.set_content("いつもお世話になっております。\n注文書をお送りします。\n", charset="iso-2022-jp")
    send_mail(server, message, "alice@example.com",
              [f"+12125550100@{DOMAIN}", f"+81355500100@{DOMAIN}"])
    faxes = new_faxes(server, before, 2)
    assert [f.Subject for f in faxes] == ["注文書のご送付"] * 2
    assert {f.DestinationFax for f in faxes} == {"0012125550100", "0081355500100"}
    assert all(f.Status == 0 and f.PagesSubmitted == 1 for f in faxes)
    assert all(f.PageResolution == "Fine" for f in faxes)
    assert faxes[1].ParentTransactionID == faxes[0].TransactionID  # one batch
    assert faxes[0].ReplyEmail == "alice@example.com"


def test_an_html_mail_with_a_pdf_attachment_faxes_the_attachment(gateway: dict[str, Any]) -> None:
    server = gateway["server"]
    before = {f.TransactionID for f in alice_faxes(server)}
    pdf = io.BytesIO()
    pages = [Image.new("L", (850, 1100), 255) for _ in range(3)]
    pages[0].save(pdf, "PDF", save_all=True, append_images=pages[1:])
    message = EmailMessage()
    message["From"] = "alice@example.com"
    message["Subject"] = "Invoice März"
    message.set_content("plain version")
    message.add_alternative("<html><body><h1>Rechnung</h1></body></html>", subtype="html")
    message.add_attachment(pdf.getvalue(), maintype="application", subtype="pdf",
                           filename="invoice.pdf")
    send_mail(server, message, "ALICE@example.com", [f"+12125550100@{DOMAIN}",
                                                     f"+442055500100@{DOMAIN}"], starttls=True)
    faxes = new_faxes(server, before, 2)
    assert all(f.PagesSubmitted == 3 and f.Status == 0 for f in faxes)  # only the attachment
    assert {f.Subject for f in faxes} == {"Invoice März"}


def test_unregistered_senders_and_other_domains_are_refused(gateway: dict[str, Any]) -> None:
    server = gateway["server"]
    before = {f.TransactionID for f in alice_faxes(server)}
    message = EmailMessage()
    message["From"] = "alice@example.com"  # the header is registered, the envelope is not
    message["Subject"] = "forged"
    message.set_content("forged")
    with pytest.raises(smtplib.SMTPSenderRefused) as refused:
        send_mail(server, message, "mallory@example.net", [f"+12125550100@{DOMAIN}"])
    assert refused.value.smtp_code == 550
    with pytest.raises(smtplib.SMTPRecipientsRefused) as relay:
        send_mail(server, message, "alice@example.com", ["someone@elsewhere.example"])
    assert list(relay.value.recipients.values())[0][0] == 550
    time.sleep(1)
    assert {f.TransactionID for f in alice_faxes(server)} == before


def test_a_finished_fax_sends_a_notification_mail_and_a_callback(gateway: dict[str, Any]) -> None:
    server, sink = gateway["server"], gateway["sink"]
    Callbacks.received.clear()
    client = offline_zeep_client(server.wsdl_url)
    transaction_id = client.service.SendCharFax(Username="alice", Password=PASSWORD,
                                                FaxNumber="+1 212 555 0101", Data="x",
                                                FileType="TXT")
    assert transaction_id > 0

    def notified() -> list[Any]:
        return [m for m in sink.to("results@example.com") if str(transaction_id) in m["Subject"]]

    (mail,) = wait_until(notified, 60, "the notification")
    body = mail.get_body(("plain",))
    assert body["Content-Transfer-Encoding"] == "base64"
    text = body.get_content()
    assert f"Transaction ID: {transaction_id}" in text and "6001" in text
    assert "Number not operational" in text
    (posted,) = wait_until(
        lambda: [c for c in Callbacks.received if c.get("TransactionID") == [str(transaction_id)]],
        60, "the callback")
    assert posted["Status"] == ["6001"] and posted["DestinationFax"] == ["0012125550101"]

    server.cli("user", "set", "alice", "--notify", "csv")
    try:
        second = client.service.SendCharFax(Username="alice", Password=PASSWORD,
                                            FaxNumber="+1 212 555 0100", Data="y", FileType="TXT")
        (csv_mail,) = wait_until(
            lambda: [m for m in sink.to("results@example.com") if str(second) in m["Subject"]],
            60, "the CSV notification")
        lines = csv_mail.get_body(("plain",)).get_content().splitlines()
        assert lines[0] == ("TransactionID,Subject,DestinationFax,Status,PagesSent,"
                            "PagesSubmitted,Duration,SubmitTime,CompletionTime")
        assert lines[1].startswith(f"{second},,0012125550100,0,1,1,")
        assert csv_mail.get_body(("plain",)).get_content_charset() == "us-ascii"
    finally:
        server.cli("user", "set", "alice", "--notify", "text")


def test_a_crash_after_250_loses_no_mail(tmp_path: Path) -> None:
    front = start_server(tmp_path / "data", {"INTERFAX_SOAP_MAIL_GATEWAY__FAX_DOMAIN": DOMAIN},
                         args=("--no-worker",))
    try:
        front.add_user("alice", PASSWORD)
        front.cli("user", "add-sender", "alice", "alice@example.com")
        message = EmailMessage()
        message["Subject"] = "kept"
        message.set_content("accepted before the crash")
        send_mail(front, message, "alice@example.com", [f"+12125550100@{DOMAIN}"])
        front.stop(signal.SIGKILL)  # accepted (250) but never turned into a fax
        back = start_server(tmp_path / "data", {"INTERFAX_SOAP_MAIL_GATEWAY__FAX_DOMAIN": DOMAIN})
        try:
            (fax,) = new_faxes(back, set(), 1)
            assert (fax.Subject, fax.Status) == ("kept", 0)
        finally:
            back.stop()
    finally:
        front.stop()


def test_subject_switches_set_header_postpone_and_body(gateway: dict[str, Any]) -> None:
    server = gateway["server"]
    before = {f.TransactionID for f in alice_faxes(server)}
    later = (dt.datetime.now(dt.timezone(dt.timedelta(hours=9))) + dt.timedelta(days=2))
    message = EmailMessage()
    message["Subject"] = f"Weekly /d {later:%Y-%m-%d %H:%M} /hn /rs report"
    message.set_content("body")
    send_mail(server, message, "alice@example.com", [f"+12125550100@{DOMAIN}"])
    (fax,) = wait_until(
        lambda: [f for f in alice_faxes(server) if f.TransactionID not in before and f.Status == -2],
        60, "the postponed fax")
    assert fax.Subject == "Weekly report" and fax.PageHeader == "N"
    assert fax.PageResolution == "Standard"
    assert abs((fax.PostponeTime - later.replace(tzinfo=None, second=0, microsecond=0)).total_seconds()) < 61


def test_a_deployment_can_require_smtp_auth(tmp_path: Path) -> None:
    server = start_server(tmp_path / "data", {
        "INTERFAX_SOAP_MAIL_GATEWAY__FAX_DOMAIN": DOMAIN,
        "INTERFAX_SOAP_MAIL_GATEWAY__REQUIRE_AUTH": "true",
    })
    try:
        server.add_user("alice", PASSWORD)
        server.add_user("bob", PASSWORD)
        server.cli("user", "add-sender", "alice", "alice@example.com")
        message = EmailMessage()
        message["Subject"] = "authenticated"
        message.set_content("hello")
        with pytest.raises(smtplib.SMTPSenderRefused) as anonymous:
            send_mail(server, message, "alice@example.com", [f"+12125550100@{DOMAIN}"])
        assert anonymous.value.smtp_code == 530
        with smtplib.SMTP("127.0.0.1", server.smtp_port, timeout=30) as client:
            with pytest.raises(smtplib.SMTPAuthenticationError):
                client.login("alice", "wrong")
        with smtplib.SMTP("127.0.0.1", server.smtp_port, timeout=30) as client:
            client.login("bob", PASSWORD)
            with pytest.raises(smtplib.SMTPSenderRefused):  # alice's address is not bob's
                client.send_message(message, "alice@example.com", [f"+12125550100@{DOMAIN}"])
        with smtplib.SMTP("127.0.0.1", server.smtp_port, timeout=30) as client:
            client.login("alice", PASSWORD)
            client.send_message(message, "alice@example.com", [f"+12125550100@{DOMAIN}"])
        (fax,) = new_faxes(server, set(), 1)
        assert fax.Subject == "authenticated"
    finally:
        server.stop()

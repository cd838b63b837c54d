"""Receiving faxes end to end: inbound.asmx, the receive command and gateway, forwarding."""

from __future__ import annotations

import base64
import datetime as dt
import io
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import zeep
from PIL import Image

from tests.conftest import RunningServer, start_server
from tests.mail_sink import MailSink, free_port
from tests.soap_helpers import offline_zeep_client

PASSWORD = "pw-inbound"
BOB_NUMBER = "+1 212 555 0300"
BOB_CANONICAL = "0012125550300"
RECONSTRUCTED = Path(__file__).resolve().parents[2] / "shared/reference/interfax/inbound.reconstructed.wsdl"


def wait_until(predicate: Callable[[], Any], seconds: float, what: str) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def noise_png(seed: int) -> bytes:
    """A photo-like page: dithered, it is large on the line (several 100000-byte chunks)."""
    image = Image.frombytes("L", (800, 1000), os.urandom(800 * 1000) if seed else bytes(800000))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


class Deployment:
    def __init__(self, server: RunningServer, sink: MailSink) -> None:
        self.server = server
        self.sink = sink
        self.dfs = offline_zeep_client(server.wsdl_url)
        self.inbound = offline_zeep_client(f"{server.base_url}/inbound.asmx?WSDL")

    def get_list(self, user: str, list_type: str = "AllMessages", max_items: int = 100) -> tuple[int, list[Any]]:
        answer = self.inbound.service.GetList(Username=user, Password=PASSWORD, LType=list_type,
                                              MaxItems=max_items, objMessageItem=None)
        items = answer.objMessageItem.MessageItem if answer.objMessageItem else []
        return answer.GetListResult, list(items)

    def get_list2(self, user: str, message_id: int = 0, only_new: bool = False, verb: str = "",
                  data: str = "", page: int = 100, offset: int = 0, user_id: str = "") -> Any:
        return self.inbound.service.GetList2(
            Username=user, Password=PASSWORD,
            QueryForm={"TransactionID": message_id, "UserID": user_id, "OnlyNewMessages": only_new,
                       "RecieveTime": {"Verb": verb, "VerbData": data}},
            QueryControl={"MaxChunkSize": page, "FromRecordNumber": offset},
        )

    def chunk(self, user: str, message_id: int, size: int, offset: int, mark: bool = False) -> Any:
        return self.inbound.service.GetImageChunk(Username=user, Password=PASSWORD,
                                                  MessageID=message_id, MarkAsRead=mark,
                                                  ChunkSize=size, From=offset, Image=None)

    def log(self, user: str, message_id: int, requested: str = "") -> list[Any]:
        answer = self.inbound.service.GetInboundLogEmails(Username=user, Password=PASSWORD,
                                                          RequestedUserID=requested,
                                                          TransactionID=message_id)
        assert answer.ResultCode == 0
        return list(answer.InboundEmails.InboundLogEmail) if answer.InboundEmails else []


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    sink = MailSink()
    port = sink.start()
    server = start_server(tmp_path_factory.mktemp("inbound") / "data", {
        "INTERFAX_SOAP_SMTP_RELAY__PORT": str(port),
        "INTERFAX_SOAP_SMTP_RELAY__RETRY_SECONDS": "0.5",
        "INTERFAX_SOAP_WORKER__POLL_SECONDS": "0.2",
    })
    for user in ("alice", "bob", "carol", "boss"):
        server.add_user(user, PASSWORD)
    server.cli("user", "set", "alice", "--csid", "ALICE FAX")
    server.cli("account", "add", "acme", "--primary", "boss")
    server.cli("account", "add-user", "acme", "bob")
    server.cli("number", "add", BOB_NUMBER, "--user", "bob", "--forward", "ok@example.com",
               "--forward", "refuse@example.com", "--forward", "later@example.com")
    server.cli("number", "add", "+1 212 555 0301", "--user", "carol")
    yield Deployment(server, sink)
    server.stop()
    sink.stop()


def send_to_bob(deployment: Deployment) -> tuple[int, int]:
    """Alice faxes Bob's number through dfs.asmx; returns (TransactionID, MessageID)."""
    documents = [noise_png(1), noise_png(2)]
    transaction_id = deployment.dfs.service.SendfaxEx_2(
        Username="alice", Password=PASSWORD, FaxNumbers=BOB_NUMBER, Contacts="Bob",
        FilesData=b"".join(documents), FileTypes="PNG;PNG",
        FileSizes=";".join(str(len(d)) for d in documents), Postpone=dt.datetime(1980, 1, 1),
        RetriesToPerform=1, CSID="", PageHeader="N", JobID="", Subject="order", ReplyAddress="",
        PageSize="A4", PageOrientation="Portrait", IsHighResolution=True, IsFineRendering=True,
    )
    assert transaction_id > 0

    def sent() -> Any:
        answer = deployment.dfs.service.FaxQuery(Username="alice", Password=PASSWORD, Verb="EQ",
                                                 VerbData=str(transaction_id), MaxItems=1,
                                                 ResultCode=0)
        item = answer.FaxQueryResult.FaxItemEx[0]
        return item if item.Status >= 0 else None

    item = wait_until(sent, 60, "the fax to Bob")
    assert item.Status == 0 and item.RemoteCSID == "+12125550300"
    _, items = deployment.get_list("bob")
    return transaction_id, max(i.MessageID for i in items)


def test_a_fax_sent_to_a_local_number_is_received_downloaded_read_and_forwarded(
    deployment: Deployment,
) -> None:
    transaction_id, message_id = send_to_bob(deployment)
    code, new = deployment.get_list("bob", "NewMessages")
    assert code == 0
    (item,) = [i for i in new if i.MessageID == message_id]
    assert (item.PhoneNumber, item.RemoteCSID, item.CallerID) == (BOB_CANONICAL, "ALICE FAX", "ALICE FAX")
    assert item.Pages == 2 and item.MessageType == 1 and item.MessageStatus == 0
    assert item.MessageRecordingDuration > 0
    sent_image = deployment.dfs.service.GetFaxImage(Username="alice", Password=PASSWORD,
                                                    TransactionID=transaction_id, Image=b"").Image
    assert item.MessageSize == len(sent_image) > 200_000

    received = b""
    while True:
        answer = deployment.chunk("bob", message_id, 100_000, len(received), mark=True)
        assert answer.GetImageChunkResult == 0
        piece = answer.Image or b""
        received += piece
        if len(piece) < 100_000:
            break
        # Not read before the last byte is delivered.
        if len(received) < item.MessageSize:
            assert any(i.MessageID == message_id for i in deployment.get_list("bob", "NewMessages")[1])
    assert received == sent_image  # the image kept is exactly what was transmitted
    assert not any(i.MessageID == message_id for i in deployment.get_list("bob", "NewMessages")[1])
    listed = deployment.get_list2("bob", message_id=message_id).MessageItems.MessageItem2[0]
    assert listed.ImageStatus == "READ" and listed.UserID == "bob"

    # Forwarding: one address accepts, one refuses for good, one only after retries.
    def settled() -> list[Any]:
        log = deployment.log("bob", message_id)
        return log if len(log) == 3 and all(e.MessageStatus >= 0 for e in log) else []

    log = {e.EmailAddress: e for e in wait_until(settled, 60, "forwarding")}
    assert log["ok@example.com"].MessageStatus == 0
    assert log["refuse@example.com"].MessageStatus == 550
    assert log["later@example.com"].MessageStatus == 0
    assert deployment.sink.rcpt_attempts["later@example.com"] == 3  # 451, 451, accepted
    (mail,) = deployment.sink.to("ok@example.com")
    (attachment,) = list(mail.iter_attachments())
    assert attachment.get_filename() == f"fax-{message_id}.tif"
    assert attachment.get_content() == sent_image
    assert "ALICE FAX" in mail.get_body(("plain",)).get_content()
    assert mail["Message-ID"]
    counted = deployment.get_list2("bob", message_id=message_id).MessageItems.MessageItem2[0]
    assert (counted.NumOfEmails, counted.NumOfFailedEmails) == (3, 1)

    # The refusing mailbox is fixed; only the failed address is sent again.
    deployment.sink.refusing = False
    answer = deployment.inbound.service.ResendInboundToEmail(
        Username="bob", Password=PASSWORD, RequestedUserID="", TransactionID=message_id,
        OnlyToFailed=True, EmailAddress="")
    assert (answer.ResultCode, answer.EmailsSent) == (0, 1)
    wait_until(lambda: deployment.sink.to("refuse@example.com"), 30, "the resend")
    assert len(deployment.sink.to("ok@example.com")) == 1
    other = deployment.inbound.service.ResendInboundToEmail(
        Username="bob", Password=PASSWORD, RequestedUserID="", TransactionID=message_id,
        OnlyToFailed=False, EmailAddress="someone@example.org")
    assert (other.ResultCode, other.EmailsSent) == (0, 1)
    wait_until(lambda: deployment.sink.to("someone@example.org"), 30, "the override address")


def test_image_chunk_edges_and_formats(deployment: Deployment, tmp_path: Path) -> None:
    _, message_id = send_to_bob(deployment)
    size = deployment.get_list2("bob", message_id=message_id).MessageItems.MessageItem2[0].MessageSize
    assert deployment.chunk("bob", message_id, size, 0).Image[:4] == b"II*\x00"
    at_end = deployment.chunk("bob", message_id, 10, size)
    assert at_end.GetImageChunkResult == 0 and not at_end.Image
    assert deployment.chunk("bob", message_id, 10, size + 1).GetImageChunkResult == -3002
    assert deployment.chunk("bob", message_id, 0, 0).GetImageChunkResult == -3005
    assert deployment.chunk("bob", message_id, 11 * 1024 * 1024, 0).GetImageChunkResult == -3005
    assert deployment.chunk("bob", 999999, 10, 0).GetImageChunkResult == -3001
    ex2 = deployment.inbound.service.GetImageChunkEx2(Username="bob", Password=PASSWORD,
                                                      MessageID=message_id, MarkAsRead=False,
                                                      ChunkSize=8, From=0)
    assert (ex2.ResultCode, ex2.SourceFileType, ex2.buffer) == (0, "TIF", b"II*\x00" + ex2.buffer[4:])
    # Bob prefers PDF: sizes and downloads follow.
    deployment.server.cli("user", "set", "bob", "--inbound-format", "PDF")
    _, pdf_message = send_to_bob(deployment)
    item = deployment.get_list2("bob", message_id=pdf_message).MessageItems.MessageItem2[0]
    whole = deployment.inbound.service.GetImageChunkEx2(Username="bob", Password=PASSWORD,
                                                        MessageID=pdf_message, MarkAsRead=False,
                                                        ChunkSize=item.MessageSize, From=0)
    assert whole.SourceFileType == "PDF" and whole.buffer[:5] == b"%PDF-"
    assert len(whole.buffer) == item.MessageSize
    deployment.server.cli("user", "set", "bob", "--inbound-format", "TIF")


def test_lists_marks_and_permissions(deployment: Deployment) -> None:
    _, message_id = send_to_bob(deployment)
    assert deployment.get_list("bob", max_items=0)[0] == -3006
    assert deployment.get_list("bob", "AccountAllMessages")[0] == -3007
    code, account = deployment.get_list("boss", "AccountAllMessages")
    assert code == 0 and message_id in [i.MessageID for i in account]
    assert deployment.get_list("bob", max_items=1)[1][0].MessageID == message_id  # newest first
    mark = deployment.inbound.service.MarkMessage
    assert mark(Username="bob", Password=PASSWORD, Read=True, MessageID=message_id) == 0
    assert message_id not in [i.MessageID for i in deployment.get_list("bob", "NewMessages")[1]]
    assert mark(Username="bob", Password=PASSWORD, Read=False, MessageID=message_id) == 0
    assert message_id in [i.MessageID for i in deployment.get_list("bob", "NewMessages")[1]]
    # Carol can neither see nor touch Bob's faxes.
    assert message_id not in [i.MessageID for i in deployment.get_list("carol")[1]]
    assert deployment.chunk("carol", message_id, 10, 0).GetImageChunkResult == -3001
    assert mark(Username="carol", Password=PASSWORD, Read=True, MessageID=message_id) == -3001
    assert deployment.get_list2("carol", user_id="bob").ResultCode == -310
    carol_log = deployment.inbound.service.GetInboundLogEmails(
        Username="carol", Password=PASSWORD, RequestedUserID="", TransactionID=message_id)
    assert carol_log.ResultCode == -311
    boss_log = deployment.log("boss", message_id, requested="bob")
    assert {e.EmailAddress for e in boss_log} >= {"ok@example.com"}
    assert deployment.get_list("bob", list_type="AllMessages")[0] == 0
    assert deployment.inbound.service.GetList(Username="bob", Password="wrong", LType="AllMessages",
                                              MaxItems=1, objMessageItem=None).GetListResult == -1003


def test_get_list2_filters_by_time_read_state_and_pages(deployment: Deployment) -> None:
    _, message_id = send_to_bob(deployment)
    today = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d")
    tomorrow = (dt.datetime.now(dt.UTC) + dt.timedelta(days=1)).strftime("%Y-%m-%d")
    everything = deployment.get_list2("bob")
    assert everything.ResultCode == 0 and everything.TotalTransactionsNum >= 1
    assert deployment.get_list2("bob", verb="=", data=today).TotalTransactionsNum == everything.TotalTransactionsNum
    assert deployment.get_list2("bob", verb=">=", data=tomorrow).TotalTransactionsNum == 0
    assert deployment.get_list2("bob", verb="BETWEEN", data=f"2000-01-01,{today}").TotalTransactionsNum == everything.TotalTransactionsNum
    assert deployment.get_list2("bob", verb="<", data="2000-01-01 00:00:00").TotalTransactionsNum == 0
    assert deployment.get_list2("bob", verb="~", data=today).ResultCode == -1030
    page = deployment.get_list2("bob", page=1, offset=0)
    assert len(page.MessageItems.MessageItem2) == 1 and page.TotalTransactionsNum == everything.TotalTransactionsNum
    assert page.MessageItems.MessageItem2[0].MessageID == message_id
    unread = deployment.get_list2("bob", only_new=True)
    assert all(i.ImageStatus == "UNREAD" for i in unread.MessageItems.MessageItem2)


def test_the_receive_command_and_the_http_gateway(deployment: Deployment, tmp_path: Path) -> None:
    from interfax_soap.render.faxtiff import encode_fax_tiff

    tiff = encode_fax_tiff([Image.new("1", (1728, 1143), 1)] * 3, fine=True)
    path = tmp_path / "received.tif"
    path.write_bytes(tiff)
    out = deployment.server.cli("receive", "--to", "+1 212 555 0301", "--from", "0312345678",
                                "--csid", "GATEWAY", str(path))
    assert "received" in out.stdout
    code, items = deployment.get_list("carol")
    newest = items[0]
    assert (newest.Pages, newest.CallerID, newest.RemoteCSID) == (3, "0312345678", "GATEWAY")
    assert deployment.chunk("carol", newest.MessageID, len(tiff), 0).Image == tiff  # kept as received
    refused = deployment.server.cli("receive", "--to", "+1 212 555 0399", str(path), check=False)
    assert refused.returncode != 0 and "not a number here" in refused.stderr

    url = f"{deployment.server.base_url}/inbound/receive"
    auth = ("carol", PASSWORD)
    pdf = io.BytesIO()
    Image.new("L", (850, 1100), 255).save(pdf, "PDF")
    ok = requests.post(url, params={"to": "+1 212 555 0301", "from": "0311112222"}, auth=auth,
                       data=pdf.getvalue(), timeout=30)
    assert ok.status_code == 200 and ok.text.startswith("MessageID ")
    message_id = int(ok.text.split()[1])
    image = deployment.chunk("carol", message_id, 10 * 1024 * 1024, 0).Image
    assert image[:4] == b"II*\x00"  # a PDF arrives as a fax TIFF
    assert requests.post(url, params={"to": "+1 212 555 0301"}, auth=("carol", "bad"),
                         data=tiff, timeout=30).status_code == 401
    assert requests.post(url, params={"to": BOB_NUMBER}, auth=auth, data=tiff,
                         timeout=30).status_code == 404
    assert requests.post(url, params={"to": "+1 212 555 0301"}, auth=auth, data=b"not a fax",
                         timeout=30).status_code == 415
    assert requests.get(url, timeout=30).status_code == 405


def test_forwarding_survives_a_relay_that_is_down(tmp_path: Path) -> None:
    port = free_port()
    server = start_server(tmp_path / "down", {
        "INTERFAX_SOAP_SMTP_RELAY__PORT": str(port),
        "INTERFAX_SOAP_SMTP_RELAY__RETRY_SECONDS": "0.5",
        "INTERFAX_SOAP_WORKER__POLL_SECONDS": "0.2",
    })
    sink = MailSink()
    try:
        server.add_user("dave", PASSWORD)
        server.cli("number", "add", "+44 20 5550 0400", "--user", "dave", "--forward", "dave@example.com")
        tiff_path = tmp_path / "in.tif"
        from interfax_soap.render.faxtiff import encode_fax_tiff

        tiff_path.write_bytes(encode_fax_tiff([Image.new("1", (1728, 1143), 1)], fine=True))
        server.cli("receive", "--to", "+44 20 5550 0400", str(tiff_path))
        client = offline_zeep_client(f"{server.base_url}/inbound.asmx?WSDL")
        message_id = client.service.GetList(Username="dave", Password=PASSWORD, LType="AllMessages",
                                            MaxItems=1, objMessageItem=None).objMessageItem.MessageItem[0].MessageID

        def log(using: Any = client) -> list[Any]:
            answer = using.service.GetInboundLogEmails(Username="dave", Password=PASSWORD,
                                                       RequestedUserID="", TransactionID=message_id)
            return list(answer.InboundEmails.InboundLogEmail)

        time.sleep(2)  # a few attempts against the closed port
        assert [e.MessageStatus for e in log()] == [-1]  # still pending, not lost
        resend = client.service.ResendInboundToEmail(Username="dave", Password=PASSWORD,
                                                     RequestedUserID="", TransactionID=message_id,
                                                     OnlyToFailed=False, EmailAddress="")
        assert resend.ResultCode == -312  # the first delivery is still under way
        server.stop()
        sink.start(port)
        restarted = start_server(tmp_path / "down", dict(server.env.items() - os.environ.items()))
        try:
            wait_until(lambda: sink.to("dave@example.com"), 60, "delivery after the restart")
            again = offline_zeep_client(f"{restarted.base_url}/inbound.asmx?WSDL")
            assert [e.MessageStatus for e in log(again)] == [0]
        finally:
            restarted.stop()
    finally:
        server.stop()
        sink.stop()


@pytest.mark.skipif(not RECONSTRUCTED.exists(), reason="../shared reference WSDL not present")
def test_a_client_built_from_the_reconstructed_inbound_wsdl(deployment: Deployment) -> None:
    _, message_id = send_to_bob(deployment)
    original = offline_zeep_client(str(RECONSTRUCTED))
    service = original.create_service("{http://www.interfax.net}InboundSoap",
                                      f"{deployment.server.base_url}/inbound.asmx")
    answer = service.GetList(Username="bob", Password=PASSWORD, LType="AllMessages", MaxItems=5,
                             objMessageItem=None)
    assert answer.GetListResult == 0
    assert message_id in [i.MessageID for i in answer.objMessageItem.MessageItem]
    chunk = service.GetImageChunk(Username="bob", Password=PASSWORD, MessageID=message_id,
                                  MarkAsRead=False, ChunkSize=4, From=0, Image=None)
    assert chunk.Image == b"II*\x00"

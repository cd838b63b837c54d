"""Managing faxes after submission, end to end: chunk upload, batches, resend, hide,
FaxStatusEx/XML, FaxQuery2, error codes and file types."""

from __future__ import annotations

import datetime as dt
import io
import os
import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests
import zeep
from lxml import etree
from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, NameObject

from tests.conftest import RunningServer, start_server
from tests.soap_helpers import NS, call, offline_zeep_client

BOSS, CLERK, OTHER, PASSWORD = "boss", "clerk", "outsider", "pw-management"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    running = start_server(tmp_path_factory.mktemp("management") / "data")
    for user in (BOSS, CLERK, OTHER):
        running.add_user(user, PASSWORD)
    running.cli("account", "add", "acme", "--primary", BOSS)
    running.cli("account", "add-user", "acme", CLERK)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def client(server: RunningServer) -> zeep.Client:
    return offline_zeep_client(server.wsdl_url)


def send(client: zeep.Client, user: str = CLERK, numbers: str = "+1 212 555 0100",
         data: bytes = b"management test", file_type: str = "TXT", **fields: Any) -> int:
    values: dict[str, Any] = {
        "Username": user, "Password": PASSWORD, "FaxNumbers": numbers, "Contacts": "",
        "FilesData": data, "FileTypes": file_type, "FileSizes": str(len(data)),
        "Postpone": dt.datetime(1980, 1, 1), "RetriesToPerform": 1, "CSID": "",
        "PageHeader": "N", "JobID": "", "Subject": "", "ReplyAddress": "", "PageSize": "A4",
        "PageOrientation": "Portrait", "IsHighResolution": False, "IsFineRendering": False,
    }
    values.update(fields)
    return int(client.service.SendfaxEx_2(**values))


def ex_items(client: zeep.Client, user: str = CLERK) -> dict[int, Any]:
    answer = client.service.FaxStatusEx(Username=user, Password=PASSWORD,
                                        LastTransactionID=999999999, MaxItems=10000,
                                        TotalCount=0, ListSize=0, ResultCode=0)
    assert answer.ResultCode == 0
    items = answer.FaxStatusExResult.FaxItemEx if answer.FaxStatusExResult else []
    return {i.TransactionID: i for i in items}


def wait_final(client: zeep.Client, ids: list[int], user: str = CLERK) -> dict[int, Any]:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        items = ex_items(client, user)
        if all(i in items and items[i].Status >= 0 for i in ids):
            return items
        time.sleep(0.2)
    raise AssertionError(f"{ids} did not finish")


def members(client: zeep.Client, parent: int, user: str = CLERK) -> list[Any]:
    answer = client.service.FaxQuery(Username=user, Password=PASSWORD, Verb="PARENT",
                                     VerbData=str(parent), MaxItems=-1, ResultCode=0)
    return list(answer.FaxQueryResult.FaxItemEx) if answer.FaxQueryResult else []


def big_pdf(total_bytes: int) -> bytes:
    """A one-page PDF padded to about ``total_bytes`` with an unused random stream."""
    writer = PdfWriter()
    page = writer.add_blank_page(width=595, height=842)
    padding = DecodedStreamObject()
    padding.set_data(os.urandom(total_bytes - 2000))
    page[NameObject("/PieceInfo")] = writer._add_object(padding)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_20_mb_pdf_goes_through_chunk_upload_and_the_session_is_used_up(
    server: RunningServer, client: zeep.Client
) -> None:
    document = big_pdf(20 * 1024 * 1024 - 64 * 1024)
    assert 19 * 1024 * 1024 < len(document) <= 20 * 1024 * 1024
    started = client.service.StartFileUpload(Username=CLERK, Password=PASSWORD, SessionID="")
    assert started.StartFileUploadResult == 0
    session_id = started.SessionID
    assert len(session_id) == 64 and session_id == session_id.upper()
    int(session_id, 16)
    chunk = 1024 * 1024
    total = 0
    for offset in range(0, len(document), chunk):
        piece = document[offset : offset + chunk]
        total = client.service.UploadFileChunk(
            SessionID=session_id, Chunk=piece, IsLast=offset + chunk >= len(document)
        )
        assert total == offset + len(piece)
    assert total == len(document)
    transaction_id = send(client, data=b"", file_type="PDF",
                          FileSizes=f"{len(document)}/sessionID={session_id}")
    assert transaction_id > 0
    item = wait_final(client, [transaction_id])[transaction_id]
    assert item.Status == 0 and item.PagesSubmitted == 1
    again = send(client, data=b"", file_type="PDF",
                 FileSizes=f"{len(document)}/sessionID={session_id}")
    assert again == -1062


def test_upload_errors_and_cancel(server: RunningServer, client: zeep.Client) -> None:
    assert client.service.UploadFileChunk(SessionID="F" * 64, Chunk=b"x", IsLast=False) == -1062
    session_id = client.service.StartFileUpload(Username=CLERK, Password=PASSWORD,
                                                SessionID="").SessionID
    assert client.service.UploadFileChunk(SessionID=session_id, Chunk=b"", IsLast=False) == -1061
    assert client.service.UploadFileChunk(SessionID=session_id, Chunk=b"abc", IsLast=False) == 3
    assert client.service.UploadFileChunk(SessionID=session_id, Chunk=b"de", IsLast=True) == 5
    assert client.service.CancelFileUpload(SessionID=session_id) == 0
    assert client.service.UploadFileChunk(SessionID=session_id, Chunk=b"x", IsLast=True) == -1062
    assert client.service.CancelFileUpload(SessionID="no such session") == 0
    assert client.service.CancelFileUpload(SessionID=None) == 0
    # Another user cannot send someone else's upload.
    mine = client.service.StartFileUpload(Username=CLERK, Password=PASSWORD, SessionID="").SessionID
    client.service.UploadFileChunk(SessionID=mine, Chunk=b"hello", IsLast=True)
    assert send(client, user=OTHER, data=b"", FileSizes=f"5/sessionID={mine}") == -1062
    assert send(client, data=b"", FileSizes=f"6/sessionID={mine}") == -1008
    assert send(client, data=b"", FileSizes=f"5/sessionID={mine}") > 0


def test_start_file_upload_with_bad_credentials_has_no_session_id(server: RunningServer) -> None:
    answer = call(requests, server.dfs, "StartFileUpload", Username=CLERK, Password="nope",
                  SessionID="")
    assert answer.findtext(f"{{{NS}}}StartFileUploadResult") == "-1003"
    assert answer.find(f"{{{NS}}}SessionID") is None


def test_upload_limits(tmp_path_factory: pytest.TempPathFactory) -> None:
    small = start_server(tmp_path_factory.mktemp("small") / "data", {
        "INTERFAX_SOAP_LIMITS__UPLOAD_CHUNK_MB": "0.001",  # about 1 KB
        "INTERFAX_SOAP_LIMITS__UPLOAD_TOTAL_MB": "0.002",
    })
    try:
        small.add_user(CLERK, PASSWORD)
        client = offline_zeep_client(small.wsdl_url)
        session_id = client.service.StartFileUpload(Username=CLERK, Password=PASSWORD,
                                                    SessionID="").SessionID
        assert client.service.UploadFileChunk(SessionID=session_id, Chunk=b"x" * 2000,
                                              IsLast=False) == -1063
        assert client.service.UploadFileChunk(SessionID=session_id, Chunk=b"x" * 1000,
                                              IsLast=False) == 1000
        assert client.service.UploadFileChunk(SessionID=session_id, Chunk=b"x" * 1000,
                                              IsLast=False) == 2000
        assert client.service.UploadFileChunk(SessionID=session_id, Chunk=b"x" * 200,
                                              IsLast=True) == -1063
    finally:
        small.stop()


def test_a_partly_failed_batch_is_resent_with_errors_only(client: zeep.Client) -> None:
    parent = send(client, numbers="+1 212 555 0100;+1 212 555 0101;+44 20 5550 0100",
                  Contacts="a;b;c", Subject="batch")
    first = members(client, parent)
    wait_final(client, [m.TransactionID for m in first])
    statuses = {m.Contact: m.Status for m in members(client, parent)}
    assert statuses == {"a": 0, "b": 6001, "c": 0}
    again = client.service.ResendBroadcastFax(Username=CLERK, Password=PASSWORD,
                                              ParentTransactionID=parent, Subject="retry",
                                              SendErrorsOnly=True)
    assert again > parent
    resent = members(client, again)
    assert [(m.DestinationFax, m.Subject, m.ParentTransactionID) for m in resent] == [
        ("0012125550101", "retry", again)
    ]
    everything = client.service.ResendBroadcastFax(Username=CLERK, Password=PASSWORD,
                                                   ParentTransactionID=parent, Subject="",
                                                   SendErrorsOnly=False)
    assert {m.Contact for m in members(client, everything)} == {"a", "b", "c"}
    assert {m.Subject for m in members(client, everything)} == {"batch"}
    assert client.service.ResendBroadcastFax(Username=OTHER, Password=PASSWORD,
                                             ParentTransactionID=parent, Subject="",
                                             SendErrorsOnly=False) == -1005


def test_resend_fax_sends_the_same_document_to_another_number(client: zeep.Client) -> None:
    original = send(client, data=b"one\ftwo\fthree")
    wait_final(client, [original])
    copy = client.service.ReSendFax(Username=CLERK, Password=PASSWORD, TransactionID=original,
                                    FaxNumber="+81 3 5550 0100")
    assert copy > original
    item = wait_final(client, [copy])[copy]
    assert (item.Status, item.PagesSubmitted, item.DestinationFax) == (0, 3, "0081355500100")
    same = client.service.ReSendFax(Username=CLERK, Password=PASSWORD, TransactionID=original,
                                    FaxNumber="")
    assert wait_final(client, [same])[same].DestinationFax == "0012125550100"
    assert client.service.ReSendFax(Username=OTHER, Password=PASSWORD, TransactionID=original,
                                    FaxNumber="") == -1005


def test_hidden_faxes_leave_the_lists_but_fax_query2_can_show_them(client: zeep.Client) -> None:
    single = send(client, Subject="hide-me")
    parent = send(client, numbers="+1 212 555 0100;+1 212 555 0100", Subject="hide-batch")
    assert client.service.HideFax(Username=CLERK, Password=PASSWORD, TransactionID=single) == 0
    assert client.service.HideBatch(Username=CLERK, Password=PASSWORD,
                                    ParentTransactionID=parent) == 0
    assert client.service.HideFax(Username=OTHER, Password=PASSWORD, TransactionID=single) == -1005
    listed = ex_items(client)
    assert single not in listed and parent not in listed
    form = query_form(Subject=("Like", "hide-%"))
    hidden = fax_query2(client, form, ShowHiddenTransactions=True)
    assert hidden.TotalTransactionsNum == 3
    assert fax_query2(client, form).TotalTransactionsNum == 0


def test_cancel_batch_cancels_every_member_not_yet_sent(client: zeep.Client) -> None:
    later = dt.datetime.now() + dt.timedelta(days=1)
    parent = send(client, numbers="+1 212 555 0100;+44 20 5550 0100", Postpone=later)
    assert client.service.CancelBatch(Username=CLERK, Password=PASSWORD,
                                      ParentTransactionID=parent) == 0
    assert {m.Status for m in members(client, parent)} == {403}
    assert client.service.CancelBatch(Username=CLERK, Password=PASSWORD,
                                      ParentTransactionID=parent) == -162


def test_fax_status_xml_carries_the_fax_status_ex_items(client: zeep.Client) -> None:
    transaction_id = send(client, Subject="as xml")
    answer = client.service.FaxStatusXML(Username=CLERK, Password=PASSWORD,
                                         LastTransactionID=transaction_id + 1, MaxItems=1,
                                         TotalCount=0, ListSize=0, ResultCode=0)
    assert answer.ResultCode == 0 and answer.ListSize == 1
    document = etree.fromstring(answer.FaxStatusXMLResult.encode("utf-8"))
    assert etree.QName(document) == etree.QName(NS, "ArrayOfFaxItemEx")
    (item,) = document
    assert item.findtext(f"{{{NS}}}TransactionID") == str(transaction_id)
    assert item.findtext(f"{{{NS}}}Subject") == "as xml"
    assert len(item) == 27


def query_form(**conditions: tuple[str, str]) -> dict[str, Any]:
    form: dict[str, Any] = {
        name: {"Verb": "Equals", "VerbData": None}
        for name in ("Subject", "FaxNumber", "UserID", "ReplyAddress", "TransactionID",
                     "ParentTransactionID", "Status")
    }
    for name, (verb, data) in conditions.items():
        form[name] = {"Verb": verb, "VerbData": data}
    form["DateFrom"] = dt.datetime(1980, 1, 1)
    form["DateTo"] = dt.datetime.now() + dt.timedelta(days=1)
    form["ShowHiddenTransactions"] = False
    return form


def fax_query2(client: zeep.Client, form: dict[str, Any], user: str = CLERK,
               **control: Any) -> Any:
    form = dict(form)
    if "ShowHiddenTransactions" in control:
        form["ShowHiddenTransactions"] = control.pop("ShowHiddenTransactions")
    values = {"OnlyParents": False, "NumOfResults": 100, "StartingRecord": 0,
              "OrderBy": "TransactionID", "AscOrderDirection": True, "ReturnItems": True,
              "ReturnStats": False}
    values.update(control)
    return client.service.FaxQuery2(Username=user, Password=PASSWORD, QueryForm=form,
                                    QueryControl=values)


def ids_of(result: Any) -> list[int]:
    return [i.TransactionID for i in (result.FaxItems.FaxItemEx2 if result.FaxItems else [])]


def test_fax_query2_filters_pages_orders_and_counts(client: zeep.Client) -> None:
    ids = [send(client, Subject=f"Invoice {n}", numbers=number)
           for n, number in enumerate(["+1 212 555 0100", "+1 212 555 0101", "+1 212 555 0100"])]
    boss_own = send(client, user=BOSS, Subject="Invoice boss")
    wait_final(client, ids)
    wait_final(client, [boss_own], user=BOSS)

    like = fax_query2(client, query_form(Subject=("Like", "invoice %")))
    assert like.ResultCode == 0 and ids_of(like) == ids and like.TotalTransactionsNum == 3
    number = fax_query2(client, query_form(Subject=("Like", "Invoice%"),
                                           FaxNumber=("Equals", "0012125550101")))
    assert ids_of(number) == [ids[1]]
    failed = fax_query2(client, query_form(Subject=("Like", "Invoice%"),
                                           Status=("IncludedIn", "6001,3268")))
    assert ids_of(failed) == [ids[1]]
    between = fax_query2(client, query_form(TransactionID=("Between", f"{ids[0]},{ids[1]}")))
    assert ids_of(between) == ids[:2]
    greater = fax_query2(client, query_form(TransactionID=("GreaterThan", str(ids[1]))))
    assert ids_of(greater) == [ids[2]]
    page = fax_query2(client, query_form(Subject=("Like", "Invoice%")), NumOfResults=1,
                      StartingRecord=1)
    assert ids_of(page) == [ids[1]] and page.TotalTransactionsNum == 3
    by_subject = fax_query2(client, query_form(Subject=("Like", "Invoice%")), OrderBy="Subject",
                            AscOrderDirection=False)
    assert ids_of(by_subject) == list(reversed(ids))
    stats = fax_query2(client, query_form(Subject=("Like", "Invoice%")), ReturnItems=False,
                       ReturnStats=True)
    assert stats.FaxItems is None
    assert {(s.Status, s.Count) for s in stats.Stats.StatusCount} == {(0, 2), (6001, 1)}
    nothing = fax_query2(client, query_form(), ReturnItems=False, ReturnStats=False)
    assert nothing.ResultCode == -710
    bad = fax_query2(client, query_form(TransactionID=("Equals", "abc")))
    assert bad.ResultCode == -1030
    future = fax_query2(client, dict(query_form(Subject=("Like", "Invoice%")),
                                     DateFrom=dt.datetime.now() + dt.timedelta(hours=1)))
    assert future.TotalTransactionsNum == 0
    # The account's primary user sees its users' faxes; the clerk only its own.
    boss_view = fax_query2(client, query_form(Subject=("Like", "Invoice%")), user=BOSS)
    assert set(ids_of(boss_view)) == {*ids, boss_own}
    assert {i.UserID for i in boss_view.FaxItems.FaxItemEx2} == {CLERK, BOSS}
    clerk_boss = fax_query2(client, query_form(UserID=("Equals", BOSS)))
    assert ids_of(clerk_boss) == []
    outsider = fax_query2(client, query_form(Subject=("Like", "Invoice%")), user=OTHER)
    assert outsider.TotalTransactionsNum == 0
    item = like.FaxItems.FaxItemEx2[0]
    assert item.NumOfTransactions == 1 and item.GMTBias == 0


def test_error_codes_and_file_types(client: zeep.Client) -> None:
    codes = {e.Code: e.Description for e in client.service.GetAllErrorCodes()}
    assert {-1003, -112, -1002, -1007, -1008, -1004, -1062, -3001} <= set(codes)
    assert "Authentication" in codes[-1003]
    assert client.service.GetErrorDescription(ErrorCode=-1003) == codes[-1003]
    assert "Unknown" in client.service.GetErrorDescription(ErrorCode=-424242)
    types = client.service.GetSupportedFileTypes().split(";")
    assert {"TXT", "PDF", "TIF", "PNG", "JPG"} <= set(types)
    assert all(t == t.upper() for t in types)
    assert client.service.IsSupportedFileType(FileType="pdf") is True
    assert client.service.IsSupportedFileType(FileType="exe") is False
    assert client.service.IsSupportedFileType(FileType="") is False

"""Sendfax, SendfaxEx_2, FaxQuery, GetFaxImage and CancelFax, end to end over HTTP."""

from __future__ import annotations

import base64
import datetime as dt
import io
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import zeep
from lxml import etree
from PIL import Image

from tests.conftest import RunningServer, start_server
from tests.soap_helpers import NS, call, offline_zeep_client

ALICE, BOB, PASSWORD = "alice", "bob", "pw-outbound"
REFERENCE_WSDL = Path(__file__).resolve().parents[2] / "shared/reference/interfax/dfs.wsdl"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    running = start_server(tmp_path_factory.mktemp("outbound") / "data")
    running.add_user(ALICE, PASSWORD)
    running.add_user(BOB, PASSWORD)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def client(server: RunningServer) -> zeep.Client:
    return offline_zeep_client(server.wsdl_url)


def png_page(text_height: int = 400) -> bytes:
    image = Image.new("L", (850, text_height), 255)
    for x in range(100, 700):
        for y in range(100, 110):
            image.putpixel((x, y), 0)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def pack(*documents: tuple[bytes, str]) -> dict[str, Any]:
    return {
        "FilesData": b"".join(d for d, _ in documents),
        "FileTypes": ";".join(t for _, t in documents),
        "FileSizes": ";".join(str(len(d)) for d, _ in documents),
    }


def send_ex_2(client: zeep.Client, user: str = ALICE, **fields: Any) -> int:
    values: dict[str, Any] = {
        "Username": user, "Password": PASSWORD, "FaxNumbers": "+1 212 555 0100",
        "Contacts": "", "Postpone": dt.datetime(1980, 1, 1), "RetriesToPerform": 0,
        "CSID": "", "PageHeader": "N", "JobID": "", "Subject": "", "ReplyAddress": "",
        "PageSize": "A4", "PageOrientation": "Portrait", "IsHighResolution": False,
        "IsFineRendering": False,
    }
    if "FilesData" not in fields:
        values.update(pack((b"Hello\fWorld", "TXT")))
    values.update(fields)
    return int(client.service.SendfaxEx_2(**values))


def query(client: zeep.Client, verb: str, data: str = "", user: str = ALICE,
          max_items: int = -1) -> tuple[list[Any], int]:
    answer = client.service.FaxQuery(
        Username=user, Password=PASSWORD, Verb=verb, VerbData=data, MaxItems=max_items,
        ResultCode=0,
    )
    items = answer.FaxQueryResult.FaxItemEx if answer.FaxQueryResult else []
    return list(items), answer.ResultCode


def wait_final(client: zeep.Client, transaction_id: int, user: str = ALICE) -> Any:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        items, code = query(client, "EQ", str(transaction_id), user)
        assert code == 0
        if items and items[0].Status >= 0:
            return items[0]
        time.sleep(0.2)
    raise AssertionError(f"transaction {transaction_id} did not finish")


def fax_image(client: zeep.Client, transaction_id: int, user: str = ALICE) -> tuple[int, bytes | None]:
    answer = client.service.GetFaxImage(
        Username=user, Password=PASSWORD, TransactionID=transaction_id, Image=b""
    )
    return answer.GetFaxImageResult, answer.Image


def pages_of(tiff: bytes) -> list[tuple[int, tuple[int, int]]]:
    image = Image.open(io.BytesIO(tiff))
    pages = []
    for index in range(image.n_frames):
        image.seek(index)
        dpi = tuple(round(float(v)) for v in image.info["dpi"])
        pages.append((image.size[0], dpi))
    return pages


def test_two_documents_to_one_number_are_sent_as_one_fax_whose_image_can_be_fetched(
    client: zeep.Client,
) -> None:
    transaction_id = send_ex_2(
        client, **pack((b"first document\fits second page", "TXT"), (png_page(), "png")),
        Subject="Order 42", CSID="ACME", JobID="job-7", PageHeader="N",
    )
    assert transaction_id > 0
    item = wait_final(client, transaction_id)
    assert item.Status == 0
    assert item.PagesSubmitted == 3 and item.PagesSent == 3
    assert (item.Subject, item.SenderCSID, item.JobID, item.UserID) == (
        "Order 42", "ACME", "job-7", ALICE,
    )
    assert item.ParentTransactionID == transaction_id
    assert item.TrialsPerformed == 1 and item.RetriesToPerform == 3
    assert item.PageResolution == "Standard"
    code, image = fax_image(client, transaction_id)
    assert code == 0 and image[:3] == b"II*"
    assert pages_of(image) == [(1728, (204, 98))] * 3


def test_high_resolution_faxes_are_fine_and_page_settings_are_reported(client: zeep.Client) -> None:
    transaction_id = send_ex_2(
        client, IsHighResolution=True, IsFineRendering=True, PageSize="letter",
        PageOrientation="landscape",
    )
    item = wait_final(client, transaction_id)
    assert (item.PageResolution, item.RenderingQuality) == ("Fine", "Fine")
    assert (item.PageSize, item.PageOrientation) == ("Letter", "Landscape")
    code, image = fax_image(client, transaction_id)
    assert code == 0 and {dpi for _, dpi in pages_of(image)} == {(204, 196)}


def test_several_numbers_make_a_batch_under_the_first_transaction(client: zeep.Client) -> None:
    parent = send_ex_2(
        client, FaxNumbers="+1 212 555 0100;+81 3 5550 0100;+1 212 555 0101",
        Contacts="Tokyo office;Osaka office;Nobody", RetriesToPerform=1,
    )
    for member in query(client, "PARENT", str(parent))[0]:
        wait_final(client, member.TransactionID)
    members, code = query(client, "PARENT", str(parent))
    assert code == 0 and len(members) == 3
    by_contact = {m.Contact: m for m in members}
    assert set(by_contact) == {"Tokyo office", "Osaka office", "Nobody"}
    assert all(m.ParentTransactionID == parent for m in members)
    assert min(m.TransactionID for m in members) == parent
    assert by_contact["Osaka office"].DestinationFax == "0081355500100"
    assert by_contact["Nobody"].Status == 6001 and by_contact["Tokyo office"].Status == 0


def test_sendfax_sends_one_binary_document(client: zeep.Client) -> None:
    transaction_id = client.service.Sendfax(
        Username=ALICE, Password=PASSWORD, FaxNumber="+44 20 5550 0100",
        FileData=png_page(1200), FileType="PNG",
    )
    assert transaction_id > 0
    assert wait_final(client, transaction_id).Status == 0


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"FilesData": b"abc", "FileTypes": "TXT;TXT", "FileSizes": "3"}, -1002),
        ({"FilesData": b"", "FileTypes": "", "FileSizes": ""}, -1007),
        ({"FilesData": b"abc", "FileTypes": "TXT", "FileSizes": "three"}, -1007),
        ({"FilesData": b"abc", "FileTypes": "TXT", "FileSizes": "4"}, -1008),
        ({"FilesData": b"abc", "FileTypes": "XYZ", "FileSizes": "3"}, -1004),
        ({"FaxNumbers": ""}, -112),
        ({"FaxNumbers": "+1 212 555 0100;not a number"}, -112),
        ({"Password": "wrong"}, -1003),
        ({"Password": "wrong", "FileSizes": "1"}, -1008),  # packing is checked before login
        ({"Postpone": dt.datetime.now() + dt.timedelta(days=31)}, -114),
    ],
)
def test_every_packing_and_validation_code(client: zeep.Client, fields: dict[str, Any], code: int) -> None:
    assert send_ex_2(client, **fields) == code


def test_sendfax_and_sendcharfax_validation(client: zeep.Client) -> None:
    assert client.service.Sendfax(Username=ALICE, Password=PASSWORD, FaxNumber="+1 212 555 0100",
                                  FileData=b"", FileType="TXT") == -123
    assert client.service.Sendfax(Username=ALICE, Password=PASSWORD, FaxNumber="12",
                                  FileData=b"x", FileType="TXT") == -112
    assert client.service.Sendfax(Username=ALICE, Password=PASSWORD, FaxNumber="+1 212 555 0100",
                                  FileData=b"x", FileType="EXE") == -1004


def test_a_past_postpone_means_now(client: zeep.Client) -> None:
    transaction_id = send_ex_2(client, Postpone=dt.datetime(2001, 12, 31))
    assert wait_final(client, transaction_id).Status == 0


def test_a_postponed_fax_can_be_cancelled_until_it_is_sent(client: zeep.Client) -> None:
    tomorrow = dt.datetime.now() + dt.timedelta(days=1)
    transaction_id = send_ex_2(client, Postpone=tomorrow)
    (item,), _ = query(client, "EQ", str(transaction_id))
    assert item.Status in (-1, -2)
    assert abs((item.PostponeTime - tomorrow).total_seconds()) < 2  # user zone UTC, no suffix
    assert client.service.CancelFax(Username=BOB, Password=PASSWORD, TransactionID=transaction_id) == -1005
    assert client.service.CancelFax(Username=ALICE, Password=PASSWORD, TransactionID=transaction_id) == 0
    item = wait_final(client, transaction_id)
    assert item.Status == 403 and item.TrialsPerformed == 0
    assert client.service.CancelFax(Username=ALICE, Password=PASSWORD, TransactionID=transaction_id) == -162
    sent = send_ex_2(client)
    wait_final(client, sent)
    assert client.service.CancelFax(Username=ALICE, Password=PASSWORD, TransactionID=sent) == -162


def test_fax_query_verbs_over_the_wire(client: zeep.Client) -> None:
    ids = sorted(send_ex_2(client, Subject=f"q{n}") for n in range(4))
    for transaction_id in ids:
        wait_final(client, transaction_id)
    a, b, c, d = ids

    def found(verb: str, data: str = "", max_items: int = -1) -> list[int]:
        items, code = query(client, verb, data, max_items=max_items)
        assert code == 0
        return sorted(i.TransactionID for i in items)

    assert found("EQ", str(b)) == [b]
    assert found("IN", f"{a},{c}") == [a, c]
    assert found("BETWEEN", f"{b},{c}") == [b, c]
    assert found("GT", str(c)) == [d]
    assert found("GE", str(c)) == [c, d]
    assert [i for i in found("LT", str(b)) if i >= a] == [a]
    assert [i for i in found("LE", str(b)) if i >= a] == [a, b]
    assert found("PARENT", str(c)) == [c]
    assert found("GE", str(a), max_items=2) == [c, d]  # newest first, then cut
    assert found("ACTIVE") == []
    _, code = query(client, "SOMETIMES", "1")
    assert code == -1030


def test_fax_query_ignores_the_input_result_code_and_writes_an_empty_wrapper(
    server: RunningServer,
) -> None:
    answer = call(requests, server.dfs, "FaxQuery", Username=ALICE, Password=PASSWORD,
                  Verb="EQ", VerbData="999999", MaxItems=-1, ResultCode=-5)
    wrapper = answer.find(f"{{{NS}}}FaxQueryResult")
    assert wrapper is not None and len(wrapper) == 0
    assert answer.findtext(f"{{{NS}}}ResultCode") == "0"
    bad = call(requests, server.dfs, "FaxQuery", Username=ALICE, Password=PASSWORD,
               Verb="NOPE", VerbData="1", MaxItems=-1, ResultCode=0)
    assert bad.find(f"{{{NS}}}FaxQueryResult") is None
    assert bad.findtext(f"{{{NS}}}ResultCode") == "-1030"


def test_a_fax_that_cannot_be_rendered_fails_and_has_no_image(client: zeep.Client) -> None:
    transaction_id = send_ex_2(client, **pack((b"this is not a pdf", "PDF")))
    item = wait_final(client, transaction_id)
    assert item.Status == 204000
    assert fax_image(client, transaction_id) == (-1009, None)


def test_users_cannot_see_fetch_or_cancel_each_others_faxes(client: zeep.Client) -> None:
    transaction_id = send_ex_2(client)
    wait_final(client, transaction_id)
    assert query(client, "EQ", str(transaction_id), user=BOB) == ([], 0)
    assert query(client, "PARENT", str(transaction_id), user=BOB) == ([], 0)
    assert fax_image(client, transaction_id, user=BOB) == (-1005, None)
    status = client.service.FaxStatus(Username=BOB, Password=PASSWORD, LastTransactionID=999999999,
                                      MaxItems=100, TotalCount=0, ListSize=0, ResultCode=0)
    assert transaction_id not in [i.TransactionID for i in (status.FaxStatusResult.FaxItem
                                                             if status.FaxStatusResult else [])]


def test_form_bindings_send_and_cancel(server: RunningServer, client: zeep.Client) -> None:
    data = b"form posted fax"
    response = requests.post(f"{server.dfs}/SendfaxEx_2", data={
        "Username": ALICE, "Password": PASSWORD, "FaxNumbers": "+1 212 555 0100",
        "Contacts": "", "FilesData": base64.b64encode(data).decode(), "FileTypes": "TXT",
        "FileSizes": str(len(data)), "Postpone": "1980-01-01",
        "RetriesToPerform": "2", "IsHighResolution": "True", "IsFineRendering": "False",
    }, timeout=30)
    assert response.status_code == 200
    root = etree.fromstring(response.content)
    assert etree.QName(root).localname == "long"
    transaction_id = int(root.text)
    assert wait_final(client, transaction_id).RetriesToPerform == 2
    single = requests.get(f"{server.dfs}/Sendfax", params={
        "Username": ALICE, "Password": PASSWORD, "FaxNumber": "+1 212 555 0100",
        "FileData": base64.b64encode(b"x").decode(), "FileType": "TXT"}, timeout=30)
    assert int(etree.fromstring(single.content).text) > 0
    later = send_ex_2(client, Postpone=dt.datetime.now() + dt.timedelta(days=2))
    cancel = requests.post(f"{server.dfs}/CancelFax", data={
        "Username": ALICE, "Password": PASSWORD, "TransactionID": str(later)}, timeout=30)
    assert cancel.content == b'<?xml version="1.0" encoding="utf-8"?>\n<int xmlns="http://www.interfax.cc">0</int>'


@pytest.mark.skipif(not REFERENCE_WSDL.exists(), reason="../shared reference WSDL not present")
def test_a_client_built_from_the_original_wsdl_sends_queries_and_downloads(
    server: RunningServer,
) -> None:
    original = offline_zeep_client(str(REFERENCE_WSDL))
    service = original.create_service("{http://www.interfax.cc}InterFaxSoap", server.dfs)
    documents = pack((b"from the original WSDL", "TXT"), (png_page(), "PNG"))
    transaction_id = service.SendfaxEx_2(
        Username=ALICE, Password=PASSWORD, FaxNumbers="+1 212 555 0100", Contacts="",
        Postpone=dt.datetime(1980, 1, 1), RetriesToPerform=1, CSID="", PageHeader="", JobID="",
        Subject="original", ReplyAddress="", PageSize="A4", PageOrientation="Portrait",
        IsHighResolution=False, IsFineRendering=False, **documents,
    )
    assert transaction_id > 0
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        answer = service.FaxQuery(Username=ALICE, Password=PASSWORD, Verb="EQ",
                                  VerbData=str(transaction_id), MaxItems=1, ResultCode=0)
        if answer.FaxQueryResult.FaxItemEx[0].Status >= 0:
            break
        time.sleep(0.2)
    assert answer.FaxQueryResult.FaxItemEx[0].Status == 0
    image = service.GetFaxImage(Username=ALICE, Password=PASSWORD, TransactionID=transaction_id, Image=b"")
    assert image.GetFaxImageResult == 0 and len(pages_of(image.Image)) == 2

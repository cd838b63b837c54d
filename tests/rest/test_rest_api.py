"""The REST face end to end over raw HTTP: every endpoint, the request shapes real clients
send, the response conventions, errors, authentication, and SOAP <-> REST on one engine."""

from __future__ import annotations

import http.client
import http.server
import json
import re
import threading
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from interfax_soap.rest import all_routes
from tests.conftest import RunningServer, start_server
from tests.mail_sink import MailSink
from tests.rest.rest_helpers import (
    BUSY_NUMBER,
    DATE,
    OK_NUMBER,
    PASSWORD,
    Rest,
    later,
    pdf_bytes,
    wait_until,
)
from tests.soap_helpers import call as soap_call
from tests.soap_helpers import send_char_fax

BOB_NUMBER = "+1 212 555 0310"
CAROL_NUMBER = "+1 212 555 0311"
FULL_FIELDS = [
    "submitTime",
    "contact",
    "destinationFax",
    "replyEmail",
    "subject",
    "pagesSubmitted",
    "senderCSID",
    "attemptsToPerform",
    "pageSize",
    "resolution",
    "pageResolution",
    "pageOrientation",
    "rendering",
    "pageHeader",
    "userId",
    "pagesSent",
    "completionTime",
    "remoteCSID",
    "duration",
    "priority",
    "units",
    "costPerUnit",
    "attemptsMade",
    "id",
    "uri",
    "status",
]
SUMMARY_FIELDS = FULL_FIELDS[FULL_FIELDS.index("userId") :]


class Deployment:
    def __init__(self, server: RunningServer, sink: MailSink) -> None:
        self.server = server
        self.sink = sink
        self.alice = Rest(server.base_url, "alice")
        self.bob = Rest(server.base_url, "bob")
        self.carol = Rest(server.base_url, "carol")
        self.boss = Rest(server.base_url, "boss")


@pytest.fixture(scope="module")
def rest(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    sink = MailSink(refusing=False, temporary_failures=0)
    port = sink.start()
    server = start_server(
        tmp_path_factory.mktemp("rest") / "data",
        {
            "INTERFAX_SOAP_SMTP_RELAY__PORT": str(port),
            "INTERFAX_SOAP_WORKER__POLL_SECONDS": "0.2",
            "INTERFAX_SOAP_SECURITY__LOCKOUT_FAILURES": "3",
            "INTERFAX_SOAP_SERVER__TRUSTED_PROXIES": "127.0.0.1/32",
            "INTERFAX_SOAP_REST__FETCH_URLS": "true",
            "INTERFAX_SOAP_REST__FETCH_PRIVATE_URLS": "true",
        },
    )
    for user in ("alice", "bob", "carol", "boss", "mallory"):
        server.add_user(user, PASSWORD)
    server.cli("account", "add", "acme", "--primary", "boss")
    server.cli("account", "add-user", "acme", "bob")
    server.cli("number", "add", BOB_NUMBER, "--user", "bob", "--forward", "bob@example.com")
    server.cli("number", "add", CAROL_NUMBER, "--user", "carol", "--format", "PDF")
    yield Deployment(server, sink)
    server.stop()
    sink.stop()


def error_of(response: requests.Response) -> dict[str, Any]:
    assert response.headers["Content-Type"] == "text/json"
    body = response.json()
    assert list(body) == ["code", "message", "moreInfo"]
    return body


# Sending and reading faxes


def test_a_raw_send_answers_201_with_an_absolute_location_and_no_body(rest: Deployment) -> None:
    response = rest.alice.post(
        "/outbound/faxes",
        params={
            "faxNumber": OK_NUMBER,
            "reference": "ref-raw",
            "contact": "Zed",
            "csid": "ALICE",
            "pageSize": "letter",
            "resolution": "fine",
            "rendering": "greyScale",
        },
        data=b"Hello raw",
        headers={"Content-Type": "text/plain; charset=UTF-8"},
    )
    assert response.status_code == 201
    assert response.content == b""
    assert "Content-Type" not in response.headers
    location = response.headers["Location"]
    assert re.fullmatch(re.escape(rest.server.base_url) + r"/outbound/faxes/\d+", location)
    fax = rest.alice.final(int(location.rsplit("/", 1)[1]))
    assert list(fax) == FULL_FIELDS
    assert fax["status"] == 0 and fax["uri"] == location
    assert (fax["subject"], fax["contact"], fax["senderCSID"]) == ("ref-raw", "Zed", "ALICE")
    assert (fax["pageSize"], fax["resolution"], fax["pageResolution"], fax["rendering"]) == (
        "Letter",
        "Fine",
        "Fine",
        "Fine",
    )
    assert fax["destinationFax"] == "0012125550100" and fax["userId"] == "alice"
    assert re.match(DATE, fax["submitTime"]) and re.match(DATE, fax["completionTime"])
    assert fax["attemptsMade"] == 1 and fax["pagesSent"] == fax["pagesSubmitted"] == 1


def test_json_keeps_decimal_scale_and_exact_content_type(rest: Deployment) -> None:
    fax_id = rest.alice.send_text()
    rest.alice.final(fax_id)
    response = rest.alice.get(f"/outbound/faxes/{fax_id}", headers={"Accept": "application/json"})
    assert response.headers["Content-Type"] == "text/json"
    assert "Location" not in response.headers
    assert re.search(rb'"units":\d+\.\d\d,"costPerUnit":\d+\.\d{4},', response.content)
    assert response.headers["Cache-Control"] == "private"
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_an_unfinished_fax_has_the_dotnet_minimum_completion_time(rest: Deployment) -> None:
    fax_id = rest.alice.send_text(postponeTime=later())
    fax = rest.alice.fax(fax_id)
    assert fax["status"] < 0 and fax["completionTime"] == "0001-01-01T00:00:00"
    assert rest.alice.post(f"/outbound/faxes/{fax_id}/cancel").status_code == 200


def test_list_completed_record_and_image(rest: Deployment) -> None:
    first, second = rest.alice.send_text("one"), rest.alice.send_text("two")
    rest.alice.final(first), rest.alice.final(second)
    listed = rest.alice.get("/outbound/faxes").json()
    ids = [f["id"] for f in listed]
    assert ids == sorted(ids, reverse=True) and {first, second} <= set(ids)
    assert list(listed[0]) == FULL_FIELDS
    assert [f["id"] for f in rest.alice.get("/outbound/faxes?limit=1").json()] == [ids[0]]
    after = rest.alice.get(f"/outbound/faxes?lastId={second}&limit=1").json()
    assert after[0]["id"] < second
    ascending = rest.alice.get("/outbound/faxes", params={"sortOrder": "asc", "limit": 2}).json()
    assert ascending[0]["id"] < ascending[1]["id"]
    # The four list forms: comma, URL-encoded comma, repeated keys, Python 1.0.0's tuple repr.
    for query in (
        f"ids={first},{second}",
        f"ids={first}%2C{second}",
        f"ids={first}&ids={second}",
        f"ids=%28{first}%2C+{second}%29",
    ):
        completed = rest.alice.get(f"/outbound/faxes/completed?{query}").json()
        assert sorted(f["id"] for f in completed) == sorted([first, second]), query
        assert list(completed[0]) == SUMMARY_FIELDS
    image = rest.alice.get(f"/outbound/faxes/{first}/image", headers={"Accept": "application/json"})
    assert image.status_code == 200 and image.headers["Content-Type"] == "image/tiff"
    assert image.content[:4] == b"II*\x00"
    # Ruby and Node append "?" even without parameters.
    assert rest.alice.get(f"/outbound/faxes/{first}?").json()["id"] == first


def test_an_unfinished_fax_is_left_out_of_completed(rest: Deployment) -> None:
    waiting = rest.alice.send_text(postponeTime=later())
    assert rest.alice.get(f"/outbound/faxes/completed?ids={waiting}").json() == []
    rest.alice.post(f"/outbound/faxes/{waiting}/cancel")


# Request body shapes (REST-FACTS 3.1)


def _multipart(boundary: str, parts: list[tuple[list[str], bytes]], node: bool = False) -> bytes:
    out = b""
    for headers, body in parts:
        out += b"--" + boundary.encode() + b"\r\n" + "".join(h + "\r\n" for h in headers).encode()
        out += b"\r\n" + body
        if node:
            out += b"\r\n\r\n" if body else b""
        else:
            out += b"\r\n"
    return out + b"--" + boundary.encode() + (b"--" if node else b"--\r\n")


def _upload(client: Rest, data: bytes, name: str = "big.pdf", **params: Any) -> str:
    created = client.post("/outbound/documents", params={"size": len(data), "name": name, **params})
    assert created.status_code == 201, created.text
    location = created.headers["Location"]
    done = client.post(
        location.replace(client.base_url, ""),
        data=data,
        headers={"Range": f"bytes=0-{len(data) - 1}"},
    )
    assert done.status_code == 200, done.text
    return location


@pytest.mark.parametrize("shape", ["node", "ruby", "python", "dotnet", "php", "java", "doc-page"])
def test_multipart_shapes_of_every_client(rest: Deployment, shape: str) -> None:
    text = b"Page text"
    pdf = pdf_bytes()
    boundary = uuid.uuid4().hex
    if shape == "node":
        reference = _upload(rest.alice, pdf)
        body = _multipart(
            "43e578690a6d14bf1d776cd55e7d7e29",
            [
                (["Content-Type: text/plain"], text),
                ([f"Content-Location: {reference}"], b""),
                (["Content-Type: application/pdf"], pdf),
            ],
            node=True,
        )
        content_type = "multipart/mixed; boundary=43e578690a6d14bf1d776cd55e7d7e29"
        expected = 3
    elif shape == "ruby":
        body = _multipart(
            boundary,
            [(["Content-Type: text/plain"], text), (["Content-Type: application/pdf"], pdf)],
        )
        content_type = f"multipart/mixed; boundary={boundary}"
        expected = 2
    elif shape == "python":
        body = _multipart(
            boundary,
            [
                (["Content-Disposition: form-data; ", "Content-Type: text/plain"], text),
                (["Content-Disposition: form-data; ", "Content-Type: application/pdf"], pdf),
            ],
        )
        content_type = f"multipart/form-data; boundary={boundary}"
        expected = 2
    elif shape == "dotnet":
        reference = _upload(rest.alice, pdf)
        body = _multipart(
            boundary,
            [
                (["Content-Type: application/pdf", "Content-Disposition: form-data"], pdf),
                ([f"Content-Location: {reference}", "Content-Length: 0"], b""),
            ],
        )
        content_type = f'multipart/form-data; boundary="{boundary}"'
        expected = 2
    elif shape == "php":
        body = _multipart(
            boundary,
            [
                (
                    [
                        'Content-Disposition: form-data; name="file0"; filename="a.txt"',
                        f"Content-Length: {len(text)}",
                        "Content-Type: text/plain",
                    ],
                    text,
                ),
                (
                    [
                        'Content-Disposition: form-data; name="file1"; filename="b.pdf"',
                        f"Content-Length: {len(pdf)}",
                        "Content-Type: application/pdf",
                    ],
                    pdf,
                ),
            ],
        )
        content_type = f"multipart/form-data; boundary={boundary}"
        expected = 2
    elif shape == "java":
        body = _multipart(
            boundary,
            [
                (
                    [
                        "Content-Type: application/pdf",
                        'Content-Disposition: form-data; filename="test.pdf"; '
                        'modification-date="Mon, 03 Oct 2016 00:36:41 GMT"; size=9; name="file1"',
                    ],
                    pdf,
                )
            ],
        )
        content_type = f"multipart/mixed; boundary=Boundary_1_{boundary}"
        body = body.replace(boundary.encode(), f"Boundary_1_{boundary}".encode())
        expected = 1
    else:  # the docs' own example; the type comes from the file name only
        body = _multipart(
            boundary,
            [
                (
                    [
                        'Content-Disposition: form-data; name="file"; '
                        "filename*=UTF-8''r%C3%A9sum%C3%A9.pdf",
                        "Content-Type: application/octet-stream",
                    ],
                    pdf,
                )
            ],
        )
        content_type = f"multipart/form-data; boundary={boundary}"
        expected = 1
    response = rest.alice.post(
        "/outbound/faxes",
        params={"faxNumber": OK_NUMBER},
        data=body,
        headers={"Content-Type": content_type},
    )
    assert response.status_code == 201, response.text
    fax = rest.alice.final(int(response.headers["Location"].rsplit("/", 1)[1]))
    assert (fax["status"], fax["pagesSubmitted"]) == (0, expected)


def test_a_request_content_location_wins_whatever_its_host(rest: Deployment) -> None:
    location = _upload(rest.alice, pdf_bytes(2))
    document_id = location.rsplit("/", 1)[1]
    # PHP rebuilds the reference from its own base URI; Java sends Content-Length: 0.
    response = rest.alice.post(
        "/outbound/faxes",
        params={"faxNumber": OK_NUMBER},
        headers={
            "Content-Location": f"https://rest.interfax.net/outbound/documents/{document_id}",
            "Content-Type": "text/html",
            "Content-Length": "0",
        },
    )
    assert response.status_code == 201, response.text
    fax = rest.alice.final(int(response.headers["Location"].rsplit("/", 1)[1]))
    assert fax["pagesSubmitted"] == 2
    # A single-use document is used up.
    gone = rest.alice.get(f"/outbound/documents/{document_id}")
    assert gone.status_code == 404
    assert error_of(gone) == {
        "code": -1062,
        "message": "Wrong uploaded document resource",
        "moreInfo": None,
    }


def test_web_urls_are_fetched_when_the_setting_allows(rest: Deployment) -> None:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            if self.path == "/memo.txt":
                body = b"Memo from the web"
                self.send_response(200)
                self.send_header("Content-Type", "text/plain")
            else:
                body = b"no"
                self.send_response(404)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    web = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=web.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{web.server_address[1]}"
        sent = rest.alice.post(
            "/outbound/faxes",
            params={"faxNumber": OK_NUMBER},
            headers={"Content-Location": f"{base}/memo.txt"},
        )
        assert sent.status_code == 201, sent.text
        assert rest.alice.final(int(sent.headers["Location"].rsplit("/", 1)[1]))["status"] == 0
        missing = rest.alice.post(
            "/outbound/faxes",
            params={"faxNumber": OK_NUMBER},
            headers={"Content-Location": f"{base}/missing.txt"},
        )
        assert missing.status_code == 400 and error_of(missing)["code"] == -123
    finally:
        web.shutdown()


# Documents (upload sessions)


def test_document_sessions_with_range_chunks(rest: Deployment) -> None:
    data = pdf_bytes(3)
    created = rest.alice.post(
        "/outbound/documents",
        params={
            "size": len(data),
            "name": "report.pdf",
            "disposition": "multiuse",
            "shared": "true",
        },
    )
    assert created.status_code == 201 and created.content == b""
    location = created.headers["Location"]
    document_id = location.rsplit("/", 1)[1]
    assert re.fullmatch(r"[0-9a-f]{32}", document_id)
    path = f"/outbound/documents/{document_id}"
    status = rest.alice.get(path).json()
    assert list(status) == [
        "userId",
        "fileName",
        "fileSize",
        "uploaded",
        "uri",
        "creationTime",
        "lastusageTime",
        "status",
        "disposition",
        "sharing",
    ]
    assert (status["status"], status["disposition"], status["sharing"]) == (
        "Created",
        "MultiUse",
        "Private",
    )
    half = len(data) // 2
    # Ruby's chunks are typed as a form: the body must not be form-decoded.
    first = rest.alice.post(
        path,
        data=data[:half],
        headers={
            "Range": f"bytes=0-{half - 1}",
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    assert first.status_code == 202
    assert first.headers["X-Content-Range"] == f"bytes 0-{half - 1}/{len(data)}"
    assert rest.alice.get(path).json()["status"] == "PartiallyUploaded"
    out_of_order = rest.alice.post(
        path, data=data[half + 1 :], headers={"Range": f"bytes={half + 1}-{len(data) - 1}"}
    )
    assert out_of_order.status_code == 400 and error_of(out_of_order)["code"] == -1061
    # Node streams its chunks with chunked transfer encoding and no Content-Length.
    connection = http.client.HTTPConnection(*rest.server.base_url[7:].split(":"), timeout=30)
    connection.putrequest("POST", path)
    connection.putheader("Authorization", rest.alice.session.auth and _basic("alice"))
    connection.putheader("Range", f"bytes={half}-{len(data) - 1}")
    connection.putheader("Transfer-Encoding", "chunked")
    connection.endheaders()
    rest_bytes = data[half:]
    connection.send(f"{len(rest_bytes):x}\r\n".encode() + rest_bytes + b"\r\n0\r\n\r\n")
    last = connection.getresponse()
    assert last.status == 200
    assert last.getheader("X-Content-Range") == f"bytes 0-{len(data) - 1}/{len(data)}"
    connection.close()
    assert rest.alice.get(path).json()["status"] == "Ready"
    beyond = rest.alice.post(path, data=b"x", headers={"Range": f"bytes={len(data)}-{len(data)}"})
    assert beyond.status_code == 413
    # A multi-use document sends twice and stays.
    for _ in range(2):
        sent = rest.alice.post(
            "/outbound/faxes",
            params={"faxNumber": OK_NUMBER},
            headers={"Content-Location": location},
        )
        assert sent.status_code == 201, sent.text
    listed = rest.alice.get("/outbound/documents", params={"limit": 100}).json()
    assert document_id in [d["uri"].rsplit("/", 1)[1] for d in listed]
    assert rest.carol.get(path).status_code == 404  # another user's
    assert rest.alice("DELETE", path).status_code == 200
    assert rest.alice.get(path).status_code == 404
    assert rest.alice("DELETE", path).status_code == 404


def _basic(user: str) -> str:
    import base64

    return "Basic " + base64.b64encode(f"{user}:{PASSWORD}".encode()).decode()


def test_document_creation_errors(rest: Deployment) -> None:
    unsupported = rest.alice.post("/outbound/documents", params={"size": 10, "name": "a.exe"})
    assert unsupported.status_code == 415 and error_of(unsupported)["code"] == -1004
    too_big = rest.alice.post("/outbound/documents", params={"size": 10**9, "name": "a.pdf"})
    assert too_big.status_code == 413 and error_of(too_big)["code"] == -1063
    no_size = rest.alice.post("/outbound/documents", params={"name": "a.pdf"})
    assert no_size.status_code == 400
    incomplete = rest.alice.post("/outbound/documents", params={"size": 100, "name": "a.txt"})
    reference = incomplete.headers["Location"]
    refused = rest.alice.post(
        "/outbound/faxes", params={"faxNumber": OK_NUMBER}, headers={"Content-Location": reference}
    )
    assert refused.status_code == 404 and error_of(refused)["code"] == -1062


# Cancel, resend, hide, search


def test_cancel_resend_and_hide(rest: Deployment) -> None:
    waiting = rest.alice.send_text(postponeTime=later())
    assert rest.carol.post(f"/outbound/faxes/{waiting}/cancel").status_code == 404
    cancelled = rest.alice.post(f"/outbound/faxes/{waiting}/cancel")
    assert cancelled.status_code == 200 and cancelled.content == b""
    assert rest.alice.fax(waiting)["status"] == 403
    again = rest.alice.post(f"/outbound/faxes/{waiting}/cancel")
    assert again.status_code == 409
    assert error_of(again)["code"] == -162
    assert error_of(again)["message"] == "Transaction is in a wrong status for this operation"
    resent = rest.alice.post(f"/outbound/faxes/{waiting}/resend")
    assert resent.status_code == 201
    copy = rest.alice.final(int(resent.headers["Location"].rsplit("/", 1)[1]))
    assert copy["status"] == 0 and copy["destinationFax"] == "0012125550100"
    elsewhere = rest.alice.post(
        f"/outbound/faxes/{waiting}/resend", params={"faxNumber": "+44 20 8497 8672"}
    )
    other = rest.alice.fax(int(elsewhere.headers["Location"].rsplit("/", 1)[1]))
    assert other["destinationFax"] == "00442084978672"
    ref = f"hide-{uuid.uuid4().hex[:8]}"
    hidden = rest.alice.send_text(reference=ref)
    assert len(rest.alice.get("/outbound/search", params={"reference": ref}).json()) == 1
    assert rest.alice.post(f"/outbound/faxes/{hidden}/hide").status_code == 200
    assert rest.alice.get("/outbound/search", params={"reference": ref}).json() == []
    assert rest.alice.get("/outbound/search", params={"ids": hidden}).json() == []
    assert hidden not in [f["id"] for f in rest.alice.get("/outbound/faxes?limit=100").json()]
    assert rest.alice.fax(hidden)["id"] == hidden  # the record stays readable


def test_search_filters(rest: Deployment) -> None:
    ref = f"s-{uuid.uuid4().hex[:8]}"
    good = rest.alice.send_text(reference=ref)
    busy = rest.alice.send_text(reference=ref, number=BUSY_NUMBER, retriesToPerform=1)
    assert rest.alice.final(busy)["status"] == 6017
    rest.alice.final(good)

    def ids(**params: Any) -> list[int]:
        response = rest.alice.get("/outbound/search", params={"reference": ref, **params})
        assert response.status_code == 200, response.text
        return [f["id"] for f in response.json()]

    assert ids() == [busy, good]
    assert ids(sortOrder="asc") == [good, busy]
    assert ids(status="Failed") == [busy] == ids(status="6017")
    assert ids(status="Success") == [good] and ids(status="Completed") == [busy, good]
    assert ids(status="Inprocess") == []
    assert ids(faxNumber="+12125550117") == [busy]
    assert ids(limit=1, offset=1) == [good]
    assert ids(dateFrom="2000-01-01", dateTo="2999-01-01T00:00:00Z") == [busy, good]
    assert ids(dateFrom="Mon Oct 03 00:36:41 UTC 2999") == []
    assert ids(ids=f"{good}") == [good]
    assert rest.carol.get("/outbound/search", params={"reference": ref}).json() == []
    bad = rest.alice.get("/outbound/search", params={"status": "sideways"})
    assert bad.status_code == 400


# Batches


def test_batches(rest: Deployment) -> None:
    numbers = json.dumps(
        [
            {"faxNumber": "+12125550100", "contact": "A"},
            {"FaxNumber": BUSY_NUMBER, "Contact": "Busy"},
        ]
    )
    sent = rest.alice.post(
        "/outbound/batches",
        params={"list": numbers, "reference": "batch-1", "retriesToPerform": 1},
        data=b"Batch page",
        headers={"Content-Type": "text/plain"},
    )
    assert sent.status_code == 201, sent.text
    assert re.search(r"/outbound/batches/\d+$", sent.headers["Location"])
    batch_id = int(sent.headers["Location"].rsplit("/", 1)[1])

    def settled() -> Any:
        record = rest.alice.get(f"/outbound/batches/{batch_id}").json()
        return record["totalInProcess"] == 0 and record

    record = wait_until(settled, 60, "the batch to finish")
    assert (record["batchHeadId"], record["numOfTransactions"]) == (batch_id, 2)
    assert (record["totalOK"], record["totalFailed"], record["reference"]) == (1, 1, "batch-1")
    children = rest.alice.get(f"/outbound/batches/{batch_id}/children").json()
    assert sorted(c["status"] for c in children) == [0, 6017]
    assert list(children[0]) == SUMMARY_FIELDS
    listed = rest.alice.get("/outbound/batches").json()
    assert batch_id in [b["batchHeadId"] for b in listed]
    member_ids = {c["id"] for c in children}
    singles = {f["id"] for f in rest.alice.get("/outbound/faxes?limit=1000").json()}
    assert not member_ids & singles  # the fax list leaves batch members out
    image = rest.alice.get(f"/outbound/batches/{batch_id}/image")
    assert image.status_code == 200 and image.content[:4] == b"II*\x00"
    resent = rest.alice.post(f"/outbound/batches/{batch_id}/resend", params={"reference": "again"})
    assert resent.status_code == 201
    assert "/outbound/batches/" in resent.headers["Location"]
    assert rest.carol.get(f"/outbound/batches/{batch_id}").status_code == 404
    assert rest.alice.post(f"/outbound/batches/{batch_id}/hide").status_code == 200
    assert batch_id not in [b["batchHeadId"] for b in rest.alice.get("/outbound/batches").json()]


def test_a_batch_from_the_xml_list_form_can_be_cancelled(rest: Deployment) -> None:
    xml = (
        "<ArrayOfDestination><Destination><faxNumber>+12125550100</faxNumber>"
        "<contact>X</contact></Destination><Destination><faxNumber>+442084978672"
        "</faxNumber><contact/></Destination></ArrayOfDestination>"
    )
    sent = rest.alice.post(
        "/outbound/batches",
        params={"list": xml, "postponeTime": later()},
        data=pdf_bytes(),
        headers={"Content-Type": "application/pdf"},
    )
    assert sent.status_code == 201, sent.text
    batch_id = int(sent.headers["Location"].rsplit("/", 1)[1])
    assert rest.alice.post(f"/outbound/batches/{batch_id}/cancel").status_code == 200
    record = rest.alice.get(f"/outbound/batches/{batch_id}").json()
    assert (record["numOfTransactions"], record["totalFailed"]) == (2, 2)


# Inbound


def test_inbound_calls_on_a_received_fax(rest: Deployment) -> None:
    rest.alice.send_text("For Bob", number=BOB_NUMBER)

    def arrived() -> Any:
        return rest.bob.get("/inbound/faxes").json()

    message = wait_until(arrived, 60, "the fax to reach bob")[0]
    assert list(message) == [
        "userId",
        "messageId",
        "phoneNumber",
        "remoteCSID",
        "messageStatus",
        "pages",
        "messageSize",
        "messageType",
        "receiveTime",
        "callerId",
        "recordingDuration",
        "imageStatus",
        "numOfEmails",
        "numOfFailedEmails",
    ]
    assert (message["userId"], message["imageStatus"], message["messageType"]) == (
        "bob",
        "UNREAD",
        1,
    )
    message_id = message["messageId"]
    path = f"/inbound/faxes/{message_id}"
    assert rest.bob.get(path).json()["messageId"] == message_id
    image = rest.bob.get(f"{path}/image", headers={"Accept": "application/json"})
    assert image.headers["Content-Type"] == "image/tiff" and image.content[:4] == b"II*\x00"
    assert len(image.content) == message["messageSize"]
    for unread, status in (("True", "UNREAD"), ("FALSE", "READ"), ("true", "UNREAD")):
        marked = rest.bob.post(f"{path}/mark", params={"unread": unread})
        assert (marked.status_code, marked.content) == (200, b"true")
        assert marked.headers["Content-Type"] == "text/json"
        assert rest.bob.get(path).json()["imageStatus"] == status
    assert rest.bob.post(f"{path}/mark").status_code == 200  # no parameter: read
    assert rest.bob.get(path).json()["imageStatus"] == "READ"
    unread = rest.bob.get("/inbound/faxes", params={"unreadOnly": "TRUE"}).json()
    assert message_id not in [m["messageId"] for m in unread]
    emails = wait_until(
        lambda: [e for e in rest.bob.get(f"{path}/emails").json() if e["messageStatus"] == 0],
        60,
        "the forward to be sent",
    )
    assert emails[0]["emailAddress"] == "bob@example.com" and re.match(
        DATE, emails[0]["completionTime"]
    )
    resent = rest.bob.post(f"{path}/resend", params={"email": "copy@example.com"})
    assert (resent.status_code, resent.content) == (200, b"true")
    wait_until(lambda: rest.sink.to("copy@example.com"), 60, "the resent copy")
    # .NET's emailAddress= is not a parameter of this call: ignored, like the real service.
    assert rest.bob.post(f"{path}/resend?emailAddress=x%40example.com&email").status_code in (
        200,
        409,
    )
    # Isolation: another user's fax does not exist; a primary user sees its account's.
    for other in (rest.carol, rest.alice):
        refused = other.get(path)
        assert refused.status_code == 404
        assert error_of(refused) == {
            "code": -3001,
            "message": "Invalid MessageID or User is not authorized to access message",
            "moreInfo": f"Invalid ID [{message_id}]",
        }
    assert rest.carol.post(f"{path}/resend").status_code == 404
    assert message_id in [
        m["messageId"] for m in rest.boss.get("/inbound/faxes?allUsers=true").json()
    ]
    assert rest.boss.get("/inbound/faxes").json() == []
    assert rest.boss.get(path).json()["userId"] == "bob"
    older = rest.bob.get("/inbound/faxes", params={"lastId": message_id}).json()
    assert message_id not in [m["messageId"] for m in older]


def test_inbound_unknown_id(rest: Deployment) -> None:
    missing = rest.bob.post("/inbound/faxes/1999999/resend")
    assert missing.status_code == 404 and error_of(missing)["moreInfo"] == "Invalid ID [1999999]"


# Account, help, routes


def test_balance_is_a_bare_four_decimal_number(rest: Deployment) -> None:
    response = rest.alice.get("/accounts/self/ppcards/balance")
    assert response.headers["Content-Type"] == "text/json"
    assert response.content == b"0.0000"  # no prepaid account
    rest.server.cli("account", "set", "acme", "--prepaid")
    rest.server.cli("card", "add", "acme", "--face-value", "3.85")
    assert rest.bob.get("/accounts/self/ppcards/balance").content == b"3.8500"


def test_the_openapi_document_describes_the_served_routes(rest: Deployment) -> None:
    document = requests.get(rest.server.base_url + "/outbound/help/openapi.json", timeout=30).json()
    served = {(r.path, r.method.lower()) for r in all_routes()}
    described = {(p, m) for p, methods in document["paths"].items() for m in methods}
    assert described == served
    overview = {  # REST-FACTS section 2, every row
        ("/outbound/faxes", "post"),
        ("/outbound/faxes", "get"),
        ("/outbound/faxes/completed", "get"),
        ("/outbound/faxes/{id}", "get"),
        ("/outbound/faxes/{id}/image", "get"),
        ("/outbound/faxes/{id}/cancel", "post"),
        ("/outbound/faxes/{id}/resend", "post"),
        ("/outbound/faxes/{id}/hide", "post"),
        ("/outbound/search", "get"),
        ("/outbound/batches", "post"),
        ("/outbound/batches", "get"),
        ("/outbound/batches/{id}", "get"),
        ("/outbound/batches/{id}/children", "get"),
        ("/outbound/batches/{id}/image", "get"),
        ("/outbound/batches/{id}/cancel", "post"),
        ("/outbound/batches/{id}/resend", "post"),
        ("/outbound/batches/{id}/hide", "post"),
        ("/outbound/documents", "post"),
        ("/outbound/documents/{doc}", "post"),
        ("/outbound/documents", "get"),
        ("/outbound/documents/{doc}", "get"),
        ("/outbound/documents/{doc}", "delete"),
        ("/inbound/faxes", "get"),
        ("/inbound/faxes/{id}", "get"),
        ("/inbound/faxes/{id}/image", "get"),
        ("/inbound/faxes/{id}/emails", "get"),
        ("/inbound/faxes/{id}/mark", "post"),
        ("/inbound/faxes/{id}/resend", "post"),
        ("/accounts/self/ppcards/balance", "get"),
    }
    assert overview <= served
    for path, method in overview:
        response = requests.request(
            method,
            rest.server.base_url + path.replace("{id}", "1").replace("{doc}", "0" * 32),
            timeout=30,
        )
        assert response.status_code == 401, (path, method)  # routed, and authenticated
    types = requests.get(rest.server.base_url + "/outbound/help/mediatype", timeout=30).json()
    assert {"MediaType": "application/pdf", "FileType": "pdf"} in types


def test_the_receive_gateway_still_lives_under_inbound(rest: Deployment) -> None:
    response = requests.post(
        rest.server.base_url + "/inbound/receive",
        auth=("carol", PASSWORD),
        params={"to": CAROL_NUMBER},
        data=pdf_bytes(),
        timeout=60,
    )
    assert response.status_code == 200 and response.text.startswith("MessageID ")
    message_id = int(response.text.split()[1])
    # Carol downloads PDF: the image comes as PDF.
    image = rest.carol.get(f"/inbound/faxes/{message_id}/image")
    assert image.headers["Content-Type"] == "application/pdf"
    assert image.content.startswith(b"%PDF")
    assert (
        len(image.content) == rest.carol.get(f"/inbound/faxes/{message_id}").json()["messageSize"]
    )


# Errors and authentication


def test_errors_have_the_json_body_and_status(rest: Deployment) -> None:
    anonymous = requests.get(rest.server.base_url + "/outbound/faxes", timeout=30)
    assert anonymous.status_code == 401 and "Basic" in anonymous.headers["WWW-Authenticate"]
    assert error_of(anonymous)["code"] == -1003
    unknown = rest.alice.get("/outbound/faxes/999999999")
    assert unknown.status_code == 404
    assert error_of(unknown) == {
        "code": -1005,
        "message": "Fax resource not found",
        "moreInfo": "Fax resource 999999999 not found or not accessible by user alice",
    }
    assert error_of(rest.alice.get("/outbound/faxes/999999999/image"))["code"] == -1005
    cases = [
        (rest.alice.post("/outbound/faxes", data=b"x"), 400, -112),
        (rest.alice.post("/outbound/faxes?faxNumber=%2B12125550100"), 400, -123),
        (
            rest.alice.post(
                "/outbound/faxes?faxNumber=%2B12125550100",
                data=b"PK\x03\x04 an archive",
                headers={"Content-Type": "application/zip"},
            ),
            415,
            -1004,
        ),
        (
            rest.alice.post(
                "/outbound/faxes",
                params={"faxNumber": OK_NUMBER, "postponeTime": later(60)},
                data=b"x",
            ),
            400,
            -114,
        ),
        (
            rest.alice.post(
                "/outbound/faxes",
                params={"faxNumber": OK_NUMBER, "postponeTime": "soon"},
                data=b"x",
            ),
            400,
            -1030,
        ),
        (rest.alice.get("/outbound/faxes?limit=many"), 400, -1030),
        (
            rest.alice.post(
                "/outbound/faxes",
                params={"faxNumber": OK_NUMBER},
                headers={"Content-Location": "ftp://example.com/a.pdf"},
            ),
            400,
            -123,
        ),
        (rest.alice.get("/outbound/nothing"), 404, -1030),
        (rest.alice("DELETE", "/outbound/faxes"), 405, -1030),
    ]
    for response, status, code in cases:
        assert response.status_code == status, (status, code, response.status_code, response.text)
        assert error_of(response)["code"] == code


def test_a_raw_plus_in_the_number_and_unknown_parameters(rest: Deployment) -> None:
    response = rest.alice.post(
        "/outbound/faxes?faxNumber=+12125550100&shared=true&bogus=1",
        data=b"plus",
        headers={"Content-Type": "text/plain"},
    )
    assert response.status_code == 201, response.text


def test_lockout_is_shared_with_soap(rest: Deployment) -> None:
    wrong = Rest(rest.server.base_url, "mallory", "wrong")
    for _ in range(3):
        assert wrong.get("/outbound/faxes").status_code == 401
    locked = Rest(rest.server.base_url, "mallory").get("/outbound/faxes")
    assert locked.status_code == 403 and error_of(locked)["code"] == -1876
    answer = send_char_fax(requests.Session(), rest.server.dfs, "mallory", PASSWORD, OK_NUMBER)
    assert answer == -1876


# SOAP and REST on one engine


def test_a_soap_fax_is_read_cancelled_and_resent_by_rest(rest: Deployment) -> None:
    soap = requests.Session()
    sent = send_char_fax(soap, rest.server.dfs, "alice", PASSWORD, OK_NUMBER, "From SOAP")
    assert sent > 0
    assert rest.alice.final(sent)["status"] == 0
    assert rest.alice.get(f"/outbound/faxes/{sent}/image").content[:4] == b"II*\x00"
    resent = rest.alice.post(f"/outbound/faxes/{sent}/resend")
    assert resent.status_code == 201
    postponed = soap_call(
        soap,
        rest.server.dfs,
        "SendfaxEx_2",
        Username="alice",
        Password=PASSWORD,
        FaxNumbers=OK_NUMBER,
        Contacts="",
        FilesData="aGVsbG8=",
        FileTypes="TXT",
        FileSizes="5",
        Postpone=later().rstrip("Z"),
        RetriesToPerform=0,
        CSID="",
        PageHeader="",
        JobID="",
        Subject="",
        ReplyAddress="",
        PageSize="A4",
        PageOrientation="Portrait",
        IsHighResolution="false",
        IsFineRendering="false",
    )
    postponed_id = int(postponed.findtext("{http://www.interfax.cc}SendfaxEx_2Result"))
    assert postponed_id > 0
    assert rest.alice.post(f"/outbound/faxes/{postponed_id}/cancel").status_code == 200
    assert rest.alice.fax(postponed_id)["status"] == 403


def test_a_rest_fax_is_seen_and_cancelled_by_soap(rest: Deployment) -> None:
    fax_id = rest.alice.send_text(postponeTime=later(), reference="for-soap")
    soap = requests.Session()
    answer = soap_call(
        soap,
        rest.server.dfs,
        "FaxQuery",
        Username="alice",
        Password=PASSWORD,
        Verb="EQ",
        VerbData=str(fax_id),
        MaxItems=1,
        ResultCode=0,
    )
    ns = "{http://www.interfax.cc}"
    assert answer.findtext(f".//{ns}Subject") == "for-soap"
    cancelled = soap_call(
        soap,
        rest.server.dfs,
        "CancelFax",
        Username="alice",
        Password=PASSWORD,
        TransactionID=fax_id,
    )
    assert cancelled.findtext(f"{ns}CancelFaxResult") == "0"
    assert rest.alice.fax(fax_id)["status"] == 403


# Location from the request's host and scheme


def _raw_get(
    rest: Deployment, path: str, headers: dict[str, str], source: str
) -> http.client.HTTPResponse:
    host, port = rest.server.base_url[len("http://") :].split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30, source_address=(source, 0))
    connection.request(
        "POST",
        path,
        body=b"Loc",
        headers={**headers, "Authorization": _basic("alice"), "Content-Type": "text/plain"},
    )
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


def test_location_follows_forwarded_headers_only_from_trusted_proxies(rest: Deployment) -> None:
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "fax.example.com"}
    path = "/outbound/faxes?faxNumber=%2B12125550100"
    trusted = _raw_get(rest, path, forwarded, "127.0.0.1")
    assert re.fullmatch(
        r"https://fax\.example\.com/outbound/faxes/\d+", trusted.getheader("Location")
    )
    untrusted = _raw_get(rest, path, forwarded, "127.0.0.2")
    assert untrusted.getheader("Location").startswith(rest.server.base_url + "/outbound/faxes/")
    named = _raw_get(rest, path, {"Host": "my-fax-host:8443"}, "127.0.0.2")
    assert named.getheader("Location").startswith("http://my-fax-host:8443/outbound/faxes/")

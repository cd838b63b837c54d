"""CONVENTIONS "Wire errors": what the ASP.NET serializer would have refused is a SOAP fault
(HTTP 500, soap:Client / Sender, one line, never HTML), answered quickly, and the server keeps
serving afterwards. The module's server runs with ``[limits] max_request_mb = 1``.
"""

from __future__ import annotations

import base64
import http.client
import socket
import time
from collections.abc import Iterator

import pytest
import requests
from lxml import etree

from interfax_soap.asmx.envelope import SoapFault, parse_envelope, read_params
from interfax_soap.asmx.schema import Field, Operation, ServiceSchema
from tests.asmx.wire import (
    CT_SOAP11,
    CT_SOAP12,
    CT_TEXT,
    NS,
    NUMBER,
    PASSWORD,
    SOAP11,
    SOAP12,
    TIMEOUT,
    children,
    chunked,
    envelope,
    fax_status_params,
    host_port,
    module_server,
    one_line,
    post,
    raw_exchange,
    response_element,
    result,
    send_char_fax_params,
    status_echo,
)
from tests.conftest import RunningServer

ALICE = "alice"
MB = 1024 * 1024


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    with module_server(
        tmp_path_factory.mktemp("bad-requests"),
        users=(ALICE,),
        extra_env={"INTERFAX_SOAP_LIMITS__MAX_REQUEST_MB": "1"},
    ) as running:
        yield running


def assert_client_fault(
    status: int, content_type: str | None, content: bytes, version: str = "1.1"
) -> str:
    """Checks the fault's shape; returns its reason."""
    assert status == 500, content
    assert content_type == (CT_SOAP12 if version == "1.2" else CT_SOAP11)
    assert b"<html" not in content.lower()
    root = etree.fromstring(content)
    env = SOAP12 if version == "1.2" else SOAP11
    assert root.tag == f"{{{env}}}Envelope"
    fault = root.find(f"{{{env}}}Body/{{{env}}}Fault")
    assert fault is not None, content
    if version == "1.2":
        code = fault.findtext(f"{{{env}}}Code/{{{env}}}Value")
        reason = fault.findtext(f"{{{env}}}Reason/{{{env}}}Text")
        expected_code = "Sender"
    else:
        code = fault.findtext("faultcode")
        reason = fault.findtext("faultstring")
        expected_code = "Client"
    assert code is not None and reason is not None, content
    assert code == f"soap:{expected_code}", code  # the literal ASP.NET prefix
    prefix, _, local = code.partition(":")
    assert (fault.nsmap.get(prefix), local) == (env, expected_code), code
    assert one_line(reason), reason
    return reason


def assert_fault_response(response: requests.Response, version: str = "1.1") -> str:
    return assert_client_fault(
        response.status_code, response.headers.get("Content-Type"), response.content, version
    )


BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    + "".join(f'<!ENTITY lol{n} "' + f"&lol{n - 1};" * 10 + '">' for n in range(2, 10))
    + f']><soap:Envelope xmlns:soap="{SOAP11}"><soap:Body><SendCharFax xmlns="{NS}">'
    f"<Username>{ALICE}</Username><Password>{PASSWORD}</Password><FaxNumber>{NUMBER}</FaxNumber>"
    "<Data>&lol9;</Data></SendCharFax></soap:Body></soap:Envelope>"
)
EXTERNAL_ENTITY = (
    '<?xml version="1.0"?><!DOCTYPE e [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    f'<soap:Envelope xmlns:soap="{SOAP11}"><soap:Body><SendCharFax xmlns="{NS}">'
    f"<Username>&xxe;</Username><Password>{PASSWORD}</Password><FaxNumber>{NUMBER}</FaxNumber>"
    "<Data>&xxe;</Data></SendCharFax></soap:Body></soap:Envelope>"
)
EXTERNAL_DTD = (
    '<?xml version="1.0"?><!DOCTYPE soap:Envelope SYSTEM "file:///etc/passwd">'
    + envelope("SendCharFax", send_char_fax_params(ALICE), declaration=False).decode()
)
PLAIN_DOCTYPE = (
    "<!DOCTYPE soap:Envelope>"
    + envelope("SendCharFax", send_char_fax_params(ALICE), declaration=False).decode()
)


def _status(inner: str) -> bytes:
    return envelope("FaxStatus", children(Username=ALICE, Password=PASSWORD) + inner)


def _send_ex_2(postpone: str) -> bytes:
    return envelope(
        "SendfaxEx_2",
        children(
            Username=ALICE,
            Password=PASSWORD,
            FaxNumbers=NUMBER,
            FilesData=base64.b64encode(b"Hello").decode(),
            FileTypes="TXT",
            FileSizes="5",
            Postpone=postpone,
        ),
    )


CASES: list[tuple[str, bytes, str]] = [
    ("truncated-xml", envelope("SendCharFax", "<Username>x</Username>")[:-30], CT_SOAP11),
    (
        "mismatched-tags",
        f'<soap:Envelope xmlns:soap="{SOAP11}"><soap:Body></soap:Envelope>'.encode(),
        CT_SOAP11,
    ),
    ("empty-body", b"", CT_SOAP11),
    ("whitespace-body", b" \r\n\t ", CT_SOAP11),
    ("not-xml", b"Username=alice&Password=pw", CT_SOAP11),
    (
        "invalid-utf8",
        envelope("SendCharFax", "<Data>\x00</Data>").replace(b"\x00", b"\xff\xfe"),
        CT_SOAP11,
    ),
    ("not-soap-xml", b'<?xml version="1.0"?><Order><Id>1</Id></Order>', CT_SOAP11),
    (
        "envelope-in-foreign-namespace",
        envelope("SendCharFax", "").replace(SOAP11.encode(), b"urn:not-soap"),
        CT_SOAP11,
    ),
    (
        "envelope-without-body",
        f'<soap:Envelope xmlns:soap="{SOAP11}"><soap:Header/></soap:Envelope>'.encode(),
        CT_SOAP11,
    ),
    (
        "empty-soap-body",
        f'<soap:Envelope xmlns:soap="{SOAP11}"><soap:Body/></soap:Envelope>'.encode(),
        CT_SOAP11,
    ),
    ("billion-laughs", BILLION_LAUGHS.encode(), CT_SOAP11),
    (
        "billion-laughs-behind-a-prolog-comment",
        BILLION_LAUGHS.replace("?>", "?><!-- <x> -->", 1).encode(),
        CT_SOAP11,
    ),
    (
        "billion-laughs-utf16",
        BILLION_LAUGHS.replace('version="1.0"', 'version="1.0" encoding="UTF-16"').encode("utf-16"),
        "text/xml; charset=utf-16",
    ),
    ("external-entity", EXTERNAL_ENTITY.encode(), CT_SOAP11),
    (
        "external-entity-utf16",
        EXTERNAL_ENTITY.replace('version="1.0"', 'version="1.0" encoding="UTF-16"').encode(
            "utf-16"
        ),
        "text/xml; charset=utf-16",
    ),
    (
        "external-entity-utf16-no-charset",
        EXTERNAL_ENTITY.replace('version="1.0"', 'version="1.0" encoding="UTF-16"').encode(
            "utf-16"
        ),
        "text/xml",
    ),
    ("external-dtd", EXTERNAL_DTD.encode(), CT_SOAP11),
    ("harmless-doctype", PLAIN_DOCTYPE.encode(), CT_SOAP11),
    ("lower-case-doctype", PLAIN_DOCTYPE.replace("DOCTYPE", "doctype").encode(), CT_SOAP11),
    ("unknown-operation", envelope("NoSuchOperation", "<Username>x</Username>"), CT_SOAP11),
    (
        "operation-in-foreign-namespace",
        envelope("SendCharFax", send_char_fax_params(ALICE)).replace(
            NS.encode(), b"http://www.interfax.net"
        ),
        CT_SOAP11,
    ),
    (
        "operation-without-namespace",
        envelope("SendCharFax", send_char_fax_params(ALICE)).replace(
            f' xmlns="{NS}"'.encode(), b""
        ),
        CT_SOAP11,
    ),
    ("mis-cased-operation", envelope("sendCharFax", send_char_fax_params(ALICE)), CT_SOAP11),
    ("non-numeric-int", _status("<LastTransactionID>abc</LastTransactionID>"), CT_SOAP11),
    ("int-too-large", _status("<LastTransactionID>2147483648</LastTransactionID>"), CT_SOAP11),
    ("int-too-small", _status("<MaxItems>-2147483649</MaxItems>"), CT_SOAP11),
    ("int-with-fraction", _status("<MaxItems>1.5</MaxItems>"), CT_SOAP11),
    ("int-with-exponent", _status("<MaxItems>1e3</MaxItems>"), CT_SOAP11),
    (
        "invalid-base64",
        envelope(
            "Sendfax",
            children(
                Username=ALICE,
                Password=PASSWORD,
                FaxNumber=NUMBER,
                FileData="**not base64**",
                FileType="TXT",
            ),
        ),
        CT_SOAP11,
    ),
    ("date-offset-out-of-range", _send_ex_2("2012-01-01T00:00:00+25:00"), CT_SOAP11),
    ("date-beyond-max-value-in-utc", _send_ex_2("9999-12-31T23:00:00-05:00"), CT_SOAP11),
    ("date-not-a-date", _send_ex_2("next tuesday"), CT_SOAP11),
    (
        "long-too-large",
        envelope(
            "GetFaxImage",
            children(Username=ALICE, Password=PASSWORD, TransactionID="9223372036854775808"),
        ),
        CT_SOAP11,
    ),
]

CASES_12: list[tuple[str, bytes, str]] = [
    ("soap12-truncated", envelope("SendCharFax", "", "1.2")[:-20], CT_SOAP12),
    ("soap12-empty-body", b"", CT_SOAP12),
    (
        "soap12-non-numeric-int",
        envelope("FaxStatus", "<LastTransactionID>abc</LastTransactionID>", "1.2"),
        CT_SOAP12,
    ),
    ("soap12-unknown-operation", envelope("NoSuchOperation", "", "1.2"), CT_SOAP12),
    ("soap12-billion-laughs", BILLION_LAUGHS.replace(SOAP11, SOAP12).encode(), CT_SOAP12),
    ("soap12-external-entity", EXTERNAL_ENTITY.replace(SOAP11, SOAP12).encode(), CT_SOAP12),
]


@pytest.mark.parametrize(
    ("body", "content_type"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_soap11_bad_request_is_a_client_fault(
    server: RunningServer, body: bytes, content_type: str
) -> None:
    started = time.monotonic()
    response = post(server.dfs, body, content_type)

    assert_fault_response(response)
    assert time.monotonic() - started < TIMEOUT
    assert b"root:" not in response.content  # /etc/passwd never leaks


@pytest.mark.parametrize(
    ("body", "content_type"), [c[1:] for c in CASES_12], ids=[c[0] for c in CASES_12]
)
def test_soap12_bad_request_is_a_sender_fault(
    server: RunningServer, body: bytes, content_type: str
) -> None:
    response = post(server.dfs, body, content_type)

    assert_fault_response(response, "1.2")
    assert b"root:" not in response.content


def test_a_doctype_is_refused_not_expanded(server: RunningServer) -> None:
    reason = assert_fault_response(post(server.dfs, EXTERNAL_ENTITY.encode()))

    assert "DTD" in reason


def test_the_connection_stays_usable_after_a_fault(server: RunningServer) -> None:
    """A keep-alive client (every .NET and Java stack) sends its next call on the same socket."""
    bad = b"<soap:Envelope"
    good = envelope("SendCharFax", send_char_fax_params(ALICE))

    def request(body: bytes) -> bytes:
        return (
            b"POST /dfs.asmx HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: text/xml; charset=utf-8\r\nContent-Length: %d\r\n\r\n" % len(body)
        ) + body

    with socket.create_connection(host_port(server), timeout=TIMEOUT) as sock:
        answers = []
        for body in (bad, good):
            sock.sendall(request(body))
            response = http.client.HTTPResponse(sock)
            response.begin()
            answers.append((response.status, response.getheader("Content-Type"), response.read()))

    assert_client_fault(*answers[0])
    status, _, content = answers[1]
    assert status == 200
    assert int(response_element(content, "SendCharFax").findtext(f"{{{NS}}}SendCharFaxResult")) > 0


# Body size limit ([limits] max_request_mb = 1) ------------------------------------------------


def _big_send(size: int) -> bytes:
    # An invalid number: a body that gets through is answered -112 at once, without rendering.
    padding = "x" * size
    return envelope("SendCharFax", send_char_fax_params(ALICE, number="no number", data=padding))


def test_a_body_just_under_the_limit_is_read(server: RunningServer) -> None:
    body = _big_send(MB - 2048)
    assert len(body) < MB

    assert result(post(server.dfs, body), "SendCharFax") == -112


def test_a_body_over_the_limit_is_refused_with_a_fault(server: RunningServer) -> None:
    body = _big_send(2 * MB)

    reason = assert_fault_response(post(server.dfs, body))

    assert "length" in reason.lower()


def test_a_soap12_body_over_the_limit_is_a_soap12_fault(server: RunningServer) -> None:
    body = envelope("SendCharFax", send_char_fax_params(ALICE, data="y" * 2 * MB), "1.2")

    assert_fault_response(post(server.dfs, body, CT_SOAP12), "1.2")


def test_a_chunked_body_over_the_limit_without_content_length_is_refused(
    server: RunningServer,
) -> None:
    body = _big_send(2 * MB)
    request = (
        b"POST /dfs.asmx HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        b"Content-Type: text/xml; charset=utf-8\r\nTransfer-Encoding: chunked\r\n\r\n"
    ) + chunked(body, 64 * 1024)

    _, response = raw_exchange(server, request)

    assert_client_fault(response.status, response.header("Content-Type"), response.body)


def test_a_chunked_body_under_the_limit_is_read(server: RunningServer) -> None:
    body = _big_send(MB // 2)
    request = (
        b"POST /dfs.asmx HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        b"Content-Type: text/xml; charset=utf-8\r\nTransfer-Encoding: chunked\r\n\r\n"
    ) + chunked(body, 64 * 1024)

    _, response = raw_exchange(server, request)

    assert result(response, "SendCharFax") == -112


def test_a_form_post_over_the_limit_is_500_text(server: RunningServer) -> None:
    fields = {"Username": ALICE, "Password": PASSWORD, "FaxNumber": NUMBER, "Data": "z" * 2 * MB}

    response = requests.post(server.dfs + "/SendCharFax", data=fields, timeout=TIMEOUT)

    assert response.status_code == 500
    assert response.headers["Content-Type"] == CT_TEXT
    assert one_line(response.text)


# Plain HTTP errors ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/nope", "/nope.asmx", "/dfs.asmx.bak", "/x/dfs.asmx", "/favicon.ico"]
)
def test_get_of_an_unknown_path_is_404_text(server: RunningServer, path: str) -> None:
    response = requests.get(server.base_url + path, timeout=TIMEOUT)

    assert response.status_code == 404
    assert response.headers["Content-Type"] == CT_TEXT
    assert "<html" not in response.text.lower()


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH", "OPTIONS"])
def test_other_methods_are_405_text(server: RunningServer, method: str) -> None:
    response = requests.request(method, server.dfs, data=b"x", timeout=TIMEOUT)

    assert response.status_code == 405
    assert response.headers["Content-Type"] == CT_TEXT
    assert "<html" not in response.text.lower()


# Unit level: the reader on a schema with a base64 parameter ----------------------------------


def _upload_schema() -> ServiceSchema:
    operation = Operation(
        name="Upload",
        namespace=NS,
        params=(
            Field("Name", "string"),
            Field("Data", "base64Binary"),
            Field("Count", "int", min_occurs=1),
            Field("When", "dateTime", min_occurs=1),
        ),
        results=(Field("UploadResult", "int", min_occurs=1),),
        function=lambda *args: 0,
        doc="",
    )
    return ServiceSchema("Test", NS, "", (operation,))


def _read(inner: str) -> list[object]:
    body = envelope("Upload", inner)
    return read_params(parse_envelope(body, "utf-8", _upload_schema()))


def test_reader_decodes_wrapped_base64_and_defaults_missing_values() -> None:
    data = bytes(range(200))
    text = base64.encodebytes(data).decode().replace("\n", "\r\n")

    assert _read(f"<Data>\r\n {text} </Data>") == [None, data, 0, None]


@pytest.mark.parametrize(
    "bad",
    [
        "<Data>not*base64</Data>",
        "<Data>QUJD=x</Data>",
        "<Count>seven</Count>",
        "<When>tomorrow</When>",
        "<Data>QUJ</Data>",
    ],
)
def test_reader_refuses_values_that_are_not_of_their_type(bad: str) -> None:
    with pytest.raises(SoapFault) as raised:
        _read(bad)

    assert raised.value.client
    assert one_line(raised.value.reason)


def test_reader_reads_nil_string_as_empty() -> None:
    inner = '<Name xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:nil="true" />'

    assert _read(inner)[0] == ""


# Afterwards -----------------------------------------------------------------------------------


def test_server_still_answers_a_normal_call_after_all_of_them(server: RunningServer) -> None:
    assert server.process.poll() is None
    assert (
        result(
            post(server.dfs, envelope("SendCharFax", send_char_fax_params(ALICE))), "SendCharFax"
        )
        > 0
    )
    response = post(server.dfs, envelope("FaxStatus", fax_status_params(ALICE)))
    assert status_echo(response.content)["ResultCode"] == 0

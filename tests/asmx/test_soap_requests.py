"""Every request style of COMPAT.md "Requests" (items 5-12), end to end against a real server.

One server for the module; each scenario posts a real request and checks that the call ran
with the values it carried (a positive TransactionID needs Username, Password, FaxNumber and
Data to have been read; -1003/-112/-123 show which one was not).
"""

from __future__ import annotations

import base64
import datetime as dt
import random
from collections.abc import Iterator

import pytest

from interfax_soap.asmx.values import BadValue, parse_value
from tests.asmx.wire import (
    CT_SOAP11,
    CT_SOAP12,
    HEAD11,
    HEAD12,
    NS,
    NUMBER,
    PASSWORD,
    SOAP11,
    SOAP12,
    children,
    chunked,
    envelope,
    fax_status_params,
    module_server,
    post,
    raw_exchange,
    result,
    send_char_fax_params,
    status_echo,
    status_items,
)
from tests.conftest import RunningServer

ALICE = "alice"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    with module_server(tmp_path_factory.mktemp("soap-requests"), users=(ALICE,)) as running:
        yield running


def send_body(version: str = "1.1", **overrides: str) -> bytes:
    return envelope("SendCharFax", send_char_fax_params(ALICE, **overrides), version)


def status_of(server: RunningServer, transaction_id: int) -> dict[str, str]:
    """The FaxItem of one transaction (LastTransactionID N+1, MaxItems 1: COMPAT 19)."""
    response = post(
        server.dfs,
        envelope("FaxStatus", fax_status_params(ALICE, last=transaction_id + 1, max_items=1)),
    )
    (item,) = status_items(response.content)
    assert int(item["TransactionID"]) == transaction_id
    return item


# 5. Content types -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content_type",
    [
        "text/xml; charset=utf-8",
        "text/xml; charset=UTF-8",
        "text/xml;charset=utf-8",
        "text/xml;charset=UTF-8",
        "text/xml; charset=ISO-8859-1",
        "text/xml;charset=ISO-8859-1",
        'text/xml; charset="utf-8"',
        "text/xml",
        "TEXT/XML; Charset=UTF-8",
    ],
)
def test_soap11_is_accepted_with_every_text_xml_content_type(
    server: RunningServer, content_type: str
) -> None:
    response = post(server.dfs, send_body(), content_type, f'"{NS}/SendCharFax"')

    assert result(response, "SendCharFax") > 0
    assert response.headers["Content-Type"] == CT_SOAP11
    assert response.content.startswith(HEAD11.encode())


@pytest.mark.parametrize(
    "content_type",
    [
        "application/soap+xml",
        "application/soap+xml; charset=utf-8",
        "application/soap+xml;charset=UTF-8",
        f'application/soap+xml; charset=utf-8; action="{NS}/SendCharFax"',
        f"application/soap+xml;action={NS}/SendCharFax;charset=utf-8",
        f'application/soap+xml; action="{NS}/FaxStatus"',  # a wrong action: the body decides
    ],
)
def test_soap12_envelope_is_answered_in_soap12(server: RunningServer, content_type: str) -> None:
    response = post(server.dfs, send_body("1.2"), content_type)

    assert result(response, "SendCharFax") > 0
    assert response.headers["Content-Type"] == CT_SOAP12
    assert response.content.startswith(HEAD12.encode())


def test_soap12_envelope_sent_as_text_xml_is_still_answered_in_soap12(
    server: RunningServer,
) -> None:
    response = post(server.dfs, send_body("1.2"), CT_SOAP11)

    assert result(response, "SendCharFax") > 0
    assert response.headers["Content-Type"] == CT_SOAP12
    assert response.content.startswith(HEAD12.encode())


# 6. HTTP framing ------------------------------------------------------------------------------


def test_http_1_0_request_without_host_is_answered(server: RunningServer) -> None:
    body = send_body()
    request = (
        b"POST /dfs.asmx HTTP/1.0\r\nContent-Type: text/xml; charset=utf-8\r\n"
        b'SOAPAction: "http://www.interfax.cc/SendCharFax"\r\n'
        b"Content-Length: %d\r\n\r\n" % len(body)
    ) + body

    _, response = raw_exchange(server, request)

    assert response.version == 10
    assert response.header("Content-Type") == CT_SOAP11
    assert result(response, "SendCharFax") > 0


@pytest.mark.parametrize("chunk_size", [1, 7, 100, 100_000])
def test_chunked_request_body_is_reassembled(server: RunningServer, chunk_size: int) -> None:
    body = send_body(data="chunked " * 50)
    request = (
        b"POST /dfs.asmx HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        b"Content-Type: text/xml; charset=utf-8\r\nTransfer-Encoding: chunked\r\n\r\n"
    ) + chunked(body, chunk_size)

    _, response = raw_exchange(server, request)

    assert result(response, "SendCharFax") > 0


def test_expect_100_continue_gets_the_interim_answer_before_the_body_is_sent(
    server: RunningServer,
) -> None:
    body = send_body()
    headers = (
        b"POST /dfs.asmx HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        b"Content-Type: text/xml; charset=utf-8\r\nExpect: 100-continue\r\n"
        b"Content-Length: %d\r\n\r\n" % len(body)
    )

    interim, response = raw_exchange(server, headers, body_after_continue=body)

    assert interim.startswith(b"HTTP/1.1 100 Continue\r\n")
    assert result(response, "SendCharFax") > 0


# 7. SOAPAction is not used for routing --------------------------------------------------------


@pytest.mark.parametrize(
    "soap_action",
    [
        f'"{NS}/SendCharFax"',
        f"{NS}/SendCharFax",
        None,
        '""',
        "",
        f'"{NS}/FaxStatus"',
        '"urn:something-else"',
    ],
    ids=["quoted", "unquoted", "absent", "empty-quoted", "empty", "wrong-op", "foreign"],
)
def test_operation_is_chosen_by_the_body_element_not_the_soap_action(
    server: RunningServer, soap_action: str | None
) -> None:
    response = post(server.dfs, send_body(), soap_action=soap_action)

    assert result(response, "SendCharFax") > 0


def test_fax_status_body_under_a_send_char_fax_soap_action_runs_fax_status(
    server: RunningServer,
) -> None:
    response = post(
        server.dfs,
        envelope("FaxStatus", fax_status_params(ALICE)),
        soap_action=f'"{NS}/SendCharFax"',
    )

    assert response.status_code == 200
    assert status_echo(response.content)["ResultCode"] == 0


# 8. Prefixes ----------------------------------------------------------------------------------


def _prefixed(env_prefix: str, op_prefix: str, env_ns: str = SOAP11) -> bytes:
    """Envelope under ``env_prefix``, operation and parameters under ``op_prefix``."""
    p = f"{op_prefix}:" if op_prefix else ""
    decl = f' xmlns:{op_prefix}="{NS}"' if op_prefix else f' xmlns="{NS}"'
    params = "".join(
        f"<{p}{name}>{value}</{p}{name}>"
        for name, value in [
            ("Username", ALICE),
            ("Password", PASSWORD),
            ("FaxNumber", NUMBER),
            ("Data", "prefixes"),
            ("FileType", "TXT"),
        ]
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        f'<{env_prefix}:Envelope xmlns:{env_prefix}="{env_ns}">'
        f"<{env_prefix}:Body><{p}SendCharFax{decl}>{params}</{p}SendCharFax>"
        f"</{env_prefix}:Body></{env_prefix}:Envelope>"
    ).encode()


@pytest.mark.parametrize(
    "env_prefix", ["SOAP-ENV", "soap", "env", "soapenv", "soap12", "s", "S", "e"]
)
@pytest.mark.parametrize("op_prefix", ["", "ns0", "ns1", "tns", "int", "ins0", "s1", "m"])
def test_any_prefixes_for_envelope_and_operation(
    server: RunningServer, env_prefix: str, op_prefix: str
) -> None:
    if env_prefix == op_prefix:
        pytest.skip("one prefix cannot name two namespaces")
    response = post(server.dfs, _prefixed(env_prefix, op_prefix))

    assert result(response, "SendCharFax") > 0


@pytest.mark.parametrize("env_prefix", ["soap12", "env", "soap"])
def test_soap12_envelope_under_any_prefix(server: RunningServer, env_prefix: str) -> None:
    response = post(server.dfs, _prefixed(env_prefix, "ns1", SOAP12), CT_SOAP12)

    assert result(response, "SendCharFax") > 0
    assert response.headers["Content-Type"] == CT_SOAP12


def test_several_prefixes_bound_to_one_namespace_and_unused_declarations(
    server: RunningServer,
) -> None:
    body = (
        f'<SOAP-ENV:Envelope xmlns:SOAP-ENV="{SOAP11}" xmlns:soapenv="{SOAP11}" '
        f'xmlns:ns1="{NS}" xmlns:tns="{NS}" xmlns:unused="urn:never-used" '
        f'xmlns:xsd="http://www.w3.org/2001/XMLSchema" '
        f'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f'<soapenv:Body><ns1:SendCharFax xmlns:int="{NS}">'
        f"<tns:Username>{ALICE}</tns:Username><int:Password>{PASSWORD}</int:Password>"
        f'<FaxNumber xmlns="{NS}">{NUMBER}</FaxNumber><ns1:Data>many prefixes</ns1:Data>'
        f"<tns:FileType>TXT</tns:FileType></ns1:SendCharFax></soapenv:Body></SOAP-ENV:Envelope>"
    ).encode()

    assert result(post(server.dfs, body), "SendCharFax") > 0


def test_default_namespace_declared_on_the_envelope(server: RunningServer) -> None:
    body = (
        f'<soap:Envelope xmlns:soap="{SOAP11}" xmlns="{NS}"><soap:Body><SendCharFax>'
        f"{send_char_fax_params(ALICE)}</SendCharFax></soap:Body></soap:Envelope>"
    ).encode()

    assert result(post(server.dfs, body), "SendCharFax") > 0


def test_xsi_type_attributes_and_a_soap_header_are_ignored(server: RunningServer) -> None:
    body = (
        f'<soapenv:Envelope xmlns:soapenv="{SOAP11}" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        f'xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:ins0="{NS}">'
        '<soapenv:Header><h:Trace xmlns:h="urn:trace">1</h:Trace></soapenv:Header>'
        "<soapenv:Body><ins0:SendCharFax>"
        f'<ins0:Username xsi:type="xsd:string">{ALICE}</ins0:Username>'
        f'<ins0:Password xsi:type="xsd:string">{PASSWORD}</ins0:Password>'
        f'<ins0:FaxNumber xsi:type="xsd:string">{NUMBER}</ins0:FaxNumber>'
        '<ins0:Data xsi:type="xsd:string">typed</ins0:Data>'
        '<ins0:FileType xsi:type="xsd:string">TXT</ins0:FileType>'
        "</ins0:SendCharFax></soapenv:Body></soapenv:Envelope>"
    ).encode()

    assert result(post(server.dfs, body), "SendCharFax") > 0


def test_fax_status_values_are_read_under_prefixes_and_xsi_types(server: RunningServer) -> None:
    sent = [result(post(server.dfs, send_body()), "SendCharFax") for _ in range(2)]
    body = (
        f'<env:Envelope xmlns:env="{SOAP11}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        f'xmlns:xsd="http://www.w3.org/2001/XMLSchema"><env:Body><tns:FaxStatus xmlns:tns="{NS}">'
        f"<tns:Username>{ALICE}</tns:Username><tns:Password>{PASSWORD}</tns:Password>"
        f'<tns:LastTransactionID xsi:type="xsd:int">{sent[1]}</tns:LastTransactionID>'
        '<tns:MaxItems xsi:type="xsd:int">1</tns:MaxItems>'
        "</tns:FaxStatus></env:Body></env:Envelope>"
    ).encode()

    response = post(server.dfs, body)

    assert [int(i["TransactionID"]) for i in status_items(response.content)] == [sent[0]]


# 9. Order, missing, unknown, case, attributes -------------------------------------------------


def test_parameter_order_does_not_matter(server: RunningServer) -> None:
    params = [
        ("Username", ALICE),
        ("Password", PASSWORD),
        ("FaxNumber", NUMBER),
        ("Data", "shuffled"),
        ("FileType", "TXT"),
    ]
    for seed in range(5):
        shuffled = params[:]
        random.Random(seed).shuffle(shuffled)
        inner = "".join(f"<{name}>{value}</{name}>" for name, value in reversed(shuffled))
        assert result(post(server.dfs, envelope("SendCharFax", inner)), "SendCharFax") > 0


def test_fax_status_parameters_in_reverse_order(server: RunningServer) -> None:
    first = result(post(server.dfs, send_body()), "SendCharFax")
    inner = children(
        ResultCode=0,
        ListSize=0,
        TotalCount=0,
        MaxItems=1,
        LastTransactionID=first + 1,
        Password=PASSWORD,
        Username=ALICE,
    )

    response = post(server.dfs, envelope("FaxStatus", inner))

    assert [int(i["TransactionID"]) for i in status_items(response.content)] == [first]


@pytest.mark.parametrize(
    ("missing", "expected"),
    [("Username", -1003), ("Password", -1003), ("FaxNumber", -112), ("Data", -123)],
)
def test_a_missing_string_parameter_reads_as_null(
    server: RunningServer, missing: str, expected: int
) -> None:
    params = {
        "Username": ALICE,
        "Password": PASSWORD,
        "FaxNumber": NUMBER,
        "Data": "x",
        "FileType": "TXT",
    }
    del params[missing]

    assert (
        result(post(server.dfs, envelope("SendCharFax", children(**params))), "SendCharFax")
        == expected
    )


def test_a_missing_file_type_means_txt(server: RunningServer) -> None:
    response = post(
        server.dfs, envelope("SendCharFax", send_char_fax_params(ALICE, file_type=None))
    )

    assert result(response, "SendCharFax") > 0


def test_fax_status_without_its_int_parameters_reads_them_as_zero(server: RunningServer) -> None:
    # LastTransactionID 0 and MaxItems 0: nothing below 0, and no item asked for.
    response = post(server.dfs, envelope("FaxStatus", children(Username=ALICE, Password=PASSWORD)))

    assert response.status_code == 200
    assert status_items(response.content) == []
    echo = status_echo(response.content)
    assert echo["ResultCode"] == 0 and echo["ListSize"] == 0 and echo["TotalCount"] >= 0


def test_unknown_elements_are_ignored(server: RunningServer) -> None:
    inner = (
        "<Subject>not a SendCharFax parameter</Subject><Extra><Nested>1</Nested></Extra>"
        + send_char_fax_params(ALICE)
        + '<Other xmlns="urn:other">x</Other><SessionID>ABC</SessionID>'
    )

    assert result(post(server.dfs, envelope("SendCharFax", inner)), "SendCharFax") > 0


@pytest.mark.parametrize(
    ("wrong_name", "right_name", "expected"),
    [
        ("username", "Username", -1003),
        ("USERNAME", "Username", -1003),
        ("password", "Password", -1003),
        ("faxNumber", "FaxNumber", -112),
        ("Faxnumber", "FaxNumber", -112),
        ("data", "Data", -123),
    ],
)
def test_mis_cased_element_names_are_unknown(
    server: RunningServer, wrong_name: str, right_name: str, expected: int
) -> None:
    inner = (
        send_char_fax_params(ALICE)
        .replace(f"<{right_name}>", f"<{wrong_name}>")
        .replace(f"</{right_name}>", f"</{wrong_name}>")
    )

    assert result(post(server.dfs, envelope("SendCharFax", inner)), "SendCharFax") == expected


def test_credentials_sent_as_attributes_count_as_missing(server: RunningServer) -> None:
    body = (
        f'<soap:Envelope xmlns:soap="{SOAP11}"><soap:Body>'
        f'<SendCharFax xmlns="{NS}" Username="{ALICE}" Password="{PASSWORD}">'
        f"{children(FaxNumber=NUMBER, Data='attrs', FileType='TXT')}"
        "</SendCharFax></soap:Body></soap:Envelope>"
    ).encode()

    assert result(post(server.dfs, body), "SendCharFax") == -1003


def test_parameters_in_no_namespace_read_as_null(server: RunningServer) -> None:
    body = (
        f'<soap:Envelope xmlns:soap="{SOAP11}"><soap:Body><ns1:SendCharFax xmlns:ns1="{NS}">'
        f"{send_char_fax_params(ALICE)}</ns1:SendCharFax></soap:Body></soap:Envelope>"
    ).encode()

    assert result(post(server.dfs, body), "SendCharFax") == -1003


# 10. Empty ints, spaces, booleans -------------------------------------------------------------


@pytest.mark.parametrize(
    "empty",
    [
        "<LastTransactionID></LastTransactionID>",
        "<LastTransactionID />",
        "<LastTransactionID>  </LastTransactionID>",
    ],
)
def test_an_empty_int_element_reads_as_zero_not_a_fault(server: RunningServer, empty: str) -> None:
    inner = children(Username=ALICE, Password=PASSWORD) + empty + "<MaxItems/><TotalCount/>"

    response = post(server.dfs, envelope("FaxStatus", inner))

    assert response.status_code == 200
    echo = status_echo(response.content)
    assert (echo["ListSize"], echo["ResultCode"]) == (0, 0)
    assert status_items(response.content) == []


def test_ints_with_surrounding_whitespace_are_read(server: RunningServer) -> None:
    first = result(post(server.dfs, send_body()), "SendCharFax")
    inner = children(Username=ALICE, Password=PASSWORD) + (
        f"<LastTransactionID>\n  {first + 1}\t</LastTransactionID><MaxItems> 1 </MaxItems>"
    )

    response = post(server.dfs, envelope("FaxStatus", inner))

    assert [int(i["TransactionID"]) for i in status_items(response.content)] == [first]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("true", True),
        ("false", False),
        ("1", True),
        ("0", False),
        ("True", True),
        ("False", False),
        (" true ", True),
        ("", False),
        (None, False),
    ],
)
def test_boolean_forms(text: str | None, expected: bool) -> None:
    assert parse_value("boolean", text) is expected


@pytest.mark.parametrize("text", ["yes", "2", "t", "-1"])
def test_boolean_rejects_other_words(text: str) -> None:
    with pytest.raises(BadValue):
        parse_value("boolean", text)


def test_booleans_as_1_and_0_in_a_real_call(server: RunningServer) -> None:
    inner = children(
        Username=ALICE,
        Password=PASSWORD,
        FaxNumbers=NUMBER,
        FilesData=base64.b64encode(b"Hello").decode(),
        FileTypes="TXT",
        FileSizes="5",
        Postpone="2000-01-01T00:00:00",
        RetriesToPerform=0,
        IsHighResolution="1",
        IsFineRendering="0",
    )

    assert result(post(server.dfs, envelope("SendfaxEx_2", inner)), "SendfaxEx_2") > 0


# 11. Dates ------------------------------------------------------------------------------------


UTC = dt.UTC


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2000-01-01", dt.datetime(2000, 1, 1)),
        ("2001-12-31T00:00:00-00:00", dt.datetime(2001, 12, 31, tzinfo=UTC)),
        ("1980-01-01T00:00:00Z", dt.datetime(1980, 1, 1, tzinfo=UTC)),
        ("0001-01-01T00:00:00", None),
        ("0001-01-01", None),
        (
            "2012-02-23T10:18:22.1234567-07:00",
            dt.datetime(
                2012, 2, 23, 10, 18, 22, 123456, tzinfo=dt.timezone(dt.timedelta(hours=-7))
            ),
        ),
        ("2012-02-23T10:18:22.000Z", dt.datetime(2012, 2, 23, 10, 18, 22, tzinfo=UTC)),
        (
            "2012-02-23T10:18:22+05:30",
            dt.datetime(
                2012, 2, 23, 10, 18, 22, tzinfo=dt.timezone(dt.timedelta(hours=5, minutes=30))
            ),
        ),
        ("2012-02-23T10:18:22.5", dt.datetime(2012, 2, 23, 10, 18, 22, 500000)),
        (" 2012-02-23T10:18:22 ", dt.datetime(2012, 2, 23, 10, 18, 22)),
        ("", None),
    ],
)
def test_every_date_form_parses(text: str, expected: dt.datetime | None) -> None:
    value = parse_value("dateTime", text)

    assert value == expected
    if expected is not None:
        assert (value.tzinfo is None) == (expected.tzinfo is None)
        if expected.tzinfo is not None:
            assert value.utcoffset() == expected.utcoffset()


@pytest.mark.parametrize(
    "text",
    [
        "0001-01-01T00:00:00+05:00",
        "0001-01-01T00:00:00Z",
        "0001-01-01T00:00:00-05:00",
        "0001-01-01T10:00:00+14:00",
    ],
)
def test_min_value_with_any_offset_reads_as_min_value(text: str) -> None:
    # Java and PHP clients serialise an unset date as year 1 in their own zone; it must not
    # become a date before year 1 once converted to UTC.
    assert parse_value("dateTime", text) is None


@pytest.mark.parametrize(
    "text",
    [
        "yesterday",
        "2012-13-01",
        "2012-02-30T00:00:00",
        "12/31/2001",
        "2012-01-01T00:00:00+25:00",
        "2012-01-01T00:00:00-24:00",
        "9999-12-31T23:00:00-05:00",
    ],
)
def test_dates_that_are_not_dates_are_refused(text: str) -> None:
    with pytest.raises(BadValue):
        parse_value("dateTime", text)


@pytest.mark.parametrize(
    "postpone",
    [
        "2000-01-01",
        "2001-12-31T00:00:00-00:00",
        "1980-01-01T00:00:00Z",
        "0001-01-01T00:00:00",
        "2011-03-04T10:11:12.1234567-07:00",
        "2011-03-04T10:11:12.000Z",
        "0001-01-01T00:00:00+05:00",
        "0001-01-01T00:00:00-08:00",
    ],
)
def test_every_past_date_form_means_send_now(server: RunningServer, postpone: str) -> None:
    inner = children(
        Username=ALICE,
        Password=PASSWORD,
        FaxNumbers=NUMBER,
        FilesData=base64.b64encode(b"Hello").decode(),
        FileTypes="TXT",
        FileSizes="5",
        Postpone=postpone,
        RetriesToPerform=0,
        IsHighResolution="false",
        IsFineRendering="true",
    )

    transaction_id = result(post(server.dfs, envelope("SendfaxEx_2", inner)), "SendfaxEx_2")

    assert transaction_id > 0
    assert status_of(server, transaction_id)["PostponeTime"] == "0001-01-01T00:00:00"


# 12. base64 -----------------------------------------------------------------------------------


def _wrapped(data: bytes, width: int, newline: str) -> str:
    text = base64.b64encode(data).decode()
    return newline.join(text[i : i + width] for i in range(0, len(text), width))


@pytest.mark.parametrize(
    ("width", "newline"), [(60, "\n"), (76, "\n"), (76, "\r\n"), (64, "\r\n"), (10_000, "")]
)
def test_base64_with_line_breaks_and_surrounding_whitespace_decodes(
    width: int, newline: str
) -> None:
    data = bytes(range(256)) * 3

    assert parse_value("base64Binary", f"\r\n  {_wrapped(data, width, newline)}\r\n\t") == data


def test_broken_base64_is_refused() -> None:
    with pytest.raises(BadValue):
        parse_value("base64Binary", "not*base64!")


def test_base64_with_line_breaks_in_a_real_call(server: RunningServer) -> None:
    document = ("line of text\r\n" * 40).encode()
    inner = children(Username=ALICE, Password=PASSWORD, FaxNumber=NUMBER, FileType="TXT")
    inner += f"<FileData>\r\n{_wrapped(document, 76, chr(13) + chr(10))}\r\n</FileData>"

    assert result(post(server.dfs, envelope("Sendfax", inner)), "Sendfax") > 0


# Encodings ------------------------------------------------------------------------------------


@pytest.mark.parametrize("declaration", [True, False], ids=["with-declaration", "without"])
def test_iso_8859_1_body_with_non_ascii_data_is_sent(
    server: RunningServer, declaration: bool
) -> None:
    head = '<?xml version="1.0" encoding="ISO-8859-1"?>' if declaration else ""
    body = (
        f'{head}<SOAP-ENV:Envelope xmlns:SOAP-ENV="{SOAP11}"><SOAP-ENV:Body>'
        f'<ns1:SendCharFax xmlns:ns1="{NS}"><ns1:Username>{ALICE}</ns1:Username>'
        f"<ns1:Password>{PASSWORD}</ns1:Password><ns1:FaxNumber>{NUMBER}</ns1:FaxNumber>"
        "<ns1:Data>Café crème, déjà vu</ns1:Data><ns1:FileType>TXT</ns1:FileType>"
        "</ns1:SendCharFax></SOAP-ENV:Body></SOAP-ENV:Envelope>"
    ).encode("iso-8859-1")
    assert b"\xe9" in body  # really Latin-1 bytes on the wire

    response = post(server.dfs, body, "text/xml; charset=ISO-8859-1")

    transaction_id = result(response, "SendCharFax")
    assert transaction_id > 0
    assert status_of(server, transaction_id)["DestinationFax"] == "0012125550100"


@pytest.mark.parametrize(
    ("encoding", "content_type"),
    [
        ("iso-8859-1", "text/xml; charset=ISO-8859-1"),
        ("iso-8859-1", "text/xml;charset=iso-8859-1"),
        ("utf-8", "text/xml; charset=utf-8"),
        ("utf-8", "application/soap+xml; charset=utf-8"),
    ],
)
def test_non_ascii_text_arrives_intact_whatever_the_body_encoding(
    server: RunningServer, encoding: str, content_type: str
) -> None:
    # SendfaxEx_2's Subject comes back in FaxStatus: proof the characters were decoded right.
    subject = "Café crème à l'été"
    version = "1.2" if "soap+xml" in content_type else "1.1"
    inner = children(
        Username=ALICE,
        Password=PASSWORD,
        FaxNumbers=NUMBER,
        FilesData=base64.b64encode(b"Hello").decode(),
        FileTypes="TXT",
        FileSizes="5",
        Subject=subject,
    )
    body = envelope("SendfaxEx_2", inner, version, declaration=False).decode().encode(encoding)

    transaction_id = result(post(server.dfs, body, content_type), "SendfaxEx_2")

    assert transaction_id > 0
    assert status_of(server, transaction_id)["Subject"] == subject


def test_a_document_in_cdata_may_contain_a_doctype(server: RunningServer) -> None:
    # Only a DOCTYPE of the request itself is refused, not text that happens to spell one.
    html = "<!DOCTYPE html><html><body><p>Hello &amp; welcome</p></body></html>"
    inner = send_char_fax_params(ALICE, data="PLACEHOLDER").replace(
        "PLACEHOLDER", f"<![CDATA[{html}]]>"
    )

    assert result(post(server.dfs, envelope("SendCharFax", inner)), "SendCharFax") > 0


# 1. Endpoint paths ----------------------------------------------------------------------------


def test_post_to_the_wsdl_url_is_a_normal_soap_call(server: RunningServer) -> None:
    for query in ("?wsdl", "?WSDL"):
        response = post(server.dfs + query, send_body())
        assert result(response, "SendCharFax") > 0
        assert response.content.startswith(HEAD11.encode())


@pytest.mark.parametrize("path", ["/DFS.asmx", "/Dfs.Asmx", "/dfs.ASMX"])
def test_endpoint_path_is_case_insensitive(server: RunningServer, path: str) -> None:
    response = post(server.base_url + path, send_body())

    assert result(response, "SendCharFax") > 0


def test_fax_status_of_a_call_sent_in_each_style_lists_it(server: RunningServer) -> None:
    """The styles above really submitted faxes: they are all in FaxStatus, newest first."""
    ids = [
        result(post(server.dfs, send_body()), "SendCharFax"),
        result(post(server.dfs, send_body("1.2"), CT_SOAP12), "SendCharFax"),
        result(post(server.base_url + "/DFS.asmx?wsdl", send_body()), "SendCharFax"),
    ]

    response = post(
        server.dfs, envelope("FaxStatus", fax_status_params(ALICE, last=ids[-1] + 1, max_items=3))
    )

    assert [int(i["TransactionID"]) for i in status_items(response.content)] == ids[::-1]

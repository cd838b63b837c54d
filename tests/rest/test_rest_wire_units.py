"""The REST face's request reading and response writing, without a server."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from twisted.web import http
from twisted.web.test.requesthelper import DummyChannel

from interfax_soap.engine.mediatypes import file_type_for
from interfax_soap.engine.rest_send import RestSender
from interfax_soap.rest.batches import parse_destinations
from interfax_soap.rest.body import document_parts, session_id_of
from interfax_soap.rest.documents import parse_range
from interfax_soap.rest.multipart import parse_multipart
from interfax_soap.rest.query import Query, parse_date
from interfax_soap.rest.router import is_rest_path
from interfax_soap.rest.wire import ApiError, dumps, net_date, scaled

B = "43e578690a6d14bf1d776cd55e7d7e29"


def test_node_parts_reference_without_blank_line_and_no_final_crlf() -> None:
    body = (
        f"--{B}\r\nContent-Type: text/plain\r\n\r\nhello\r\n\r\n"
        f"--{B}\r\nContent-Location: https://x/outbound/documents/abc\r\n\r\n"
        f"--{B}\r\nContent-Type: application/pdf\r\n\r\n%PDF-1\r\n\r\n--{B}--"
    ).encode()
    parts = parse_multipart(body, B)
    assert [p.header("content-type") for p in parts] == ["text/plain", None, "application/pdf"]
    assert parts[0].body == b"hello\r\n"  # Node's extra CRLF stays with the document
    assert parts[1].header("content-location") == "https://x/outbound/documents/abc"
    assert parts[1].body == b""
    assert parts[2].body == b"%PDF-1\r\n"


def test_ruby_parts_and_epilogue() -> None:
    body = (
        f"preamble\r\n--{B}\r\nContent-Type: text/plain\r\n\r\nline1\r\nline2\r\n"
        f"--{B}--\r\nepilogue"
    ).encode()
    (part,) = parse_multipart(body, B)
    assert part.body == b"line1\r\nline2"


def test_content_disposition_forms() -> None:
    body = (
        f"--{B}\r\nContent-Disposition: form-data; \r\nContent-Type: text/plain\r\n\r\nA\r\n"
        f"--{B}\r\nContent-Disposition: form-data; name=\"f\"; filename*=UTF-8''r%C3%A9.pdf\r\n"
        f'\r\nB\r\n--{B}\r\nContent-Disposition: form-data; filename="t;1.pdf"; size=1\r\n'
        f"\r\nC\r\n--{B}--\r\n"
    ).encode()
    parts = parse_multipart(body, B)
    assert [p.filename for p in parts] == [None, "ré.pdf", "t;1.pdf"]


def test_document_parts_rules() -> None:
    session = "0" * 31 + "a"
    assert document_parts("text/html", f"http://a.b/outbound/documents/{session}", b"junk") == [
        document_parts(None, f"https://rest.interfax.net/outbound/documents/{session}", b"")[0]
    ]
    assert session_id_of("https://example.com/page.html") is None
    (raw,) = document_parts("application/pdf", None, b"%PDF")
    assert (raw.data, raw.content_type) == (b"%PDF", "application/pdf")
    quoted = document_parts(
        f'multipart/form-data; boundary="{B}"',
        None,
        f"--{B}\r\nContent-Type: text/plain\r\n\r\nx\r\n--{B}--".encode(),
    )
    assert quoted[0].data == b"x"
    # Python 1.0.0 drops a reference part's Content-Location: an empty part, no document.
    empty = document_parts(
        f"multipart/form-data; boundary={B}",
        None,
        f"--{B}\r\nContent-Disposition: form-data; \r\n\r\n\r\n--{B}--".encode(),
    )
    assert [p.is_empty for p in empty] == [True]


@pytest.mark.parametrize(
    ("content_type", "name", "data", "expected"),
    [
        ("application/pdf", None, b"", "PDF"),
        ("text/plain; charset=UTF-8", None, b"x", "TXT"),
        ("application/octet-stream", "scan.TIFF", b"", "TIFF"),
        (None, None, b"II*\x00rest", "TIF"),
        ("", None, b"plain words", "TXT"),
        ("text/html", None, b"<p>", "HTML"),
        ("application/x-foo", None, b"%PDF-1.4", "PDF"),
    ],
)
def test_file_types(content_type: str | None, name: str | None, data: bytes, expected: str) -> None:
    assert file_type_for(content_type, name, data) == expected


def test_query_leniency() -> None:
    query = Query(
        b"ids=1&ids=2&IDS=%283%2C+4%29&unread=TRUE&email&faxNumber=+44208&"
        b"other=%2B1+212&empty=&limit=5"
    )
    assert query.ids("ids") == (1, 2, 3, 4)
    assert query.flag("unread") is True and query.flag("Unread") is True
    assert query.text("email") is None and query.text("empty") is None
    assert query.fax_number("faxNumber") == "+44208"
    assert query.fax_number("other") == "+1 212"
    assert query.integer("limit") == 5 and query.integer("missing", 25) == 25
    with pytest.raises(ApiError):
        Query(b"limit=ten").integer("limit")
    for text in ("True", "true", "TRUE", "1"):
        assert Query(f"b={text}".encode()).flag("b") is True
    for text in ("False", "false", "FALSE", "0"):
        assert Query(f"b={text}".encode()).flag("b", True) is False


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2030-01-01T00:00:00Z", dt.datetime(2030, 1, 1, tzinfo=dt.UTC)),
        ("2030-01-01T09:00:00+09:00", dt.datetime(2030, 1, 1, tzinfo=dt.UTC)),
        ("2030-01-01 00:00:00", dt.datetime(2030, 1, 1, tzinfo=dt.UTC)),
        ("2030-01-01", dt.datetime(2030, 1, 1, tzinfo=dt.UTC)),
        ("Mon Oct 03 00:36:41 UTC 2016", dt.datetime(2016, 10, 3, 0, 36, 41, tzinfo=dt.UTC)),
        ("Mon, 03 Oct 2016 00:36:41 GMT", dt.datetime(2016, 10, 3, 0, 36, 41, tzinfo=dt.UTC)),
        ("soon", None),
    ],
)
def test_dates(text: str, expected: dt.datetime | None) -> None:
    assert parse_date(text) == expected


def test_json_dates_and_scale() -> None:
    assert dumps(
        {
            "units": scaled(Decimal(1), 2),
            "cost": scaled(Decimal("0.15"), 4),
            "t": net_date(
                dt.datetime(2016, 10, 3, 9, 36, 41, 5, tzinfo=dt.timezone(dt.timedelta(hours=9)))
            ),
            "n": None,
            "s": "é",
        }
    ) == ('{"units":1.00,"cost":0.1500,"t":"2016-10-03T00:36:41","n":null,"s":"é"}'.encode())
    assert net_date(None) == "0001-01-01T00:00:00"


def test_ranges() -> None:
    assert parse_range("bytes=0-9146") == (0, 9146)
    assert parse_range("bytes 17301504-17334084/17334085") == (17301504, 17334084)
    assert parse_range(None) == (None, None)
    with pytest.raises(ApiError):
        parse_range("items=1-2")


def test_batch_lists() -> None:
    assert parse_destinations('[{"FaxNumber": "+1", "Contact": "A"}, {"faxNumber": "+2"}]') == [
        ("+1", "A"),
        ("+2", ""),
    ]
    xml = (
        "<ArrayOfDestination xmlns='urn:x'><Destination><faxNumber>+1</faxNumber>"
        "<contact>B</contact></Destination></ArrayOfDestination>"
    )
    assert parse_destinations(xml) == [("+1", "B")]
    assert parse_destinations("+1;+2") == [("+1", ""), ("+2", "")]
    with pytest.raises(ApiError):
        parse_destinations('<!DOCTYPE x [<!ENTITY a "b">]><x/>')


def test_rest_paths() -> None:
    assert is_rest_path(b"/outbound/faxes?x=1") and is_rest_path(b"/Inbound/faxes")
    assert not is_rest_path(b"/inbound.asmx") and not is_rest_path(b"/dfs.asmx/SendCharFax")


def test_twisted_still_has_the_form_parsing_switch() -> None:
    """RestAwareRequest turns form decoding off through this private Twisted attribute; if
    Twisted renames it, REST chunk uploads typed as forms would be decoded again."""
    request = http.Request(DummyChannel(), False)
    assert request._parsePOSTFormSubmission is True


def test_web_urls_are_refused_unless_the_setting_gives_a_fetcher() -> None:
    sender = RestSender(outbound=None, documents=None, fetch=None)  # type: ignore[arg-type]
    coroutine = sender._fetched("https://example.com/a.pdf")
    with pytest.raises(StopIteration) as done:
        coroutine.send(None)
    assert done.value.value.data is None
    assert "not enabled" in done.value.value.reason

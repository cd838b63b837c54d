"""The Word mail merge without LibreOffice: DOCX field substitution, CSV/XLSX lists, Options,
and one fax per row in one batch (the rendering itself is tested end to end, where
LibreOffice is installed)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from twisted.internet import defer, task

from interfax_soap.engine.accounts import Accounts, Credentials, SecurityPolicy
from interfax_soap.engine.codes import ResultCode
from interfax_soap.engine.mailmerge import (
    DocxTemplate,
    MailMerge,
    MergeError,
    parse_options,
    prepare_merge,
    read_list,
)
from interfax_soap.engine.outbound import Outbound, SubmitPolicy
from interfax_soap.store import migrate
from interfax_soap.store.blobs import LocalBlobStore
from interfax_soap.store.db import Database
from tests.docx_helpers import complex_field, docx, paragraph_texts, simple, text

LETTER = docx(
    [text("Dear "), simple("Name"), text(",")],
    [text("You owe "), complex_field("Amount", '\\b "USD "'), text(".")],
    [complex_field("City", "\\* Upper"), text(" / "), simple("Note", "\\* FirstCap ")],
)
CSV = (
    b"FaxNumber,Name,Amount,City,Note\r\n"
    b"+1 212 555 0100,Alice & Co,12.50,boston,\"first, with comma\"\r\n"
    b"+81 3 5555 0100,Bob <B>,7,tokyo,\r\n"
    b",,,,\r\n"
    b"+44 161 555 0100,Carol,0,leeds,\"multi\nline\"\r\n"
)


def test_merge_fields_simple_and_complex_are_replaced_with_formatting_and_switches() -> None:
    template = DocxTemplate(LETTER)
    assert template.field_names == ["Name", "Note", "Amount", "City"]
    merged = template.fill({"name": "Alice & Co", "amount": "12.50", "city": "boston",
                            "note": "multi\nline\tend"})
    assert paragraph_texts(merged) == [
        "Dear Alice & Co,", "You owe USD 12.50.", "BOSTON / Multi\nline\tend",
    ]
    with zipfile.ZipFile(io.BytesIO(merged)) as archive:
        document = archive.read("word/document.xml").decode()
        settings = archive.read("word/settings.xml").decode()
        assert archive.namelist()[0] == "[Content_Types].xml"
    # The value keeps the formatting of the field's result; the field itself is gone.
    assert '<w:b/><w:sz w:val="48"/></w:rPr><w:t xml:space="preserve">Alice &amp; Co<' in document
    assert "MERGEFIELD" not in document and "fldChar" not in document
    assert "w:mailMerge" not in settings and "w:defaultTabStop" in settings
    # An empty value leaves the \b text out; a field without a column merges empty.
    assert paragraph_texts(template.fill({}))[:2] == ["Dear ,", "You owe ."]


@pytest.mark.parametrize(
    "data",
    [b"", b"not a zip", b"PK\x03\x04broken", docx([text("x")])[:-30]],
)
def test_a_document_that_is_not_a_docx_is_minus_123(data: bytes) -> None:
    with pytest.raises(MergeError) as refused:
        DocxTemplate(data)
    assert refused.value.code == ResultCode.NO_DOCUMENT


def test_a_docx_with_a_doctype_is_refused() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(LETTER)) as source, zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            content = source.read(name)
            if name == "word/document.xml":
                doctype = b'<!DOCTYPE x [<!ENTITY a "aaa">]><w:document'
                content = content.replace(b"<w:document", doctype, 1)
            target.writestr(name, content)
    with pytest.raises(MergeError) as refused:
        DocxTemplate(out.getvalue())
    assert refused.value.code == ResultCode.NO_DOCUMENT


def test_a_csv_list_in_utf8_skips_empty_rows_and_keeps_quoted_cells() -> None:
    merge_list = read_list(b"\xef\xbb\xbf" + CSV)
    assert merge_list.columns == ("FaxNumber", "Name", "Amount", "City", "Note")
    assert [row["name"] for row in merge_list.rows] == ["Alice & Co", "Bob <B>", "Carol"]
    assert merge_list.rows[0]["note"] == "first, with comma"
    assert merge_list.rows[2]["note"] == "multi\nline"


def test_a_csv_list_in_shift_jis_and_a_tab_separated_one() -> None:
    # Column names are matched without regard to case, width, spaces and underscores.
    for header in ("ＦａｘＮｕｍｂｅｒ", "Fax_Number"):
        japanese = f"{header},名前\r\n+81 3 5555 0100,山田太郎\r\n".encode("shift_jis")
        merge_list = read_list(japanese)
        assert merge_list.rows[0] == {"faxnumber": "+81 3 5555 0100", "名前": "山田太郎"}
    tabbed = read_list(b"fax number\tName\n+1 212 555 0100\tA, B\n")
    assert tabbed.rows[0] == {"faxnumber": "+1 212 555 0100", "name": "A, B"}


@pytest.mark.parametrize(
    "data",
    [None, b"", b"Name,City\r\nAlice,Boston\r\n", b"FaxNumber,Name\r\n,Alice\r\n", b"\xff\xfe\x00"],
)
def test_a_list_without_a_fax_number_column_or_rows_is_minus_112(data: bytes | None) -> None:
    with pytest.raises(MergeError) as refused:
        read_list(data)
    assert refused.value.code == ResultCode.NO_VALID_RECIPIENT


def test_an_xlsx_list_reads_the_first_sheet_as_text() -> None:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["FaxNumber", "Name", "Amount", "Due"])
    sheet.append([12125550100, "Alice", 12.5, dt.datetime(2030, 4, 1)])
    sheet.append(["+81 3 5555 0100", "Bob", 7.0, dt.datetime(2030, 4, 2, 9, 30)])
    sheet.append([None, None, None, None])
    workbook.create_sheet("ignored").append(["FaxNumber"])
    out = io.BytesIO()
    workbook.save(out)
    merge_list = read_list(out.getvalue())
    assert merge_list.rows == (
        {"faxnumber": "12125550100", "name": "Alice", "amount": "12.5", "due": "2030-04-01"},
        {"faxnumber": "+81 3 5555 0100", "name": "Bob", "amount": "7", "due": "2030-04-02 09:30"},
    )


def test_options_are_key_value_lines_in_utf8() -> None:
    request = parse_options(
        "\ufeff# comment\r\nSubject=Invoice = April\r\ncsid=ACME\npage header=Page {page}\n"
        "ReplyAddress=a@example.com\nJobID=J1\nPageSize=Letter\nPageOrientation=Landscape\n"
        "IsHighResolution=true\nIsFineRendering=1\nRetriesToPerform=2\n"
        "Postpone=2030-04-01 10:00\nColour=red\n\n".encode()
    )
    assert (request.subject, request.csid, request.page_header) == (
        "Invoice = April", "ACME", "Page {page}",
    )
    assert (request.reply_address, request.job_id, request.page_size) == (
        "a@example.com", "J1", "Letter",
    )
    assert (request.page_orientation, request.fine, request.fine_rendering) == (
        "Landscape", True, True,
    )
    assert request.retries_to_perform == 2
    assert request.postpone == dt.datetime(2030, 4, 1, 10, 0)
    assert parse_options(None).subject is None
    assert parse_options(b"Postpone=2030-04-01T10:00:00+09:00").postpone.utcoffset() == (
        dt.timedelta(hours=9)
    )
    with pytest.raises(MergeError) as refused:
        parse_options(b"Postpone=next week")
    assert refused.value.code == ResultCode.POSTPONE_TOO_FAR


def test_prepare_merge_makes_one_letter_per_row_with_its_values() -> None:
    letters, request = prepare_merge(LETTER, CSV, b"Subject=April", "")
    assert request.subject == "April"
    assert [letter.fax_number for letter in letters] == [
        "+1 212 555 0100", "+81 3 5555 0100", "+44 161 555 0100",
    ]
    assert {letter.file_type for letter in letters} == {"DOCX"}
    texts = [paragraph_texts(letter.document) for letter in letters]
    assert texts[0] == ["Dear Alice & Co,", "You owe USD 12.50.", "BOSTON / First, with comma"]
    assert texts[1] == ["Dear Bob <B>,", "You owe USD 7.", "TOKYO / "]
    assert texts[2] == ["Dear Carol,", "You owe USD 0.", "LEEDS / Multi\nline"]


def test_prepare_merge_checks_recipients_before_the_document_and_the_options() -> None:
    bad_number = b"FaxNumber,Name\r\n+1 212 555 0100,A\r\n12345,B\r\n"
    for document, list_data, options, code in (
        (b"junk", bad_number, b"Postpone=x", ResultCode.NO_VALID_RECIPIENT),
        (b"junk", CSV, b"Postpone=x", ResultCode.NO_DOCUMENT),
        (LETTER, CSV, b"Postpone=x", ResultCode.POSTPONE_TOO_FAR),
    ):
        with pytest.raises(MergeError) as refused:
            prepare_merge(document, list_data, options, "")
        assert refused.value.code == code
    # A national number works with [numbers] default_country.
    letters, _ = prepare_merge(LETTER, b"FaxNumber\r\n03 5555 0100\r\n", None, "JP")
    assert len(letters) == 1


def test_without_a_docx_renderer_the_merge_answers_minus_1004() -> None:
    outbound = Outbound(None, None, None, None, SubmitPolicy(supported_file_types=("TXT",)))  # type: ignore[arg-type]
    merge = MailMerge(outbound, None, defer.maybeDeferred)  # type: ignore[arg-type]
    done = defer.Deferred.fromCoroutine(merge.send(Credentials("u", "p"), LETTER, CSV, None))
    assert done.result.wire_value == -1004


class InlineDatabase(Database):
    def run(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> defer.Deferred[Any]:
        return defer.maybeDeferred(fn, *args, **kwargs)

    def transaction(self, name: str, fn: Callable[[Any], Any]) -> defer.Deferred[Any]:
        return defer.maybeDeferred(self.transaction_sync, name, fn)


@pytest.fixture
def merge_setup(database_url: str, tmp_path: Path) -> Iterator[tuple[MailMerge, Database, Any]]:
    clock = task.Clock()
    clock.advance(1_800_000_000)
    db = InlineDatabase(database_url, reactor=None)
    migrate.upgrade(db.engine)
    blobs = LocalBlobStore(tmp_path / "blobs")
    accounts = Accounts(db, clock, SecurityPolicy())
    accounts.add_user_sync("merger", "secret")
    outbound = Outbound(db, blobs, accounts, clock,
                        SubmitPolicy(supported_file_types=("TXT", "PDF", "DOCX")))
    yield MailMerge(outbound, accounts, defer.maybeDeferred), db, blobs
    db.engine.dispose()


def test_a_mail_merge_of_three_rows_is_one_batch_of_three_docx_faxes(
    merge_setup: tuple[MailMerge, Database, Any],
) -> None:
    merge, db, blobs = merge_setup
    done = defer.Deferred.fromCoroutine(
        merge.send(Credentials("merger", "secret"), LETTER, CSV,
                   b"Subject=April invoices\nCSID=ACME\nPageSize=Letter")
    )
    parent = done.result.wire_value
    assert parent > 0
    members = db.transaction_sync("members", lambda uow: uow.faxes.members(parent))
    assert [m.destination_fax for m in members] == [
        "0012125550100", "0081355550100", "00441615550100",
    ]
    assert {m.parent_transaction_id for m in members} == {parent}
    assert {(m.subject, m.sender_csid, m.page_size, m.status) for m in members} == {
        ("April invoices", "ACME", "Letter", -1)
    }
    names = []
    for member in members:
        (document,) = db.transaction_sync(
            "docs", lambda uow, m=member: uow.faxes.documents(m.transaction_id)
        )
        assert document.file_type == "DOCX"
        names.append(paragraph_texts(blobs.get(document.blob_key))[0])
    assert names == ["Dear Alice & Co,", "Dear Bob <B>,", "Dear Carol,"]
    wrong = defer.Deferred.fromCoroutine(
        merge.send(Credentials("merger", "nope"), LETTER, CSV, None)
    )
    assert wrong.result.wire_value == -1003

"""Rendering end to end over SOAP: page headers per recipient, the user's default header,
HTML documents, and the FileTypes this installation offers (GetSupportedFileTypes, -1004)."""

from __future__ import annotations

import datetime as dt
import io
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import zeep
from PIL import Image, ImageChops, ImageSequence

from interfax_soap.render.converters import find_libreoffice
from interfax_soap.render.header import PageHeaderTemplate, header_band
from tests.conftest import RunningServer, start_server
from tests.render.conftest import make_docx
from tests.soap_helpers import offline_zeep_client

USER, PASSWORD = "carol", "pw-rendering"
DEFAULT_HEADER = "From {From} to {Contact} ({Page}/{TotalPages})"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    running = start_server(tmp_path_factory.mktemp("rendering") / "data")
    running.add_user(USER, PASSWORD, "--header", DEFAULT_HEADER)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def client(server: RunningServer) -> zeep.Client:
    return offline_zeep_client(server.wsdl_url)


def _send(client: zeep.Client, documents: list[tuple[bytes, str]], **fields: Any) -> int:
    values: dict[str, Any] = {
        "Username": USER,
        "Password": PASSWORD,
        "FaxNumbers": "+1 212 555 0100",
        "Contacts": "",
        "Postpone": dt.datetime(1980, 1, 1),
        "RetriesToPerform": 0,
        "CSID": "",
        "PageHeader": "N",
        "JobID": "",
        "Subject": "",
        "ReplyAddress": "",
        "PageSize": "A4",
        "PageOrientation": "Portrait",
        "IsHighResolution": False,
        "IsFineRendering": False,
        "FilesData": b"".join(data for data, _ in documents),
        "FileTypes": ";".join(kind for _, kind in documents),
        "FileSizes": ";".join(str(len(data)) for data, _ in documents),
    }
    values.update(fields)
    return int(client.service.SendfaxEx_2(**values))


def _members(client: zeep.Client, parent: int) -> list[Any]:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        answer = client.service.FaxQuery(
            Username=USER,
            Password=PASSWORD,
            Verb="PARENT",
            VerbData=str(parent),
            MaxItems=-1,
            ResultCode=0,
        )
        items = list(answer.FaxQueryResult.FaxItemEx) if answer.FaxQueryResult else []
        if items and all(item.Status >= 0 for item in items):
            return sorted(items, key=lambda item: item.TransactionID)
        time.sleep(0.2)
    raise AssertionError(f"batch {parent} did not finish")


def _pages(client: zeep.Client, transaction_id: int) -> list[Image.Image]:
    answer = client.service.GetFaxImage(
        Username=USER, Password=PASSWORD, TransactionID=transaction_id, Image=b""
    )
    assert answer.GetFaxImageResult == 0
    with Image.open(io.BytesIO(answer.Image)) as image:
        return [frame.copy() for frame in ImageSequence.Iterator(image)]


def _same(first: Image.Image, second: Image.Image) -> bool:
    return ImageChops.difference(first.convert("L"), second.convert("L")).getbbox() is None


def test_a_broadcast_prints_each_recipients_own_header(client: zeep.Client) -> None:
    template = "To: {To}  Page {Page}/{TotalPages}"
    parent = _send(
        client,
        [(b"first page\fsecond page", "TXT")],
        FaxNumbers="+1 212 555 0100;+81 3 5550 0100",
        Contacts="New York;Tokyo",
        PageHeader=template,
    )
    members = _members(client, parent)

    assert [m.Status for m in members] == [0, 0]
    images = {m.DestinationFax: _pages(client, m.TransactionID) for m in members}
    assert set(images) == {"0012125550100", "0081355500100"}
    for destination, pages in images.items():
        assert len(pages) == 2
        for number, page in enumerate(pages, 1):
            text = PageHeaderTemplate.of(template, {"To": destination}).text(number, 2)
            band = header_band(text, fine=False)
            assert _same(page.crop((0, 0, 1728, band.height)), band), (destination, number)
    # Under the header both recipients got the very same pages.
    first, second = images.values()
    for one, other in zip(first, second, strict=True):
        assert _same(one.crop((0, 20, 1728, one.height)), other.crop((0, 20, 1728, other.height)))


def test_y_uses_the_users_default_header_and_n_prints_none(client: zeep.Client) -> None:
    with_default = _send(client, [(b"body", "TXT")], PageHeader="Y", Contacts="Dave")
    without = _send(client, [(b"body", "TXT")], PageHeader="N")

    (default_page,) = _pages(client, _members(client, with_default)[0].TransactionID)
    (plain_page,) = _pages(client, _members(client, without)[0].TransactionID)

    expected = PageHeaderTemplate.of(DEFAULT_HEADER, {"From": USER, "Contact": "Dave"})
    band = header_band(expected.text(1, 1), fine=False)
    assert _same(default_page.crop((0, 0, 1728, band.height)), band)
    assert plain_page.crop((0, 0, 1728, band.height)).convert("L").getextrema() == (255, 255)


def test_html_documents_are_faxed(client: zeep.Client) -> None:
    html = "<html><body><h1 style='font-size:30pt'>HTML fax</h1><p>日本語</p></body></html>"
    transaction_id = _send(client, [(html.encode(), "html")], IsHighResolution=True)
    (member,) = _members(client, transaction_id)
    assert member.Status == 0
    (page,) = _pages(client, transaction_id)
    assert page.width == 1728 and page.convert("L").getextrema() == (0, 255)


def test_supported_file_types_are_what_is_installed(client: zeep.Client) -> None:
    types = client.service.GetSupportedFileTypes().split(";")
    assert {"TXT", "PDF", "TIF", "TIFF", "PNG", "JPG", "GIF", "BMP", "HTML", "HTM"} <= set(types)
    assert ("DOCX" in types) == (find_libreoffice() is not None)
    assert client.service.IsSupportedFileType("html") is True
    assert client.service.IsSupportedFileType("XYZ") is False


def test_without_libreoffice_office_types_answer_minus_1004(tmp_path: Path) -> None:
    # A PATH with no programs: no soffice, no gs (the server itself needs none).
    empty = tmp_path / "bin"
    empty.mkdir()
    running = start_server(tmp_path / "data", extra_env={"PATH": str(empty)})
    try:
        running.add_user(USER, PASSWORD)
        client = offline_zeep_client(running.wsdl_url)
        types = client.service.GetSupportedFileTypes().split(";")
        assert "DOCX" not in types and "PS" not in types and "HTML" in types
        assert client.service.IsSupportedFileType("DOCX") is False
        assert _send(client, [(make_docx(["x"]), "DOCX")]) == -1004
    finally:
        running.stop()

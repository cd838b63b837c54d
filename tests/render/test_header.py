"""Tests of render/header.py (the page header band) and of the engine's header values."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from PIL import Image, ImageChops

from interfax_soap.engine.records import FaxRecord, UserRecord
from interfax_soap.engine.worker import page_header_for
from interfax_soap.render import (
    PageHeaderTemplate,
    RenderOptions,
    encode_fax_tiff,
    render_document,
    render_documents,
    stamp_header,
)
from interfax_soap.render.header import header_band
from tests.render.conftest import png_bytes

TEMPLATE = "To: {To}  From: {From}  {Date} {Time}  Page {Page}/{TotalPages}  {Subject}"
FIELDS = {
    "To": "0081355500100",
    "From": "alice",
    "Date": "2026-11-28",
    "Time": "09:30",
    "Subject": "Order 42",
}


def _same(first: Image.Image, second: Image.Image) -> bool:
    return ImageChops.difference(first.convert("L"), second.convert("L")).getbbox() is None


def test_template_placeholders_are_filled_case_insensitively():
    header = PageHeaderTemplate.of(
        "{to}|{FROM}|{Contact}|{CSID}|{Page}/{pages}/{TotalPages}|{Unknown}|{Subject}",
        {"To": "+1 212", "From": "alice", "Contact": "Bob", "CSID": "ACME", "Subject": "a\nb"},
    )
    assert header.text(2, 5) == "+1 212|alice|Bob|ACME|2/5/5|{Unknown}|a b"


@pytest.mark.parametrize("fine", [False, True])
def test_every_page_carries_its_own_header_in_the_band(fine, decode_pages, ink):
    header = PageHeaderTemplate.of(TEMPLATE, FIELDS)
    options = RenderOptions(fine=fine)

    plain = render_document(b"one\ftwo\fthree", "TXT", options)
    stamped = render_documents([(b"one\ftwo\fthree", "TXT")], options, header)

    assert stamped.pages == 3
    for number, (before, after) in enumerate(
        zip(decode_pages(plain.tiff), decode_pages(stamped.tiff), strict=True), 1
    ):
        band = header_band(header.text(number, 3), fine=fine)
        assert band.height == (34 if fine else 17)
        assert ink(before, (0, 0, 1728, band.height)) == 0  # no header: a blank band
        assert _same(after.crop((0, 0, 1728, band.height)), band)  # this page's own text
        assert ink(band, (0, 0, 1728, band.height)) > 0.01
        # Below the band the page is what it was (text starts under the band).
        assert _same(
            after.crop((0, band.height, 1728, after.height)),
            before.crop((0, band.height, 1728, before.height)),
        )
    # The band differs from page to page by the page number only.
    bands = [page.crop((0, 0, 1728, 17 if not fine else 34)) for page in decode_pages(stamped.tiff)]
    assert not _same(bands[0], bands[1])


def test_a_page_inked_at_the_top_moves_down_under_the_band(decode_pages, ink):
    black_top = Image.new("1", (1728, 1100), 255)
    black_top.paste(0, (0, 0, 1728, 40))  # a bar at the very top, blank bottom
    tiff = encode_fax_tiff([black_top], fine=False)
    header = PageHeaderTemplate("HEADER")

    (page,) = decode_pages(stamp_header(tiff, header, RenderOptions()).tiff)

    band = header_band("HEADER", fine=False)
    assert _same(page.crop((0, 0, 1728, band.height)), band)
    moved = band.height + 2
    assert ink(page, (0, moved, 1728, moved + 40)) == 1.0  # the whole bar, under the band
    assert ink(page, (0, moved + 40, 1728, 1100)) == 0


def test_a_full_page_keeps_its_size_and_the_band_covers_its_top(decode_pages):
    full = Image.new("1", (1728, 1100), 0)
    tiff = encode_fax_tiff([full], fine=False)
    (page,) = decode_pages(stamp_header(tiff, PageHeaderTemplate("X"), RenderOptions()).tiff)
    assert page.size == (1728, 1100)


def test_long_headers_shrink_then_are_cut(ink):
    band = header_band("W" * 400, fine=True)
    assert band.size == (1728, 34)
    margin = round(0.3 * 204)
    assert ink(band, (0, 0, margin - 2, 34)) == 0
    assert ink(band, (1728 - margin + 2, 0, 1728, 34)) == 0
    assert ink(band, (margin, 0, 1728 - margin, 34)) > 0.05


def test_japanese_headers_and_characters_without_a_font(ink):
    japanese = header_band("宛先: 東京営業所 {Page}", fine=True)
    unknown = header_band("\U0001d11e", fine=True)  # MUSICAL SYMBOL G CLEF: in no font here
    question = header_band("?", fine=True)
    assert ink(japanese) > 0.01
    assert _same(unknown, question)


def test_group4_and_passed_through_tiffs_are_stamped_too(decode_pages):
    page = Image.new("1", (1728, 2200), 255)
    fax = encode_fax_tiff([page, page], fine=True)
    options = RenderOptions(fine=True, compression="group4")

    stamped = render_documents([(fax, "TIF")], options, PageHeaderTemplate("p{Page}"))

    assert stamped.pages == 2
    pages = decode_pages(stamped.tiff)
    assert _same(pages[1].crop((0, 0, 1728, 34)), header_band("p2", fine=True))


def test_a_header_on_an_image_document(decode_pages, ink):
    png = png_bytes(Image.new("L", (400, 300), 255))
    stamped = render_documents([(png, "PNG")], RenderOptions(), PageHeaderTemplate("img {Page}"))
    (page,) = decode_pages(stamped.tiff)
    assert ink(page, (0, 0, 1728, 17)) > 0.005


# The engine's side: which template and which values (engine/worker.py page_header_for).

NOW = dt.datetime(2026, 11, 28, 0, 30, tzinfo=dt.UTC)


def _fax(page_header: str) -> FaxRecord:
    values = {field.name: None for field in dataclasses.fields(FaxRecord)}
    values.update(
        transaction_id=7,
        parent_transaction_id=7,
        user_id=1,
        username="alice",
        status=-1,
        destination_fax="0081355500100",
        contact="Tokyo office",
        subject="Order 42",
        sender_csid="ACME FAX",
        page_header=page_header,
    )
    return FaxRecord(**values)


def _user(page_header: str = "", timezone: str | None = "Asia/Tokyo") -> UserRecord:
    return UserRecord(
        user_id=1,
        username="alice",
        password_hash="",
        account_id=None,
        account_name=None,
        is_primary=False,
        timezone=timezone,
        default_retries=3,
        csid="",
        reply_address="",
        disabled=False,
        page_header=page_header,
    )


@pytest.mark.parametrize(
    ("requested", "default", "template"),
    [
        ("N", "From {From}", None),
        ("n", "From {From}", None),
        ("", "", None),  # no default set: none
        ("Y", "", None),
        ("Y", "Default {Page}", "Default {Page}"),
        ("", "Default {Page}", "Default {Page}"),
        ("To {To} {Contact} {CSID}", "Default", "To {To} {Contact} {CSID}"),
    ],
)
def test_which_template_the_engine_asks_for(requested, default, template):
    header = page_header_for(_fax(requested), _user(default), NOW, "UTC")
    assert (header.template if header else None) == template


def test_header_values_use_the_users_time_zone():
    header = page_header_for(_fax("x"), _user(timezone="Asia/Tokyo"), NOW, "UTC")
    assert dict(header.fields) == {
        "To": "0081355500100",
        "From": "alice",
        "Contact": "Tokyo office",
        "CSID": "ACME FAX",
        "Subject": "Order 42",
        "Date": "2026-11-28",
        "Time": "09:30",
    }
    server_default = page_header_for(_fax("x"), _user(timezone=None), NOW, "America/New_York")
    assert dict(server_default.fields)["Date"] == "2026-11-27"

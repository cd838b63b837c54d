"""engine/numbers.py: shape-only parsing, canonical form 00 + country code + national number."""

from __future__ import annotations

import pytest

from interfax_soap.engine.numbers import canonical_fax_number


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("+1 212 555 0100", "0012125550100"),
        ("+1 (212) 555-0100", "0012125550100"),
        ("+1.212.555.0100", "0012125550100"),
        ("+1/212/555/0100", "0012125550100"),
        ("  +1 212 555 0100  ", "0012125550100"),
        ("001 212 555 0100", "0012125550100"),
        ("001-212-555-0199", "0012125550199"),
        ("0 0 1 212 555 0117", "0012125550117"),
        ("+81 3 5550 0117", "0081355500117"),
        ("+81 3 555 0117", "008135550117"),
        ("0081-3-555-0188", "008135550188"),
        ("+44 20 555 0100", "0044205550100"),
        ("+44 (0)20 5550 0100", "00442055500100"),
        ("0044 20 5550 0100", "00442055500100"),
        ("+44 161 555 0117", "00441615550117"),
    ],
)
def test_international_numbers_with_separators(raw: str, canonical: str) -> None:
    assert canonical_fax_number(raw) == canonical


@pytest.mark.parametrize(
    "raw",
    [
        "+1 212 555 0100",
        "+1 212 555 0101",
        "+1 212 555 0117",
        "+1 212 555 0118",
        "+1 212 555 0136",
        "+1 212 555 0168",
        "+1 212 555 0188",
        "+1 212 555 0199",
        "+81 3 5550 0100",
        "+81 3 555 0117",
        "+44 20 5550 0100",
        "+44 20 555 0168",
    ],
)
def test_fictional_555_01xx_test_numbers_are_accepted(raw: str) -> None:
    # Shape only: these are not "valid" numbers for phonenumbers, but they are possible ones.
    canonical = canonical_fax_number(raw)

    assert canonical is not None
    assert canonical == "00" + "".join(ch for ch in raw if ch.isdigit())


@pytest.mark.parametrize(
    ("raw", "country", "canonical"),
    [
        ("212 555 0100", "US", "0012125550100"),
        ("(212) 555-0100", "us", "0012125550100"),
        ("03 5550 0117", "JP", "0081355500117"),
        ("03-555-0117", "JP", "008135550117"),
        ("020 5550 0100", "GB", "00442055500100"),
        ("011 81 3 5550 0117", "US", "0081355500117"),  # the national way out of the US
    ],
)
def test_national_numbers_need_the_default_country(raw: str, country: str, canonical: str) -> None:
    assert canonical_fax_number(raw, country) == canonical
    assert canonical_fax_number(raw) is None
    assert canonical_fax_number(raw, "") is None


def test_an_international_number_ignores_the_default_country() -> None:
    assert canonical_fax_number("+1 212 555 0100", "JP") == "0012125550100"
    assert canonical_fax_number("0081 3 5550 0117", "US") == "0081355500117"


@pytest.mark.parametrize(
    "raw",
    [
        None,
        "",
        "   ",
        "abc",
        "fax me",
        "+",
        "++1 212 555 0100",
        "+1 212 555 01AB",
        "+1 212 555 0100 ext 5",
        "+1 212 555 0100#",
        "00",
        "+999 1234567",
        "1-800-FAX-NOW",
        "+1 212 555 0100, +1 212 555 0101",
    ],
)
def test_garbage_is_refused(raw: str | None) -> None:
    assert canonical_fax_number(raw) is None
    assert canonical_fax_number(raw, "US") is None


@pytest.mark.parametrize(
    ("raw", "country"),
    [
        ("+1", ""),
        ("+1 212", ""),
        ("+81 3 555 01", ""),
        ("0044 20", ""),
        ("12", "US"),
        ("555 01", "JP"),
        ("+1 212 555 0100 0000 0000", ""),
    ],
)
def test_numbers_too_short_or_too_long_are_refused(raw: str, country: str) -> None:
    assert canonical_fax_number(raw, country) is None


@pytest.mark.parametrize(("raw", "country"), [("+1 555 0100", ""), ("555 0100", "US")])
def test_a_local_number_without_its_area_code_is_refused(raw: str, country: str) -> None:
    # "0015550100" would be no number at all once dialled internationally.
    assert canonical_fax_number(raw, country) is None


def test_an_unknown_default_country_refuses_national_numbers() -> None:
    assert canonical_fax_number("03 5550 0117", "XX") is None

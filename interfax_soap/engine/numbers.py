"""Fax number parsing: shape only, canonical form ``00`` + country code + national number."""

from __future__ import annotations

import re

import phonenumbers

__all__ = ["canonical_fax_number"]

_SEPARATORS = re.compile(r"[\s\-./()]")


def canonical_fax_number(raw: str | None, default_country: str = "") -> str | None:
    """Returns InterFAX's DestinationFax form (e.g. ``0081355500117``), or None if unusable.

    Numbers are checked for shape only ("possible", not "valid"): the 555-01XX test numbers
    are fictional. International numbers (``+`` or ``00``) always work; a national number
    needs ``default_country``.
    """
    if raw is None:
        return None
    text = _SEPARATORS.sub("", raw.strip())
    if text.startswith("00"):
        text = "+" + text[2:]
    if not text or not re.fullmatch(r"\+?[0-9]+", text):
        return None
    region = default_country.upper() or None
    if not text.startswith("+") and region is None:
        return None
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    # Only complete numbers: a local-only one (``+1 555 0100``, no area code) cannot be dialled
    # as 00 + country code + national number.
    reason = phonenumbers.is_possible_number_with_reason(number)
    if reason != phonenumbers.ValidationResult.IS_POSSIBLE:
        return None
    return "00" + phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)[1:]

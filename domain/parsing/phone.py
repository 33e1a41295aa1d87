"""Indonesian phone numbers as people write them, stored in E.164 (`+6281234567890`)."""

from __future__ import annotations

import re

from domain.errors import InputError
from domain.keys import N_
from domain.parsing._common import tidy

_PHONE_CHARACTERS = re.compile(r"\+?[\d ().\-]+", re.ASCII)
# The national significant number: mobile numbers start with 8 (9-12 digits), fixed lines with
# a two- or three-digit area code (8-11 digits); 08 is never an area code.
_NATIONAL = re.compile(r"8\d{8,11}|[2-79]\d{7,10}", re.ASCII)


def parse_phone(text: str) -> str:
    """`0812-3456-7890`, `+62 812 3456 7890`, `62812...`, `(0335) 123456` -> `+62...`.

    Numbers of other countries (`+65...`, `0065...`) are refused with their own key.
    """
    invalid = InputError(N_("input.phone.invalid"))
    tidied = tidy(text, invalid)
    if not _PHONE_CHARACTERS.fullmatch(tidied):
        raise invalid
    digits = re.sub(r"\D", "", tidied)
    national = _national_number(digits, international=tidied.startswith("+"))
    if not _NATIONAL.fullmatch(national):
        raise invalid
    return f"+62{national}"


def _national_number(digits: str, *, international: bool) -> str:
    """The digits after the country code or the trunk prefix 0."""
    if international or digits.startswith("00"):
        digits = digits.removeprefix("00")
        if not digits.startswith("62"):
            raise InputError(N_("input.phone.not_indonesian"))
        # `+62 (0)812...`: the trunk 0 written after the country code.
        return digits[2:].removeprefix("0")
    if digits.startswith("62"):
        return digits[2:].removeprefix("0")
    if digits.startswith("0"):
        return digits[1:]
    if digits.startswith("8"):
        # A mobile number with its leading 0 forgotten: `812-3456-7890`.
        return digits
    raise InputError(N_("input.phone.invalid"))

"""Typed whole numbers and Rupiah amounts, written the Indonesian way (`1.234.567,50`)."""

from __future__ import annotations

import re
from decimal import Decimal, localcontext

from domain.errors import InputError
from domain.keys import N_
from domain.parsing._common import MAX_ANSWER_LENGTH, tidy

# Without an explicit maximum a number still has to fit a signed 64-bit column.
INT64_MAX = 2**63 - 1
# Without an explicit maximum an amount stays below 1.000 triliun Rupiah, far above any
# cooperative's books, so that a slip of the thumb cannot store an absurd figure.
AMOUNT_LIMIT = Decimal(10) ** 15

_WHOLE = re.compile(
    r"(?P<sign>[+-]?)\s*(?P<digits>\d{1,3}(?:\.\d{3})+|\d{1,3}(?: \d{3})+|\d+)", re.ASCII
)
_NUMBER_LIKE = re.compile(r"[+-]?\s*[\d., ]*\d[\d., ]*", re.ASCII)

_CURRENCY_PREFIX = re.compile(r"^(?:rp|idr)\.?\s*", re.ASCII)
_CURRENCY_SUFFIX = re.compile(r"\s*(?:,-|\.-|rupiah|rp|idr)$", re.ASCII)
_AMOUNT = re.compile(r"(?P<number>\d(?:[\d.,]| (?=\d))*)\s*(?P<unit>[a-z]+)?", re.ASCII)
_GROUPED = re.compile(r"\d{1,3}(?:[. ]\d{3})+(?:,\d+)?", re.ASCII)
_PLAIN = re.compile(r"\d+(?:,\d+)?", re.ASCII)
_DOT_DECIMAL = re.compile(r"\d+\.\d{1,2}", re.ASCII)
_UNITS: dict[str, int] = {
    "rb": 10**3,
    "ribu": 10**3,
    "k": 10**3,
    "jt": 10**6,
    "juta": 10**6,
    "m": 10**9,
    "miliar": 10**9,
    "milyar": 10**9,
    "t": 10**12,
    "triliun": 10**12,
}
_CENT = Decimal("0.01")


def parse_number(text: str, *, minimum: int | None = None, maximum: int | None = None) -> int:
    """A whole number: `1234`, `1.234` or `1 234`; negative only when `minimum` is negative.

    Decimals (`1,5`, `2.5`) and words (`dua puluh`) are refused, each with its own key.
    """
    invalid = InputError(N_("input.number.invalid"))
    tidied = tidy(text, invalid)
    match = _WHOLE.fullmatch(tidied)
    if match is None:
        if _NUMBER_LIKE.fullmatch(tidied) and ("," in tidied or "." in tidied):
            raise InputError(N_("input.number.not_whole"))
        raise invalid
    value = int(match["digits"].replace(".", "").replace(" ", ""))
    if match["sign"] == "-":
        value = -value
    return _check_number(value, minimum=minimum, maximum=maximum)


def _check_number(value: int, *, minimum: int | None, maximum: int | None) -> int:
    """`value` if it lies within the bounds (and a 64-bit column)."""
    if value < 0 and (minimum is None or minimum >= 0):
        raise InputError(N_("input.number.negative"))
    if minimum is not None and value < minimum:
        raise InputError(N_("input.number.too_small"), minimum=minimum)
    limit = INT64_MAX if maximum is None else maximum
    if value > limit:
        raise InputError(N_("input.number.too_large"), maximum=limit)
    return value


def parse_decimal_amount(
    text: str, *, minimum: Decimal | None = None, maximum: Decimal | None = None
) -> Decimal:
    """A Rupiah amount: `Rp 1.250.000`, `1.250.000,50`, `1,5 jt`, `500 rb`, `2 M`, `2 miliar`.

    Dots group thousands and the comma marks decimals; a dot followed by one or two digits
    (`1.5 juta`) can only be a decimal point. `M` is *miliar* (10^9), as in Indonesian usage.
    At most two decimal places (sen) remain after the unit is applied.
    """
    invalid = InputError(N_("input.amount.invalid"))
    tidied = tidy(text, invalid)
    negative, rest = _take_sign(tidied)
    rest = _CURRENCY_PREFIX.sub("", rest, count=1)
    if not negative:
        negative, rest = _take_sign(rest)
    match = _AMOUNT.fullmatch(_CURRENCY_SUFFIX.sub("", rest, count=1))
    if match is None:
        raise invalid
    number = _read_decimal(match["number"])
    unit = match["unit"]
    if number is None or (unit is not None and unit not in _UNITS):
        raise invalid
    # Exact arithmetic whatever the length of the digits, before any bound is checked.
    with localcontext() as context:
        context.prec = MAX_ANSWER_LENGTH * 2
        value = number * _UNITS[unit] if unit else number
        if negative:
            value = -value
        return _check_amount(value, minimum=minimum, maximum=maximum)


def _take_sign(text: str) -> tuple[bool, str]:
    """Whether `text` starts with a minus sign, and the text after any sign."""
    if text[:1] in {"+", "-"}:
        return text[0] == "-", text[1:].lstrip()
    return False, text


def _read_decimal(number: str) -> Decimal | None:
    """The value of the digits of an amount, or None if they are not a well-formed number."""
    number = number.strip()
    if _GROUPED.fullmatch(number) or _PLAIN.fullmatch(number):
        return Decimal(number.replace(".", "").replace(" ", "").replace(",", "."))
    if _DOT_DECIMAL.fullmatch(number):
        return Decimal(number)
    return None


def _check_amount(value: Decimal, *, minimum: Decimal | None, maximum: Decimal | None) -> Decimal:
    """`value` within the bounds and to the sen: whole Rupiah without decimals, else two."""
    if value < 0 and (minimum is None or minimum >= 0):
        raise InputError(N_("input.amount.negative"))
    if minimum is not None and value < minimum:
        raise InputError(N_("input.amount.too_small"), minimum=minimum)
    limit = AMOUNT_LIMIT if maximum is None else maximum
    if value > limit:
        raise InputError(N_("input.amount.too_large"), maximum=limit)
    if value != value.quantize(_CENT):
        raise InputError(N_("input.amount.too_many_decimals"))
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.quantize(_CENT)

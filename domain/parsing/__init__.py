"""Pure parsers for what people type into a form step; every refusal is an `InputError`.

People answer on cheap phones with a weak signal (docs/architecture.md): every choice also
accepts its typed number, dates are always read day first, and the clock is passed in.
"""

from __future__ import annotations

from domain.parsing.dates import check_date_range, parse_date
from domain.parsing.datetimes import check_datetime_range, parse_local_datetime
from domain.parsing.numeric import parse_decimal_amount, parse_number
from domain.parsing.phone import parse_phone
from domain.parsing.text import check_visible, clean_text, normalise_code, parse_choice

__all__ = [
    "check_date_range",
    "check_datetime_range",
    "check_visible",
    "clean_text",
    "normalise_code",
    "parse_choice",
    "parse_date",
    "parse_decimal_amount",
    "parse_local_datetime",
    "parse_number",
    "parse_phone",
]

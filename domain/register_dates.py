"""Dates in the register file: calendar dates, the fiscal year's end and RAT history dates.

Dates are read day-first (`31-03-2025`), or taken from XLSX date cells. A RAT date for tahun
buku N must fall after N's fiscal year closed and within 18 months (docs/rules.md#validation).
"""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime

from domain.errors import InputError
from domain.keys import N_
from domain.parsing import check_date_range, parse_date
from domain.parsing.dates import MONTHS

# A RAT is too late beyond this many months after its year's end (docs/rules.md#validation).
RAT_LATEST_MONTHS = 18
DEFAULT_FISCAL_YEAR_END = (12, 31)

_DAY_MONTH = re.compile(r"(?P<day>\d{1,2})\s*[-/.]\s*(?P<month>\d{1,2})", re.ASCII)
_DAY_MONTH_NAME = re.compile(r"(?P<day>\d{1,2})\s*[-/. ]?\s*(?P<name>[a-z]+)", re.ASCII)


def read_date(cell: object, today: date, *, not_after: date | None = None) -> date:
    """A calendar date: an XLSX date cell, or text read day-first (`31-03-2024`)."""
    if isinstance(cell, datetime):
        value = cell.date()
    elif isinstance(cell, date):
        value = cell
    elif isinstance(cell, bool | int | float):
        raise InputError(N_("input.date.invalid"))
    else:
        value = parse_date(str(cell), today)
    return check_date_range(value, not_after=not_after, today=today)


def read_fiscal_year_end(cell: object) -> tuple[int, int]:
    """The fiscal year's last day as (month, day), from `31-12`, `30/6`, `31 Desember`."""
    if isinstance(cell, date):  # Excel turns `31-12` into a date of the current year
        return cell.month, cell.day
    text = " ".join(str(cell).casefold().split())
    invalid = InputError(N_("impor.error.fiscal_year_end"))
    if match := _DAY_MONTH.fullmatch(text):
        day, month = int(match["day"]), int(match["month"])
    elif (match := _DAY_MONTH_NAME.fullmatch(text)) and match["name"] in MONTHS:
        day, month = int(match["day"]), MONTHS[match["name"]]
    else:
        raise invalid
    # A non-leap year: a fiscal year cannot end on a day that most years lack.
    if not (1 <= month <= 12 and 1 <= day <= calendar.monthrange(2023, month)[1]):
        raise invalid
    return month, day


def read_rat_held(cell: object, year: int, fiscal_year_end: tuple[int, int], today: date) -> date:
    """When the RAT for tahun buku `year` was held: after the year closed, within 18 months."""
    held = read_date(cell, today, not_after=today)
    year_end = date(year, *fiscal_year_end)
    if held <= year_end:
        raise InputError(N_("impor.error.rat_before_year_end"), year=str(year), year_end=year_end)
    latest = add_months(year_end, RAT_LATEST_MONTHS)
    if held > latest:
        raise InputError(N_("impor.error.rat_too_late"), year=str(year), latest=latest)
    return held


def add_months(day: date, months: int) -> date:
    """`day` moved by whole months; a month's last day stays the last day (30 Jun → 31 Dec)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    month_end = day.day == calendar.monthrange(day.year, day.month)[1]
    return date(year, month + 1, last if month_end else min(day.day, last))

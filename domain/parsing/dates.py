"""Typed calendar dates: always day before month, in digits, month names or relative words."""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

from domain.errors import InputError
from domain.keys import N_
from domain.parsing._common import tidy, unwrap

# Years outside this range are typing mistakes, and staying inside it keeps date arithmetic safe.
MIN_YEAR = 1900
MAX_YEAR = 2199

_RELATIVE_DAYS: dict[str, int] = {
    "hari ini": 0,
    "today": 0,
    "kemarin": -1,
    "yesterday": -1,
    "kemarin lusa": -2,
    "besok": 1,
    "tomorrow": 1,
    "lusa": 2,
}

_MONTH_NAMES: dict[int, tuple[str, ...]] = {
    1: ("januari", "january", "jan"),
    2: ("februari", "pebruari", "february", "feb", "peb"),
    3: ("maret", "march", "mar"),
    4: ("april", "apr"),
    5: ("mei", "may"),
    6: ("juni", "june", "jun"),
    7: ("juli", "july", "jul"),
    8: ("agustus", "august", "agu", "agt", "ags", "aug"),
    9: ("september", "sep", "sept"),
    10: ("oktober", "october", "okt", "oct"),
    11: ("november", "nopember", "nov", "nop"),
    12: ("desember", "december", "des", "dec"),
}
MONTHS: dict[str, int] = {name: number for number, names in _MONTH_NAMES.items() for name in names}

WEEKDAYS: dict[str, int] = {
    "senin": 0,
    "monday": 0,
    "selasa": 1,
    "tuesday": 1,
    "rabu": 2,
    "wednesday": 2,
    "kamis": 3,
    "thursday": 3,
    "jumat": 4,
    "jum'at": 4,
    "friday": 4,
    "sabtu": 5,
    "saturday": 5,
    "minggu": 6,
    "ahad": 6,
    "sunday": 6,
}

_SEP = r"\s*[-/.]\s*"
_YEAR = r"(?P<year>\d{4}|\d{2})"
_DAY_MONTH_YEAR = re.compile(
    rf"(?P<day>\d{{1,2}}){_SEP}(?P<month>\d{{1,2}}){_SEP}{_YEAR}", re.ASCII
)
_ISO = re.compile(r"(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})", re.ASCII)
_DAY_NAME_YEAR = re.compile(
    rf"(?P<day>\d{{1,2}})\s*[-/. ]?\s*(?P<name>[a-z]+)\.?\s*[-/.,]?\s*{_YEAR}", re.ASCII
)
_NAME_DAY_YEAR = re.compile(rf"(?P<name>[a-z]+)\.?\s*(?P<day>\d{{1,2}})\s*,?\s*{_YEAR}", re.ASCII)
_DAY_MONTH = re.compile(rf"\d{{1,2}}{_SEP}\d{{1,2}}", re.ASCII)
_DAY_NAME = re.compile(r"\d{1,2}\s*[-/. ]?\s*(?P<name>[a-z]+)", re.ASCII)
_WEEKDAY_PREFIX = re.compile(r"(?P<weekday>[a-z']+)(?:\s*,\s*|\s+)(?P<rest>.+)", re.ASCII)
_DATE_WORD = re.compile(r"^(?:tgl|tanggal)\.?\s*")


def parse_date(
    text: str,
    today: date,
    *,
    not_before: date | None = None,
    not_after: date | None = None,
) -> date:
    """The date typed in `text`, read day-first; relative words count from `today`.

    Accepts `31-03-2027`, `31/3/27`, `31.03.2027`, `2027-03-31`, `31 Maret 2027`, `31 Mar 2027`,
    `31 March 2027`, `hari ini`, `kemarin`, `besok`, `lusa` (and their English words), with an
    optional weekday in front (`Rabu, 31 Maret 2027`, checked against the date). `not_before`
    and `not_after` bound the answer; pass `not_after=today` for "never in the future".
    """
    value = read_date(tidy(text, InputError(N_("input.date.invalid"))), today)
    return check_date_range(value, not_before=not_before, not_after=not_after, today=today)


def check_date_range(
    value: date,
    *,
    not_before: date | None = None,
    not_after: date | None = None,
    today: date | None = None,
) -> date:
    """`value` if it lies within the bounds; with `today` given, a future date gets its own key."""
    if not_after is not None and value > not_after:
        if not_after == today:
            raise InputError(N_("input.date.future"), latest=not_after)
        raise InputError(N_("input.date.too_late"), latest=not_after)
    if not_before is not None and value < not_before:
        raise InputError(N_("input.date.too_early"), earliest=not_before)
    return value


def read_date(tidied: str, today: date) -> date:
    """The date in an answer already passed through `tidy`; see `parse_date`."""
    weekday, rest = _split_weekday(tidied)
    value = _read_plain_date(_DATE_WORD.sub("", rest, count=1), today)
    if weekday is not None and value.weekday() != weekday:
        raise InputError(N_("input.date.weekday_mismatch"), date=value)
    return value


def _split_weekday(tidied: str) -> tuple[int | None, str]:
    """A leading weekday name (`Senin, ...`) and the rest of the answer."""
    match = _WEEKDAY_PREFIX.fullmatch(tidied)
    if match is None or match["weekday"] not in WEEKDAYS:
        return None, tidied
    return WEEKDAYS[match["weekday"]], unwrap(match["rest"])


def _read_plain_date(text: str, today: date) -> date:
    """A date without weekday: a relative word, digits or a month name."""
    if text in _RELATIVE_DAYS:
        return today + timedelta(days=_RELATIVE_DAYS[text])
    if match := _DAY_MONTH_YEAR.fullmatch(text) or _ISO.fullmatch(text):
        month = int(match["month"])
    elif match := _DAY_NAME_YEAR.fullmatch(text):
        month = _month_number(match["name"])
    else:
        raise _unreadable(text)
    return _build(int(match["day"]), month, _full_year(match["year"], today))


def _month_number(name: str) -> int:
    """The month a name or abbreviation stands for, in Indonesian or English."""
    if name not in MONTHS:
        raise InputError(N_("input.date.unknown_month"))
    return MONTHS[name]


def _full_year(digits: str, today: date) -> int:
    """A four-digit year; two digits mean the year nearest to `today` (`27` -> 2027)."""
    if len(digits) == 4:
        return int(digits)
    year = today.year - today.year % 100 + int(digits)
    if year > today.year + 50:
        return year - 100
    if year < today.year - 50:
        return year + 100
    return year


def _build(day: int, month: int, year: int) -> date:
    """The calendar date, or the reason it does not exist."""
    if month > 12 and 1 <= day <= 12:
        # 03/31/2027: the person wrote the month first.
        raise InputError(N_("input.date.order"))
    if not (1 <= month <= 12 and 1 <= day <= 31 and MIN_YEAR <= year <= MAX_YEAR):
        raise InputError(N_("input.date.invalid"))
    days_in_month = calendar.monthrange(year, month)[1]
    if day > days_in_month:
        raise InputError(N_("input.date.no_such_day"), days=days_in_month)
    return date(year, month, day)


def _unreadable(text: str) -> InputError:
    """The most helpful error for an answer no date pattern matched."""
    if (match := _NAME_DAY_YEAR.fullmatch(text)) and match["name"] in MONTHS:
        return InputError(N_("input.date.order"))
    if _DAY_MONTH.fullmatch(text):
        return InputError(N_("input.date.no_year"))
    if match := _DAY_NAME.fullmatch(text):
        if match["name"] in MONTHS:
            return InputError(N_("input.date.no_year"))
        return InputError(N_("input.date.unknown_month"))
    return InputError(N_("input.date.invalid"))

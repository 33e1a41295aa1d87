"""Typed local date and time of something that happened, such as an officer's visit."""

from __future__ import annotations

import re
from datetime import date, datetime, time

from domain.errors import InputError
from domain.keys import N_
from domain.parsing._common import tidy, unwrap
from domain.parsing.dates import read_date

_NOW_WORDS = frozenset({"sekarang", "now"})
# The time comes last, optionally after "jam"/"pukul"/"pkl"/"at": `kemarin, pukul 14.00`.
_WITH_TIME = re.compile(
    r"(?P<date>.*?)[\s,]*(?:(?:jam|pukul|pkl|at)\.?\s*)?(?P<hour>\d{1,2})[.:](?P<minute>\d{2})",
    re.ASCII,
)


def parse_local_datetime(
    text: str,
    now_local: datetime,
    *,
    not_before: datetime | None = None,
    not_after: datetime | None = None,
) -> datetime:
    """The local date and time typed in `text`, aware, in `now_local`'s time zone.

    Accepts `31-03-2027 09.30`, `31-03-2027 09:30`, `hari ini 09.30`, `kemarin 14:00`, any date
    `parse_date` reads followed by a time, a bare time `09.30` (today), and `sekarang`/`now`.
    Pass `not_after=now_local` for "never in the future" and
    `not_before=now_local - timedelta(days=30)` for "at most 30 days back".
    """
    if now_local.tzinfo is None or now_local.utcoffset() is None:
        msg = "now_local must be timezone-aware"
        raise ValueError(msg)
    tidied = tidy(text, InputError(N_("input.datetime.invalid")))
    value = now_local if tidied in _NOW_WORDS else _read_datetime(tidied, now_local)
    return check_datetime_range(value, not_before=not_before, not_after=not_after, now=now_local)


def check_datetime_range(
    value: datetime,
    *,
    not_before: datetime | None = None,
    not_after: datetime | None = None,
    now: datetime | None = None,
) -> datetime:
    """`value` if it lies within the bounds; with `now` given, a future time gets its own key."""
    if not_after is not None and value > not_after:
        if not_after == now:
            raise InputError(N_("input.datetime.future"), latest=not_after)
        raise InputError(N_("input.datetime.too_late"), latest=not_after)
    if not_before is not None and value < not_before:
        raise InputError(N_("input.datetime.too_early"), earliest=not_before)
    return value


def _read_datetime(tidied: str, now_local: datetime) -> datetime:
    """A date (or nothing, meaning today) followed by a time."""
    today = now_local.date()
    match = _WITH_TIME.fullmatch(tidied)
    if match is None:
        raise _without_time(tidied, today)
    date_part = unwrap(match["date"])
    try:
        day = read_date(date_part, today) if date_part else today
    except InputError as error:
        # `05.03.27` is a date without a time, not the date `05` at 03.27.
        whole = _without_time(tidied, today)
        raise (whole if whole.key == "input.datetime.no_time" else _for_datetime(error)) from None
    hour, minute = int(match["hour"]), int(match["minute"])
    if hour > 23 or minute > 59:
        raise InputError(N_("input.datetime.time_invalid"))
    return datetime.combine(day, time(hour, minute), tzinfo=now_local.tzinfo)


def _without_time(tidied: str, today: date) -> InputError:
    """The error for an answer with no readable time: the time is missing, or the date is wrong."""
    try:
        read_date(tidied, today)
    except InputError as error:
        # Without a time, `9.3` is more likely a mistyped time than a date lacking its year.
        if error.key == "input.date.no_year":
            return InputError(N_("input.datetime.invalid"))
        return _for_datetime(error)
    return InputError(N_("input.datetime.no_time"))


def _for_datetime(error: InputError) -> InputError:
    """A date error as a date-and-time step reports it: specific reasons kept, the rest general."""
    if error.key == "input.date.invalid":
        return InputError(N_("input.datetime.invalid"))
    return error

"""Waiting time in working days, the reminder and escalation thresholds, idle sessions."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from domain.relay import (
    WaitLevel,
    is_working_day,
    session_live,
    wait_level,
    waiting_hours,
    working_days_between,
    working_days_waited,
)

WIB = ZoneInfo("Asia/Jakarta")
MONDAY = date(2027, 1, 4)
HOLIDAYS = frozenset({date(2027, 1, 6)})  # a Wednesday


def test_weekends_and_holidays_are_not_working_days() -> None:
    week = [MONDAY + timedelta(days=n) for n in range(7)]
    assert [is_working_day(day, HOLIDAYS) for day in week] == [
        True,
        True,
        False,  # the holiday
        True,
        True,
        False,
        False,
    ]


@pytest.mark.parametrize(
    ("end", "holidays", "expected"),
    [
        (MONDAY, frozenset(), 0),  # the same day counts nothing
        (MONDAY - timedelta(days=1), frozenset(), 0),  # backwards
        (MONDAY + timedelta(days=1), frozenset(), 1),
        (MONDAY + timedelta(days=3), frozenset(), 3),  # Thursday
        (MONDAY + timedelta(days=3), HOLIDAYS, 2),  # the Wednesday holiday skipped
        (MONDAY + timedelta(days=7), frozenset(), 5),  # next Monday: the weekend skipped
    ],
)
def test_working_days_after_the_start_up_to_the_end(
    end: date, holidays: frozenset[date], expected: int
) -> None:
    assert working_days_between(MONDAY, end, holidays) == expected


def test_a_message_from_saturday_waits_from_monday() -> None:
    saturday = date(2027, 1, 9)
    assert working_days_between(saturday, saturday + timedelta(days=2), frozenset()) == 1


def test_days_are_counted_in_the_region_time_zone() -> None:
    # Monday 23:30 WIB is still Monday 16:30 UTC; Tuesday 06:00 WIB is Monday 23:00 UTC.
    since = datetime(2027, 1, 4, 16, 30, tzinfo=UTC)
    now = datetime(2027, 1, 4, 23, 0, tzinfo=UTC)
    assert working_days_waited(since, now, WIB, frozenset()) == 1
    assert working_days_waited(since, now, ZoneInfo("UTC"), frozenset()) == 0


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        (0, WaitLevel.NONE),
        (2, WaitLevel.NONE),  # "more than 2"
        (3, WaitLevel.REMIND),
        (4, WaitLevel.REMIND),
        (5, WaitLevel.ESCALATE),
        (40, WaitLevel.ESCALATE),
    ],
)
def test_more_than_two_days_reminds_more_than_four_escalates(
    days: int, expected: WaitLevel
) -> None:
    assert wait_level(days, remind_after=2, escalate_after=4) is expected


def test_thresholds_are_configurable() -> None:
    assert wait_level(1, remind_after=0, escalate_after=1) is WaitLevel.REMIND
    assert wait_level(2, remind_after=0, escalate_after=1) is WaitLevel.ESCALATE


def test_a_session_lasts_until_it_has_been_idle_that_long() -> None:
    start = datetime(2027, 1, 4, 2, 0, tzinfo=UTC)
    idle = timedelta(minutes=30)
    assert session_live(start, start + timedelta(minutes=29, seconds=59), idle)
    assert not session_live(start, start + idle, idle)


def test_waiting_hours_for_the_inbox() -> None:
    start = datetime(2027, 1, 4, 2, 0, tzinfo=UTC)
    assert waiting_hours(None, start) is None
    assert waiting_hours(start, start + timedelta(minutes=59)) == 0
    assert waiting_hours(start, start + timedelta(hours=26)) == 26
    assert waiting_hours(start + timedelta(hours=1), start) == 0  # a clock behind: no minus

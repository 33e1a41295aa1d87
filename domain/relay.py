"""Conversations between boards and officers: topics, sessions, waiting time in working days.

A thread belongs to a cooperative; a board's message starts its wait, the officer's answer ends
it. The wait is counted in working days (Monday–Friday minus the configured holidays, in the
region's time zone): each working day that begins after the day the message came counts one,
so a question sent on Monday has waited 1 working day on Tuesday and 3 on Thursday.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from domain.keys import N_

SATURDAY = 5  # date.weekday()


class Topic(StrEnum):
    """What a board wants to talk about when it opens /hubungi."""

    RAT = "rat"
    VISIT = "kunjungan"
    OTHER = "lain"


TOPIC_KEYS: dict[Topic, str] = {
    Topic.RAT: N_("relay.topic.rat"),
    Topic.VISIT: N_("relay.topic.kunjungan"),
    Topic.OTHER: N_("relay.topic.lain"),
}


class ThreadStatus(StrEnum):
    """A thread is open until the officer (or an admin) closes it; it can be reopened."""

    OPEN = "open"
    CLOSED = "closed"


class Direction(StrEnum):
    """Which way a relayed message went."""

    TO_OFFICER = "to_officer"
    TO_BOARD = "to_board"


class WaitLevel(StrEnum):
    """What a thread's wait calls for."""

    NONE = "none"
    REMIND = "remind"  # the officer is reminded
    ESCALATE = "escalate"  # the admins are told


def is_working_day(day: date, holidays: Collection[date]) -> bool:
    """Monday to Friday and not a configured holiday."""
    return day.weekday() < SATURDAY and day not in holidays


def working_days_between(start: date, end: date, holidays: Collection[date]) -> int:
    """The working days after `start` up to and including `end` (0 when `end` <= `start`)."""
    count, day = 0, start + timedelta(days=1)
    while day <= end:
        count += is_working_day(day, holidays)
        day += timedelta(days=1)
    return count


def working_days_waited(
    since: datetime, now: datetime, tz: ZoneInfo, holidays: Collection[date]
) -> int:
    """How many working days a message that came at `since` has waited at `now`."""
    return working_days_between(since.astimezone(tz).date(), now.astimezone(tz).date(), holidays)


def wait_level(days: int, *, remind_after: int, escalate_after: int) -> WaitLevel:
    """Longer than `escalate_after` working days escalates; longer than `remind_after` reminds."""
    if days > escalate_after:
        return WaitLevel.ESCALATE
    if days > remind_after:
        return WaitLevel.REMIND
    return WaitLevel.NONE


def session_live(last_activity: datetime, now: datetime, idle: timedelta) -> bool:
    """A relay session lasts until it has been idle for `idle`."""
    return now - last_activity < idle


def waiting_hours(since: datetime | None, now: datetime) -> int | None:
    """Whole hours a thread has waited, for the inbox (None when nothing waits)."""
    if since is None:
        return None
    return max(0, int((now - since).total_seconds() // 3600))

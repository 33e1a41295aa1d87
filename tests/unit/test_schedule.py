"""Due moments of scheduled jobs: times of day in WIB and fixed intervals."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from domain.schedule import Daily, Every

WIB = ZoneInfo("Asia/Jakarta")


def wib(day: int, hour: int, minute: int = 0, second: int = 0) -> datetime:
    """An instant in January 2027 given in WIB, returned in UTC like the clock's."""
    return datetime(2027, 1, day, hour, minute, second, tzinfo=WIB).astimezone(UTC)


@pytest.mark.parametrize(
    ("now", "latest", "upcoming"),
    [
        (wib(4, 9), wib(4, 7), wib(5, 7)),  # after today's time: today's, then tomorrow's
        (wib(4, 7), wib(4, 7), wib(5, 7)),  # at the moment itself: it is due
        (wib(4, 6, 59, 59), wib(3, 7), wib(4, 7)),  # before today's time: yesterday's
        (wib(4, 0, 30), wib(3, 7), wib(4, 7)),  # 17:30 UTC the day before: the WIB date counts
    ],
)
def test_a_daily_job_is_due_at_its_wib_time(
    now: datetime, latest: datetime, upcoming: datetime
) -> None:
    schedule = Daily(time(7, 0))
    assert schedule.latest_due(now, WIB) == latest
    assert schedule.next_due(now, WIB) == upcoming


def test_several_times_a_day_in_any_order() -> None:
    schedule = Daily(time(13, 0), time(7, 0))
    assert schedule.latest_due(wib(4, 12), WIB) == wib(4, 7)
    assert schedule.next_due(wib(4, 12), WIB) == wib(4, 13)
    assert schedule.latest_due(wib(4, 23), WIB) == wib(4, 13)
    assert schedule.next_due(wib(4, 23), WIB) == wib(5, 7)


def test_an_interval_falls_on_whole_minutes() -> None:
    schedule = Every(timedelta(minutes=1))
    now = wib(4, 9, 0, 42)
    assert schedule.latest_due(now, WIB) == wib(4, 9, 0)
    assert schedule.next_due(now, WIB) == wib(4, 9, 1)
    assert schedule.latest_due(wib(4, 9, 1), WIB) == wib(4, 9, 1)


def test_nonsense_schedules_are_refused() -> None:
    with pytest.raises(ValueError, match="at least one"):
        Daily()
    with pytest.raises(ValueError, match="without a time zone"):
        Daily(time(7, 0, tzinfo=UTC))
    with pytest.raises(ValueError, match="at least a second"):
        Every(timedelta(0))

"""When a scheduled job is due: times of day in the region's time zone, or a fixed interval.

A schedule names *due moments*, instants in UTC. `latest_due(now)` is the moment a job that is
running late (or was down) should run for now; `next_due(now)` the one to wait for. Pure: the
caller's clock gives `now`, the region's time zone comes from config (`[region] tz`).

    Daily(time(7, 0))                      # every day at 07:00 WIB
    Daily(time(7, 0), time(13, 0))         # twice a day
    Every(timedelta(minutes=1))            # at every whole minute (UTC)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

#: Interval moments are whole multiples of the interval counted from here.
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class Schedule(Protocol):
    """The due moments of a job."""

    def latest_due(self, now: datetime, tz: ZoneInfo) -> datetime:
        """The last due moment at or before `now` (UTC)."""
        ...

    def next_due(self, now: datetime, tz: ZoneInfo) -> datetime:
        """The first due moment after `now` (UTC)."""
        ...


@dataclass(frozen=True, init=False)
class Daily:
    """Due at these local times of day (in the region's time zone), every day."""

    times: tuple[time, ...]

    def __init__(self, *times: time) -> None:
        if not times or any(t.tzinfo is not None for t in times):
            raise ValueError("Daily needs at least one local time of day, without a time zone")
        object.__setattr__(self, "times", tuple(sorted(set(times))))

    def latest_due(self, now: datetime, tz: ZoneInfo) -> datetime:
        """Today's last time already passed, else yesterday's last time."""
        return max(m for m in self._moments_around(now, tz) if m <= now)

    def next_due(self, now: datetime, tz: ZoneInfo) -> datetime:
        """Today's first time still ahead, else tomorrow's first time."""
        return min(m for m in self._moments_around(now, tz) if m > now)

    def _moments_around(self, now: datetime, tz: ZoneInfo) -> list[datetime]:
        today = now.astimezone(tz).date()
        days = (today - timedelta(days=1), today, today + timedelta(days=1))
        return [
            datetime.combine(d, t, tzinfo=tz).astimezone(UTC) for d in days for t in self.times
        ]


@dataclass(frozen=True)
class Every:
    """Due at every whole multiple of `interval` since the Unix epoch (minutes fall on :00)."""

    interval: timedelta

    def __post_init__(self) -> None:
        if self.interval < timedelta(seconds=1):
            raise ValueError("Every needs an interval of at least a second")

    def latest_due(self, now: datetime, tz: ZoneInfo) -> datetime:
        """The start of the interval `now` falls in."""
        return _EPOCH + ((now - _EPOCH) // self.interval) * self.interval

    def next_due(self, now: datetime, tz: ZoneInfo) -> datetime:
        """The start of the next interval."""
        return self.latest_due(now, tz) + self.interval

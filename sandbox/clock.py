"""The sandbox clock: the system time plus an offset the page moves forward."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, time, timedelta, tzinfo


class SandboxClock:
    """Tells the system time shifted by an offset; the offset only grows (time never runs
    back, so no scheduled moment or deadline is met twice)."""

    def __init__(self, offset: timedelta = timedelta(0)) -> None:
        self._offset = offset
        self._lock = threading.Lock()  # read by the bot's worker threads too

    def now(self) -> datetime:
        """The sandbox's current instant in UTC."""
        with self._lock:
            return datetime.now(UTC) + self._offset

    def timestamp(self) -> float:
        """`now()` as Unix seconds (the stand-in dates its messages with it)."""
        return self.now().timestamp()

    @property
    def offset(self) -> timedelta:
        """How far the sandbox runs ahead of the system clock."""
        with self._lock:
            return self._offset

    def advance(self, delta: timedelta) -> datetime:
        """Moves the clock forward by `delta`; returns the new instant."""
        if delta < timedelta(0):
            raise ValueError("the sandbox clock only moves forward")
        with self._lock:
            self._offset += delta
        return self.now()

    def jump_to(self, instant: datetime) -> datetime:
        """Moves the clock forward to `instant` (aware); returns the new instant."""
        return self.advance(instant - self.now())


def next_date(today: date, month: int, day: int) -> date:
    """The first `day`.`month` after `today` (this year's, else next year's)."""
    candidate = date(today.year, month, day)
    return candidate if candidate > today else date(today.year + 1, month, day)


def morning_of(day: date, tz: tzinfo, at: time = time(8, 0)) -> datetime:
    """`at` o'clock of `day` in the region's time zone, as a UTC instant."""
    return datetime.combine(day, at, tzinfo=tz).astimezone(UTC)

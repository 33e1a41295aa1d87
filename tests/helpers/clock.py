"""A clock the test moves by hand: schedules are tested by advancing it, never by sleeping."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class FrozenClock:
    """Tells a fixed instant until the test moves it."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2027, 1, 4, 2, 0, tzinfo=UTC)  # Monday 09:00 WIB
        if self._now.tzinfo is None:
            msg = "FrozenClock needs an aware instant"
            raise ValueError(msg)

    def now(self) -> datetime:
        """The current (frozen) instant."""
        return self._now

    def advance(self, **delta: float) -> datetime:
        """Moves the clock forward, e.g. `advance(minutes=5)`."""
        self._now += timedelta(**delta)
        return self._now

    def set(self, instant: datetime) -> None:
        """Jumps to `instant`."""
        self._now = instant

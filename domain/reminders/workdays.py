"""Working days: Monday–Friday minus the configured national holidays (`[calendar] holidays`).

A reminder whose date falls on a weekend or a holiday goes out on the next working day, so a
planner pass for working day D sends everything dated after the previous working day and up to
D. Pure: the holidays come from config.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

_ONE_DAY = timedelta(days=1)
_SATURDAY = 5


class WorkingDays:
    """The working days of the region's calendar."""

    def __init__(self, holidays: Iterable[date] = ()) -> None:
        self._holidays = frozenset(holidays)

    @property
    def holidays(self) -> frozenset[date]:
        """The configured holidays."""
        return self._holidays

    def is_working(self, day: date) -> bool:
        """Whether `day` is Monday–Friday and not a holiday."""
        return day.weekday() < _SATURDAY and day not in self._holidays

    def next_working(self, day: date) -> date:
        """`day` itself when it is a working day, else the first working day after it."""
        while not self.is_working(day):
            day += _ONE_DAY
        return day

    def previous_working(self, day: date) -> date:
        """The last working day strictly before `day`."""
        day -= _ONE_DAY
        while not self.is_working(day):
            day -= _ONE_DAY
        return day

    def dates_sent_on(self, day: date) -> tuple[date, date] | None:
        """The dates [first, last] whose reminders go out on `day`; None on a day off."""
        if not self.is_working(day):
            return None
        return self.previous_working(day) + _ONE_DAY, day

"""Fiscal-year ends and the deadlines of one fiscal year (docs/rules.md#deadlines).

Tahun buku N is the fiscal year that ends in calendar year N. Deadlines are whole months after
the year's end; month arithmetic keeps a month's last day the last day (30 Jun + 6 months is
31 Dec; 28 Feb 2023 + 12 months is 29 Feb 2024) and otherwise clamps to the month's end
(31 Mar - 1 month is 28 or 29 Feb).
"""

from __future__ import annotations

import calendar
import functools
from dataclasses import dataclass
from datetime import date, timedelta

from domain.register_dates import add_months

__all__ = ["Deadlines", "FiscalYearEnd", "Offsets", "add_months", "deadlines_for"]

# Any non-leap year: the fiscal-year end is a month and day that every year should have.
_COMMON_YEAR = 2023


@dataclass(frozen=True)
class FiscalYearEnd:
    """The last day of a cooperative's fiscal year as month and day (default 31 Dec).

    A day at or past the month's last day in a common year means "the month's end": an end
    of 28 Feb (or 29 Feb) falls on 29 Feb in leap years.
    """

    month: int = 12
    day: int = 31

    def __post_init__(self) -> None:
        if (
            not 1 <= self.month <= 12
            or not 1 <= self.day <= calendar.monthrange(2024, self.month)[1]
        ):
            msg = f"no such fiscal-year end: {self.day}-{self.month}"
            raise ValueError(msg)

    @property
    def at_month_end(self) -> bool:
        """Whether the year ends on the last day of its month."""
        return self.day >= calendar.monthrange(_COMMON_YEAR, self.month)[1]

    def in_year(self, tahun_buku: int) -> date:
        """The day tahun buku `tahun_buku` ends."""
        return _year_end(self.month, self.day, tahun_buku)

    def start_of(self, tahun_buku: int) -> date:
        """The first day of tahun buku `tahun_buku` (the day after the previous one ended)."""
        return self.in_year(tahun_buku - 1) + timedelta(days=1)

    def latest_closed(self, today: date) -> int:
        """The most recent tahun buku whose last day is before `today`."""
        return today.year if self.in_year(today.year) < today else today.year - 1

    def tahun_buku_of(self, day: date) -> int:
        """The tahun buku that `day` falls in."""
        return day.year if day <= self.in_year(day.year) else day.year + 1


@functools.lru_cache(maxsize=4096)
def _year_end(month: int, day: int, year: int) -> date:
    """The fiscal year's last day (cached: the daily recompute asks for it per cooperative)."""
    last = calendar.monthrange(year, month)[1]
    at_month_end = day >= calendar.monthrange(_COMMON_YEAR, month)[1]
    return date(year, month, last if at_month_end else day)


@dataclass(frozen=True)
class Offsets:
    """Months after the fiscal-year end for one bentuk (primer or sekunder)."""

    target_months: int
    report_months: int
    statutory_months: int


@dataclass(frozen=True)
class Deadlines:
    """The dates of one fiscal year's RAT cycle; the first five are stored on the cycle."""

    fiscal_year_end: date
    target_date: date  # RAT held: the office target
    report_deadline: date  # RAT results reported to the office / ODS
    statutory_limit: date  # the law's outer limit for the RAT (UU 25/1992)
    tidak_rat_date: date  # the end of fiscal year N+1: no RAT by then is TIDAK_RAT
    latest_rat_date: date  # the last day a RAT for this year can be recorded at all

    def stored_fields(self) -> dict[str, date]:
        """The dates under the names of the stored cycle's columns."""
        return {
            "fiscal_year_end": self.fiscal_year_end,
            "target_date": self.target_date,
            "report_deadline": self.report_deadline,
            "statutory_limit": self.statutory_limit,
            "tidak_rat_date": self.tidak_rat_date,
        }


# Few distinct (year, fiscal-year end, offsets) exist: the daily recompute reuses them.
@functools.lru_cache(maxsize=4096)
def deadlines_for(
    tahun_buku: int, fye: FiscalYearEnd, offsets: Offsets, late_rat_months: int
) -> Deadlines:
    """The deadlines of tahun buku `tahun_buku` for a year ending `fye`."""
    year_end = fye.in_year(tahun_buku)
    return Deadlines(
        fiscal_year_end=year_end,
        target_date=add_months(year_end, offsets.target_months),
        report_deadline=add_months(year_end, offsets.report_months),
        statutory_limit=add_months(year_end, offsets.statutory_months),
        tidak_rat_date=fye.in_year(tahun_buku + 1),
        latest_rat_date=add_months(year_end, late_rat_months),
    )

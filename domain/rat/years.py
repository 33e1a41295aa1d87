"""Which fiscal year a cooperative is working on, which is due, which can still be recorded.

Fiscal year N is *due* once its statutory limit has passed. The *current cycle* is
the oldest closed fiscal year without a held RAT whose TIDAK_RAT date has not passed; if there
is none, the most recently closed fiscal year. A late RAT for a missed year can be recorded
while the year's end is less than 18 months (configurable) ago.

A cooperative owes a RAT only for the fiscal years it existed for in full: one formed in the
middle of a year owes its first RAT for the next year (and is BARU until that one closes).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date

from domain.rat.calendar import FiscalYearEnd, add_months


@dataclass(frozen=True, order=True)
class YearRecord:
    """A fiscal year as the current-cycle rule needs it: its dates and whether a RAT was held."""

    tahun_buku: int
    fiscal_year_end: date
    tidak_rat_date: date
    held: bool


def first_owed_year(fye: FiscalYearEnd, legal_date: date | None) -> int | None:
    """The first tahun buku the cooperative existed for in full (None: unknown, all are owed)."""
    if legal_date is None:
        return None
    year = fye.tahun_buku_of(legal_date)
    return year if fye.start_of(year) >= legal_date else year + 1


def owes(tahun_buku: int, first_owed: int | None) -> bool:
    """Whether a RAT is owed for `tahun_buku` given the first owed year."""
    return first_owed is None or tahun_buku >= first_owed


def default_record(fye: FiscalYearEnd, tahun_buku: int, held: bool) -> YearRecord:
    """A year's record from the cooperative's fiscal-year end (no stored cycle)."""
    return YearRecord(tahun_buku, fye.in_year(tahun_buku), fye.in_year(tahun_buku + 1), held)


def current_tahun_buku(today: date, records: Iterable[YearRecord]) -> int | None:
    """The current cycle's tahun buku among `records` (None when none has closed yet)."""
    closed = [r for r in records if r.fiscal_year_end < today]
    if not closed:
        return None
    pending = [r for r in closed if not r.held and today <= r.tidak_rat_date]
    return min(pending).tahun_buku if pending else max(closed).tahun_buku


def current_tahun_buku_for(
    today: date,
    fye: FiscalYearEnd,
    held_years: Collection[int],
    legal_date: date | None = None,
    stored: Iterable[YearRecord] = (),
) -> int | None:
    """The current cycle from the fiscal-year end, stored cycles' own dates taking precedence.

    Looks at the two most recently closed years the cooperative owes (an older one's TIDAK_RAT
    date has always passed) plus every stored cycle given.
    """
    first = first_owed_year(fye, legal_date)
    latest = fye.latest_closed(today)
    records = {
        year: default_record(fye, year, year in held_years)
        for year in (latest - 1, latest)
        if owes(year, first)
    }
    records.update({r.tahun_buku: r for r in stored if owes(r.tahun_buku, first)})
    return current_tahun_buku(today, records.values())


def latest_due_year(today: date, fye: FiscalYearEnd, statutory_months: int) -> int:
    """The most recent tahun buku whose statutory limit has passed."""
    year = fye.latest_closed(today)
    while add_months(fye.in_year(year), statutory_months) >= today:
        year -= 1
    return year


def can_record_rat(fiscal_year_end: date, latest_rat_date: date, today: date) -> bool:
    """Whether a RAT for a year can be recorded today: the year closed, the window still open."""
    return fiscal_year_end < today <= latest_rat_date


def late_rat_years(
    today: date,
    fye: FiscalYearEnd,
    held_years: Collection[int],
    *,
    current: int | None,
    late_rat_months: int,
    legal_date: date | None = None,
) -> tuple[int, ...]:
    """Missed years (not the current one) whose late RAT can still be recorded, oldest first."""
    first = first_owed_year(fye, legal_date)
    latest = fye.latest_closed(today)
    # A year more than late_rat_months/12 + 1 years back cannot be inside the window.
    oldest = latest - late_rat_months // 12 - 1
    return tuple(
        year
        for year in range(oldest, latest + 1)
        if year != current
        and year not in held_years
        and owes(year, first)
        and can_record_rat(
            fye.in_year(year), add_months(fye.in_year(year), late_rat_months), today
        )
    )

"""The period of a roll-up (a fiscal year and its season), its cut-offs and the snapshots due.

A roll-up is for tahun buku N. Its cut-offs are the regency's dates for a primary cooperative
with a year ending 31 December (31 Mar, 30 Apr, 30 Jun of N+1 by default) and the season's end
(31 Dec of N+1). Each cooperative is still judged by its own cycle's dates; these name the
snapshots. A snapshot is taken the first day a cut-off has passed (so "obliged at the cut-off"
already holds), once; after downtime it is caught up within `SNAPSHOT_CATCH_UP_DAYS`.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from domain.rat.calendar import FiscalYearEnd, Offsets, deadlines_for
from domain.rat.compliance import REPORT, STATUTORY, TARGET

SEASON_END = "season_end"
CUTOFF_KINDS = (TARGET, REPORT, STATUTORY, SEASON_END)
SNAPSHOT_CATCH_UP_DAYS = 14
# Officer activity (visits by type and POAC, not visited) counts the last 30 days.
ACTIVITY_DAYS = 30
# How many fiscal years /rekap offers: the latest closed and the ones before it.
PERIOD_CHOICES = 3
_DEFAULT_FYE = FiscalYearEnd()


@dataclass(frozen=True)
class Cutoffs:
    """The regency's cut-off dates of one fiscal year."""

    tahun_buku: int
    dates: dict[str, date]

    def date_of(self, kind: str) -> date:
        """The date of a cut-off kind (`target`, `report`, `statutory`, `season_end`)."""
        return self.dates[kind]

    @property
    def season(self) -> tuple[date, date]:
        """The season: the day after the fiscal year ends to its end (the TIDAK_RAT date)."""
        return date(self.tahun_buku + 1, 1, 1), self.dates[SEASON_END]


@dataclass(frozen=True)
class Period:
    """What the counts are for: tahun buku, the day (WIB) and instant they are taken at, the
    regency's cut-offs (for cooperatives without a cycle that year) and the season's bounds."""

    cutoffs: Cutoffs
    today: date
    now: datetime
    season_from: datetime
    season_until: datetime

    @property
    def activity_until(self) -> datetime:
        """The end of the officer-activity window: now, or the season's end if earlier."""
        return min(self.now, self.season_until)

    @property
    def activity_from(self) -> datetime:
        """The start of the officer-activity window: `ACTIVITY_DAYS` before its end."""
        return self.activity_until - timedelta(days=ACTIVITY_DAYS)

    @property
    def tahun_buku(self) -> int:
        return self.cutoffs.tahun_buku


def cutoffs_for(tahun_buku: int, offsets: Offsets, late_rat_months: int) -> Cutoffs:
    """The regency's cut-offs of `tahun_buku` (primary offsets, year ending 31 December)."""
    d = deadlines_for(tahun_buku, _DEFAULT_FYE, offsets, late_rat_months)
    return Cutoffs(
        tahun_buku,
        {
            TARGET: d.target_date,
            REPORT: d.report_deadline,
            STATUTORY: d.statutory_limit,
            SEASON_END: d.tidak_rat_date,
        },
    )


def default_period(today: date) -> int:
    """The fiscal year /rekap opens on: the latest closed one (its season runs now)."""
    return _DEFAULT_FYE.latest_closed(today)


def latest_period(today: date) -> int:
    """The latest fiscal year /rekap may open: the newest any cooperative's year can have
    closed by `today` (a year ending 30 June is closed in July, while the regency's 31
    December year of the same number still runs)."""
    return (today - timedelta(days=1)).year


# The first fiscal year /rekap reads (typed or in a button).
EARLIEST_YEAR = 2000


def year_offered(year: int, today: date) -> bool:
    """Whether a fiscal year named in a button may be read: from `EARLIEST_YEAR` up to
    `latest_period` (the rule for /rekap and its *Grafik* button alike; anything else is
    forged or stale)."""
    return EARLIEST_YEAR <= year <= latest_period(today)


def periods_around(today: date) -> tuple[int, ...]:
    """The fiscal years offered as buttons, newest first."""
    latest = default_period(today)
    return tuple(latest - n for n in range(PERIOD_CHOICES))


def snapshots_due(
    today: date, cutoffs: Collection[Cutoffs], taken: Collection[tuple[int, str]]
) -> list[tuple[int, str]]:
    """The (tahun buku, cut-off kind) to snapshot today: passed, recent, not taken yet."""
    due = []
    for year in cutoffs:
        for kind in CUTOFF_KINDS:
            passed_days = (today - year.date_of(kind)).days
            if 1 <= passed_days <= SNAPSHOT_CATCH_UP_DAYS and (year.tahun_buku, kind) not in taken:
                due.append((year.tahun_buku, kind))
    return due


def snapshot_years(today: date) -> tuple[int, int]:
    """The fiscal years whose cut-offs may fall due around `today` (the season-end one of the
    year before the latest closed falls on the first days of a calendar year)."""
    latest = default_period(today)
    return latest - 1, latest

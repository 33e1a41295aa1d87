"""RAT compliance at the three cut-offs and the season of a fiscal year.

Obliged at a cut-off: not BARU, BUBAR or DALAM_PEMBUBARAN on that day, and past that
cut-off's own deadline (so a secondary cooperative counts from its 30 Jun target). Compliant:
the RAT was held on or before the cut-off's date. Roll-ups count stored values; these rules
say what to count.
"""

from __future__ import annotations

from datetime import date, timedelta

from domain.rat.activity import is_obliged
from domain.rat.calendar import Deadlines

TARGET, REPORT, STATUTORY = "target", "report", "statutory"
CUTOFFS = (TARGET, REPORT, STATUTORY)


def cutoff_date(deadlines: Deadlines, cutoff: str) -> date:
    """The cycle's own date for a cut-off: office target, report deadline or statutory limit."""
    dates = {
        TARGET: deadlines.target_date,
        REPORT: deadlines.report_deadline,
        STATUTORY: deadlines.statutory_limit,
    }
    return dates[cutoff]


def obliged_at(deadlines: Deadlines, cutoff: str, status: str | None, day: date) -> bool:
    """Whether the cycle counts in the cut-off's denominator on `day`."""
    return is_obliged(status) and day > cutoff_date(deadlines, cutoff)


def compliant_at(deadlines: Deadlines, cutoff: str, held_date: date | None) -> bool:
    """Whether the RAT was held by the cut-off's date."""
    return held_date is not None and held_date <= cutoff_date(deadlines, cutoff)


def season(deadlines: Deadlines) -> tuple[date, date]:
    """Fiscal year N's season: the day after the year ends to its TIDAK_RAT date."""
    return deadlines.fiscal_year_end + timedelta(days=1), deadlines.tidak_rat_date

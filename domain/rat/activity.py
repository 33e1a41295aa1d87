"""Activity status of a cooperative from its RAT history (docs/rules.md#stages).

`BARU` while no fiscal year it owes has closed; `AKTIF_RAT` when the RAT of the latest closed
year is held, or none of the due years counted back from the latest is missed; then by the
number of consecutive missed due years: 1 `AKTIF_BELUM_RAT`, `rawan_missed` (2) `RAWAN`,
`tidak_aktif_missed` (3, Kabupaten Probolinggo practice) `TIDAK_AKTIF`. `DALAM_PEMBUBARAN`
and `BUBAR` are set by the office and kept.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from domain.rat.calendar import FiscalYearEnd
from domain.rat.policy import ActivityThresholds
from domain.rat.years import first_owed_year, latest_due_year

BARU = "BARU"
AKTIF_RAT = "AKTIF_RAT"
AKTIF_BELUM_RAT = "AKTIF_BELUM_RAT"
RAWAN = "RAWAN"
TIDAK_AKTIF = "TIDAK_AKTIF"
DALAM_PEMBUBARAN = "DALAM_PEMBUBARAN"
BUBAR = "BUBAR"
ACTIVITY_STATUSES = (BARU, AKTIF_RAT, AKTIF_BELUM_RAT, RAWAN, TIDAK_AKTIF, DALAM_PEMBUBARAN, BUBAR)
SET_BY_OFFICE = frozenset({DALAM_PEMBUBARAN, BUBAR})
# Neither obliged to hold a RAT nor counted in ratios (docs/rules.md#the-rat-cycle).
NOT_OBLIGED = frozenset({BARU, DALAM_PEMBUBARAN, BUBAR})
ACTIVE = frozenset({AKTIF_RAT, AKTIF_BELUM_RAT, RAWAN})


def is_obliged(status: str | None) -> bool:
    """Whether a cooperative in this activity status is obliged to hold a RAT."""
    return status not in NOT_OBLIGED


def missed_years(
    due: int, held_years: Collection[int], stop_before: int | None, limit: int
) -> int:
    """Consecutive years without a held RAT counted back from `due`, at most `limit`.

    Counting stops at `stop_before` (the first year owed, or the first year the history
    covers): what came before is not known to be missed.
    """
    count = 0
    year = due
    while count < limit and year not in held_years:
        if stop_before is not None and year < stop_before:
            break
        count += 1
        year -= 1
    return count


def activity_status(
    today: date,
    fye: FiscalYearEnd,
    held_years: Collection[int],
    *,
    statutory_months: int,
    thresholds: ActivityThresholds,
    legal_date: date | None = None,
    history_from: int | None = None,
    current: str | None = None,
) -> str:
    """The activity status; `held_years` are the tahun buku with a held RAT (late ones too).

    `history_from` is the first tahun buku the RAT history covers (None: complete);
    `current` is the stored status, kept when the office set it.
    """
    if current in SET_BY_OFFICE:
        return current
    first = first_owed_year(fye, legal_date)
    latest_closed = fye.latest_closed(today)
    if first is not None and latest_closed < first:
        return BARU
    if latest_closed in held_years:
        return AKTIF_RAT
    stop = max((y for y in (first, history_from) if y is not None), default=None)
    due = latest_due_year(today, fye, statutory_months)
    missed = missed_years(due, held_years, stop, thresholds.tidak_aktif_missed)
    if missed >= thresholds.tidak_aktif_missed:
        return TIDAK_AKTIF
    if missed >= thresholds.rawan_missed:
        return RAWAN
    return AKTIF_BELUM_RAT if missed else AKTIF_RAT

"""Which fiscal year is current, which is due, and which missed year can still be recorded."""

from __future__ import annotations

from datetime import date

import pytest

from domain.rat.calendar import FiscalYearEnd
from domain.rat.years import (
    YearRecord,
    can_record_rat,
    current_tahun_buku,
    current_tahun_buku_for,
    first_owed_year,
    late_rat_years,
    latest_due_year,
)

D = date
DEC = FiscalYearEnd()
JUNE = FiscalYearEnd(6, 30)


@pytest.mark.parametrize(
    ("fye", "legal_date", "first"),
    [
        (DEC, None, None),
        (DEC, D(2025, 1, 1), 2025),
        (DEC, D(2025, 1, 2), 2026),  # formed mid-year: the first full year is the next
        (DEC, D(2025, 7, 15), 2026),
        (JUNE, D(2025, 7, 1), 2026),
        (JUNE, D(2025, 3, 1), 2026),
        (JUNE, D(2025, 7, 2), 2027),
    ],
)
def test_a_cooperative_owes_a_rat_for_the_years_it_existed_in_full(
    fye: FiscalYearEnd, legal_date: date | None, first: int | None
) -> None:
    assert first_owed_year(fye, legal_date) == first


@pytest.mark.parametrize(
    ("fye", "today", "held", "legal_date", "current"),
    [
        (DEC, D(2026, 3, 1), set(), None, 2025),
        (DEC, D(2026, 3, 1), {2025}, None, 2025),  # held: still the most recently closed
        (DEC, D(2026, 12, 31), set(), None, 2025),  # 2026 has not closed yet
        (DEC, D(2027, 1, 1), set(), None, 2026),  # 2025's TIDAK_RAT date has passed
        (JUNE, D(2026, 3, 1), set(), None, 2025),
        (JUNE, D(2026, 7, 1), set(), None, 2026),
        (DEC, D(2026, 3, 1), set(), D(2025, 7, 15), None),  # formed mid-2025: nothing closed
        (DEC, D(2027, 1, 2), set(), D(2025, 7, 15), 2026),
    ],
)
def test_the_current_cycle(
    fye: FiscalYearEnd, today: date, held: set[int], legal_date: date | None, current: int | None
) -> None:
    assert current_tahun_buku_for(today, fye, held, legal_date) == current


def test_a_stored_cycle_keeps_its_own_dates_when_the_fiscal_year_end_changes() -> None:
    """2025 was created ending 31 Dec; the AD then moved the year's end to 30 Jun."""
    stored = YearRecord(2025, D(2025, 12, 31), D(2026, 12, 31), held=False)
    today = D(2026, 8, 1)
    assert current_tahun_buku_for(today, JUNE, set(), stored=[stored]) == 2025
    held = YearRecord(2025, D(2025, 12, 31), D(2026, 12, 31), held=True)
    assert current_tahun_buku_for(today, JUNE, {2025}, stored=[held]) == 2026


def test_the_oldest_pending_year_wins_over_a_newer_one() -> None:
    records = [
        YearRecord(2024, D(2024, 12, 31), D(2026, 1, 31), held=False),
        YearRecord(2025, D(2025, 12, 31), D(2026, 12, 31), held=False),
    ]
    assert current_tahun_buku(D(2026, 1, 15), records) == 2024
    assert current_tahun_buku(D(2026, 2, 1), records) == 2025
    assert current_tahun_buku(D(2024, 12, 31), records) is None


@pytest.mark.parametrize(
    ("fye", "today", "due"),
    [
        (DEC, D(2026, 6, 30), 2024),  # 2025's statutory limit is today: not passed
        (DEC, D(2026, 7, 1), 2025),
        (JUNE, D(2026, 1, 1), 2025),  # 30 Jun 2025 + 6 months = 31 Dec 2025
        (JUNE, D(2025, 12, 31), 2024),
    ],
)
def test_a_year_is_due_once_its_statutory_limit_passed(
    fye: FiscalYearEnd, today: date, due: int
) -> None:
    assert latest_due_year(today, fye, statutory_months=6) == due


@pytest.mark.parametrize(
    ("today", "held", "current", "legal_date", "years"),
    [
        (D(2026, 3, 1), set(), 2025, None, (2024,)),  # 2024 ended 14 months ago
        (D(2026, 6, 30), set(), 2025, None, (2024,)),  # the last day of its window
        (D(2026, 7, 1), set(), 2025, None, ()),  # 18 months passed
        (D(2026, 3, 1), {2024}, 2025, None, ()),  # held: nothing to record late
        (D(2027, 1, 5), set(), 2026, None, (2025,)),
        (D(2027, 1, 5), {2025}, 2026, None, ()),
        (D(2026, 3, 1), set(), 2025, D(2024, 5, 1), ()),  # 2024 was not owed
    ],
)
def test_a_missed_year_can_be_recorded_late_within_18_months(
    today: date, held: set[int], current: int, legal_date: date | None, years: tuple[int, ...]
) -> None:
    got = late_rat_years(
        today, DEC, held, current=current, late_rat_months=18, legal_date=legal_date
    )
    assert got == years


def test_a_longer_window_reaches_further_back() -> None:
    got = late_rat_years(D(2026, 3, 1), DEC, set(), current=2025, late_rat_months=30)
    assert got == (2023, 2024)


def test_a_rat_can_be_recorded_only_after_the_year_closed_and_inside_its_window() -> None:
    end, latest = D(2025, 12, 31), D(2027, 6, 30)
    assert not can_record_rat(end, latest, D(2025, 12, 31))
    assert can_record_rat(end, latest, D(2026, 1, 1))
    assert can_record_rat(end, latest, latest)
    assert not can_record_rat(end, latest, D(2027, 7, 1))

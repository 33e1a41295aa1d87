"""RAT deadlines: offsets per bentuk from the fiscal-year end, month ends, leap years."""

from __future__ import annotations

from datetime import date

import pytest

from config import RatConfig
from domain.rat.calendar import FiscalYearEnd, add_months, deadlines_for

POLICY = RatConfig().policy()
D = date


@pytest.mark.parametrize(
    ("fye", "year", "bentuk", "expected"),
    [
        # 31 Dec, primer: the dates docs/rules.md#deadlines shows.
        (
            FiscalYearEnd(12, 31),
            2025,
            "primer",
            (D(2025, 12, 31), D(2026, 3, 31), D(2026, 4, 30), D(2026, 6, 30), D(2026, 12, 31)),
        ),
        # Secondary cooperatives: everything at +6 months.
        (
            FiscalYearEnd(12, 31),
            2025,
            "sekunder",
            (D(2025, 12, 31), D(2026, 6, 30), D(2026, 6, 30), D(2026, 6, 30), D(2026, 12, 31)),
        ),
        # A year ending 30 Jun: month ends stay month ends (31 Oct, 31 Dec).
        (
            FiscalYearEnd(6, 30),
            2025,
            "primer",
            (D(2025, 6, 30), D(2025, 9, 30), D(2025, 10, 31), D(2025, 12, 31), D(2026, 6, 30)),
        ),
        # A year ending 31 Mar.
        (
            FiscalYearEnd(3, 31),
            2024,
            "primer",
            (D(2024, 3, 31), D(2024, 6, 30), D(2024, 7, 31), D(2024, 9, 30), D(2025, 3, 31)),
        ),
        # The end of February: the next year's end falls on 29 Feb in a leap year.
        (
            FiscalYearEnd(2, 28),
            2023,
            "primer",
            (D(2023, 2, 28), D(2023, 5, 31), D(2023, 6, 30), D(2023, 8, 31), D(2024, 2, 29)),
        ),
        (
            FiscalYearEnd(2, 28),
            2024,
            "sekunder",
            (D(2024, 2, 29), D(2024, 8, 31), D(2024, 8, 31), D(2024, 8, 31), D(2025, 2, 28)),
        ),
        # Not a month end: 30 Aug + 6 months is clamped to 29 Feb 2024.
        (
            FiscalYearEnd(8, 30),
            2023,
            "primer",
            (D(2023, 8, 30), D(2023, 11, 30), D(2023, 12, 30), D(2024, 2, 29), D(2024, 8, 30)),
        ),
        # An unknown bentuk gets the primer offsets.
        (
            FiscalYearEnd(),
            2025,
            None,
            (D(2025, 12, 31), D(2026, 3, 31), D(2026, 4, 30), D(2026, 6, 30), D(2026, 12, 31)),
        ),
    ],
)
def test_deadlines_are_month_offsets_from_the_fiscal_year_end(
    fye: FiscalYearEnd, year: int, bentuk: str | None, expected: tuple[date, ...]
) -> None:
    got = deadlines_for(year, fye, POLICY.offsets_for(bentuk), POLICY.late_rat_months)
    fields = got.stored_fields()
    assert tuple(fields.values()) == expected
    assert list(fields) == [
        "fiscal_year_end",
        "target_date",
        "report_deadline",
        "statutory_limit",
        "tidak_rat_date",
    ]
    assert got.latest_rat_date == add_months(expected[0], 18)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2025, 12, 31), 18, D(2027, 6, 30)),
        (D(2024, 2, 29), 12, D(2025, 2, 28)),
        (D(2023, 2, 28), 12, D(2024, 2, 29)),
        (D(2025, 1, 30), 1, D(2025, 2, 28)),
        (D(2025, 3, 31), -1, D(2025, 2, 28)),
        (D(2025, 5, 15), 3, D(2025, 8, 15)),
    ],
)
def test_month_arithmetic_clamps_and_keeps_month_ends(
    day: date, months: int, expected: date
) -> None:
    assert add_months(day, months) == expected


def test_a_february_end_is_the_months_last_day_every_year() -> None:
    for fye in (FiscalYearEnd(2, 28), FiscalYearEnd(2, 29)):
        assert fye.in_year(2024) == D(2024, 2, 29)
        assert fye.in_year(2025) == D(2025, 2, 28)
        assert fye.start_of(2025) == D(2024, 3, 1)


@pytest.mark.parametrize(
    ("fye", "today", "closed"),
    [
        (FiscalYearEnd(), D(2025, 12, 31), 2024),
        (FiscalYearEnd(), D(2026, 1, 1), 2025),
        (FiscalYearEnd(6, 30), D(2026, 3, 1), 2025),
        (FiscalYearEnd(6, 30), D(2026, 6, 30), 2025),
        (FiscalYearEnd(6, 30), D(2026, 7, 1), 2026),
    ],
)
def test_the_latest_closed_year_ended_before_today(
    fye: FiscalYearEnd, today: date, closed: int
) -> None:
    assert fye.latest_closed(today) == closed


def test_tahun_buku_is_the_year_the_fiscal_year_ends_in() -> None:
    june = FiscalYearEnd(6, 30)
    assert june.tahun_buku_of(D(2025, 6, 30)) == 2025
    assert june.tahun_buku_of(D(2025, 7, 1)) == 2026
    assert FiscalYearEnd().tahun_buku_of(D(2025, 7, 1)) == 2025


@pytest.mark.parametrize(("month", "day"), [(0, 1), (13, 1), (2, 30), (4, 31), (1, 0)])
def test_impossible_fiscal_year_ends_are_refused(month: int, day: int) -> None:
    with pytest.raises(ValueError, match="no such fiscal-year end"):
        FiscalYearEnd(month, day)

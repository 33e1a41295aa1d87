"""Who is obliged and compliant at each cut-off, and a fiscal year's season."""

from __future__ import annotations

from datetime import date

import pytest

from config import RatConfig
from domain.rat.calendar import Deadlines, FiscalYearEnd
from domain.rat.compliance import compliant_at, cutoff_date, obliged_at, season
from domain.rat.policy import KoperasiRules, new_cycle_rules

D = date
POLICY = RatConfig().policy()
PRIMER = new_cycle_rules(POLICY, KoperasiRules("primer", FiscalYearEnd(), False), 2025).deadlines
SEKUNDER = new_cycle_rules(
    POLICY, KoperasiRules("sekunder", FiscalYearEnd(), False), 2025
).deadlines


@pytest.mark.parametrize(
    ("deadlines", "cutoff", "status", "day", "obliged"),
    [
        (PRIMER, "target", "AKTIF_RAT", D(2026, 4, 1), True),
        (PRIMER, "target", "AKTIF_RAT", D(2026, 3, 31), False),
        (SEKUNDER, "target", "AKTIF_RAT", D(2026, 4, 1), False),  # counts from 30 Jun
        (SEKUNDER, "target", "AKTIF_RAT", D(2026, 7, 1), True),
        (PRIMER, "report", "RAWAN", D(2026, 5, 1), True),
        (PRIMER, "statutory", "TIDAK_AKTIF", D(2026, 7, 1), True),
        (PRIMER, "statutory", "BARU", D(2026, 7, 1), False),
        (PRIMER, "statutory", "BUBAR", D(2026, 7, 1), False),
        (PRIMER, "statutory", "DALAM_PEMBUBARAN", D(2026, 7, 1), False),
    ],
)
def test_obliged_at_a_cut_off(
    deadlines: Deadlines, cutoff: str, status: str, day: date, obliged: bool
) -> None:
    assert obliged_at(deadlines, cutoff, status, day) is obliged


@pytest.mark.parametrize(
    ("cutoff", "held", "compliant"),
    [
        ("target", D(2026, 3, 31), True),
        ("target", D(2026, 4, 1), False),
        ("report", D(2026, 4, 1), True),
        ("statutory", D(2026, 6, 30), True),
        ("statutory", D(2026, 7, 1), False),  # a late RAT never counts at the limit
        ("statutory", None, False),
    ],
)
def test_compliant_when_held_by_the_cut_offs_date(
    cutoff: str, held: date | None, compliant: bool
) -> None:
    assert compliant_at(PRIMER, cutoff, held) is compliant


def test_cut_off_dates_and_the_season() -> None:
    assert [cutoff_date(PRIMER, c) for c in ("target", "report", "statutory")] == [
        D(2026, 3, 31),
        D(2026, 4, 30),
        D(2026, 6, 30),
    ]
    assert season(PRIMER) == (D(2026, 1, 1), D(2026, 12, 31))

"""The register's RAT history as the recompute reads it: years before the first `rat_<year>`
column the register covered are unknown, not missed; a RAT the register records counts as
reported to the office (config, default on)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from config import RatConfig
from domain.rat.koperasi import KoperasiFacts
from domain.rat.policy import new_cycle_rules
from domain.rat.recompute import StoredCycle, StoredRat, plan_recompute
from domain.register_match import history_from
from domain.stages import CycleFacts

D = date
POLICY = RatConfig().policy()
TODAY = D(2026, 11, 1)  # fiscal year 2025 is due (its statutory limit was 30 Jun 2026)
OLD = D(2000, 1, 10)


def _register_cycle(year: int, held: date) -> StoredCycle:
    """A past cycle as the import seeds it: deadlines, a held date, no checklist."""
    rules = new_cycle_rules(POLICY, KoperasiFacts().rules, year)
    seeded = replace(rules, checklist=replace(rules.checklist, items=()))
    return StoredCycle(year, seeded, CycleFacts(held_date=held), {"tahap": "RAT_TERLAKSANA"})


@pytest.mark.parametrize(
    ("history_from", "held", "status", "tidak_rat"),
    [
        # Only rat_2025 in the register, blank: one missed year, not three.
        (2025, {}, "AKTIF_BELUM_RAT", False),
        (2025, {2025: D(2026, 3, 10)}, "AKTIF_RAT", False),
        (2024, {}, "RAWAN", True),  # 2024 covered and missed: its TIDAK_RAT shows
        (2023, {}, "TIDAK_AKTIF", True),
        (2023, {2024: D(2025, 3, 1)}, "AKTIF_BELUM_RAT", False),
        (None, {}, "TIDAK_AKTIF", True),  # a complete history: every year counts
        (2026, {}, "AKTIF_RAT", False),  # a register with no RAT column, imported in 2026
    ],
)
def test_years_before_the_history_are_unknown_not_missed(
    history_from: int | None, held: dict[int, date], status: str, tidak_rat: bool
) -> None:
    facts = KoperasiFacts(tgl_badan_hukum=OLD, history_from=history_from)
    cycles = {year: _register_cycle(year, day) for year, day in held.items()}
    plan = plan_recompute(StoredRat(1, facts, {}, cycles), POLICY, TODAY)
    assert plan.koperasi_values["status_aktivitas"] == status
    assert plan.koperasi_values["flag_tidak_rat"] is tidak_rat


@pytest.mark.parametrize(
    ("stored", "imported", "covered"),
    [
        (None, 2025, 2025),  # the first import
        (2023, 2025, 2023),  # a later file with fewer years never narrows it
        (2025, 2023, 2023),  # one with more widens it
        (2024, 2024, 2024),
    ],
)
def test_each_import_keeps_the_first_year_any_import_covered(
    stored: int | None, imported: int, covered: int
) -> None:
    assert history_from(stored, imported) == covered


@pytest.mark.parametrize(
    ("counts", "tahap", "terlambat_lapor"),
    [(True, "DILAPORKAN", False), (False, "RAT_TERLAKSANA", True)],
)
def test_a_rat_in_the_register_counts_as_reported_when_configured(
    counts: bool, tahap: str, terlambat_lapor: bool
) -> None:
    """2025's RAT held on time per the register, seen after its report deadline (30 Apr)."""
    policy = replace(POLICY, register_rat_reported=counts)
    rat = StoredRat(
        1, KoperasiFacts(tgl_badan_hukum=OLD), {}, {2025: _register_cycle(2025, D(2026, 3, 10))}
    )
    plan = plan_recompute(rat, policy, TODAY)
    assert plan.koperasi_values["tahap"] == tahap
    assert plan.koperasi_values["flag_terlambat_lapor"] is terlambat_lapor
    assert plan.koperasi_values["flag_terlambat_target"] is False


def test_a_cycle_with_its_own_checklist_still_waits_for_its_report() -> None:
    """Only the register's own cycles count as reported: a board's /lapor cycle does not."""
    rules = new_cycle_rules(POLICY, KoperasiFacts().rules, 2025)
    cycle = StoredCycle(7, rules, CycleFacts(held_date=D(2026, 3, 10)), {"tahap": "BELUM_MULAI"})
    plan = plan_recompute(
        StoredRat(1, KoperasiFacts(tgl_badan_hukum=OLD), {}, {2025: cycle}), POLICY, TODAY
    )
    assert plan.koperasi_values["flag_terlambat_lapor"] is True

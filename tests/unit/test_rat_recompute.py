"""What a recompute writes for one cooperative: the missing cycle, what changed, no more."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from config import RatConfig
from domain.rat.calendar import Offsets
from domain.rat.koperasi import KoperasiFacts
from domain.rat.policy import CycleRules, new_cycle_rules
from domain.rat.recompute import RatPlan, StoredCycle, StoredRat, plan_recompute
from domain.stages import CycleFacts

D = date
POLICY = RatConfig().policy()
TODAY = D(2026, 11, 1)
OLD = D(2000, 1, 10)
UNFLAGGED = {
    "flag_terlambat_target": False,
    "flag_terlambat_lapor": False,
    "flag_lewat_batas_uu": False,
    "flag_tidak_rat": False,
}


def _cycle(cycle_id: int, rules: CycleRules, facts: CycleFacts | None = None) -> StoredCycle:
    return StoredCycle(cycle_id, rules, facts or CycleFacts(), {"tahap": "BELUM_MULAI"})


def _history(cycle_id: int, year: int, held: date) -> StoredCycle:
    """A past cycle as the register import seeds it: deadlines, a held date, no checklist."""
    rules = new_cycle_rules(POLICY, KoperasiFacts().rules, year)
    stub = replace(rules, checklist=replace(rules.checklist, items=()))
    return _cycle(cycle_id, stub, CycleFacts(held_date=held))


def _rat(facts: KoperasiFacts, *cycles: tuple[int, StoredCycle]) -> StoredRat:
    return StoredRat(1, facts, {}, dict(cycles))


def _stored(rat: StoredRat, plan: RatPlan) -> StoredRat:
    """The cooperative as stored after the plan was written (the new cycle gets id 99)."""
    cycles = {
        year: replace(cycle, stored={**cycle.stored, **dict(plan.cycle_changes).get(cycle.id, {})})
        for year, cycle in rat.cycles.items()
    }
    if plan.new_cycle is not None:
        year = int(str(plan.new_cycle["tahun_buku"]))
        rules = new_cycle_rules(POLICY, rat.facts.rules, year)
        cycles[year] = StoredCycle(99, rules, CycleFacts(), dict(plan.new_cycle))
    return replace(rat, cycles=cycles, stored=dict(plan.koperasi_values))


def test_a_cooperative_with_no_rat_in_the_register_gets_its_cycle_and_every_flag() -> None:
    rat = _rat(KoperasiFacts(tgl_badan_hukum=OLD))
    plan = plan_recompute(rat, POLICY, TODAY)
    assert plan.new_cycle is not None
    assert plan.new_cycle["tahun_buku"] == 2025
    assert plan.new_cycle["target_date"] == D(2026, 3, 31)
    assert plan.new_cycle["flag_lewat_batas_uu"] is True
    assert plan.koperasi_values == {
        "status_aktivitas": "TIDAK_AKTIF",
        "last_rat_tahun_buku": None,
        "last_rat_date": None,
        "tahap": "BELUM_MULAI",
        "flag_terlambat_target": True,
        "flag_terlambat_lapor": True,
        "flag_lewat_batas_uu": True,
        "flag_tidak_rat": True,  # no RAT for 2024, whose TIDAK_RAT date (31 Dec 2025) passed
    }
    assert plan.koperasi_changed


def test_once_stored_the_same_day_changes_nothing() -> None:
    rat = _rat(KoperasiFacts(tgl_badan_hukum=OLD), (2024, _history(5, 2024, D(2025, 3, 1))))
    first = plan_recompute(rat, POLICY, TODAY)
    assert first.cycle_changes  # the history cycle gets its flags (reported: unknown)
    again = plan_recompute(_stored(rat, first), POLICY, TODAY)
    assert again.new_cycle is None
    assert again.cycle_changes == ()
    assert not again.koperasi_changed


def test_a_rat_held_late_for_the_previous_year_clears_only_tidak_rat() -> None:
    held_late = _rat(
        KoperasiFacts(tgl_badan_hukum=OLD), (2024, _history(5, 2024, D(2025, 12, 20)))
    )
    plan = plan_recompute(held_late, POLICY, TODAY)
    assert plan.koperasi_values["flag_tidak_rat"] is False
    assert plan.koperasi_values["flag_lewat_batas_uu"] is True  # the current cycle, 2025
    assert plan.koperasi_values["status_aktivitas"] == "AKTIF_BELUM_RAT"
    assert plan.koperasi_values["last_rat_tahun_buku"] == 2024
    assert dict(plan.cycle_changes)[5]["flag_lewat_batas_uu"] is True  # 2024's own RAT was late


def test_a_village_cooperative_formed_in_2025_is_baru_with_no_cycle_and_no_flags() -> None:
    plan = plan_recompute(_rat(KoperasiFacts(tgl_badan_hukum=D(2025, 8, 1))), POLICY, TODAY)
    assert plan.new_cycle is None
    assert plan.koperasi_values == {
        "status_aktivitas": "BARU",
        "last_rat_tahun_buku": None,
        "last_rat_date": None,
        "tahap": "BELUM_MULAI",
        **UNFLAGGED,
    }


def test_a_cooperative_formed_in_2024_owes_nothing_for_2024() -> None:
    plan = plan_recompute(_rat(KoperasiFacts(tgl_badan_hukum=D(2024, 5, 1))), POLICY, TODAY)
    assert plan.new_cycle is not None
    assert plan.new_cycle["tahun_buku"] == 2025
    assert plan.koperasi_values["flag_tidak_rat"] is False  # 2024 was not owed
    assert plan.koperasi_values["status_aktivitas"] == "AKTIF_BELUM_RAT"


def test_a_dissolved_cooperative_keeps_its_status_and_carries_no_flag() -> None:
    rat = _rat(KoperasiFacts(tgl_badan_hukum=OLD, status_aktivitas="BUBAR"))
    plan = plan_recompute(rat, POLICY, TODAY)
    assert plan.koperasi_values == {
        "status_aktivitas": "BUBAR",
        "last_rat_tahun_buku": None,
        "last_rat_date": None,
        "tahap": "BELUM_MULAI",
        **UNFLAGGED,
    }


def test_the_stage_comes_from_what_the_current_cycle_recorded() -> None:
    rules = new_cycle_rules(POLICY, KoperasiFacts().rules, 2025)
    reported = CycleFacts(held_date=D(2026, 3, 20), reported_date=D(2026, 4, 10))
    rat = _rat(KoperasiFacts(tgl_badan_hukum=OLD), (2025, _cycle(7, rules, reported)))
    plan = plan_recompute(rat, POLICY, TODAY)
    assert plan.new_cycle is None
    assert dict(plan.cycle_changes)[7] == {"tahap": "DILAPORKAN", **UNFLAGGED}
    assert plan.koperasi_values["tahap"] == "DILAPORKAN"
    assert plan.koperasi_values["status_aktivitas"] == "AKTIF_RAT"


def test_changed_deadlines_reach_only_open_cycles_and_only_when_applied() -> None:
    changed = replace(POLICY, offsets={**POLICY.offsets, "primer": Offsets(2, 4, 6)})
    old_rules = new_cycle_rules(POLICY, KoperasiFacts().rules, 2025)
    confirmed = CycleFacts(held_date=D(2026, 3, 1), ods_date=D(2026, 4, 1), ods_confirmed=True)
    cases = [
        (CycleFacts(), False, None, 0),  # the daily recompute keeps frozen rules
        (CycleFacts(), True, None, 1),  # bot.py recompute applies them
        (CycleFacts(), True, 2024, 0),  # … to the named fiscal year only
        (confirmed, True, None, 0),  # a cycle whose ODS entry was confirmed is closed
    ]
    for facts, apply_config, year, refreshed in cases:
        rat = _rat(KoperasiFacts(tgl_badan_hukum=OLD), (2025, _cycle(7, old_rules, facts)))
        plan = plan_recompute(rat, changed, TODAY, apply_config=apply_config, tahun_buku=year)
        assert plan.refreshed == refreshed
        target = dict(plan.cycle_changes).get(7, {}).get("target_date")
        assert target == (D(2026, 2, 28) if refreshed else None)
    history = _rat(KoperasiFacts(tgl_badan_hukum=OLD), (2025, _history(7, 2025, D(2026, 3, 1))))
    assert plan_recompute(history, changed, TODAY, apply_config=True).refreshed == 0

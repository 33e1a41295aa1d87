"""Flags from dates, late and at risk, the next deadline, and one cycle's whole assessment."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from config import RatConfig
from domain import koperasi_list
from domain.rat.assess import assess_cycle
from domain.rat.calendar import FiscalYearEnd
from domain.rat.flags import Flags, cycle_flags, is_at_risk, koperasi_flags, next_deadline
from domain.rat.policy import CycleRules, KoperasiRules, new_cycle_rules
from domain.stages import STAGES, CycleFacts

D = date
POLICY = RatConfig().policy()
PRIMER = new_cycle_rules(POLICY, KoperasiRules("primer", FiscalYearEnd(), False), 2025)
SEKUNDER = new_cycle_rules(POLICY, KoperasiRules("sekunder", FiscalYearEnd(), False), 2025)
JUNE = new_cycle_rules(POLICY, KoperasiRules("primer", FiscalYearEnd(6, 30), False), 2025)
TT, TL, LBU, TR = "TERLAMBAT_TARGET", "TERLAMBAT_LAPOR", "LEWAT_BATAS_UU", "TIDAK_RAT"


@pytest.mark.parametrize(
    ("rules", "held", "reported", "today", "flags"),
    [
        (PRIMER, None, None, D(2026, 3, 31), ()),  # the target day itself
        (PRIMER, None, None, D(2026, 4, 1), (TT,)),
        (PRIMER, None, None, D(2026, 5, 1), (TT, TL)),
        (PRIMER, None, None, D(2026, 7, 1), (TT, TL, LBU)),
        (PRIMER, None, None, D(2027, 1, 1), (TT, TL, LBU, TR)),
        (PRIMER, D(2026, 3, 20), None, D(2026, 4, 30), ()),
        (PRIMER, D(2026, 3, 20), None, D(2026, 5, 1), (TL,)),
        (PRIMER, D(2026, 3, 20), D(2026, 4, 15), D(2027, 1, 1), ()),
        # Held after the target: the flag stays; reported after the deadline: that one too.
        (PRIMER, D(2026, 4, 10), D(2026, 5, 2), D(2026, 6, 1), (TT, TL)),
        # A late RAT for a missed year clears TIDAK_RAT but not LEWAT_BATAS_UU.
        (PRIMER, D(2027, 2, 1), D(2027, 2, 5), D(2027, 2, 10), (TT, TL, LBU)),
        # Secondary cooperatives: everything falls on 30 Jun.
        (SEKUNDER, None, None, D(2026, 5, 1), ()),
        (SEKUNDER, None, None, D(2026, 7, 1), (TT, TL, LBU)),
        # A year ending 30 Jun 2025: target 30 Sep, report 31 Oct, limit 31 Dec 2025.
        (JUNE, None, None, D(2025, 10, 1), (TT,)),
        (JUNE, None, None, D(2025, 11, 1), (TT, TL)),
        (JUNE, None, None, D(2026, 7, 1), (TT, TL, LBU, TR)),
    ],
)
def test_flags_come_from_the_dates(
    rules: CycleRules,
    held: date | None,
    reported: date | None,
    today: date,
    flags: tuple[str, ...],
) -> None:
    got = cycle_flags(rules.deadlines, held, reported, today)
    assert got.codes() == flags
    assert got.late is bool(flags)


def test_a_changed_rat_date_moves_the_flags() -> None:
    late = cycle_flags(PRIMER.deadlines, D(2026, 4, 10), None, D(2026, 4, 20))
    moved = cycle_flags(PRIMER.deadlines, D(2026, 3, 28), None, D(2026, 4, 20))
    assert late.codes() == (TT,)
    assert moved.codes() == ()


def test_a_cooperative_not_obliged_carries_no_flags() -> None:
    got = cycle_flags(PRIMER.deadlines, None, None, D(2027, 1, 1), obliged=False)
    assert got == Flags()


def test_the_cooperative_shows_the_missed_years_tidak_rat_beside_the_current_cycle() -> None:
    """On 1 Jan 2027 the 2026 cycle becomes current: 2025's TIDAK_RAT must not vanish."""
    today = D(2027, 1, 1)
    cycle_2026 = new_cycle_rules(POLICY, KoperasiRules("primer", FiscalYearEnd(), False), 2026)
    current = cycle_flags(cycle_2026.deadlines, None, None, today)
    previous = cycle_flags(PRIMER.deadlines, None, None, today)
    assert current.codes() == ()
    assert koperasi_flags(current, previous).codes() == (TR,)
    held_late = cycle_flags(PRIMER.deadlines, D(2026, 12, 20), None, today)
    assert koperasi_flags(current, held_late).codes() == ()
    assert koperasi_flags(current, None) == current


def test_flags_are_stored_under_their_column_names() -> None:
    got = Flags(terlambat_target=True, tidak_rat=True)
    assert got.stored_fields() == {
        "flag_terlambat_target": True,
        "flag_terlambat_lapor": False,
        "flag_lewat_batas_uu": False,
        "flag_tidak_rat": True,
    }


TODAY = D(2026, 3, 1)


@pytest.mark.parametrize(
    ("stage", "activity", "target", "risky"),
    [
        ("BELUM_MULAI", "AKTIF_RAT", TODAY + timedelta(days=30), True),
        ("PERSIAPAN", None, TODAY, True),
        ("BELUM_MULAI", None, TODAY + timedelta(days=31), False),
        ("BELUM_MULAI", None, TODAY - timedelta(days=1), False),  # passed: late, not at risk
        ("SIAP_RAT", None, TODAY + timedelta(days=3), False),
        ("RAT_TERLAKSANA", "RAWAN", TODAY + timedelta(days=300), True),
        ("BELUM_MULAI", None, None, False),
    ],
)
def test_at_risk_agrees_with_the_koperasi_list_filter(
    stage: str, activity: str | None, target: date | None, risky: bool
) -> None:
    assert is_at_risk(stage, activity, target, TODAY, POLICY.at_risk_days) is risky
    assert koperasi_list.is_at_risk(stage, activity, target, TODAY) is risky


def test_the_at_risk_window_is_configurable() -> None:
    target = TODAY + timedelta(days=45)
    assert not is_at_risk("BELUM_MULAI", None, target, TODAY, 30)
    assert is_at_risk("BELUM_MULAI", None, target, TODAY, 60)
    assert STAGES.index("SIAP_RAT") == 2


@pytest.mark.parametrize(
    ("held", "reported", "today", "expected"),
    [
        (None, None, D(2026, 3, 1), ("target", D(2026, 3, 31), 30)),
        (None, None, D(2026, 4, 1), ("statutory", D(2026, 6, 30), 90)),
        (None, None, D(2026, 7, 1), ("tidak_rat", D(2026, 12, 31), 183)),
        (None, None, D(2027, 1, 5), ("latest_rat", D(2027, 6, 30), 176)),
        (None, None, D(2027, 7, 1), None),
        (D(2026, 3, 10), None, D(2026, 4, 1), ("report", D(2026, 4, 30), 29)),
        (D(2026, 3, 10), None, D(2026, 5, 1), None),  # overdue: the flag says so
        (D(2026, 3, 10), D(2026, 3, 20), D(2026, 4, 1), None),
    ],
)
def test_the_next_deadline_and_days_left(
    held: date | None,
    reported: date | None,
    today: date,
    expected: tuple[str, date, int] | None,
) -> None:
    got = next_deadline(PRIMER.deadlines, held, reported, today)
    assert (got and (got.kind, got.day, got.days_left)) == expected


def test_assessing_a_cycle_gives_what_is_stored_and_shown() -> None:
    facts = CycleFacts({"A1": "selesai", "A2": "selesai"})
    got = assess_cycle(PRIMER, facts, D(2026, 3, 10), activity="AKTIF_RAT", at_risk_days=30)
    assert got.stored_fields() == {
        "tahap": "PERSIAPAN",
        "flag_terlambat_target": False,
        "flag_terlambat_lapor": False,
        "flag_lewat_batas_uu": False,
        "flag_tidak_rat": False,
    }
    assert (got.progress.done, got.progress.mandatory) == (2, 7)
    assert got.at_risk
    assert got.next_deadline is not None
    assert got.next_deadline.days_left == 21


@pytest.mark.parametrize("activity", ["BUBAR", "DALAM_PEMBUBARAN"])
def test_a_dissolved_cooperative_is_neither_late_nor_at_risk(activity: str) -> None:
    got = assess_cycle(PRIMER, CycleFacts(), D(2027, 1, 1), activity=activity, at_risk_days=30)
    assert got.flags == Flags()
    assert not got.at_risk
    assert got.tahap == "BELUM_MULAI"

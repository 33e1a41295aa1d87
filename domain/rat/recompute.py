"""What a recompute changes for one cooperative, from what is stored (docs/rules.md#stages).

The service loads a cooperative's stored fields and cycles (`StoredRat`), calls
`plan_recompute`, and writes only what differs: the current cycle when it is missing, the
stage and flags of every cycle, and the cooperative's copy (activity status, last RAT, the
current cycle's stage and flags with the previous year's TIDAK_RAT). Pure: the day is passed in.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date

from domain.rat.activity import is_obliged
from domain.rat.assess import CycleAssessment, assess_cycle
from domain.rat.flags import Flags, cycle_flags, koperasi_flags
from domain.rat.koperasi import KoperasiFacts, KoperasiState, koperasi_state
from domain.rat.policy import CycleRules, RatPolicy, new_cycle_rules
from domain.rat.years import first_owed_year, owes
from domain.stages import BELUM_MULAI, CycleFacts

# The cooperative's columns a recompute sets, besides `current_rat_cycle_id`.
KOPERASI_FIELDS = (
    "status_aktivitas",
    "last_rat_tahun_buku",
    "last_rat_date",
    "tahap",
    "flag_terlambat_target",
    "flag_terlambat_lapor",
    "flag_lewat_batas_uu",
    "flag_tidak_rat",
)


@dataclass(frozen=True)
class StoredCycle:
    """A stored cycle: its frozen rules, what was recorded, and its stored stage and flags."""

    id: int
    rules: CycleRules
    facts: CycleFacts
    stored: Mapping[str, object]  # `tahap` and the `flag_*` columns as stored
    mode: str | None = None  # the planned RAT's mode (the status card shows it)

    @property
    def open(self) -> bool:
        """Whether changed configuration may still reach it (`bot.py recompute`).

        A cycle seeded from the register's history has no checklist of its own and stays as
        imported; one whose ODS entry was confirmed is closed.
        """
        done = self.facts.ods_date is not None and self.facts.ods_confirmed
        return bool(self.rules.checklist.items) and not done


@dataclass(frozen=True)
class StoredRat:
    """A cooperative as the recompute reads it: its fields, stored standing and cycles."""

    koperasi_id: int
    facts: KoperasiFacts  # its `held` is ignored: the RAT history is the cycles' held dates
    stored: Mapping[str, object]  # KOPERASI_FIELDS and `current_rat_cycle_id` as stored
    cycles: Mapping[int, StoredCycle] = field(default_factory=dict)  # by tahun buku

    @property
    def history(self) -> KoperasiFacts:
        """The cooperative's facts with its RAT history taken from its cycles."""
        held = {
            year: cycle.facts.held_date
            for year, cycle in self.cycles.items()
            if cycle.facts.held_date is not None
        }
        return replace(self.facts, held=held)


@dataclass(frozen=True)
class RatPlan:
    """The writes of one cooperative's recompute; empty when nothing changed."""

    state: KoperasiState
    new_cycle: Mapping[str, object] | None  # the current cycle to create, all its columns
    cycle_changes: tuple[tuple[int, Mapping[str, object]], ...]  # (cycle id, changed columns)
    koperasi_values: Mapping[str, object]  # every KOPERASI_FIELDS value, as computed
    koperasi_changed: bool  # whether they differ from the stored ones
    refreshed: int  # cycles whose rules the configuration changed


def plan_recompute(
    rat: StoredRat,
    policy: RatPolicy,
    today: date,
    *,
    apply_config: bool = False,
    tahun_buku: int | None = None,
) -> RatPlan:
    """The recompute of one cooperative today.

    `apply_config` (only `bot.py recompute`) gives open cycles the current configuration's
    deadlines and checklist, those of fiscal year `tahun_buku` only when it is given.
    """
    facts = rat.history
    records = [c.rules.year_record(c.facts.held_date is not None) for c in rat.cycles.values()]
    state = koperasi_state(facts, policy, today, records)
    assessed: dict[int, CycleAssessment] = {}
    changes: list[tuple[int, Mapping[str, object]]] = []
    refreshed = 0
    for year, cycle in sorted(rat.cycles.items()):
        rules = cycle.rules
        changed: dict[str, object] = {}
        if apply_config and cycle.open and tahun_buku in (None, year):
            rules = new_cycle_rules(policy, facts.rules, year)
            changed = _differing(rules.stored_fields(), cycle.rules.stored_fields())
            refreshed += bool(changed)
        assessed[year] = _assess(rules, cycle.facts, today, state, policy)
        changed.update(_differing(assessed[year].stored_fields(), cycle.stored))
        if changed:
            changes.append((cycle.id, changed))
    new_cycle = None
    current = state.current_tahun_buku
    if current is not None and current not in rat.cycles:
        rules = new_cycle_rules(policy, facts.rules, current)
        assessed[current] = _assess(rules, CycleFacts(), today, state, policy)
        new_cycle = {**rules.stored_fields(), **assessed[current].stored_fields()}
    values = _koperasi_values(facts, policy, today, state, assessed)
    return RatPlan(
        state=state,
        new_cycle=new_cycle,
        cycle_changes=tuple(changes),
        koperasi_values=values,
        koperasi_changed=bool(_differing(values, rat.stored)),
        refreshed=refreshed,
    )


def _assess(
    rules: CycleRules, facts: CycleFacts, today: date, state: KoperasiState, policy: RatPolicy
) -> CycleAssessment:
    return assess_cycle(
        rules,
        facts,
        today,
        activity=state.status_aktivitas,
        at_risk_days=policy.at_risk_days,
        register_reported=policy.register_rat_reported,
    )


def _koperasi_values(
    facts: KoperasiFacts,
    policy: RatPolicy,
    today: date,
    state: KoperasiState,
    assessed: Mapping[int, CycleAssessment],
) -> dict[str, object]:
    """The cooperative's stored copy: activity, last RAT, the current cycle's stage and flags."""
    current = state.current_tahun_buku
    if current is None:  # BARU: no owed year has closed, nothing is late
        return {**state.stored_fields(), "tahap": BELUM_MULAI, **Flags().stored_fields()}
    previous = _previous_flags(facts, policy, today, state.status_aktivitas, current - 1, assessed)
    flags = koperasi_flags(assessed[current].flags, previous)
    return {**state.stored_fields(), "tahap": assessed[current].tahap, **flags.stored_fields()}


def _previous_flags(
    facts: KoperasiFacts,
    policy: RatPolicy,
    today: date,
    activity: str,
    year: int,
    assessed: Mapping[int, CycleAssessment],
) -> Flags | None:
    """The flags of fiscal year `year` (the one before the current): its cycle's, or computed.

    A year the register shows no RAT for has no cycle; it is judged by the deadlines a new
    cycle would get. A year the cooperative did not owe (formed later) has no flags, nor one
    before the first year its RAT history covers (`history_from`: unknown, not missed).
    """
    if year in assessed:
        return assessed[year].flags
    if not owes(year, first_owed_year(facts.fye, facts.tgl_badan_hukum)):
        return None
    if facts.history_from is not None and year < facts.history_from:
        return None
    deadlines = new_cycle_rules(policy, facts.rules, year).deadlines
    return cycle_flags(deadlines, facts.held.get(year), None, today, obliged=is_obliged(activity))


def _differing(computed: Mapping[str, object], stored: Mapping[str, object]) -> dict[str, object]:
    """The computed values that differ from the stored ones."""
    return {name: value for name, value in computed.items() if stored.get(name) != value}

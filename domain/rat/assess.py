"""Everything a recompute stores or the status card shows about one cycle, in one call."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from domain.rat.activity import is_obliged
from domain.rat.checklist import Progress, progress
from domain.rat.flags import Flags, NextDeadline, cycle_flags, is_at_risk, next_deadline
from domain.rat.policy import CycleRules
from domain.stages import CycleFacts, stage_for


@dataclass(frozen=True)
class CycleAssessment:
    """The computed state of a cycle on one day."""

    tahap: str
    flags: Flags
    progress: Progress
    at_risk: bool
    next_deadline: NextDeadline | None

    def stored_fields(self) -> dict[str, object]:
        """The stored columns (`tahap`, `flag_*`), the same on the cycle and the cooperative."""
        return {"tahap": self.tahap, **self.flags.stored_fields()}


def from_register(rules: CycleRules) -> bool:
    """Whether a cycle was seeded from the office's register (it has no checklist of its own)."""
    return not rules.checklist.items


def with_register_report(rules: CycleRules, facts: CycleFacts, counts: bool) -> CycleFacts:
    """A RAT the office's own register records counts as reported to the office (when
    `counts`, config `[rat] register_rat_counts_as_reported`): on the day it was held.

    The register has no reported date; without this, every imported year would turn
    TERLAMBAT_LAPOR once its report deadline passed (docs/rules.md#the-register).
    """
    if not counts or not from_register(rules) or facts.reported_date is not None:
        return facts
    if facts.held_date is None:
        return facts
    return replace(facts, reported_date=facts.held_date)


def assess_cycle(
    rules: CycleRules,
    facts: CycleFacts,
    today: date,
    *,
    activity: str | None,
    at_risk_days: int,
    register_reported: bool = False,
) -> CycleAssessment:
    """Stage, flags, progress, at-risk and the next deadline of a cycle today.

    `activity` is the cooperative's activity status (computed first): a cooperative that is
    not obliged to hold a RAT (DALAM_PEMBUBARAN, BUBAR) gets no flags and is never at risk.
    `register_reported`: a RAT the register records counts as reported (`with_register_report`).
    """
    facts = with_register_report(rules, facts, register_reported)
    obliged = is_obliged(activity)
    tahap = stage_for(facts, rules.checklist)
    deadlines = rules.deadlines
    flags = cycle_flags(deadlines, facts.held_date, facts.reported_date, today, obliged=obliged)
    risky = obliged and is_at_risk(tahap, activity, deadlines.target_date, today, at_risk_days)
    return CycleAssessment(
        tahap=tahap,
        flags=flags,
        progress=progress(rules.checklist, facts.states),
        at_risk=risky,
        # Not obliged (dissolved or being dissolved): no deadline to count down to.
        next_deadline=(
            next_deadline(deadlines, facts.held_date, facts.reported_date, today)
            if obliged
            else None
        ),
    )

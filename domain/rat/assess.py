"""Everything a recompute stores or the status card shows about one cycle, in one call."""

from __future__ import annotations

from dataclasses import dataclass
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


def assess_cycle(
    rules: CycleRules,
    facts: CycleFacts,
    today: date,
    *,
    activity: str | None,
    at_risk_days: int,
) -> CycleAssessment:
    """Stage, flags, progress, at-risk and the next deadline of a cycle today.

    `activity` is the cooperative's activity status (computed first): a cooperative that is
    not obliged to hold a RAT (DALAM_PEMBUBARAN, BUBAR) gets no flags and is never at risk.
    """
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
        next_deadline=next_deadline(deadlines, facts.held_date, facts.reported_date, today),
    )

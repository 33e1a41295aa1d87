"""The stages of a RAT cycle (docs/rules.md#stages), lowest first, and the rule that picks one.

The stage is the highest stage whose own condition holds; earlier conditions are not
required (a RAT held with an incomplete checklist is RAT_TERLAKSANA).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from domain.rat.checklist import INVITATIONS_ITEM, SELESAI, ChecklistSpec, progress

STAGES = (
    "BELUM_MULAI",
    "PERSIAPAN",
    "SIAP_RAT",
    "TERJADWAL",
    "RAT_TERLAKSANA",
    "DILAPORKAN",
    "TERINPUT_ODS",
)
BELUM_MULAI, PERSIAPAN, SIAP_RAT, TERJADWAL, RAT_TERLAKSANA, DILAPORKAN, TERINPUT_ODS = STAGES


@dataclass(frozen=True)
class CycleFacts:
    """What has been recorded in a cycle: checklist states and milestone dates.

    `ods_confirmed` is true only when an officer or an admin confirmed the ODS entry (the
    stored `ods_confirmed_by_person_id` is set); a board member's word never makes it so.
    """

    states: Mapping[str, str] = field(default_factory=dict)
    planned_date: date | None = None
    invitation_sent_date: date | None = None
    held_date: date | None = None
    reported_date: date | None = None
    ods_date: date | None = None
    ods_confirmed: bool = False


def _conditions(facts: CycleFacts, spec: ChecklistSpec) -> tuple[bool, ...]:
    """Each stage's own condition, in `STAGES` order."""
    states = facts.states
    return (
        True,
        any(states.get(code) == SELESAI for code in spec.codes),
        progress(spec, states).complete and facts.planned_date is not None,
        states.get(INVITATIONS_ITEM) == SELESAI and facts.invitation_sent_date is not None,
        facts.held_date is not None,
        facts.reported_date is not None,
        facts.ods_date is not None and facts.ods_confirmed,
    )


def stage_for(facts: CycleFacts, spec: ChecklistSpec) -> str:
    """The highest stage whose own condition holds."""
    holds = _conditions(facts, spec)
    return next(stage for stage, ok in zip(reversed(STAGES), reversed(holds), strict=True) if ok)


def at_least(stage: str, floor: str) -> bool:
    """Whether `stage` is `floor` or a later stage."""
    return STAGES.index(stage) >= STAGES.index(floor)

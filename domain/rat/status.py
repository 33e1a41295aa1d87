"""What the status card shows about a cooperative's current RAT cycle (/status).

Pure: the service reads the cooperative, its current cycle and the checklist states, and
calls `status_card` with the day; the handler renders the result in the reader's language.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date

from domain.rat.assess import assess_cycle
from domain.rat.checklist import Progress
from domain.rat.flags import NextDeadline
from domain.rat.policy import CycleRules, RatPolicy
from domain.stages import CycleFacts


@dataclass(frozen=True)
class CycleStatus:
    """The current cycle's part of the card."""

    tahun_buku: int
    fiscal_year_end: date
    progress: Progress
    next_deadline: NextDeadline | None
    planned_date: date | None
    mode: str | None
    # Whether the fiscal year had ended on the day the card was read (its line's tense).
    year_ended: bool = False


@dataclass(frozen=True)
class StatusCard:
    """One cooperative's RAT standing as the status card shows it.

    `tahap` and `flags` are the cooperative's stored copy (the current cycle's, with the
    previous year's TIDAK_RAT); `cycle` is None while no owed fiscal year has closed (BARU).
    `follow_ups` are the lines of "tindak lanjut" the board owes (fed by the visits feature).
    """

    koperasi_id: int
    nama: str
    tahap: str
    flags: tuple[str, ...]
    status_aktivitas: str | None
    petugas_id: int | None
    petugas_name: str | None
    last_rat_tahun_buku: int | None
    last_rat_date: date | None
    cycle: CycleStatus | None
    follow_ups: tuple[str, ...] = ()
    reporting_system: str = "ods"  # "simkopdes" for KDKMP: the stage's label names it


def cycle_status(
    rules: CycleRules,
    facts: CycleFacts,
    mode: str | None,
    today: date,
    *,
    activity: str | None,
    policy: RatPolicy,
) -> CycleStatus:
    """The current cycle's progress and next deadline today."""
    assessed = assess_cycle(
        rules,
        facts,
        today,
        activity=activity,
        at_risk_days=policy.at_risk_days,
        register_reported=policy.register_rat_reported,
    )
    return CycleStatus(
        tahun_buku=rules.tahun_buku,
        fiscal_year_end=rules.deadlines.fiscal_year_end,
        progress=assessed.progress,
        next_deadline=assessed.next_deadline,
        planned_date=facts.planned_date,
        mode=mode,
        year_ended=rules.deadlines.fiscal_year_end < today,
    )


def facts_of(
    states: Mapping[str, str], milestones: Mapping[str, date | None], ods_confirmed: bool
) -> CycleFacts:
    """A cycle's facts from its checklist states and milestone dates (by column name)."""
    return CycleFacts(
        states=dict(states),
        planned_date=milestones.get("planned_date"),
        invitation_sent_date=milestones.get("invitation_sent_date"),
        held_date=milestones.get("held_date"),
        reported_date=milestones.get("reported_date"),
        ods_date=milestones.get("ods_date"),
        ods_confirmed=ods_confirmed,
    )


def with_follow_ups(card: StatusCard, lines: Sequence[str]) -> StatusCard:
    """The card with the follow-ups the board owes (the visits feature supplies them)."""
    return replace(card, follow_ups=tuple(lines))

"""Flags of a RAT cycle from its dates (docs/rules.md#stages), late and at-risk, the next deadline.

A flag records a deadline that was missed: a RAT held after the office target keeps
TERLAMBAT_TARGET, one held after the statutory limit keeps LEWAT_BATAS_UU, and a late RAT
clears only TIDAK_RAT (which says "no RAT at all"). A cooperative that is not obliged to hold
a RAT (BARU, DALAM_PEMBUBARAN, BUBAR) carries no flags.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from domain.rat.calendar import Deadlines
from domain.stages import PERSIAPAN, STAGES

FLAG_CODES = ("TERLAMBAT_TARGET", "TERLAMBAT_LAPOR", "LEWAT_BATAS_UU", "TIDAK_RAT")
# The stored columns of the four flags, on the cycle and on the cooperative.
FLAG_FIELDS = (
    "flag_terlambat_target",
    "flag_terlambat_lapor",
    "flag_lewat_batas_uu",
    "flag_tidak_rat",
)
ACTIVITY_RAWAN = "RAWAN"
STAGES_BEFORE_SIAP_RAT = STAGES[: STAGES.index(PERSIAPAN) + 1]


@dataclass(frozen=True)
class Flags:
    """The four flags of a cycle."""

    terlambat_target: bool = False
    terlambat_lapor: bool = False
    lewat_batas_uu: bool = False
    tidak_rat: bool = False

    def values(self) -> tuple[bool, bool, bool, bool]:
        """The four flags in DOMAIN order.

        Spelled out rather than `dataclasses.astuple`, which deep-copies every field: the
        daily recompute asks for them several times per cooperative.
        """
        return self.terlambat_target, self.terlambat_lapor, self.lewat_batas_uu, self.tidak_rat

    def codes(self) -> tuple[str, ...]:
        """The codes of the flags set, in DOMAIN order."""
        return tuple(code for code, on in zip(FLAG_CODES, self.values(), strict=True) if on)

    def stored_fields(self) -> dict[str, bool]:
        """The flags under the stored columns' names."""
        return dict(zip(FLAG_FIELDS, self.values(), strict=True))

    @property
    def late(self) -> bool:
        """Late = any flag."""
        return any(self.values())


def _missed(deadline: date, done_on: date | None, today: date) -> bool:
    """Whether a deadline was missed: done after it, or not done and the day has passed."""
    return done_on > deadline if done_on is not None else today > deadline


def cycle_flags(
    deadlines: Deadlines,
    held_date: date | None,
    reported_date: date | None,
    today: date,
    *,
    obliged: bool = True,
) -> Flags:
    """The flags of a cycle today."""
    if not obliged:
        return Flags()
    return Flags(
        terlambat_target=_missed(deadlines.target_date, held_date, today),
        terlambat_lapor=_missed(deadlines.report_deadline, reported_date, today),
        lewat_batas_uu=_missed(deadlines.statutory_limit, held_date, today),
        tidak_rat=held_date is None and today > deadlines.tidak_rat_date,
    )


def koperasi_flags(current: Flags, previous: Flags | None) -> Flags:
    """The flags stored on the cooperative: its current cycle's, and the year before's TIDAK_RAT.

    A year's TIDAK_RAT date is the end of the next year, the day that next year becomes the
    current cycle: copying the current cycle's flags alone would never show TIDAK_RAT. So the
    previous year's TIDAK_RAT stays on the cooperative through the current year's season.
    """
    if previous is None or not previous.tidak_rat:
        return current
    return replace(current, tidak_rat=True)


def is_at_risk(
    stage: str, activity: str | None, target_date: date | None, today: date, at_risk_days: int
) -> bool:
    """At risk: before SIAP_RAT with the office target within `at_risk_days`, or RAWAN.

    The same rule as the /koperasi "berisiko" filter (`domain.koperasi_list.is_at_risk`): a
    target already passed is late (TERLAMBAT_TARGET), not at risk.
    """
    if activity == ACTIVITY_RAWAN:
        return True
    if stage not in STAGES_BEFORE_SIAP_RAT or target_date is None:
        return False
    return 0 <= (target_date - today).days <= at_risk_days


@dataclass(frozen=True)
class NextDeadline:
    """The next deadline a cycle still has to meet, for the status card."""

    kind: str  # target | report | statutory | tidak_rat | latest_rat
    day: date
    days_left: int


def next_deadline(
    deadlines: Deadlines, held_date: date | None, reported_date: date | None, today: date
) -> NextDeadline | None:
    """The nearest deadline not yet met and not yet passed; None when nothing is left."""
    if held_date is None:
        candidates = [
            ("target", deadlines.target_date),
            ("statutory", deadlines.statutory_limit),
            ("tidak_rat", deadlines.tidak_rat_date),
            ("latest_rat", deadlines.latest_rat_date),
        ]
    elif reported_date is None:
        candidates = [("report", deadlines.report_deadline)]
    else:
        return None
    # On a tie (a secondary cooperative's target is its statutory limit) the first listed wins.
    upcoming = [(day, kind) for kind, day in candidates if day >= today]
    if not upcoming:
        return None
    day, kind = min(upcoming, key=lambda pair: pair[0])
    return NextDeadline(kind, day, (day - today).days)

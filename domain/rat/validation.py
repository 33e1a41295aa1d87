"""Validation of the RAT cycle's milestone inputs and the quorum rule.

Every refusal is an `InputError` carrying a message key and values: the form says why and
asks the same question again. Milestone dates are checked together, so changing one date
(a RAT date moved) is refused when it would put it out of order with another.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields, replace
from datetime import date
from fractions import Fraction

from domain.errors import InputError
from domain.keys import N_
from domain.parsing import parse_number
from domain.rat.calendar import Deadlines

MODES = ("luring", "daring", "hybrid", "tertulis")
DEFAULT_QUORUM_RULE = "> 1/2"
MAX_MEMBERS = 10_000_000
_QUORUM = re.compile(
    r"\s*(?P<op>>=|≥|>)\s*(?:(?P<num>\d{1,3})\s*/\s*(?P<den>\d{1,3})|(?P<pct>\d{1,3})\s*%)\s*"
)


@dataclass(frozen=True)
class MilestoneDates:
    """The dated milestones of a cycle, named as the stored cycle's columns."""

    planned_date: date | None = None
    invitation_sent_date: date | None = None
    materials_sent_date: date | None = None
    held_date: date | None = None
    reported_date: date | None = None
    ods_date: date | None = None


MILESTONE_FIELDS = tuple(f.name for f in fields(MilestoneDates))


def _check_rat_date(day: date | None, deadlines: Deadlines) -> None:
    """A RAT date lies after the fiscal year ends and at most 18 months after it."""
    if day is None:
        return
    if day <= deadlines.fiscal_year_end:
        raise InputError(N_("rat.error.before_year_end"), year_end=deadlines.fiscal_year_end)
    if day > deadlines.latest_rat_date:
        raise InputError(N_("rat.error.too_late"), latest=deadlines.latest_rat_date)


def _check_past(dates: MilestoneDates, today: date) -> None:
    """Everything but the planned date records what already happened."""
    for name in MILESTONE_FIELDS[1:]:
        day = getattr(dates, name)
        if day is not None and day > today:
            raise InputError(N_("input.date.future"), latest=today)


def _check_order(dates: MilestoneDates) -> None:
    """Invitations and materials before the RAT, the RAT before reporting and ODS entry."""
    held = dates.held_date
    if held is not None:
        if dates.invitation_sent_date is not None and dates.invitation_sent_date > held:
            raise InputError(N_("rat.error.invitation_after_held"), held=held)
        if dates.materials_sent_date is not None and dates.materials_sent_date > held:
            raise InputError(N_("rat.error.materials_after_held"), held=held)
    for name in ("reported_date", "ods_date"):
        day = getattr(dates, name)
        if day is None:
            continue
        if held is None:
            raise InputError(N_("rat.error.not_held_yet"))
        if day < held:
            raise InputError(N_("rat.error.before_held"), held=held)
    reported = dates.reported_date
    if dates.ods_date is not None and reported is not None and dates.ods_date < reported:
        raise InputError(N_("rat.error.ods_before_reported"), reported=reported)


def check_milestones(dates: MilestoneDates, deadlines: Deadlines, today: date) -> MilestoneDates:
    """`dates` if they are consistent: RAT dates in the year's window, past, in order."""
    _check_rat_date(dates.planned_date, deadlines)
    _check_rat_date(dates.held_date, deadlines)
    _check_past(dates, today)
    _check_order(dates)
    return dates


def change_milestone(
    dates: MilestoneDates, name: str, value: date | None, deadlines: Deadlines, today: date
) -> MilestoneDates:
    """The milestones with `name` set to `value`, refused if that breaks any rule."""
    if name not in MILESTONE_FIELDS:
        msg = f"not a milestone: {name}"
        raise ValueError(msg)
    return check_milestones(replace(dates, **{name: value}), deadlines, today)


def check_mode(value: str) -> str:
    """A RAT mode: luring, daring, hybrid or tertulis."""
    if value not in MODES:
        raise InputError(N_("rat.error.unknown_mode"))
    return value


@dataclass(frozen=True)
class QuorumRule:
    """More than (or at least) a share of the registered members must attend."""

    share: Fraction
    strict: bool = True

    def needed(self, registered: int) -> int:
        """The fewest members present that reach the quorum."""
        exact = self.share * registered
        if self.strict:
            return int(exact) + 1
        return -(-exact.numerator // exact.denominator)

    def reached(self, present: int, registered: int) -> bool:
        """Whether `present` members of `registered` reach the quorum."""
        return present >= self.needed(registered)


def parse_quorum_rule(text: str) -> QuorumRule:
    """A rule as the office writes it: `> 1/2`, `>= 2/3`, `≥ 2/3`, `> 50%`."""
    match = _QUORUM.fullmatch(text)
    if match is None:
        raise InputError(N_("rat.error.quorum_rule"))
    if match["pct"] is not None:
        share = Fraction(int(match["pct"]), 100)
    elif int(match["den"]) == 0:
        raise InputError(N_("rat.error.quorum_rule"))
    else:
        share = Fraction(int(match["num"]), int(match["den"]))
    if not 0 < share <= 1 or (share == 1 and match["op"] == ">"):
        raise InputError(N_("rat.error.quorum_rule"))
    return QuorumRule(share, strict=match["op"] == ">")


def parse_registered(text: str) -> int:
    """The number of registered members as typed: a whole number, at least 1."""
    return parse_number(text, minimum=1, maximum=MAX_MEMBERS)


def parse_present(text: str) -> int:
    """The number of members present as typed (0 for a written RAT answered by nobody)."""
    return parse_number(text, minimum=0, maximum=MAX_MEMBERS)


@dataclass(frozen=True)
class Attendance:
    """Who attended a held RAT and whether that reached the quorum (computed, never asked)."""

    members_registered: int
    members_present: int
    quorum_rule: str
    quorum_reached: bool


def attendance(registered: int, present: int, quorum_rule: str | None) -> Attendance:
    """The attendance of a RAT under the cooperative's quorum rule (default `> 1/2`)."""
    if registered < 1:
        raise InputError(N_("input.number.too_small"), minimum=1)
    if present > registered:
        raise InputError(
            N_("rat.error.present_over_registered"), present=present, registered=registered
        )
    rule_text = quorum_rule or DEFAULT_QUORUM_RULE
    rule = parse_quorum_rule(rule_text)
    return Attendance(registered, present, rule_text, rule.reached(present, registered))

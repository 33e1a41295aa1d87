"""Milestone inputs: dates in order and in the year's window, attendance, the quorum rule."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest

from config import RatConfig
from domain.errors import InputError
from domain.rat.calendar import FiscalYearEnd
from domain.rat.policy import KoperasiRules, new_cycle_rules
from domain.rat.validation import (
    MilestoneDates,
    QuorumRule,
    attendance,
    change_milestone,
    check_milestones,
    check_mode,
    parse_present,
    parse_quorum_rule,
    parse_registered,
)

D = date
TODAY = D(2026, 5, 1)
DEADLINES = new_cycle_rules(
    RatConfig().policy(), KoperasiRules("primer", FiscalYearEnd(), False), 2025
).deadlines
HELD = MilestoneDates(
    planned_date=D(2026, 3, 10),
    invitation_sent_date=D(2026, 2, 25),
    materials_sent_date=D(2026, 2, 26),
    held_date=D(2026, 3, 10),
    reported_date=D(2026, 3, 20),
)


@pytest.mark.parametrize(
    ("dates", "key", "params"),
    [
        (MilestoneDates(planned_date=D(2025, 12, 31)), "rat.error.before_year_end", "year_end"),
        (MilestoneDates(held_date=D(2025, 12, 1)), "rat.error.before_year_end", "year_end"),
        (MilestoneDates(planned_date=D(2027, 7, 1)), "rat.error.too_late", "latest"),
        (MilestoneDates(held_date=D(2026, 5, 2)), "input.date.future", "latest"),
        (MilestoneDates(reported_date=D(2026, 4, 1)), "rat.error.not_held_yet", None),
        (MilestoneDates(ods_date=D(2026, 4, 1)), "rat.error.not_held_yet", None),
        (
            MilestoneDates(held_date=D(2026, 3, 10), invitation_sent_date=D(2026, 3, 11)),
            "rat.error.invitation_after_held",
            "held",
        ),
        (
            MilestoneDates(held_date=D(2026, 3, 10), materials_sent_date=D(2026, 3, 11)),
            "rat.error.materials_after_held",
            "held",
        ),
        (
            MilestoneDates(held_date=D(2026, 3, 10), reported_date=D(2026, 3, 9)),
            "rat.error.before_held",
            "held",
        ),
        (
            MilestoneDates(held_date=D(2026, 3, 10), ods_date=D(2026, 3, 9)),
            "rat.error.before_held",
            "held",
        ),
        (
            MilestoneDates(
                held_date=D(2026, 3, 10), reported_date=D(2026, 3, 20), ods_date=D(2026, 3, 15)
            ),
            "rat.error.ods_before_reported",
            "reported",
        ),
        (MilestoneDates(invitation_sent_date=D(2026, 6, 1)), "input.date.future", "latest"),
    ],
)
def test_milestone_dates_out_of_order_or_outside_the_window_are_refused(
    dates: MilestoneDates, key: str, params: str | None
) -> None:
    with pytest.raises(InputError) as refused:
        check_milestones(dates, DEADLINES, TODAY)
    assert refused.value.key == key
    assert list(refused.value.params) == ([params] if params else [])


@pytest.mark.parametrize(
    "dates",
    [
        MilestoneDates(),
        HELD,
        MilestoneDates(planned_date=D(2027, 6, 30)),  # a future plan, inside 18 months
        MilestoneDates(planned_date=D(2026, 1, 1)),
        MilestoneDates(invitation_sent_date=D(2025, 12, 20)),  # sent before the year closed
        MilestoneDates(held_date=D(2026, 3, 10), reported_date=D(2026, 3, 10)),
        MilestoneDates(held_date=D(2026, 3, 10), ods_date=D(2026, 3, 12)),
    ],
)
def test_consistent_milestones_are_accepted(dates: MilestoneDates) -> None:
    assert check_milestones(dates, DEADLINES, TODAY) == dates


def test_the_rat_date_limits_are_carried_as_values() -> None:
    with pytest.raises(InputError) as refused:
        check_milestones(MilestoneDates(held_date=D(2025, 12, 31)), DEADLINES, TODAY)
    assert refused.value.params == {"year_end": D(2025, 12, 31)}
    with pytest.raises(InputError) as too_late:
        check_milestones(MilestoneDates(planned_date=D(2027, 7, 1)), DEADLINES, D(2027, 8, 1))
    assert too_late.value.params == {"latest": D(2027, 6, 30)}


def test_a_changed_rat_date_is_checked_against_the_other_dates() -> None:
    moved = change_milestone(HELD, "held_date", D(2026, 3, 5), DEADLINES, TODAY)
    assert moved.held_date == D(2026, 3, 5)
    assert moved.reported_date == HELD.reported_date
    with pytest.raises(InputError) as after_report:
        change_milestone(HELD, "held_date", D(2026, 3, 25), DEADLINES, TODAY)
    assert after_report.value.key == "rat.error.before_held"
    with pytest.raises(InputError) as before_invites:
        change_milestone(HELD, "held_date", D(2026, 2, 20), DEADLINES, TODAY)
    assert before_invites.value.key == "rat.error.invitation_after_held"
    with pytest.raises(InputError) as cleared:
        change_milestone(HELD, "held_date", None, DEADLINES, TODAY)
    assert cleared.value.key == "rat.error.not_held_yet"


def test_only_milestones_can_be_changed() -> None:
    with pytest.raises(ValueError, match="not a milestone"):
        change_milestone(HELD, "tahap", None, DEADLINES, TODAY)


def test_a_late_rat_for_a_missed_year_is_accepted_within_18_months() -> None:
    late = MilestoneDates(held_date=D(2027, 6, 30))
    assert check_milestones(late, DEADLINES, D(2027, 7, 2)) == late


def test_modes() -> None:
    modes = ("luring", "daring", "hybrid", "tertulis")
    assert tuple(check_mode(m) for m in modes) == modes
    with pytest.raises(InputError) as refused:
        check_mode("zoom")
    assert refused.value.key == "rat.error.unknown_mode"


@pytest.mark.parametrize(
    ("registered", "present", "rule", "reached", "stored_rule"),
    [
        (100, 51, None, True, "> 1/2"),  # the default rule
        (100, 50, "> 1/2", False, "> 1/2"),
        (101, 51, "> 1/2", True, "> 1/2"),
        (100, 66, ">= 2/3", False, ">= 2/3"),
        (100, 67, "≥ 2/3", True, "≥ 2/3"),
        (10, 5, ">= 1/2", True, ">= 1/2"),
        (20, 11, "> 50%", True, "> 50%"),
        (20, 0, "> 1/2", False, "> 1/2"),
    ],
)
def test_quorum_is_computed_from_the_cooperatives_rule(
    registered: int, present: int, rule: str | None, reached: bool, stored_rule: str
) -> None:
    got = attendance(registered, present, rule)
    assert got.quorum_reached is reached
    assert got.quorum_rule == stored_rule
    assert (got.members_registered, got.members_present) == (registered, present)


def test_more_members_present_than_registered_is_refused() -> None:
    with pytest.raises(InputError) as refused:
        attendance(100, 101, None)
    assert refused.value.key == "rat.error.present_over_registered"
    assert refused.value.params == {"present": 101, "registered": 100}
    with pytest.raises(InputError) as nobody:
        attendance(0, 0, None)
    assert nobody.value.key == "input.number.too_small"


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("> 1/2", QuorumRule(Fraction(1, 2), strict=True)),
        (">=2/3", QuorumRule(Fraction(2, 3), strict=False)),
        (" ≥ 3/4 ", QuorumRule(Fraction(3, 4), strict=False)),
        ("> 50%", QuorumRule(Fraction(1, 2), strict=True)),
        (">= 100%", QuorumRule(Fraction(1), strict=False)),
    ],
)
def test_quorum_rules_as_the_office_writes_them(text: str, rule: QuorumRule) -> None:
    assert parse_quorum_rule(text) == rule


@pytest.mark.parametrize("text", ["1/2", "> 3/2", "> 1/0", ">= 0/3", "half", "> 100%", ""])
def test_unreadable_quorum_rules_are_refused(text: str) -> None:
    with pytest.raises(InputError) as refused:
        parse_quorum_rule(text)
    assert refused.value.key == "rat.error.quorum_rule"


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("banyak", "input.number.invalid"),
        ("0", "input.number.too_small"),
        ("12,5", "input.number.not_whole"),
        ("-3", "input.number.negative"),
    ],
)
def test_member_counts_must_be_whole_numbers(text: str, key: str) -> None:
    with pytest.raises(InputError) as refused:
        parse_registered(text)
    assert refused.value.key == key


def test_member_counts_read_as_typed() -> None:
    assert parse_registered("1.234") == 1234
    assert parse_present("0") == 0

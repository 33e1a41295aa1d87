"""The /lapor menu's targets and the history's text values (domain.rat.report)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from domain.rat.checklist import ChecklistItem, ChecklistSpec
from domain.rat.report import (
    MILESTONES,
    as_text,
    from_text,
    is_target,
    late_target,
    late_year,
    menu,
)

SPEC = ChecklistSpec((ChecklistItem("A1", True), ChecklistItem("A2", False)))


def test_menu_lists_items_with_states_then_milestones_ods_only_for_the_office() -> None:
    board = menu(SPEC, {"A1": "selesai"}, {"plan": True}, may_confirm_ods=False)
    assert [(e.target, e.state) for e in board] == [
        ("A1", "selesai"),
        ("A2", "belum"),
        ("plan", "done"),
        ("invite", "open"),
        ("materials", "open"),
        ("held", "open"),
        ("minutes", "open"),
        ("reported", "open"),
    ]
    office = menu(SPEC, {}, {}, may_confirm_ods=True)
    assert [e.target for e in office][-1] == "ods"


@pytest.mark.parametrize(
    ("target", "expected"),
    [("A1", True), ("A3", False), *((m, True) for m in MILESTONES), ("menu", False)],
)
def test_targets_are_the_cycles_items_and_the_milestones(target: str, expected: bool) -> None:
    assert is_target(target, SPEC.codes) is expected


def test_late_targets_name_a_four_digit_year_only() -> None:
    assert late_target(2025) == "L2025"
    assert late_year("L2025") == 2025
    assert late_year("L25") is None
    assert late_year("A1") is None
    assert late_year("Lxxxx") is None


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("planned_date", date(2027, 3, 15)),
        ("members_present", 40),
        ("shu_amount", 12_500_000),
        ("quorum_reached", True),
        ("elections_held", False),
        ("minutes_uploaded_at", datetime(2027, 1, 4, 2, 0, tzinfo=UTC)),
        ("status", "selesai"),
        ("note", None),
    ],
)
def test_history_values_read_back_as_they_were(column: str, value: object) -> None:
    assert from_text(column, as_text(value)) == value

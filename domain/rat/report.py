"""What /lapor offers and how a change is kept in the history (pure).

A /lapor *target* is a checklist item code (A1–A14) or a milestone: the planned date and
mode, invitations and materials sent, the RAT held, the minutes, reported to the office,
entered in ODS. History rows store values as text (`as_text`) and undo reads them back
(`from_text`) by the column's kind.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from domain.rat.checklist import BELUM, ChecklistSpec

PLAN, INVITE, MATERIALS, HELD, MINUTES, REPORTED, ODS = (
    "plan",
    "invite",
    "materials",
    "held",
    "minutes",
    "reported",
    "ods",
)
MILESTONES = (PLAN, INVITE, MATERIALS, HELD, MINUTES, REPORTED, ODS)
# The cycle column each dated milestone sets (the RAT held and the minutes have more).
DATE_FIELDS = {
    PLAN: "planned_date",
    INVITE: "invitation_sent_date",
    MATERIALS: "materials_sent_date",
    HELD: "held_date",
    REPORTED: "reported_date",
    ODS: "ods_date",
}
DATE_COLUMNS = frozenset(DATE_FIELDS.values())
INT_COLUMNS = frozenset({"members_registered", "members_present", "shu_amount"})
BOOL_COLUMNS = frozenset(
    {
        "quorum_reached",
        "lpj_accepted",
        "statements_approved",
        "rapb_adopted",
        "shu_decided",
        "elections_held",
    }
)
INSTANT_COLUMNS = frozenset({"minutes_uploaded_at"})


@dataclass(frozen=True)
class MenuEntry:
    """One line of the /lapor menu: a target and its current state (an item's, or done)."""

    target: str
    state: str  # an item state, or "done" / "open" for a milestone


def menu(
    spec: ChecklistSpec,
    states: Mapping[str, str],
    done: Mapping[str, bool],
    *,
    may_confirm_ods: bool,
) -> list[MenuEntry]:
    """Every checklist item with its state, then the milestones (ODS only for the office).

    Items already satisfied stay listed (a board may correct one), shown as such.
    """
    entries = [MenuEntry(code, states.get(code, BELUM)) for code in spec.codes]
    for milestone in MILESTONES:
        if milestone == ODS and not may_confirm_ods:
            continue
        entries.append(MenuEntry(milestone, "done" if done.get(milestone) else "open"))
    return entries


LATE_PREFIX = "L"


def late_target(tahun_buku: int) -> str:
    """The /lapor target recording the late RAT of a missed fiscal year (`L2025`)."""
    return f"{LATE_PREFIX}{tahun_buku}"


def late_year(target: str) -> int | None:
    """The fiscal year a late-RAT target names, else None."""
    digits = target.removeprefix(LATE_PREFIX)
    if target.startswith(LATE_PREFIX) and digits.isdigit() and len(digits) == 4:
        return int(digits)
    return None


def is_target(value: str, codes: Sequence[str]) -> bool:
    """Whether `value` names a checklist item of this cycle or a milestone."""
    return value in codes or value in MILESTONES


def as_text(value: object) -> str | None:
    """A value as the history keeps it."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def from_text(column: str, text: str | None) -> object:
    """A history value read back for `column` (undo)."""
    if text is None:
        return None
    if column in DATE_COLUMNS:
        return date.fromisoformat(text)
    if column in INSTANT_COLUMNS:
        return datetime.fromisoformat(text)
    if column in INT_COLUMNS:
        return int(text)
    if column in BOOL_COLUMNS:
        return text == "true"
    return text


@dataclass(frozen=True)
class Unchecked:
    """Something a board reported that nobody in the office has checked yet.

    `kind` is `item` (row: the checklist entry) or `held` / `reported` (row: the cycle).
    """

    kind: str
    row_id: int
    koperasi_id: int
    nama: str
    target: str  # the item code, "held" / "reported", or a late RAT's target (`L2025`)
    state: str  # the item's state ("" for a milestone)
    since: datetime


@dataclass(frozen=True)
class HistoryRow:
    """One stored change of a cooperative's RAT cycle (`cycle_change`), as the history shows
    it: whose, when, which field from what to what, and of which cycle."""

    changed_at: datetime
    who: str | None
    item_code: str | None
    field: str
    old_value: str | None
    new_value: str | None
    on_behalf: bool
    tahun_buku: int
    current: bool  # of the cooperative's current cycle
    # For an officer's return: the return note stored on its item or milestone now (the
    # newest return's; None once it was checked again).
    note: str | None = None

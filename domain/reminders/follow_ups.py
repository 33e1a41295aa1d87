"""Follow-up reminders: an open follow-up (*tindak lanjut*) reminds its owner on its due date,
and once more when the job finds it overdue and never reminded (after downtime, or a due date
set in the past). A board's follow-up goes to the pengurus, an officer's to the petugas; the
office's have no reminder, nor has a cooperative being dissolved. Pure: the follow-ups and
the pass's span come in.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from domain.kunjungan import OwnerKind
from domain.rat.activity import BUBAR, DALAM_PEMBUBARAN
from domain.reminders.calendar import Audience

DISSOLVING = frozenset({DALAM_PEMBUBARAN, BUBAR})
_AUDIENCE = {OwnerKind.PENGURUS.value: Audience.BOARDS, OwnerKind.PETUGAS.value: Audience.OFFICERS}
#: The owners a follow-up reminds (a query reads only theirs: the office's are never reminded).
REMINDED_OWNERS = tuple(_AUDIENCE)


@dataclass(frozen=True, slots=True)
class FollowUpState:
    """A follow-up as the planner sees it; `last_reminded_on`: the day of its last reminder."""

    follow_up_id: int
    koperasi_id: int
    owner_kind: str
    due_date: date
    done: bool = False
    last_reminded_on: date | None = None
    status_aktivitas: str | None = None  # the cooperative's


def follow_up_audience(item: FollowUpState) -> Audience | None:
    """Who a follow-up reminds (None: the office's own, or an unknown owner)."""
    return _AUDIENCE.get(item.owner_kind)


def follow_ups_due(items: Iterable[FollowUpState], first: date, last: date) -> list[FollowUpState]:
    """The follow-ups a pass covering [first, last] reminds: open, with an owner to remind,
    and due in the span, or overdue and not reminded since — a pass planning `last` again
    keeps those it reminded that day, so its message stays the same."""
    return [
        item
        for item in items
        if not item.done
        and item.status_aktivitas not in DISSOLVING
        and follow_up_audience(item) is not None
        and item.due_date <= last
        and (
            item.due_date >= first
            or item.last_reminded_on is None
            or item.last_reminded_on >= last
        )
    ]

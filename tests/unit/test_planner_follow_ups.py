"""The follow-up reminder kind: due in the pass's span, or overdue and never reminded; to the
board or the officer by owner; never once done."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from domain.reminders import Audience, FollowUpState, follow_up_audience, follow_ups_due

MONDAY, FRIDAY = date(2027, 4, 5), date(2027, 4, 2)
SPAN = (date(2027, 4, 3), MONDAY)  # Monday's pass covers the weekend too
ITEM = FollowUpState(follow_up_id=1, koperasi_id=9, owner_kind="pengurus", due_date=MONDAY)


def reminded(item: FollowUpState) -> bool:
    return follow_ups_due([item], *SPAN) == [item]


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, True),  # due today
        ({"due_date": date(2027, 4, 4)}, True),  # due on Sunday: Monday's pass
        ({"due_date": date(2027, 4, 6)}, False),  # not due yet
        ({"due_date": FRIDAY}, True),  # overdue, never reminded (the job was down)
        ({"due_date": FRIDAY, "last_reminded_on": FRIDAY}, False),  # reminded already
        ({"due_date": FRIDAY, "last_reminded_on": MONDAY}, True),  # today's pass again
        ({"done": True}, False),  # done: it stops
        ({"done": True, "due_date": FRIDAY}, False),
        ({"owner_kind": "petugas"}, True),
        ({"owner_kind": "dinas"}, False),
        ({"status_aktivitas": "DALAM_PEMBUBARAN"}, False),  # nothing while being dissolved
        ({"status_aktivitas": "RAWAN"}, True),  # the office's own follow-ups remind nobody
    ],
)
def test_which_follow_ups_a_pass_reminds(changes: dict[str, object], expected: bool) -> None:
    assert reminded(replace(ITEM, **changes)) is expected  # type: ignore[arg-type]


def test_the_owner_decides_who_is_reminded() -> None:
    assert follow_up_audience(ITEM) is Audience.BOARDS
    assert follow_up_audience(replace(ITEM, owner_kind="petugas")) is Audience.OFFICERS
    assert follow_up_audience(replace(ITEM, owner_kind="dinas")) is None

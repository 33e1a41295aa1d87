"""Which follow-ups a pass may mark reminded: only those whose line went into a message it
queued for every owner, and not summed up as "and N more"."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from locales import Catalogues
from services.reminders.follow_ups import AddressedFollowUp, reminded
from services.reminders.texts import MAX_LINES, Line, follow_up_line, render

CATALOGUES = Catalogues(["id", "en"], "id", ZoneInfo("Asia/Jakarta"))
DUE = date(2027, 4, 1)


def test_a_follow_up_is_reminded_only_when_every_owner_got_its_line() -> None:
    line = follow_up_line("KSU Mawar", DUE, "Send the list")
    both = AddressedFollowUp(1, line, (10, 11))
    one = AddressedFollowUp(2, follow_up_line("KUD Melati", DUE, "Visit"), (12,))
    assert reminded([both, one], {10, 11, 12}, {}) == [1, 2]
    assert reminded([both, one], {10, 12}, {}) == [2]  # 11's message was there already
    assert reminded([both, one], {10, 11, 12}, {11: {line}}) == [2]  # summed up for 11


def test_lines_summed_up_as_more_are_reported_hidden() -> None:
    tr = CATALOGUES.get("id")
    lines = [follow_up_line(f"KSU {n:02}", DUE, "Send") for n in range(MAX_LINES + 3)]
    hidden: set[Line] = set()
    (text,) = render(tr, lines, 1, hidden=hidden)
    assert hidden == set(lines[MAX_LINES:])
    assert "KSU 00" in text
    assert f"KSU {MAX_LINES:02}" not in text
    hidden.clear()
    render(tr, lines[:2], 1, hidden=hidden)
    assert hidden == set()

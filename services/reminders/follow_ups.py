"""Follow-up reminders in a planner pass: each open follow-up due in the pass's span (or
overdue and never reminded) adds a line to its owners' message of the day — the board's
pengurus or the cooperative's petugas — and, once the messages are queued, is marked reminded
so an overdue one does not come back every day. A follow-up done stops being read.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date

from domain.reminders import Audience, follow_up_audience, follow_ups_due
from services.reminders.texts import Line, follow_up_line
from storage.repositories.reminders import Recipient
from storage.uow import UnitOfWork

FOLLOW_UP_ENTRY = "follow_up"


async def address_follow_ups(
    uow: Callable[[], UnitOfWork],
    span: tuple[date, date],
    lines: dict[int, list[Line]],
    people: dict[int, Recipient],
    due: Counter[str],
) -> list[int]:
    """Adds the lines of the follow-ups the pass reminds; returns their ids (those that
    reached someone)."""
    async with uow() as work:
        rows = await work.kunjungan.follow_ups_to_remind(*span)
        found = {state.follow_up_id for state in follow_ups_due((r[0] for r in rows), *span)}
        rows = [row for row in rows if row[0].follow_up_id in found]
        board_ids = sorted(
            {s.koperasi_id for s, *_ in rows if follow_up_audience(s) is Audience.BOARDS}
        )
        boards = await work.reminders.boards(board_ids) if board_ids else {}
        officer_ids = sorted(
            {p for s, _, _, p in rows if p and follow_up_audience(s) is Audience.OFFICERS}
        )
        officers = await work.reminders.people(officer_ids) if officer_ids else {}
    reminded = []
    for state, nama, description, petugas_id in rows:
        if follow_up_audience(state) is Audience.BOARDS:
            targets = list(boards.get(state.koperasi_id, ()))
        else:
            officer = officers.get(petugas_id or 0)
            targets = [officer] if officer is not None else []
        for person in targets:
            people[person.person_id] = person
            lines[person.person_id].append(follow_up_line(nama, state.due_date, description))
            due[FOLLOW_UP_ENTRY] += 1
        if targets:
            reminded.append(state.follow_up_id)
    return reminded


async def mark_reminded(uow: Callable[[], UnitOfWork], ids: list[int], today: date) -> None:
    """Records that the follow-ups were reminded today (after their messages are queued)."""
    if not ids:
        return
    async with uow() as work:
        await work.kunjungan.mark_reminded(ids, today)
        await work.commit()

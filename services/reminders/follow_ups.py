"""Follow-up reminders in a planner pass: each open follow-up due in the pass's span (or
overdue and never reminded) adds a line to its owners' message of the day — the board's
pengurus or the cooperative's petugas — and is marked reminded only once its line went into a
message the pass really queued to every owner, so an overdue one does not come back every day
and none is lost. A follow-up done stops being read.

A second pass of the same day (`bot.py remind` after the 07:00 pass) finds some owners'
message of the day queued already: their key makes the pass's row a no-op, so a line meant for
them would be lost. Such a follow-up is held back from every owner (`hold_back_follow_ups`) and
comes with the next day's messages, to all of them at once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date

from domain.reminders import Audience, follow_up_audience, follow_ups_due
from services.reminders.texts import Line, follow_up_line
from storage.repositories.reminders import Recipient
from storage.uow import UnitOfWork

FOLLOW_UP_ENTRY = "follow_up"


@dataclass(frozen=True, slots=True)
class AddressedFollowUp:
    """A follow-up a pass reminds: its line and the people it was added for."""

    follow_up_id: int
    line: Line
    owners: tuple[int, ...]


async def address_follow_ups(
    uow: Callable[[], UnitOfWork],
    span: tuple[date, date],
    lines: dict[int, list[Line]],
    people: dict[int, Recipient],
    due: Counter[str],
) -> list[AddressedFollowUp]:
    """Adds the lines of the follow-ups the pass reminds; returns those that reached someone."""
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
    addressed = []
    for state, nama, description, petugas_id in rows:
        if follow_up_audience(state) is Audience.BOARDS:
            targets = list(boards.get(state.koperasi_id, ()))
        else:
            officer = officers.get(petugas_id or 0)
            targets = [officer] if officer is not None else []
        line = follow_up_line(nama, state.due_date, description)
        for person in targets:
            people[person.person_id] = person
            lines[person.person_id].append(line)
            due[FOLLOW_UP_ENTRY] += 1
        if targets:
            owners = tuple(person.person_id for person in targets)
            addressed.append(AddressedFollowUp(state.follow_up_id, line, owners))
    return addressed


async def hold_back_follow_ups(
    uow: Callable[[], UnitOfWork],
    follow_ups: list[AddressedFollowUp],
    first_key: Callable[[int], str],
    lines: dict[int, list[Line]],
    due: Counter[str],
) -> list[AddressedFollowUp]:
    """Takes out the lines of the follow-ups one of whose owners has had their message of the
    day queued already (`first_key(person)` names it); returns the follow-ups kept."""
    owners = {person for follow_up in follow_ups for person in follow_up.owners}
    if not owners:
        return follow_ups
    async with uow() as work:
        queued = await work.outbox.existing_keys([first_key(person) for person in owners])
    kept = []
    for follow_up in follow_ups:
        if not any(first_key(person) in queued for person in follow_up.owners):
            kept.append(follow_up)
            continue
        for person in follow_up.owners:
            lines[person].remove(follow_up.line)
            due[FOLLOW_UP_ENTRY] -= 1
            if not lines[person]:
                del lines[person]
    return kept


def reminded(
    follow_ups: list[AddressedFollowUp],
    received: Collection[int],
    hidden: dict[int, set[Line]],
) -> list[int]:
    """The follow-ups whose line went into a message queued by this pass for every owner
    (`received`: the people whose messages were new) and was not summed up as "and N more"."""
    return [
        follow_up.follow_up_id
        for follow_up in follow_ups
        if all(
            person in received and follow_up.line not in hidden.get(person, ())
            for person in follow_up.owners
        )
    ]


async def mark_reminded(uow: Callable[[], UnitOfWork], ids: list[int], today: date) -> None:
    """Records that the follow-ups were reminded today (after their messages are queued)."""
    if not ids:
        return
    async with uow() as work:
        await work.kunjungan.mark_reminded(ids, today)
        await work.commit()

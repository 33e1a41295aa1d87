"""Waiting-time rules: a board's message unanswered for more than N working days reminds the
officer, for more than M escalates to the admins (docs/rules.md, `[relay]` config).

Run by the `thread_waits` job of the registry. Each note's key names the thread and the moment
its wait began, so re-running the check queues nothing twice; a new wait (after an answer)
may remind again.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from domain.relay import WaitLevel, wait_level, working_days_waited
from locales import N_, Catalogues
from services.notes import queue_note
from storage.tables import Person, Thread
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class WaitRules:
    """The thresholds and the calendar they count in."""

    remind_after: int
    escalate_after: int
    tz: ZoneInfo
    holidays: Collection[date]


async def check_waits(
    uow: UnitOfWork, catalogues: Catalogues, rules: WaitRules, now: datetime
) -> dict[WaitLevel, int]:
    """Queues the reminders and escalations due at `now`; how many threads got each.

    Reads in a fixed number of statements however many threads wait: the threads with their
    cooperatives' names, their officers, the admins (once); then one outbox row per note.
    """
    counts = dict.fromkeys((WaitLevel.REMIND, WaitLevel.ESCALATE), 0)
    due: list[tuple[Thread, str, WaitLevel, int]] = []
    # A wait shorter than a day cannot count a working day.
    for thread, nama in await uow.threads.waiting_with_names(before=now - timedelta(days=1)):
        if thread.waiting_since is None:
            continue
        days = working_days_waited(thread.waiting_since, now, rules.tz, rules.holidays)
        level = wait_level(
            days, remind_after=rules.remind_after, escalate_after=rules.escalate_after
        )
        if level is not WaitLevel.NONE:
            due.append((thread, nama or "?", level, days))
    if not due:
        return counts
    officers = await uow.people.get_many(
        thread.assigned_person_id for thread, _, level, _ in due if level is WaitLevel.REMIND
    )
    admins: list[Person] | None = None
    for thread, nama, level, days in due:
        officer = officers.get(thread.assigned_person_id or 0)
        people: list[Person]
        # The officer is reminded (the admins when the thread has none); an escalation goes
        # to every admin.
        if level is WaitLevel.REMIND and officer is not None:
            people, key = [officer], N_("relay.note.remind")
        else:
            if admins is None:
                admins = await uow.people.reachable_admins()
            people, key = admins, N_("relay.note.escalate")
        since = thread.waiting_since.isoformat() if thread.waiting_since else ""
        cause = f"thread:{thread.id}:{level.value}:{since}"
        told = False
        for person in people:
            told |= await queue_note(
                uow, catalogues, person, key, cause=cause, now=now, koperasi=nama, days=days
            )
        counts[level] += int(told)
    return counts


async def tell_undelivered(
    uow: UnitOfWork, catalogues: Catalogues, *, since: datetime, now: datetime
) -> int:
    """Tells the senders of relayed messages their recipient could not be reached (the copy
    was refused with 403 and the recipient marked unreachable); once per thread, recipient and
    day. Returns how many notes were queued."""
    told = 0
    pairs = await uow.threads.undelivered_since(since)
    people = await uow.people.get_many(
        [pair.from_person_id for pair, _ in pairs] + [recipient for _, recipient in pairs]
    )
    for pair, recipient_id in pairs:
        sender = people.get(pair.from_person_id or 0)
        recipient = people.get(recipient_id or 0)
        if sender is None or recipient is None:
            continue
        told += await queue_note(
            uow,
            catalogues,
            sender,
            N_("relay.note.undelivered"),
            cause=f"{pair.thread_id}:{recipient.id}:{pair.created_at.date().isoformat()}",
            now=now,
            about=recipient.id,
            name=recipient.full_name or "?",
        )
    return told

"""A planner pass: every cooperative read in batches, what is due planned, and one message per
person per day (configurable) written to the outbox — or, for a dry run, only counted.

Each message's idempotency key is (person, day, part): planning the same day again, in this
process or another, finds the key and writes nothing twice. A pass covers a span of dates
(`ReminderSettings.span`); what it finds is rendered in each recipient's language and goes out
as a reminder row (bulk lane: inside the day's sending window, expiring at its end).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from domain.access import Role
from domain.delivery import PRIORITY_REMINDER
from domain.reminders import Audience, DigestCounts, Entry, KoperasiState, Planner, Reminder
from locales import Catalogues
from runtime.collector import collector_paused
from services.reminders.digest import add_digests, digest_date, merge
from services.reminders.follow_ups import (
    address_follow_ups,
    hold_back_follow_ups,
    mark_reminded,
    reminded,
)
from services.reminders.settings import ReminderSettings
from services.reminders.texts import Line, Rendered, reminder_line, render, summary_line
from storage.repositories.reminders import Recipient
from storage.uow import UnitOfWork

REMINDER_KIND = "reminder"
BATCH_SIZE = 2000
WRITE_BATCH = 5000


@dataclass(frozen=True)
class PlannedMessage:
    """One message of a pass: its key, who gets it, and its text."""

    key: str
    person_id: int
    chat_id: int
    text: str


@dataclass
class PassReport:
    """What a pass found and wrote."""

    first: date
    last: date
    due: Counter[str] = field(default_factory=Counter)  # reminders per entry, per recipient
    messages: list[PlannedMessage] = field(default_factory=list)
    written: int = 0  # messages whose key was not in the outbox yet


async def plan_reminders(
    uow: Callable[[], UnitOfWork],
    catalogues: Catalogues,
    settings: ReminderSettings,
    *,
    today: date,
    span: tuple[date, date],
    now: datetime,
    dry_run: bool = False,
) -> PassReport:
    """Plans the reminders dated in `span` for a pass on `today`; writes them unless dry."""
    # A heavy day holds some 150,000 lines and messages until the end: without the pause the
    # collector walked them again and again, a third of the pass's CPU.
    with collector_paused():
        return await _plan(
            uow, catalogues, settings, today=today, span=span, now=now, dry_run=dry_run
        )


async def _plan(
    uow: Callable[[], UnitOfWork],
    catalogues: Catalogues,
    settings: ReminderSettings,
    *,
    today: date,
    span: tuple[date, date],
    now: datetime,
    dry_run: bool,
) -> PassReport:
    report = PassReport(*span)
    lines: dict[int, list[Line]] = defaultdict(list)
    people: dict[int, Recipient] = {}
    digest = digest_date(settings.digest_weekday, span)
    planner = Planner(settings.entries, at_risk_days=settings.at_risk_days)
    officers: dict[int, DigestCounts] = {}
    summaries: dict[tuple[str, date], _Summary] = {}
    officers_seen: dict[int, Recipient | None] = {}
    reach = _reach(settings.entries)
    after = 0
    while True:
        async with uow() as work:
            batch = await work.reminders.koperasi_batch(after, BATCH_SIZE, settings.tz)
            if not batch:
                break
            after = batch[-1][0].koperasi_id
            due = [(state, nama, planner.due(state, *span)) for state, nama in batch]
            await _address(work, due, lines, people, report, summaries, officers_seen, reach)
        if digest is not None:
            merge(officers, planner.digest((state for state, _ in batch), today))
    # On the roll-up's day the admins' lines travel in its caption (`admin_lines`): at most
    # one reminder message per person per day.
    if summaries and digest_date(settings.rollup_weekday, span) is None:
        await _address_admins(uow, summaries, lines, people, report)
    follow_ups = await address_follow_ups(uow, span, lines, people, report.due)
    if follow_ups and not dry_run:
        follow_ups = await hold_back_follow_ups(
            uow, follow_ups, lambda person: _key(person, today, 1), lines, report.due
        )
    if digest is not None:
        await add_digests(uow, settings, officers, digest, lines, people)
    hidden: dict[int, set[Line]] = {}
    _render(catalogues, settings, today, lines, people, report, hidden)
    if not dry_run:
        written = await _write(uow, settings, today, now, report.messages)
        report.written = len(written)
        missed = {m.person_id for m in report.messages if m.key not in written}
        received = {m.person_id for m in report.messages} - missed
        await mark_reminded(uow, reminded(follow_ups, received, hidden), today)
    return report


def _key(person_id: int, day: date, part: int) -> str:
    """A reminder message's idempotency key: one person, one day, one part."""
    return f"{REMINDER_KIND}:{person_id}:{day.isoformat()}:{part}"


async def admin_lines(
    uow: Callable[[], UnitOfWork], settings: ReminderSettings, span: tuple[date, date]
) -> list[Line]:
    """The admins' lines of a pass over `span` — one per entry and date, how many
    cooperatives — for the weekly roll-up to carry on its day (the pass then sends admins none).
    Reads the cooperatives only when an entry reaches admins."""
    entries = [entry for entry in settings.entries if Audience.ADMINS in entry.audience]
    if not entries:
        return []
    planner = Planner(entries, at_risk_days=settings.at_risk_days)
    summaries: dict[tuple[str, date], _Summary] = {}
    after = 0
    while True:
        async with uow() as work:
            batch = await work.reminders.koperasi_batch(after, BATCH_SIZE, settings.tz)
        if not batch:
            break
        after = batch[-1][0].koperasi_id
        for state, _ in batch:
            for reminder in planner.due(state, *span):
                _count(summaries, reminder)
    return [summary_line(s.entry.topic, s.count) for s in summaries.values()]


def _count(summaries: dict[tuple[str, date], _Summary], reminder: Reminder) -> None:
    summary = summaries.get((reminder.entry.name, reminder.dated))
    if summary is None:
        summary = summaries[reminder.entry.name, reminder.dated] = _Summary(reminder.entry)
    summary.count += 1


@dataclass(frozen=True, slots=True)
class _Reach:
    """Who an entry's reminders go to, looked up once per pass (not per reminder)."""

    boards: bool
    officers: bool
    admins: bool


@dataclass(slots=True)
class _Summary:
    """An admin's line in the making: an entry dated one day, and how many cooperatives."""

    entry: Entry
    count: int = 0


def _reach(entries: Iterable[Entry]) -> dict[str, _Reach]:
    return {
        entry.name: _Reach(
            Audience.BOARDS in entry.audience,
            Audience.OFFICERS in entry.audience,
            Audience.ADMINS in entry.audience,
        )
        for entry in entries
    }


async def _address(
    work: UnitOfWork,
    due: list[tuple[KoperasiState, str, list[Reminder]]],
    lines: dict[int, list[Line]],
    people: dict[int, Recipient],
    report: PassReport,
    summaries: dict[tuple[str, date], _Summary],
    officers: dict[int, Recipient | None],
    reach: dict[str, _Reach],
) -> None:
    """Adds each due reminder's line to its recipients (boards, the officer; admins later)."""
    boards = await _boards_and_officers(work, due, officers, reach)
    counted = report.due
    for state, nama, found in due:
        if not found:
            continue
        board = boards.get(state.koperasi_id, ())
        officer = officers.get(state.petugas_id) if state.petugas_id is not None else None
        for reminder in found:
            entry = reminder.entry
            to = reach[entry.name]
            targets = list(board) if to.boards else []
            if officer is not None and to.officers:
                targets.append(officer)
            if targets:
                line = reminder_line(reminder, nama, state.reporting_system)
                for person in targets:
                    people[person.person_id] = person
                    lines[person.person_id].append(line)
                counted[entry.name] += len(targets)
            if to.admins:
                _count(summaries, reminder)


async def _boards_and_officers(
    work: UnitOfWork,
    due: list[tuple[KoperasiState, str, list[Reminder]]],
    officers: dict[int, Recipient | None],
    reach: dict[str, _Reach],
) -> dict[int, list[Recipient]]:
    """The boards a batch's reminders reach; adds the officers not looked up yet to
    `officers` (None: not reachable). A pass has a few hundred officers: after the first
    batches none is read again."""
    with_boards: list[int] = []
    unknown: set[int] = set()
    for state, _, found in due:
        if not found:
            continue
        if any(reach[reminder.entry.name].boards for reminder in found):
            with_boards.append(state.koperasi_id)
        petugas = state.petugas_id
        if (
            petugas is not None
            and petugas not in officers
            and any(reach[reminder.entry.name].officers for reminder in found)
        ):
            unknown.add(petugas)
    if unknown:
        reachable = await work.reminders.people(sorted(unknown))
        officers.update({officer: reachable.get(officer) for officer in unknown})
    return await work.reminders.boards(with_boards) if with_boards else {}


async def _address_admins(
    uow: Callable[[], UnitOfWork],
    summaries: dict[tuple[str, date], _Summary],
    lines: dict[int, list[Line]],
    people: dict[int, Recipient],
    report: PassReport,
) -> None:
    """Admins get one line per entry and date: how many cooperatives it concerns."""
    async with uow() as work:
        admins = await work.reminders.office(Role.ADMIN)
    for summary in summaries.values():
        for admin in admins:
            people[admin.person_id] = admin
            lines[admin.person_id].append(summary_line(summary.entry.topic, summary.count))
            report.due[summary.entry.name] += 1


def _render(
    catalogues: Catalogues,
    settings: ReminderSettings,
    today: date,
    lines: dict[int, list[Line]],
    people: dict[int, Recipient],
    report: PassReport,
    hidden: dict[int, set[Line]],
) -> None:
    """Renders each person's messages; `hidden` gets the lines summed up as "and N more"."""
    rendered = Rendered()
    for person_id in sorted(lines):
        person = people[person_id]
        tr = catalogues.resolve(person.language, person.telegram_language_code)
        summed_up: set[Line] = set()
        texts = render(tr, lines[person_id], settings.per_person_per_day, rendered, summed_up)
        if summed_up:
            hidden[person_id] = summed_up
        for part, text in enumerate(texts, start=1):
            key = _key(person_id, today, part)
            report.messages.append(PlannedMessage(key, person_id, person.chat_id, text))


def _payload(message: PlannedMessage) -> dict[str, object]:
    return {"chat_id": message.chat_id, "text": message.text, "parse_mode": "HTML"}


async def _write(
    uow: Callable[[], UnitOfWork],
    settings: ReminderSettings,
    today: date,
    now: datetime,
    messages: list[PlannedMessage],
) -> set[str]:
    """Queues the messages, a few thousand per statement and transaction; returns the keys
    of those that were new."""
    opens, closes = settings.window(today)
    written: set[str] = set()
    for start in range(0, len(messages), WRITE_BATCH):
        rows = [
            {
                "idempotency_key": message.key,
                "chat_id": message.chat_id,
                "person_id": message.person_id,
                "priority": PRIORITY_REMINDER,
                "kind": REMINDER_KIND,
                "payload": {
                    "chat_id": message.chat_id,
                    "text": message.text,
                    "parse_mode": "HTML",
                },
                "not_before": max(now, opens),
                "expires_at": closes,
            }
            for message in messages[start : start + WRITE_BATCH]
        ]
        async with uow() as work:
            written |= await work.outbox.enqueue_bulk_keys(rows, now=now)
            await work.commit()
    return written

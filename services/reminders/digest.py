"""The officers' weekly digest: its lines, each a count per officer.

The late and at-risk counts come from the planner's pass (`domain.reminders.Planner.digest`).
Other features add their lines here as providers (follow-ups overdue, threads waiting for an
answer): a provider reads, for the officers of the digest, a figure per officer (a count and
any further numbers the text shows), and names the message key that shows it (`{count}` in
the text). Lines whose count is zero are left out.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from domain.relay import working_days_between
from domain.reminders import DigestCounts
from locales import N_
from services.reminders.settings import ReminderSettings
from services.reminders.texts import Line, digest_line
from storage.repositories.reminders import Recipient
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class DigestFigure:
    """One officer's figure on a digest line: the count, and further numbers for the text."""

    count: int
    params: tuple[tuple[str, int], ...] = ()


Counts = Callable[
    [UnitOfWork, Sequence[int], date, ReminderSettings], Awaitable[dict[int, DigestFigure]]
]


@dataclass(frozen=True)
class DigestLineProvider:
    """A digest line: its message key and the figures per officer it shows; `plural`: the
    figure whose plural form the text takes, if any (the key is then a plural entry)."""

    key: str
    counts: Counts
    plural: str = ""


async def overdue_follow_ups(
    work: UnitOfWork, officers: Sequence[int], day: date, _settings: ReminderSettings
) -> dict[int, DigestFigure]:
    """Per officer: the open follow-ups of their cooperatives overdue on `day`."""
    counts = await work.kunjungan.overdue_per_officer(list(officers), day)
    return {officer: DigestFigure(count) for officer, count in counts.items()}


async def waiting_threads(
    work: UnitOfWork, officers: Sequence[int], day: date, settings: ReminderSettings
) -> dict[int, DigestFigure]:
    """Per officer: the threads waiting for their answer since before `day`, and the longest
    wait in working days (docs/rules.md: the relay's waiting-time rules)."""
    wanted = set(officers)
    start = datetime.combine(day, time(), tzinfo=settings.tz)
    waits: dict[int, list[int]] = {}
    for thread in await work.threads.waiting(before=start):
        if thread.assigned_person_id not in wanted or thread.waiting_since is None:
            continue
        since = thread.waiting_since.astimezone(settings.tz).date()
        days = working_days_between(since, day, settings.workdays.holidays)
        waits.setdefault(thread.assigned_person_id, []).append(days)
    return {
        officer: DigestFigure(len(found), (("days", max(found)),))
        for officer, found in waits.items()
    }


#: Extra digest lines, in the order they appear after the late and at-risk lines.
DIGEST_LINES: tuple[DigestLineProvider, ...] = (
    DigestLineProvider(N_("reminder.digest.follow_ups_overdue"), overdue_follow_ups),
    DigestLineProvider(N_("reminder.digest.threads_waiting"), waiting_threads, plural="days"),
)

_NONE = DigestFigure(0)
LATE_KEY = N_("reminder.digest.late")
AT_RISK_KEY = N_("reminder.digest.at_risk")


def digest_date(weekday: int, span: tuple[date, date]) -> date | None:
    """The digest's weekday inside the span, if any (a day off rolls it forward)."""
    day = span[0]
    while day <= span[1]:
        if day.weekday() == weekday:
            return day
        day += timedelta(days=1)
    return None


def merge(into: dict[int, DigestCounts], more: dict[int, DigestCounts]) -> None:
    """Adds one batch's per-officer counts to the pass's."""
    for officer_id, counts in more.items():
        total = into.setdefault(officer_id, DigestCounts())
        total.late += counts.late
        total.at_risk += counts.at_risk


async def add_digests(
    uow: Callable[[], UnitOfWork],
    settings: ReminderSettings,
    officers: dict[int, DigestCounts],
    day: date,
    lines: dict[int, list[Line]],
    people: dict[int, Recipient],
) -> None:
    """Every officer's digest (late, at risk, then the providers' nonzero lines). The office's
    weekly roll-up is its own job (`services.reminders.rollup`), with its chart."""
    ids = sorted(officers)
    async with uow() as work:
        reachable = await work.reminders.people(ids) if ids else {}
        extra = [(p, await p.counts(work, ids, day, settings)) for p in DIGEST_LINES]
    for officer_id, counts in officers.items():
        if officer_id not in reachable:
            continue
        people[officer_id] = reachable[officer_id]
        found = [
            (LATE_KEY, DigestFigure(counts.late), ""),
            (AT_RISK_KEY, DigestFigure(counts.at_risk), ""),
        ]
        found += [(p.key, per.get(officer_id, _NONE), p.plural) for p, per in extra]
        lines[officer_id] += [
            digest_line(key, figure.count, n, figure.params, plural)
            for n, (key, figure, plural) in enumerate(found)
            if figure.count
        ]

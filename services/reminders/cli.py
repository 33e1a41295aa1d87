"""`python bot.py remind [--at ISO] [--dry-run]`: one planner pass, for cron users and for
checking what would be sent. A real run writes outbox rows that the running bot's leader sends;
a dry run prints counts per kind and the first messages and writes nothing.

On the weekly roll-up's day (`[reminders] rollup_weekday`, Monday, or the first working day
after it) the pass also plans the roll-up for admins and pimpinan, as the leader's
`weekly_rollup` job does at 07:30 (issue 14: a reminder kind of the planner): a real run draws
its chart and queues it, a dry run counts its recipients. Either writes each message once (the
outbox keys are shared with the job)."""

from __future__ import annotations

import sys
from datetime import datetime
from typing import TextIO

from config import AppConfig
from domain.clock import Clock
from locales import Catalogues
from services.reminders.plan import PassReport
from services.reminders.rollup import RollupReport, plan_rollup
from services.reminders.run import remind_at
from services.reminders.settings import ReminderSettings
from storage.engine import create_engine, session_factory
from storage.migrate import ensure_up_to_date
from storage.uow import UnitOfWork

#: Messages a dry run shows in full.
SHOWN = 5


def parse_at(value: str, cfg: AppConfig) -> datetime:
    """`--at`: an ISO date or date and time; without an offset it is the region's time (a
    bare date is that day at 07:00, when the daily run plans). Raises ValueError."""
    at = datetime.fromisoformat(value if "T" in value or " " in value else f"{value}T07:00")
    return at if at.tzinfo is not None else at.replace(tzinfo=cfg.region.tz)


async def remind_command(
    cfg: AppConfig,
    *,
    at: datetime | None,
    dry_run: bool,
    clock: Clock,
    out: TextIO | None = None,
) -> int:
    """Plans the reminders of `at`'s day (default now) and prints the report; exit code 0.

    A dry run previews the pass as if run at `at`; a real run writes rows the leader can
    still send, so a day whose sending window has closed is planned for the next one.

    Raises `DatabaseNotMigratedError` for a database that is not up to date.
    """
    out = out or sys.stdout
    now = clock.now()
    if dry_run and at is not None:
        # A preview of the pass *at* that moment: a past day is shown as its own pass saw it,
        # not moved to the next working day whose sending window is still open now.
        now = min(now, at)
    catalogues = Catalogues(cfg.i18n.locales, cfg.i18n.default_locale, cfg.region.tz)
    engine = create_engine(cfg.database.url, background=True)
    try:
        await ensure_up_to_date(engine)
        sessions = session_factory(engine)
        report = await remind_at(
            lambda: UnitOfWork(sessions),
            catalogues,
            ReminderSettings.from_config(cfg),
            at or now,
            now=now,
            dry_run=dry_run,
        )
        rollup = await plan_rollup(
            lambda **kwargs: UnitOfWork(sessions, **kwargs),
            catalogues,
            cfg,
            at or now,
            now=now,
            dry_run=dry_run,
        )
    finally:
        await engine.dispose()
    print(summary(report, dry_run=dry_run), file=out)
    if rollup.day is not None:
        print(rollup_summary(rollup, dry_run=dry_run), file=out)
    return 0


def summary(report: PassReport | None, *, dry_run: bool) -> str:
    """The operator's report: the span, counts per kind, messages, the first ones if dry."""
    if report is None:
        return "not a working day: nothing planned (it goes out on the next working day)"
    lines = [f"reminders dated {report.first} to {report.last}"]
    lines += [f"  {kind}: {count}" for kind, count in sorted(report.due.items())]
    lines.append(f"messages: {len(report.messages)}")
    if dry_run:
        lines.append("dry run: nothing written")
        for message in report.messages[:SHOWN]:
            lines += ["", f"[{message.key}] to chat {message.chat_id}", message.text]
    else:
        lines.append(
            f"queued: {report.written} (already queued: {len(report.messages) - report.written})"
        )
    return "\n".join(lines)


def rollup_summary(report: RollupReport, *, dry_run: bool) -> str:
    """The weekly roll-up's line: its day and its messages (one per admin or pimpinan)."""
    line = f"weekly roll-up of {report.day}: {report.messages} messages to admins and pimpinan"
    if dry_run:
        return f"{line} (dry run: no chart drawn, nothing written)"
    return f"{line}, queued: {report.written}"

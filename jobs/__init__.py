"""Scheduled work: every job of the bot, declared in `JOBS` below; the registry runs them.

A job is one declaration here — its name (the key of its runs in `scheduler_run`, never
renamed), when it is due, and its work — plus the function doing the work in a module of this
package. The work gets the application and the due moment it runs for:

    # jobs/reminders.py
    async def plan_reminders(app: GempurApp, due: datetime) -> None:
        ...                                 # units of work; messages only through the outbox

    # here
    Job("plan_reminders", Daily(time(7, 0)), plan_reminders),   # 07:00 in [region] tz
    Job("weekly_digest", Every(timedelta(hours=1)), send_digest),

Times of day are in the region's time zone (`[region] tz`, WIB); intervals fall on whole
multiples since the epoch. Every job runs in the leader only (`bot.py` starts the registry once
it holds the leader lock and stops it before letting go), once per due moment, even with two
processes racing; after downtime it runs once for the latest moment it missed (see
`jobs.registry`). A job may run `after` others (`after=("rat_recompute",)`): its moment waits
for their latest runs at or before it. Tests drive the registry with a frozen clock:
`run_due()` after moving it.
"""

from __future__ import annotations

from datetime import time, timedelta

from domain.schedule import Daily, Every
from handlers.context import GempurApp
from jobs.broadcasts import JOB_NAME as BROADCASTS_JOB
from jobs.broadcasts import RETENTION_JOB as BROADCAST_RETENTION_JOB
from jobs.broadcasts import broadcast_retention, broadcasts
from jobs.rat_recompute import JOB_NAME as RECOMPUTE_JOB
from jobs.rat_recompute import rat_recompute
from jobs.registry import Job, JobRegistry
from jobs.relay_undelivered import relay_undelivered
from jobs.reminders import JOB_NAME as REMINDERS_JOB
from jobs.reminders import plan_reminders
from jobs.retention import OUTBOX_JOB as OUTBOX_RETENTION_JOB
from jobs.retention import THREADS_JOB as THREAD_RETENTION_JOB
from jobs.retention import outbox_retention, thread_retention
from jobs.rollup import JOB_NAME as ROLLUP_JOB
from jobs.rollup import weekly_rollup
from jobs.rollup_snapshot import JOB_NAME as SNAPSHOT_JOB
from jobs.rollup_snapshot import rollup_snapshot
from jobs.thread_waits import thread_waits
from jobs.tick import tick
from runtime.leader import make_holder_id

__all__ = ["JOBS", "Daily", "Every", "Job", "JobRegistry", "job_registry"]

#: Every scheduled job of the bot, in the order a pass runs them.
JOBS: tuple[Job[GempurApp], ...] = (
    # Housekeeping: idle forms, expired drafts, lost album timers, old ids, the WAL.
    Job("tick", Every(timedelta(minutes=1)), tick),
    # Stage, flags and activity status of every cooperative: flags change with the date.
    Job(RECOMPUTE_JOB, Daily(time(0, 5)), rat_recompute),
    # Threads waiting for an answer: reminders and escalations, inside the sending window.
    Job("thread_waits", Daily(time(8, 0)), thread_waits),
    # Relayed messages a blocked recipient never got: their senders are told.
    Job("relay_undelivered", Every(timedelta(minutes=1)), relay_undelivered),
    # Reminders of the day (and of days missed) into the outbox, as the sending window opens;
    # after the day's recompute, whose flags it reads (at start-up both are due at once).
    Job(REMINDERS_JOB, Daily(time(7, 0)), plan_reminders, after=(RECOMPUTE_JOB,)),
    # The office's weekly roll-up with its chart, on its weekday (docs/rules.md); after the
    # day's recompute, whose stages it counts.
    Job(ROLLUP_JOB, Daily(time(7, 30)), weekly_rollup, after=(RECOMPUTE_JOB,)),
    # Scheduled broadcasts whose moment has come; progress and reports of those sending.
    Job(BROADCASTS_JOB, Every(timedelta(minutes=1)), broadcasts),
    # The texts of broadcasts settled longer than `[privacy] broadcast_retention_days` ago.
    Job(BROADCAST_RETENTION_JOB, Daily(time(3, 0)), broadcast_retention),
    # Conversations quiet longer than `[privacy] thread_retention_days`: deleted whole.
    Job(THREAD_RETENTION_JOB, Daily(time(3, 10)), thread_retention),
    # The texts of messages settled longer than `[privacy] outbox_retention_days` ago.
    Job(OUTBOX_RETENTION_JOB, Daily(time(3, 20)), outbox_retention),
    # Roll-up snapshots at each cut-off passed (after the night's recompute has set the flags).
    Job(SNAPSHOT_JOB, Daily(time(0, 30)), rollup_snapshot, after=(RECOMPUTE_JOB,)),
)


def job_registry(app: GempurApp) -> JobRegistry[GempurApp]:
    """The registry of `JOBS` for this process, on the application's database and clock."""
    services = app.bot_data.services
    return JobRegistry(
        JOBS,
        app,
        sessions=services.sessions,
        clock=services.clock,
        tz=services.config.region.tz,
        holder=make_holder_id(),
    )

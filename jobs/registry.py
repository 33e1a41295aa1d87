"""Runs the declared jobs: each due moment once, recorded in `scheduler_run`, in the leader.

For each job the registry works out the latest due moment at or before the clock's now
(`domain.schedule`), claims it by inserting (job, due moment) into `scheduler_run` in its own
committed transaction, and only then runs the job's work; afterwards it records how the run
ended. The key decides every race: two processes (an old leader finishing as a new one starts)
never both run a moment, and a moment already run is never run again.

Catch-up: after downtime a job runs *once*, for the latest moment it missed; the moments in
between are skipped, not replayed. What later jobs need is "bring things up to date now" (the
reminders planner plans from the state it reads, with its own idempotency keys), and a replay
of three days of a daily job at start-up would only repeat that work. A job that needs every
moment reads the previous run's moment from its own data.

At most once: a run whose process dies mid-way stays recorded without an end and is not
repeated; a failing run is logged and recorded as failed. The next moment runs as usual, so
a job's work should be safe to redo from the state it finds.

Order: a job may run `after` others (the reminders planner after the daily recompute, whose
flags it reads). Its moment waits until each of those is up to date — has run for its latest
moment due by now: finished (done or failed), or claimed by another process (one that stopped
or died mid-run is not waited for). Until then the moment is not claimed; the job is looked at
again as soon as any run of this registry finishes. At start-up, when every job is due at once,
the planner therefore runs once the day's recompute has finished, not beside it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domain.clock import Clock
from domain.schedule import Schedule
from storage.uow import UnitOfWork

logger = logging.getLogger(__name__)

C = TypeVar("C")

#: The longest a job's loop sleeps before looking at the clock again (a clock stepped forward
#: by NTP or a suspended machine is noticed within this).
MAX_WAIT_SECONDS = 60.0
#: How a run ended, as `scheduler_run.outcome` records it.
DONE, FAILED = "done", "failed"


@dataclass(frozen=True)
class Job(Generic[C]):
    """A scheduled job: its name (the key in `scheduler_run`), when it is due, and its work.

    `run(context, due)` gets the registry's context (the bot's application) and the due
    moment it runs for. `leader_only`: the job runs in the process holding the leader lock —
    the only process that starts a registry, so every job says so. `after`: jobs of the same
    registry whose latest moment due must have run first.
    """

    name: str
    schedule: Schedule
    run: Callable[[C, datetime], Awaitable[None]]
    leader_only: bool = True
    after: tuple[str, ...] = ()


class JobRegistry(Generic[C]):
    """The jobs of one process, each in its own loop once started; tests call `run_due`."""

    def __init__(
        self,
        jobs: Sequence[Job[C]],
        context: C,
        *,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        tz: ZoneInfo,
        holder: str,
    ) -> None:
        names = [job.name for job in jobs]
        if len(set(names)) != len(names):
            raise ValueError(f"job names must be unique: {names}")
        if not all(job.leader_only for job in jobs):
            raise ValueError("only the leader runs scheduled jobs: declare leader_only=True")
        unknown = [name for job in jobs for name in job.after if name not in names]
        if unknown:
            raise ValueError(f"jobs must run after jobs of the same registry: {unknown}")
        self._jobs = tuple(jobs)
        self._by_name = {job.name: job for job in jobs}
        self._context = context
        self._sessions = sessions
        self._clock = clock
        self._tz = tz
        self._holder = holder
        # The moment each job last claimed or lost: no insert attempt per wake-up for it.
        self._handled: dict[str, datetime] = {}
        self._stop = asyncio.Event()
        # Set (and replaced) whenever a run ends: wakes the loops of jobs waiting for it.
        self._ended = asyncio.Event()
        self._waiting: set[str] = set()
        self._loops: list[asyncio.Task[None]] = []

    async def run_due(self) -> list[tuple[str, datetime]]:
        """Runs every job that has a due moment not yet run, one after the other; returns
        the (job, moment) pairs this call ran."""
        ran = []
        for job in self._jobs:
            due = await self.run_if_due(job)
            if due is not None:
                ran.append((job.name, due))
        return ran

    async def run_if_due(self, job: Job[C]) -> datetime | None:
        """Claims the job's latest due moment and runs it; None if it is not this process's
        to run (run already, here or elsewhere)."""
        due = job.schedule.latest_due(self._clock.now(), self._tz)
        if self._handled.get(job.name) == due:
            return None
        async with UnitOfWork(self._sessions) as uow:
            if not await self._preceded(uow, job):
                self._waiting.add(job.name)
                return None
            self._waiting.discard(job.name)
            won = await uow.scheduler_runs.claim(
                job.name, due, holder=self._holder, now=self._clock.now()
            )
            await uow.commit()
        self._handled[job.name] = due
        if not won:
            return None
        try:
            outcome = await self._work(job, due)
            async with UnitOfWork(self._sessions) as uow:
                await uow.scheduler_runs.finish(
                    job.name, due, now=self._clock.now(), outcome=outcome
                )
                await uow.commit()
        finally:
            self._ended.set()
            self._ended = asyncio.Event()
        return due

    async def _preceded(self, uow: UnitOfWork, job: Job[C]) -> bool:
        """Whether every job `job` runs after has run for its latest moment due by now (a
        catch-up after midnight plans the new day: it needs that day's run), or another
        process claimed it."""
        now = self._clock.now()
        for name in job.after:
            moment = self._by_name[name].schedule.latest_due(now, self._tz)
            if not await uow.scheduler_runs.ran_since(name, moment, holder=self._holder):
                return False
        return True

    def start(self) -> None:
        """Starts one loop per job: it runs the job when due, then waits for the next moment."""
        self._stop.clear()
        self._loops = [
            asyncio.create_task(self._loop(job), name=f"job:{job.name}") for job in self._jobs
        ]

    async def stop(self, *, at_once: bool = False) -> None:
        """Stops the loops; a run in progress finishes first unless `at_once` (leadership
        lost: it is cancelled, and its moment stays claimed)."""
        self._stop.set()
        self._ended.set()  # loops waiting for another job's run
        if at_once:
            for loop in self._loops:
                loop.cancel()
        for loop in self._loops:
            with contextlib.suppress(asyncio.CancelledError):
                await loop
        self._loops = []

    async def _work(self, job: Job[C], due: datetime) -> str:
        try:
            await job.run(self._context, due)
        except Exception:
            # One failing job must not stop the others or the next moment of its own.
            logger.exception("job %s failed for %s", job.name, due.isoformat())
            return FAILED
        return DONE

    async def _loop(self, job: Job[C]) -> None:
        while not self._stop.is_set():
            ended = self._ended  # before looking: a run ending meanwhile still wakes us
            try:
                await self.run_if_due(job)
            except Exception:
                # Recording the run failed (the database is away): the loop, and the leader's
                # stop, must outlive it; the moment is tried again after the wait.
                logger.exception("job %s: recording its run failed; trying again", job.name)
            now = self._clock.now()
            wait = (job.schedule.next_due(now, self._tz) - now).total_seconds()
            # Waiting for another job's run: look again when a run ends (or the stop).
            wake = ended if job.name in self._waiting else self._stop
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wake.wait(), min(max(wait, 0.0), MAX_WAIT_SECONDS))

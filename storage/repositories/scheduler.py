"""Runs of scheduled jobs (`jobs/`): one row per (job, due moment), claimed before the work."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, exists, func, or_, select, update
from sqlalchemy.orm import aliased

from storage.repositories.base import Repository, insert_or_ignore, rowcount
from storage.tables import SchedulerRun


class SchedulerRunRepository(Repository):
    """Claiming a job's due moment, recording how the run ended, forgetting old runs."""

    async def claim(self, job: str, due_at: datetime, *, holder: str, now: datetime) -> bool:
        """Records that `holder` runs `job` for `due_at`; False if that moment, or a later
        one, was claimed already. Commit before doing the work.

        Two processes claiming the same moment meet on the primary key: one insert wins. A
        moment older than one already run never runs (a clock set back, a late process).
        """
        later = select(exists().where(SchedulerRun.job == job, SchedulerRun.due_at >= due_at))
        if await self.session.scalar(later):
            return False
        return await insert_or_ignore(
            self.session,
            SchedulerRun,
            {"job": job, "due_at": due_at, "holder": holder, "started_at": now},
            ["job", "due_at"],
        )

    async def ran_since(self, job: str, due_at: datetime, *, holder: str) -> bool:
        """Whether `job` has run for `due_at` or a later moment: finished, or claimed by a
        process other than `holder` (running elsewhere, or died mid-run: not waited for)."""
        return bool(
            await self.session.scalar(
                select(
                    exists().where(
                        SchedulerRun.job == job,
                        SchedulerRun.due_at >= due_at,
                        or_(SchedulerRun.finished_at.is_not(None), SchedulerRun.holder != holder),
                    )
                )
            )
        )

    async def previous(self, job: str, before: datetime) -> datetime | None:
        """The latest moment of `job` before `before` whose run finished (what it covered).

        A run claimed but killed, cancelled or failed covered nothing for sure: the next run
        covers its days again (work keyed idempotently, such as reminders, is safe to redo).
        """
        return await self.session.scalar(
            select(func.max(SchedulerRun.due_at)).where(
                SchedulerRun.job == job,
                SchedulerRun.due_at < before,
                SchedulerRun.outcome == "done",
            )
        )

    async def finish(self, job: str, due_at: datetime, *, now: datetime, outcome: str) -> None:
        """Records the end of a claimed run ("done" or "failed")."""
        await self.session.execute(
            update(SchedulerRun)
            .where(SchedulerRun.job == job, SchedulerRun.due_at == due_at)
            .values(finished_at=now, outcome=outcome)
            .execution_options(synchronize_session=False)
        )

    async def purge_before(self, instant: datetime) -> int:
        """Forgets runs due before `instant`, except each job's latest (which keeps an older
        moment from running again); returns how many rows went."""
        newer = aliased(SchedulerRun, name="newer")
        result = await self.session.execute(
            delete(SchedulerRun)
            .where(
                SchedulerRun.due_at < instant,
                exists().where(newer.job == SchedulerRun.job, newer.due_at > SchedulerRun.due_at),
            )
            .execution_options(synchronize_session=False)
        )
        return rowcount(result)

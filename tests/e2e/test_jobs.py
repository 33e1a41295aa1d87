"""The leader runs the scheduled jobs: started with polling, stopped cleanly with it."""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from jobs import JOBS
from jobs.registry import DONE
from storage.engine import create_engine, session_factory
from storage.tables import SchedulerRun
from storage.uow import UnitOfWork
from telegram_stub import BotApiStub
from tests.helpers.bot import bot_config, polling_bot
from tests.helpers.clock import FrozenClock


async def _runs(database_url: str) -> list[tuple[str, str | None]]:
    engine = create_engine(database_url)
    try:
        async with UnitOfWork(session_factory(engine), write=False) as uow:
            rows = await uow.session.scalars(select(SchedulerRun))
            return [(row.job, row.outcome) for row in rows]
    finally:
        await engine.dispose()


async def test_the_leader_runs_the_due_jobs_at_start_and_stops_cleanly(
    stub: BotApiStub, database_url: str, clock: FrozenClock
) -> None:
    cfg = bot_config(stub, database_url)
    async with polling_bot(cfg, clock):
        for _ in range(1000):  # the first pass starts with the leader: no schedule to wait for
            if len(await _runs(database_url)) == len(JOBS):
                break
            await asyncio.sleep(0.01)
    # Each job ran once for its latest due moment, and each run recorded its end.
    assert sorted(await _runs(database_url)) == [
        ("broadcast_retention", DONE),
        ("broadcasts", DONE),
        ("outbox_retention", DONE),
        ("plan_reminders", DONE),
        ("rat_recompute", DONE),
        ("relay_undelivered", DONE),
        ("rollup_snapshot", DONE),
        ("thread_retention", DONE),
        ("thread_waits", DONE),
        ("tick", DONE),
        ("weekly_rollup", DONE),
    ]

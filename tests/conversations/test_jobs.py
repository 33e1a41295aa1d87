"""The bot's scheduled jobs through the real application: the tick, run by the registry."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from jobs import job_registry
from jobs.registry import DONE
from jobs.tick import PROCESSED_UPDATE_RETENTION
from storage.tables import ProcessedUpdate, SchedulerRun
from tests.helpers.bot import Conversation
from tests.helpers.clock import FrozenClock


async def _update_ids(conv: Conversation) -> list[int]:
    async with conv.app.bot_data.services.uow(write=False) as uow:
        return list(await uow.session.scalars(select(ProcessedUpdate.update_id)))


async def _runs(conv: Conversation) -> list[tuple[str, str, str | None]]:
    async with conv.app.bot_data.services.uow(write=False) as uow:
        rows = await uow.session.scalars(select(SchedulerRun).order_by(SchedulerRun.due_at))
        return [(row.job, row.due_at.strftime("%H:%M"), row.outcome) for row in rows]


async def test_the_tick_runs_each_minute_and_purges_update_ids_past_retention(
    conv: Conversation, clock: FrozenClock
) -> None:
    services = conv.app.bot_data.services
    async with services.uow() as uow:
        old = clock.now() - PROCESSED_UPDATE_RETENTION + timedelta(seconds=30)
        await uow.processed_updates.mark(1, old)
        await uow.processed_updates.mark(2, clock.now())
        await uow.commit()
    jobs = job_registry(conv.app)
    # At start every job runs for its latest due moment (the waits check: 08:00 WIB today).
    assert [name for name, _ in await jobs.run_due()] == [
        "tick",
        "thread_waits",
        "relay_undelivered",
    ]
    assert await _update_ids(conv) == [1, 2]  # not past retention yet
    clock.advance(seconds=30)
    assert await jobs.run_due() == []  # the same minute: already run
    clock.advance(seconds=30)
    assert [name for name, _ in await jobs.run_due()] == ["tick", "relay_undelivered"]
    # The purge runs in a background unit of work, the WAL checkpoint on the background engine.
    assert await _update_ids(conv) == [2]
    assert [run for run in await _runs(conv) if run[0] != "relay_undelivered"] == [
        ("thread_waits", "01:00", DONE),
        ("tick", "02:00", DONE),
        ("tick", "02:01", DONE),
    ]

"""The reminders job through the real application: run by the registry at 07:00 WIB, once."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime

from sqlalchemy import select

from domain.access import Role
from handlers.context import GempurApp
from jobs import JOBS, JobRegistry, job_registry
from storage.tables import Outbox, SchedulerRun
from tests.helpers.bot import Conversation
from tests.helpers.clock import FrozenClock
from tests.helpers.seed import add_board_member, add_koperasi, add_person

Work = Callable[[GempurApp, datetime], Awaitable[None]]


async def _reminders(conv: Conversation) -> list[tuple[int, str]]:
    async with conv.app.bot_data.services.uow(write=False) as uow:
        rows = await uow.session.scalars(select(Outbox).where(Outbox.kind == "reminder"))
        return sorted((row.chat_id, row.payload["text"]) for row in rows)


async def test_the_job_plans_the_days_reminders_once_even_with_a_second_registry(
    conv: Conversation, clock: FrozenClock
) -> None:
    services = conv.app.bot_data.services
    async with services.uow() as uow:
        officer = await add_person(uow, 701, "Petugas", roles=[Role.PETUGAS])
        board = await add_person(uow, 702, "Ketua")
        koperasi = await add_koperasi(
            uow, "KSU Tepat", petugas_id=officer.id, target_date=date(2027, 3, 31)
        )
        await add_board_member(uow, board, koperasi.id)
        await uow.commit()
    clock.set(datetime(2027, 3, 31, 12, 0, tzinfo=UTC))  # 19:00 WIB on 31 March
    first, second = job_registry(conv.app), job_registry(conv.app)
    await first.run_due()  # 31 March's run: nothing is due that day
    clock.set(datetime(2027, 3, 31, 23, 59, tzinfo=UTC))  # 06:59 WIB on 1 April
    await first.run_due()
    assert await _reminders(conv) == []  # the 1 April run is not due yet
    clock.advance(seconds=60)  # 07:00 WIB
    assert "plan_reminders" in [name for name, _ in await first.run_due()]
    assert "plan_reminders" not in [name for name, _ in await second.run_due()]
    found = await _reminders(conv)
    assert [chat for chat, _ in found] == [701, 702]
    assert all("KSU Tepat" in text and "31 Maret 2027" in text for _, text in found)


async def test_at_start_up_the_planner_waits_for_the_days_recompute_to_end(
    conv: Conversation, clock: FrozenClock
) -> None:
    """Started at 09:00 WIB, the leader finds the recompute (00:05) and the planner (07:00)
    both due; each job has its own loop, yet the planner, which reads the recompute's flags,
    starts only once the recompute has ended."""
    services = conv.app.bot_data.services
    inside, release = asyncio.Event(), asyncio.Event()
    seen: list[list[str]] = []

    def held(run: Work) -> Work:
        async def recompute(app: GempurApp, due: datetime) -> None:
            inside.set()
            await release.wait()
            seen.append(await _started(conv))  # what had started while it ran
            await run(app, due)

        return recompute

    jobs = tuple(
        dataclasses.replace(job, run=held(job.run)) if job.name == "rat_recompute" else job
        for job in JOBS
    )
    registry = JobRegistry(
        jobs,
        conv.app,
        sessions=services.sessions,
        clock=services.clock,
        tz=services.config.region.tz,
        holder="leader",
    )
    registry.start()
    try:
        await asyncio.wait_for(inside.wait(), 10)
        for _ in range(20):  # every other loop has had its chance meanwhile
            await asyncio.sleep(0.01)
        release.set()
        for _ in range(1000):
            if "plan_reminders" in await _finished(conv):
                break
            await asyncio.sleep(0.01)
    finally:
        await registry.stop()
    assert "plan_reminders" not in seen[0]
    assert {"rat_recompute", "plan_reminders"} <= set(await _finished(conv))


async def _started(conv: Conversation) -> list[str]:
    async with conv.app.bot_data.services.uow(write=False) as uow:
        return list(await uow.session.scalars(select(SchedulerRun.job)))


async def _finished(conv: Conversation) -> list[str]:
    async with conv.app.bot_data.services.uow(write=False) as uow:
        rows = await uow.session.scalars(
            select(SchedulerRun.job).where(SchedulerRun.finished_at.is_not(None))
        )
        return list(rows)


async def test_a_catch_up_after_the_sending_window_queues_for_the_next_days_window(
    conv: Conversation, clock: FrozenClock
) -> None:
    """Down from before 07:00 until 21:00 WIB on 1 April: the catch-up run must not queue rows
    that expire at 20:00 unsent. It plans for 2 April's window, and 2 April's own run finds the
    messages queued (the same keys) and adds none."""
    services = conv.app.bot_data.services
    async with services.uow() as uow:
        officer = await add_person(uow, 701, "Petugas", roles=[Role.PETUGAS])
        board = await add_person(uow, 702, "Ketua")
        koperasi = await add_koperasi(
            uow, "KSU Tepat", petugas_id=officer.id, target_date=date(2027, 3, 31)
        )
        await add_board_member(uow, board, koperasi.id)
        await uow.commit()
    clock.set(datetime(2027, 4, 1, 14, 0, tzinfo=UTC))  # 21:00 WIB on Thursday 1 April
    await job_registry(conv.app).run_due()
    opens = datetime(2027, 4, 2, 0, 0, tzinfo=UTC)  # 07:00 WIB on 2 April
    closes = datetime(2027, 4, 2, 13, 0, tzinfo=UTC)  # 20:00 WIB
    rows = await _reminder_rows(conv)
    assert [(r.chat_id, r.status, r.not_before, r.expires_at) for r in rows] == [
        (701, "pending", opens, closes),
        (702, "pending", opens, closes),
    ]
    assert all("KSU Tepat" in row.payload["text"] for row in rows)
    clock.set(opens)  # 2 April, 07:00 WIB: the day's own run
    assert "plan_reminders" in [name for name, _ in await job_registry(conv.app).run_due()]
    assert [row.id for row in await _reminder_rows(conv)] == [row.id for row in rows]


async def _reminder_rows(conv: Conversation) -> list[Outbox]:
    async with conv.app.bot_data.services.uow(write=False) as uow:
        rows = await uow.session.scalars(
            select(Outbox).where(Outbox.kind == "reminder").order_by(Outbox.chat_id)
        )
        return list(rows)

"""The retention jobs' purges on SQLite and PostgreSQL (docs/privacy.md#how-long): a
conversation quiet past `[privacy] thread_retention_days` is deleted whole, one with anything
newer is kept whole, and the current season's roll-up keeps its answers."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from config import RatConfig
from domain.delivery import OutboxStatus
from domain.relay import Direction, ThreadStatus
from domain.rollup.split import RollupFilter
from services.retention import purge_old_threads
from services.rollup import headline, period_of
from storage.tables import Outbox, RelaySession, Thread, ThreadMessage
from storage.uow import UnitOfWork
from tests.helpers.rollup import AT, YEAR, seed_register

Factory = async_sessionmaker[AsyncSession]
TZ = ZoneInfo("Asia/Jakarta")
PERIOD = period_of(YEAR, RatConfig().policy(), AT, TZ)
DAYS = 730


async def _thread(
    uow: UnitOfWork, koperasi_id: int, messages: list[tuple[Direction, datetime]]
) -> int:
    """A thread with these relayed messages, each copy's outbox row sent."""
    thread = await uow.threads.create(koperasi_id, None, messages[0][1])
    for number, (direction, when) in enumerate(messages, start=1):
        copy_id = await uow.outbox.enqueue(
            idempotency_key=f"test-copy:{thread.id}:{number}",
            chat_id=2,
            method="copyMessage",
            payload={"from_chat_id": 1, "message_id": number},
            kind="relay",
            priority=10,
            now=when,
        )
        copy = await uow.session.get_one(Outbox, copy_id)
        copy.status, copy.sent_at, copy.telegram_message_id = "sent", when, 500 + number
        await uow.threads.add_pairs(
            thread,
            direction=direction,
            from_person_id=None,
            from_chat_id=1,
            from_message_id=number,
            copies=[(2, copy_id)],
            now=when,
        )
    if messages[-1][0] is Direction.TO_OFFICER:
        thread.waiting_since = messages[-1][1]
    await uow.session.flush()
    return thread.id


async def _purge(factory: Factory, now: datetime) -> int:
    async with UnitOfWork(factory) as uow:
        purged = await purge_old_threads(uow, now=now, days=DAYS)
        await uow.commit()
    return purged


async def _left(factory: Factory) -> tuple[list[int], dict[int, int], int]:
    """The threads left, their pairs per thread, and the relay copies' outbox rows."""
    async with UnitOfWork(factory, write=False) as uow:
        threads = list(await uow.session.scalars(select(Thread.id).order_by(Thread.id)))
        pairs = {
            row[0]: row[1]
            for row in await uow.session.execute(
                select(ThreadMessage.thread_id, func.count()).group_by(ThreadMessage.thread_id)
            )
        }
        copies = await uow.session.scalar(
            select(func.count()).select_from(Outbox).where(Outbox.kind == "relay")
        )
    return threads, pairs, int(copies or 0)


async def test_conversations_quiet_past_the_retention_go_whole_and_the_season_keeps_its_answers(
    factory: Factory,
) -> None:
    to_officer, to_board = Direction.TO_OFFICER, Direction.TO_BOARD
    async with UnitOfWork(factory) as uow:
        register = await seed_register(uow)  # this season's answered and waiting threads
        k = register.koperasi
        old = AT - timedelta(days=800)
        closed = await _thread(uow, k["B"], [(to_officer, old), (to_board, old)])
        (await uow.session.get_one(Thread, closed)).status = ThreadStatus.CLOSED.value
        await uow.threads.start_session(7, register.ani, closed, old)  # never ended
        waiting = await _thread(uow, k["C"], [(to_officer, AT - timedelta(days=731))])
        # Opened long ago, answered in this season: kept whole, its first message too.
        long_running = await _thread(
            uow, k["E"], [(to_officer, old), (to_board, AT - timedelta(days=10))]
        )
        just_inside = await _thread(uow, k["F"], [(to_officer, AT - timedelta(days=729))])
        # Quiet for long, but a relay session on it was active yesterday.
        relayed = await _thread(uow, k["B"], [(to_board, old)])
        await uow.threads.start_session(8, register.ani, relayed, AT - timedelta(days=1))
        await uow.commit()
    async with UnitOfWork(factory, write=False) as uow:
        before = (await headline(uow, RollupFilter(), PERIOD))["total"]
    threads, _, copies = await _left(factory)
    assert (len(threads), copies) == (7, 7)

    assert await _purge(factory, AT) == 2
    threads, pairs, copies = await _left(factory)
    assert closed not in threads
    assert waiting not in threads
    assert {long_running, just_inside, relayed} <= set(threads)
    assert (pairs[long_running], pairs[just_inside], pairs[relayed]) == (2, 1, 1)
    assert closed not in pairs
    assert waiting not in pairs
    assert copies == 4  # the copies of the three threads deleted went with them
    async with UnitOfWork(factory, write=False) as uow:
        sessions = list(await uow.session.scalars(select(RelaySession.thread_id)))
        after = (await headline(uow, RollupFilter(), PERIOD))["total"]
    assert sessions == [relayed]
    # The season's answers are the same; only the thread waiting longer than the retention
    # stopped counting as waiting.
    assert sorted(after.answer_seconds) == sorted(before.answer_seconds) != []
    assert after.threads_waiting == before.threads_waiting - 1
    assert await _purge(factory, AT) == 0  # nothing more, and nothing twice


async def test_an_unsent_copy_is_not_deleted_with_its_thread(factory: Factory) -> None:
    """A copy still pending (a sender stopped for years) is the sender's: the thread goes,
    the row stays, no longer linked."""
    async with UnitOfWork(factory) as uow:
        register = await seed_register(uow)
        old = AT - timedelta(days=800)
        thread = await _thread(uow, register.koperasi["B"], [(Direction.TO_BOARD, old)])
        row = (await uow.session.scalars(select(Outbox).where(Outbox.kind == "relay"))).one()
        row.status = OutboxStatus.PENDING.value
        await uow.commit()
    assert await _purge(factory, AT) == 1
    threads, _, copies = await _left(factory)
    assert thread not in threads
    assert copies == 1

"""SQLite writers of one process queue in-process, and a failed writer never blocks the queue."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from storage.engine import sqlite_writer_lock
from storage.uow import UnitOfWork


async def _fail_inside_a_writer(
    factory: async_sessionmaker[AsyncSession], lock: asyncio.Lock
) -> None:
    async with UnitOfWork(factory):
        assert lock.locked()
        raise RuntimeError("boom")


async def test_writers_queue_and_a_failing_writer_releases_its_place(
    engine: AsyncEngine, factory: async_sessionmaker[AsyncSession]
) -> None:
    lock = sqlite_writer_lock(engine)
    if engine.dialect.name != "sqlite":
        assert lock is None  # PostgreSQL has row locks; nothing to queue
        return
    assert lock is not None
    with pytest.raises(RuntimeError, match="boom"):
        await _fail_inside_a_writer(factory, lock)
    assert not lock.locked()
    async with UnitOfWork(factory, write=False):
        assert not lock.locked()  # readers never queue

    order: list[int] = []

    async def writer(number: int) -> None:
        async with UnitOfWork(factory) as uow:
            order.append(number)
            await asyncio.sleep(0)  # another writer could interleave here if not queued
            order.append(number)
            await uow.commit()

    await asyncio.gather(*(writer(n) for n in range(5)))
    assert order == [0, 0, 1, 1, 2, 2, 3, 3, 4, 4]

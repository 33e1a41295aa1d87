"""Unit of work: commit persists, leaving rolls back, and concurrent writers all succeed."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.tables import Koperasi, Person, ProcessedUpdate
from storage.uow import UnitOfWork

NOW = datetime(2027, 1, 4, 2, 0, tzinfo=UTC)
WRITERS = 20


async def _count(factory: async_sessionmaker[AsyncSession], entity: type[object]) -> int:
    async with UnitOfWork(factory, write=False) as uow:
        return int(await uow.session.scalar(select(func.count()).select_from(entity)) or 0)


async def test_commit_persists(factory: async_sessionmaker[AsyncSession]) -> None:
    async with UnitOfWork(factory) as uow:
        person = await uow.people.add(telegram_user_id=1001, now=NOW)
        await uow.commit()
    async with UnitOfWork(factory, write=False) as uow:
        found = await uow.people.get_by_telegram_id(1001)
    assert found is not None
    assert found.id == person.id


async def test_leaving_without_commit_rolls_back(
    factory: async_sessionmaker[AsyncSession],
) -> None:
    # Every repository call below flushes; none commits.
    async with UnitOfWork(factory) as uow:
        person = await uow.people.add(telegram_user_id=1001, now=NOW)
        await uow.roles.grant(person.id, "admin", now=NOW)
        await uow.processed_updates.mark(5, NOW)
        await uow.audit.record(None, "role.grant", "person", person.id, {"role": "admin"}, at=NOW)
        await uow.outbox.enqueue(
            idempotency_key="k", chat_id=1001, method="sendMessage",
            payload={"text": "x"}, kind="note", priority=10, now=NOW,
        )  # fmt: skip
    assert await _count(factory, Person) == 0
    assert await _count(factory, ProcessedUpdate) == 0


async def test_an_exception_rolls_back_and_propagates(
    factory: async_sessionmaker[AsyncSession],
) -> None:
    async def failing_step() -> None:
        async with UnitOfWork(factory) as uow:
            await uow.processed_updates.mark(5, NOW)
            raise LookupError("boom")

    with pytest.raises(LookupError):
        await failing_step()
    assert await _count(factory, ProcessedUpdate) == 0


async def test_work_after_a_commit_needs_its_own_commit(
    factory: async_sessionmaker[AsyncSession],
) -> None:
    async with UnitOfWork(factory) as uow:
        await uow.processed_updates.mark(1, NOW)
        await uow.commit()
        await uow.processed_updates.mark(2, NOW)
    async with UnitOfWork(factory, write=False) as uow:
        ids = list(await uow.session.scalars(select(ProcessedUpdate.update_id)))
    assert ids == [1]


async def test_each_async_with_gets_a_new_session_and_no_nesting(
    factory: async_sessionmaker[AsyncSession],
) -> None:
    uow = UnitOfWork(factory)
    async with uow:
        first = uow.session
        with pytest.raises(RuntimeError, match="already open"):
            async with uow:
                pass
    with pytest.raises(RuntimeError, match="not open"):
        _ = uow.session
    async with uow:
        assert uow.session is not first


async def test_concurrent_writers_neither_lock_out_nor_lose_updates(
    factory: async_sessionmaker[AsyncSession],
) -> None:
    async with UnitOfWork(factory) as uow:
        koperasi = await uow.koperasi.add(
            Koperasi(nama="KUD Sumber Rejeki", anggota_pria=0, created_at=NOW, updated_at=NOW)
        )
        await uow.commit()

    async def writer(number: int) -> None:
        # Read, yield to the other tasks, then write: on SQLite only BEGIN IMMEDIATE (with
        # the busy timeout) keeps this from "database is locked"; on PostgreSQL the row
        # lock (FOR UPDATE, a no-op on SQLite) keeps it from losing updates.
        async with UnitOfWork(factory) as uow:
            row = await uow.session.scalar(
                select(Koperasi).where(Koperasi.id == koperasi.id).with_for_update()
            )
            assert row is not None
            await asyncio.sleep(0.001)
            row.anggota_pria = (row.anggota_pria or 0) + 1
            await uow.processed_updates.mark(number, NOW)
            await uow.commit()

    await asyncio.gather(*(writer(number) for number in range(WRITERS)))

    async with UnitOfWork(factory, write=False) as uow:
        final = await uow.koperasi.get(koperasi.id)
    assert final is not None
    assert final.anggota_pria == WRITERS
    assert await _count(factory, ProcessedUpdate) == WRITERS

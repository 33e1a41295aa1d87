"""Engine set-up: accepted URLs, SQLite pragmas and the BEGIN recipe, savepoints."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from storage.engine import SQLITE_BUSY_TIMEOUT_MS, SQLITE_INLOOP_BUSY_TIMEOUT_MS, create_engine
from storage.tables import ProcessedUpdate, RoleGrant
from storage.uow import UnitOfWork
from tests.helpers.db import sqlite_url

NOW = datetime(2027, 1, 4, 2, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "url",
    [
        "sqlite:///gempur.db",
        "postgresql://postgres@localhost/gempur",
        "postgresql+psycopg://postgres@localhost/gempur",
        "mysql+aiomysql://root@localhost/gempur",
    ],
)
def test_other_urls_are_refused_clearly(url: str) -> None:
    with pytest.raises(ValueError, match="unsupported database URL scheme"):
        create_engine(url)


async def _pragmas(engine: AsyncEngine) -> dict[str, object]:
    names = (
        "journal_mode",
        "foreign_keys",
        "busy_timeout",
        "synchronous",
        "wal_autocheckpoint",
        "secure_delete",
    )
    try:
        async with engine.connect() as connection:
            return {
                name: (await connection.exec_driver_sql(f"PRAGMA {name}")).scalar()
                for name in names
            }
    finally:
        await engine.dispose()


async def test_sqlite_file_gets_wal_foreign_keys_and_busy_timeout(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path / "pragmas.db")
    # synchronous 1: NORMAL; secure_delete: an erased person's bytes are overwritten.
    common = {"journal_mode": "wal", "foreign_keys": 1, "synchronous": 1, "secure_delete": 1}
    # In-loop: a busy timeout of milliseconds (longer waits sleep on the loop) and no
    # checkpoint on commit (storage.engine.checkpoint_wal does it from a thread).
    assert await _pragmas(create_engine(url)) == {
        **common,
        "busy_timeout": SQLITE_INLOOP_BUSY_TIMEOUT_MS,
        "wal_autocheckpoint": 0,
    }
    assert await _pragmas(create_engine(url, background=True)) == {
        **common,
        "busy_timeout": SQLITE_BUSY_TIMEOUT_MS,
        "wal_autocheckpoint": 1000,  # SQLite's default
    }


async def test_sqlite_in_memory_works_for_a_single_task() -> None:
    engine = create_engine("sqlite+aiosqlite://")
    try:
        async with engine.begin() as connection:
            await connection.exec_driver_sql("CREATE TABLE t (x INTEGER)")
            await connection.exec_driver_sql("INSERT INTO t VALUES (1)")
        async with engine.connect() as connection:
            assert (await connection.exec_driver_sql("SELECT x FROM t")).scalar() == 1
            mode = (await connection.exec_driver_sql("PRAGMA journal_mode")).scalar()
        assert mode == "memory"
    finally:
        await engine.dispose()


def _record_begins(engine: AsyncEngine) -> list[str]:
    seen: list[str] = []

    def before_cursor_execute(*args: Any) -> None:
        statement = args[2]
        if statement.startswith("BEGIN"):
            seen.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", before_cursor_execute)
    return seen


async def test_sqlite_writers_begin_immediate_and_readers_deferred(
    backend: str, engine: AsyncEngine, factory: async_sessionmaker[AsyncSession]
) -> None:
    if backend != "sqlite":
        pytest.skip("BEGIN IMMEDIATE is SQLite's; PostgreSQL uses row locks")
    begins = _record_begins(engine)
    async with UnitOfWork(factory, write=True) as uow:
        await uow.processed_updates.mark(1, NOW)
        await uow.commit()
        await uow.processed_updates.mark(2, NOW)  # the next transaction is a writer too
        await uow.commit()
    async with UnitOfWork(factory, write=False) as uow:
        await uow.session.scalar(select(ProcessedUpdate.update_id).limit(1))
    assert begins == ["BEGIN IMMEDIATE", "BEGIN IMMEDIATE", "BEGIN"]


async def test_reader_is_not_blocked_by_an_open_writer(
    factory: async_sessionmaker[AsyncSession],
) -> None:
    async with UnitOfWork(factory) as writer:
        await writer.processed_updates.mark(1, NOW)
        # WAL on SQLite: a reader sees the last committed state while the writer holds
        # the write lock.
        async with UnitOfWork(factory, write=False) as reader:
            count = len(list(await reader.session.scalars(select(ProcessedUpdate))))
        assert count == 0
        await writer.commit()


async def test_foreign_keys_are_enforced(factory: async_sessionmaker[AsyncSession]) -> None:
    async with UnitOfWork(factory) as uow:
        uow.session.add(RoleGrant(person_id=424242, role="admin", granted_at=NOW))
        with pytest.raises(IntegrityError):
            await uow.session.flush()


async def test_savepoint_rolls_back_inside_an_outer_transaction(
    factory: async_sessionmaker[AsyncSession],
) -> None:
    # Python 3.11's sqlite3 breaks SAVEPOINT unless SQLAlchemy emits BEGIN (the recipe).
    async with UnitOfWork(factory) as uow:
        await uow.processed_updates.mark(1, NOW)
        nested = await uow.session.begin_nested()
        await uow.processed_updates.mark(2, NOW)
        await nested.rollback()
        await uow.commit()
    async with UnitOfWork(factory, write=False) as uow:
        ids = list(await uow.session.scalars(select(ProcessedUpdate.update_id)))
    assert ids == [1]


async def test_session_sees_its_own_uncommitted_writes_only(
    engine: AsyncEngine, factory: async_sessionmaker[AsyncSession]
) -> None:
    async with UnitOfWork(factory) as uow:
        await uow.processed_updates.mark(7, NOW)
        assert await uow.session.scalar(text("SELECT count(*) FROM processed_update")) == 1
    async with engine.connect() as connection:
        assert (
            await connection.execute(text("SELECT count(*) FROM processed_update"))
        ).scalar() == 0

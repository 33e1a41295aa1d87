"""SQLite units of work on the event loop's thread, heavy ones on aiosqlite's threads.

A write lock held by another process must neither freeze the loop (other coroutines keep
running while the writer waits) nor fail the writer before the budget is spent. On
PostgreSQL there is one engine and nothing to wait for in-loop.
"""

from __future__ import annotations

import asyncio
import sys
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import event, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from storage.engine import (
    WRITE_OPTION,
    background_engine,
    checkpoint_wal,
    create_engine,
    session_factory,
    sqlite_writer_lock,
)
from storage.tables import ProcessedUpdate
from storage.uow import UnitOfWork

NOW = datetime(2027, 1, 4, 2, 0, tzinfo=UTC)
WIB = timezone(timedelta(hours=7), "WIB")

# Takes SQLite's write lock, says so, and keeps it until a line arrives on stdin: what
# `python bot.py import` does to the bot for most of a minute.
_HOLDER = """
import sqlite3, sys
connection = sqlite3.connect(sys.argv[1], isolation_level=None)
connection.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
sys.stdin.readline()
connection.execute("COMMIT")
"""


@asynccontextmanager
async def _write_lock_held_by_another_process(url: str) -> AsyncIterator[None]:
    """The write lock of the database at ``url``, held by another process until the block ends."""
    holder = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        _HOLDER,
        str(make_url(url).database),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    assert holder.stdin is not None
    assert holder.stdout is not None
    try:
        assert await holder.stdout.readline() == b"locked\n"
        yield
    finally:
        holder.stdin.write(b"\n")
        await holder.stdin.drain()
        assert await holder.wait() == 0


def _skip_unless_sqlite(backend: str) -> None:
    if backend != "sqlite":
        pytest.skip("PostgreSQL has one engine and row locks: nothing waits on the loop")


def _on_statement(engine: AsyncEngine, record: Callable[[str], None]) -> None:
    def before_cursor_execute(*args: Any) -> None:
        record(args[2])

    event.listen(engine.sync_engine, "before_cursor_execute", before_cursor_execute)


async def _mark(factory: async_sessionmaker[AsyncSession], update_id: int) -> None:
    async with UnitOfWork(factory) as uow:
        await uow.processed_updates.mark(update_id, NOW)
        await uow.commit()


async def _ids(factory: async_sessionmaker[AsyncSession]) -> list[int]:
    async with UnitOfWork(factory, write=False) as uow:
        return list(await uow.session.scalars(select(ProcessedUpdate.update_id)))


async def test_a_writer_waits_for_another_process_without_freezing_the_loop(
    backend: str, migrated_url: str, engine: AsyncEngine, factory: async_sessionmaker[AsyncSession]
) -> None:
    _skip_unless_sqlite(backend)
    attempted = asyncio.Event()
    _on_statement(engine, lambda sql: attempted.set() if sql == "BEGIN IMMEDIATE" else None)
    async with _write_lock_held_by_another_process(migrated_url):
        writer = asyncio.create_task(_mark(factory, 1))
        # Set just before the first BEGIN IMMEDIATE runs; this coroutine resumes only once
        # the writer has met the lock and gone to sleep.
        await attempted.wait()
        turns = 0
        while turns < 100:
            await asyncio.sleep(0)
            turns += 1
        assert not writer.done()  # still waiting, and the loop went round 100 times
        assert await _ids(factory) == []  # readers are served meanwhile (WAL)
    await writer  # the lock was released: the write goes through
    assert await _ids(factory) == [1]


async def test_a_writer_gives_up_after_its_budget_and_frees_the_queue(
    backend: str, migrated_url: str, engine: AsyncEngine, factory: async_sessionmaker[AsyncSession]
) -> None:
    _skip_unless_sqlite(backend)
    impatient = create_engine(migrated_url, lock_wait_seconds=0.05)
    turns = 0

    async def ticker() -> None:
        nonlocal turns
        while True:
            await asyncio.sleep(0)
            turns += 1

    try:
        async with _write_lock_held_by_another_process(migrated_url):
            ticking = asyncio.create_task(ticker())
            try:
                with pytest.raises(OperationalError, match="database is locked"):
                    await _mark(session_factory(impatient), 1)
            finally:
                ticking.cancel()
            assert turns > 0  # the loop kept running while the writer waited
            lock = sqlite_writer_lock(impatient)
            assert lock is sqlite_writer_lock(engine)
            assert lock is not None
            assert not lock.locked()
        await _mark(factory, 2)  # the queue and the database are usable again
    finally:
        await impatient.dispose()
    assert await _ids(factory) == [2]


async def test_a_writer_takes_the_write_lock_on_entry(
    backend: str, migrated_url: str, factory: async_sessionmaker[AsyncSession]
) -> None:
    _skip_unless_sqlite(backend)
    # Another writer that bypasses this process's queue and gives up at once if locked.
    other = create_engine(migrated_url, lock_wait_seconds=0)
    other_writer = other.execution_options(**{WRITE_OPTION: True})
    try:
        async with UnitOfWork(factory), other_writer.connect() as connection:
            # No statement ran in the unit of work: BEGIN IMMEDIATE did, on entry.
            with pytest.raises(OperationalError, match="database is locked"):
                await connection.execute(select(1))
        async with other_writer.begin() as connection:  # free again after the exit
            await connection.execute(select(1))
    finally:
        await other.dispose()


def _report_thread(engine: AsyncEngine) -> None:
    """SQL function ``thread_id()``: the thread that runs the engine's sqlite3 calls."""

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.create_function("thread_id", 0, threading.get_ident)


async def _sqlite_thread(factory: async_sessionmaker[AsyncSession]) -> int | None:
    async with UnitOfWork(factory, write=False) as uow:
        thread: int | None = await uow.session.scalar(text("SELECT thread_id()"))
    return thread


async def test_units_of_work_run_on_the_loop_thread_and_background_ones_on_threads(
    backend: str, migrated_url: str, engine: AsyncEngine
) -> None:
    if backend != "sqlite":
        assert background_engine(engine) is engine  # PostgreSQL: one engine for both
        return
    in_loop_engine = create_engine(migrated_url)  # new connections, which get thread_id()
    background = background_engine(in_loop_engine)
    _report_thread(in_loop_engine)
    _report_thread(background)
    try:
        in_loop = await _sqlite_thread(session_factory(in_loop_engine))
        in_background = await _sqlite_thread(session_factory(background))
    finally:
        await background.dispose()
        await in_loop_engine.dispose()
    assert in_loop == threading.get_ident()
    assert in_background is not None
    assert in_background != threading.get_ident()


async def test_writers_of_both_engines_queue_on_one_lock(
    backend: str, engine: AsyncEngine, factory: async_sessionmaker[AsyncSession]
) -> None:
    _skip_unless_sqlite(backend)
    background = background_engine(engine)
    try:
        assert sqlite_writer_lock(background) is sqlite_writer_lock(engine)
        order: list[int] = []

        async def writer(number: int, sessions: async_sessionmaker[AsyncSession]) -> None:
            async with UnitOfWork(sessions) as uow:
                order.append(number)
                await uow.processed_updates.mark(number, NOW)  # the background one yields here
                order.append(number)
                await uow.commit()

        sessions = [factory, session_factory(background)]
        await asyncio.gather(*(writer(n, sessions[n % 2]) for n in range(6)))
    finally:
        await background.dispose()
    assert order == [0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    assert sorted(await _ids(factory)) == list(range(6))


async def test_instants_stay_utc_aware_across_both_engines(
    backend: str, engine: AsyncEngine, factory: async_sessionmaker[AsyncSession]
) -> None:
    background = background_engine(engine)
    try:
        async with UnitOfWork(factory) as uow:
            await uow.processed_updates.mark(1, datetime(2027, 3, 31, 23, 30, tzinfo=WIB))
            await uow.commit()
        async with UnitOfWork(session_factory(background)) as uow:
            stored = await uow.session.scalar(select(ProcessedUpdate.processed_at))
            await uow.processed_updates.mark(2, datetime(2027, 4, 1, 6, 0, tzinfo=WIB))
            await uow.commit()
        async with UnitOfWork(factory, write=False) as uow:
            second = await uow.session.scalar(
                select(ProcessedUpdate.processed_at).where(ProcessedUpdate.update_id == 2)
            )
    finally:
        if background is not engine:
            await background.dispose()
    assert stored == datetime(2027, 3, 31, 16, 30, tzinfo=UTC)
    assert second == datetime(2027, 3, 31, 23, 0, tzinfo=UTC)
    assert stored.tzinfo is not None
    assert second.tzinfo is not None


async def test_the_background_engine_checkpoints_what_the_loop_wrote(
    backend: str, engine: AsyncEngine, factory: async_sessionmaker[AsyncSession]
) -> None:
    background = background_engine(engine)
    try:
        for update_id in range(3):
            await _mark(factory, update_id)
        checkpoint = await checkpoint_wal(background)
        if backend != "sqlite":
            assert checkpoint is None
            return
        assert await checkpoint_wal(engine) is None  # never from the loop's thread
        assert checkpoint is not None
        wal_pages, copied = checkpoint
        assert wal_pages > 0  # the in-loop commits left their pages in the WAL
        assert copied == wal_pages
    finally:
        if background is not engine:
            await background.dispose()

"""The leader lock on SQLite (lease row) and PostgreSQL (advisory lock), and its loops.

Two lock objects stand for two processes. Time moves only by the frozen clock and the
injected ``sleep``; nothing here waits for a schedule.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import Row, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from runtime.leader import (
    LEASE_TTL,
    RENEW_SECONDS,
    RETRY_SECONDS,
    LeaderLock,
    keep_leadership,
    leader_lock_for,
    make_holder_id,
    wait_for_leadership,
)
from storage.engine import create_engine
from storage.leader import LEADER_LOCK_NAME, PostgresAdvisoryLock, advisory_key
from storage.tables import LeaderLease
from tests.helpers.clock import FrozenClock
from tests.helpers.db import (
    POSTGRES_SKIP_REASON,
    create_temp_pg_database,
    drop_database,
    migrated_engine,
    postgres_admin_url,
    sqlite_url,
)

TTL = LEASE_TTL
Pair = tuple[LeaderLock, LeaderLock]


@pytest.fixture
def clock() -> FrozenClock:
    """Shared by both "processes", as the real clock would be on one host."""
    return FrozenClock()


@pytest.fixture
async def sqlite_engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    """A migrated SQLite file, for the lease-specific tests."""
    engine = await migrated_engine(sqlite_url(tmp_path / "leader.db"))
    try:
        yield engine
    finally:
        await engine.dispose()


@pytest.fixture
async def pg_engine() -> AsyncIterator[AsyncEngine]:
    """A fresh PostgreSQL database, for the advisory-lock-specific tests."""
    admin_url = postgres_admin_url()
    if admin_url is None:
        pytest.skip(POSTGRES_SKIP_REASON)
    url = await create_temp_pg_database(admin_url)
    engine = create_engine(url)
    try:
        yield engine
    finally:
        await engine.dispose()
        await drop_database(admin_url, url)


@asynccontextmanager
async def _two_locks(engine: AsyncEngine, clock: FrozenClock) -> AsyncIterator[Pair]:
    """Two processes' locks; released (PostgreSQL: connections closed) on the way out."""
    pair = (
        leader_lock_for(engine, clock, holder="host-a:101:aaaa"),
        leader_lock_for(engine, clock, holder="host-b:202:bbbb"),
    )
    try:
        yield pair
    finally:
        for lock in pair:
            await lock.release()


@pytest.fixture
async def locks(engine: AsyncEngine, clock: FrozenClock) -> AsyncIterator[Pair]:
    """Two processes' locks on the backend under test."""
    async with _two_locks(engine, clock) as pair:
        yield pair


# --- both databases -------------------------------------------------------------------


async def test_only_the_holder_acquires_and_renews(locks: Pair) -> None:
    first, second = locks
    assert await first.try_acquire()
    assert await first.renew()
    assert await first.try_acquire()  # asking again while holding is harmless
    assert not await second.try_acquire()
    assert not await second.renew()  # never held


async def test_after_release_the_other_acquires(locks: Pair) -> None:
    first, second = locks
    assert await first.try_acquire()
    await first.release()
    assert await second.try_acquire()
    assert not await first.renew()


async def test_concurrent_attempts_elect_exactly_one(
    engine: AsyncEngine, clock: FrozenClock
) -> None:
    contenders = [leader_lock_for(engine, clock, holder=f"host:{n}:x") for n in range(5)]
    try:
        won = await asyncio.gather(*(lock.try_acquire() for lock in contenders))
    finally:
        for lock in contenders:
            await lock.release()
    assert sorted(won) == [False] * 4 + [True]


async def test_a_standby_becomes_leader_once_the_leader_releases(
    locks: Pair, caplog: pytest.LogCaptureFixture
) -> None:
    leader, standby = locks
    assert await leader.try_acquire()
    pauses: list[float] = []

    async def sleep(seconds: float) -> None:
        pauses.append(seconds)
        if len(pauses) == 2:
            await leader.release()

    caplog.set_level(logging.INFO, logger="runtime.leader")
    assert await wait_for_leadership(standby, asyncio.Event(), sleep=sleep)
    assert pauses == [RETRY_SECONDS, RETRY_SECONDS]
    assert [r.getMessage().split(":")[0] for r in caplog.records] == [
        "standing by",
        "became leader",
    ]


async def test_waiting_gives_up_when_asked_to_stop(locks: Pair) -> None:
    leader, standby = locks
    assert await leader.try_acquire()
    stop = asyncio.Event()

    async def sleep(_seconds: float) -> None:
        stop.set()

    assert not await wait_for_leadership(standby, stop, sleep=sleep)
    assert not await standby.renew()


async def test_the_leader_keeps_the_lock_until_stopped(locks: Pair, clock: FrozenClock) -> None:
    leader, standby = locks
    assert await leader.try_acquire()
    stop, lost = asyncio.Event(), asyncio.Event()
    pauses: list[float] = []

    async def sleep(seconds: float) -> None:
        pauses.append(seconds)
        clock.advance(seconds=seconds)
        if len(pauses) == 4:
            stop.set()

    await keep_leadership(leader, stop, lost, sleep=sleep)
    assert pauses == [RENEW_SECONDS] * 4
    assert not lost.is_set()
    # 40 s passed, twice the SQLite TTL: only the renewals kept the lease.
    assert not await standby.try_acquire()


async def test_the_leader_notices_losing_the_lock(
    locks: Pair, caplog: pytest.LogCaptureFixture
) -> None:
    leader, standby = locks
    assert await leader.try_acquire()
    stop, lost = asyncio.Event(), asyncio.Event()

    async def sleep(_seconds: float) -> None:
        # Whatever took the lock away (a release here), the next renewal must fail.
        await leader.release()
        assert await standby.try_acquire()

    await keep_leadership(leader, stop, lost, sleep=sleep)
    assert lost.is_set()
    assert "leadership lost" in caplog.text


# --- no database ----------------------------------------------------------------------


class _HungLock:
    """A lock whose database never answers the renewal."""

    async def try_acquire(self) -> bool:
        return True

    async def renew(self) -> bool:
        await asyncio.Event().wait()
        return True

    async def release(self) -> None:
        return None


async def test_a_renewal_that_hangs_counts_as_lost() -> None:
    lost = asyncio.Event()

    async def no_pause(_seconds: float) -> None:
        return None

    await keep_leadership(_HungLock(), asyncio.Event(), lost, renew_timeout=0.01, sleep=no_pause)
    assert lost.is_set()


def test_holder_ids_and_the_advisory_key() -> None:
    assert make_holder_id() != make_holder_id()
    # Pinned: old and new releases running side by side must contend for the same lock.
    assert advisory_key(LEADER_LOCK_NAME) == 7489639074695399074


# --- SQLite: the lease row ------------------------------------------------------------


async def _lease(engine: AsyncEngine) -> Row[str, datetime, datetime] | None:
    columns = (LeaderLease.holder, LeaderLease.acquired_at, LeaderLease.expires_at)
    async with engine.connect() as connection:
        return (await connection.execute(select(*columns))).one_or_none()


async def test_an_expired_lease_is_taken_over(
    sqlite_engine: AsyncEngine, clock: FrozenClock
) -> None:
    async with _two_locks(sqlite_engine, clock) as (old, new):
        assert await old.try_acquire()
        clock.advance(seconds=TTL.total_seconds())  # no renewal in between
        assert await new.try_acquire()
        assert not await old.renew()
        assert not await old.try_acquire()
        assert await _lease(sqlite_engine) == ("host-b:202:bbbb", clock.now(), clock.now() + TTL)


async def test_a_lease_not_yet_expired_is_kept(
    sqlite_engine: AsyncEngine, clock: FrozenClock
) -> None:
    async with _two_locks(sqlite_engine, clock) as (holder, other):
        start = clock.now()
        assert await holder.try_acquire()
        clock.advance(seconds=TTL.total_seconds() - 1)
        assert not await other.try_acquire()
        assert await holder.renew()
        renewed = clock.now()
        clock.advance(seconds=TTL.total_seconds() - 1)  # past the first expiry only
        assert not await other.try_acquire()
        assert await _lease(sqlite_engine) == ("host-a:101:aaaa", start, renewed + TTL)
        # Expired but untaken (e.g. the process was suspended): still its holder's to
        # renew, since a take-over is atomic and the row still names the holder.
        clock.advance(seconds=TTL.total_seconds() * 3)
        assert await holder.renew()


async def test_release_deletes_the_lease(sqlite_engine: AsyncEngine, clock: FrozenClock) -> None:
    async with _two_locks(sqlite_engine, clock) as (holder, other):
        assert await holder.try_acquire()
        await other.release()  # not the holder: leaves the lease alone
        assert await _lease(sqlite_engine) is not None
        await holder.release()
        assert await _lease(sqlite_engine) is None


# --- PostgreSQL: the advisory lock ----------------------------------------------------


def _backend_pid(lock: LeaderLock) -> int:
    assert isinstance(lock, PostgresAdvisoryLock)
    assert lock.backend_pid is not None
    return lock.backend_pid


@pytest.mark.postgres
async def test_a_terminated_session_frees_the_lock(
    pg_engine: AsyncEngine, clock: FrozenClock
) -> None:
    async with _two_locks(pg_engine, clock) as (old, new), pg_engine.connect() as admin:
        assert await old.try_acquire()
        # The timeout makes the call wait until the backend has exited (lock freed).
        killed = await admin.scalar(
            text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": _backend_pid(old)}
        )
        assert killed
        assert await new.try_acquire()
        assert not await old.renew()
        assert not await old.try_acquire()  # reconnects, finds the lock taken


@pytest.mark.postgres
async def test_the_lock_session_is_idle_and_outside_the_pool(
    pg_engine: AsyncEngine, clock: FrozenClock
) -> None:
    async with _two_locks(pg_engine, clock) as (holder, other):
        assert await holder.try_acquire()
        async with pg_engine.connect() as admin:
            state = await admin.scalar(
                text("SELECT state FROM pg_stat_activity WHERE pid = :pid"),
                {"pid": _backend_pid(holder)},
            )
        # Not 'idle in transaction': the lock session blocks no vacuum and no DDL.
        assert state == "idle"
        await pg_engine.dispose()  # the units of work's pool going away...
        assert await holder.renew()  # ...leaves the lock's own connection alone
        assert not await other.try_acquire()

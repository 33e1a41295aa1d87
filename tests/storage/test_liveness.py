"""PostgreSQL connections idle for a while are pinged (and replaced) before a unit of work."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from storage.liveness import ping_idle_connections
from tests.helpers.db import (
    POSTGRES_SKIP_REASON,
    create_temp_pg_database,
    drop_database,
    postgres_admin_url,
)

pytestmark = pytest.mark.postgres


class Ticks:
    """A monotonic clock the test moves."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def database() -> AsyncIterator[tuple[str, str]]:
    admin = postgres_admin_url()
    if admin is None:
        pytest.skip(POSTGRES_SKIP_REASON)
    url = await create_temp_pg_database(admin)
    try:
        yield admin, url
    finally:
        await drop_database(admin, url)


def _engine(url: str, ticks: Ticks) -> AsyncEngine:
    engine = create_async_engine(url, pool_size=1, max_overflow=0)
    ping_idle_connections(engine, idle_seconds=5.0, monotonic=ticks)
    return engine


async def _backend_pid(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        return int((await connection.execute(text("SELECT pg_backend_pid()"))).scalar_one())


async def _kill(admin_url: str, pid: int) -> None:
    """Terminates a backend and waits until it is gone (termination is asynchronous)."""
    admin = create_async_engine(admin_url, isolation_level="AUTOCOMMIT")
    alive = text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid")
    try:
        async with admin.connect() as connection:
            await connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            for _ in range(500):
                if not (await connection.execute(alive, {"pid": pid})).scalar_one():
                    return
                await asyncio.sleep(0.01)
        raise AssertionError(f"backend {pid} still alive")
    finally:
        await admin.dispose()


@pytest.fixture
async def killed(
    database: tuple[str, str],
) -> AsyncIterator[tuple[AsyncEngine, Ticks, int]]:
    """An engine whose one pooled connection the server has just terminated; its clock; the
    terminated backend's pid."""
    admin, url = database
    ticks = Ticks()
    engine = _engine(url, ticks)
    try:
        first = await _backend_pid(engine)
        await _kill(admin, first)
        yield engine, ticks, first
    finally:
        await engine.dispose()


async def test_an_idle_connection_killed_by_the_server_is_replaced_unseen(
    killed: tuple[AsyncEngine, Ticks, int],
) -> None:
    engine, ticks, first = killed
    ticks.now += 5.0  # idle long enough to be pinged
    second = await _backend_pid(engine)  # no error: the ping found it dead
    assert second != first


async def test_a_connection_used_a_moment_ago_is_not_pinged(
    killed: tuple[AsyncEngine, Ticks, int],
) -> None:
    """The saved round trip: a dead connection just returned fails its next unit of work
    (as it would with pool_pre_ping if killed while busy), and the pool then replaces it."""
    engine, ticks, first = killed
    ticks.now += 4.9
    with pytest.raises(DBAPIError) as failed:
        await _backend_pid(engine)
    assert failed.value.connection_invalidated
    assert await _backend_pid(engine) != first

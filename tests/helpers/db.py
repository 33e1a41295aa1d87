"""Test databases: a temporary SQLite file, or a uniquely named PostgreSQL database.

The PostgreSQL server named by ``GEMPUR_TEST_POSTGRES_URL`` is shared and never clean, so
every database is created under a fresh name through a maintenance connection to that URL
and dropped ``WITH (FORCE)`` afterwards.
"""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

from sqlalchemy import delete, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from storage.engine import create_engine
from storage.migrate import upgrade
from storage.tables import metadata

POSTGRES_URL_ENV = "GEMPUR_TEST_POSTGRES_URL"
POSTGRES_SKIP_REASON = f"{POSTGRES_URL_ENV} not set: PostgreSQL storage tests skipped"
TEST_DATABASE_PREFIX = "gempur_t_"

T = TypeVar("T")


def postgres_admin_url() -> str | None:
    """The maintenance URL of the test PostgreSQL server, if configured."""
    return os.environ.get(POSTGRES_URL_ENV) or None


def sqlite_url(path: Path) -> str:
    """The async URL of a SQLite file."""
    return f"sqlite+aiosqlite:///{path}"


def run_in_fresh_loop(factory: Callable[[], Awaitable[T]]) -> T:
    """Run a coroutine to completion in its own thread and loop (for sync fixtures)."""

    async def _main() -> T:
        return await factory()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, _main()).result()


async def create_temp_pg_database(admin_url: str) -> str:
    """Create an empty, uniquely named database; returns its URL."""
    name = f"{TEST_DATABASE_PREFIX}{secrets.token_hex(6)}"
    await _admin_execute(admin_url, f'CREATE DATABASE "{name}"')
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


async def drop_database(admin_url: str, url: str) -> None:
    """Drop a database made by :func:`create_temp_pg_database`, even with open sessions."""
    name = make_url(url).database
    if not name or not name.startswith(TEST_DATABASE_PREFIX):
        raise ValueError(f"refusing to drop {name!r}: not a test database")
    await _admin_execute(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def migrated_engine(url: str) -> AsyncEngine:
    """Upgrade the database to head, then return an engine on it."""
    # Alembic's env calls asyncio.run: run it off this loop's thread.
    await asyncio.to_thread(upgrade, url)
    return create_engine(url)


async def delete_all_rows(engine: AsyncEngine) -> None:
    """Empty every table (children first), so tests sharing a database start clean."""
    async with engine.begin() as connection:
        for table in reversed(metadata.sorted_tables):
            await connection.execute(delete(table))


async def _admin_execute(admin_url: str, statement: str) -> None:
    # CREATE/DROP DATABASE cannot run inside a transaction block.
    engine = create_async_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.execute(text(statement))
    finally:
        await engine.dispose()

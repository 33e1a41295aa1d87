"""Storage fixtures: every test runs on SQLite (a temp file) and on PostgreSQL (when set).

``migrated_url`` is one migrated database per test module and backend; ``engine`` (the
units of work's engine: SQLite in-loop) empties it before each test; ``background_factory``
is for heavy units of work (threaded on SQLite, the same engine on PostgreSQL). ``empty_url``
is a fresh, never-migrated database per test.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from storage.engine import background_engine, create_engine, session_factory
from storage.migrate import upgrade
from tests.helpers.db import (
    POSTGRES_SKIP_REASON,
    create_temp_pg_database,
    delete_all_rows,
    drop_database,
    postgres_admin_url,
    run_in_fresh_loop,
    sqlite_url,
)

SQLITE = "sqlite"
POSTGRES = "postgres"


@pytest.fixture(
    scope="module", params=[SQLITE, pytest.param(POSTGRES, marks=pytest.mark.postgres)]
)
def backend(request: pytest.FixtureRequest) -> str:
    """The database backend under test."""
    kind: str = request.param
    if kind == POSTGRES and postgres_admin_url() is None:
        pytest.skip(POSTGRES_SKIP_REASON)
    return kind


def _new_database(backend: str, directory: Path) -> tuple[str, str | None]:
    """A new empty database: (url, admin url to drop it with, or None for SQLite)."""
    if backend == SQLITE:
        return sqlite_url(directory / "gempur.db"), None
    admin_url = postgres_admin_url()
    assert admin_url is not None
    return run_in_fresh_loop(lambda: create_temp_pg_database(admin_url)), admin_url


def _drop(url: str, admin_url: str | None) -> None:
    if admin_url is not None:
        run_in_fresh_loop(lambda: drop_database(admin_url, url))


@pytest.fixture(scope="module")
def migrated_url(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database migrated to head, shared by the tests of one module."""
    url, admin_url = _new_database(backend, tmp_path_factory.mktemp("db"))
    try:
        upgrade(url)
        yield url
    finally:
        _drop(url, admin_url)


@pytest.fixture
def empty_url(backend: str, tmp_path: Path) -> Iterator[str]:
    """A fresh database that was never migrated."""
    url, admin_url = _new_database(backend, tmp_path)
    try:
        yield url
    finally:
        _drop(url, admin_url)


@pytest.fixture
async def engine(migrated_url: str) -> AsyncIterator[AsyncEngine]:
    """An engine on the module's migrated database, emptied before the test."""
    engine = create_engine(migrated_url)
    try:
        await delete_all_rows(engine)
        yield engine
    finally:
        await engine.dispose()


@pytest.fixture
def factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """The session factory the unit of work is built from."""
    return session_factory(engine)


@pytest.fixture
async def background_factory(
    engine: AsyncEngine,
) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Sessions of the background engine beside ``engine`` (imports, seeding)."""
    background = background_engine(engine)
    try:
        yield session_factory(background)
    finally:
        if background is not engine:
            await background.dispose()

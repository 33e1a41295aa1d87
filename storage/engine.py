"""Engine and session factories for SQLite (aiosqlite) and PostgreSQL (asyncpg).

Built by the composition root (``bot.py``), never at import time.

SQLite follows SQLAlchemy's documented aiosqlite transaction recipe: the driver's own
transaction handling is switched off (``isolation_level = None``) and SQLAlchemy emits
``BEGIN`` itself. Python 3.11's sqlite3 would otherwise start no transaction on SELECT
(non-repeatable reads) and break SAVEPOINT. Writers ask for ``BEGIN IMMEDIATE`` through the
:data:`WRITE_OPTION` execution option so they take the single write lock up front and wait
for it (busy timeout) instead of failing with "database is locked" when a deferred read
transaction tries to upgrade to a write.

In-memory SQLite (``sqlite+aiosqlite://`` or ``/:memory:``) gets the dialect's default
``StaticPool``: one shared connection, so it suits single-task scripts only. Tests that run
concurrent units of work use a temporary database file.
"""

from __future__ import annotations

import asyncio
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.engine.url import URL
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import ConnectionPoolEntry

from storage.liveness import ping_idle_connections
from storage.viewer_changes import ViewerChangeSink, tracking_session_class

SQLITE_DRIVER = "sqlite+aiosqlite"
POSTGRES_DRIVER = "postgresql+asyncpg"

#: Execution option asking for a write transaction (``BEGIN IMMEDIATE`` on SQLite).
#: Ignored by PostgreSQL, whose row locks need no up-front declaration.
WRITE_OPTION = "gempur_write"

#: Pooled SQLite connections (readers run concurrently under WAL; writers queue in-process).
SQLITE_POOL_SIZE = 8

#: How long a SQLite connection waits for the write lock before "database is locked".
SQLITE_BUSY_TIMEOUT_MS = 15_000


def create_engine(url: str, *, echo: bool = False) -> AsyncEngine:
    """Create the async engine for a ``sqlite+aiosqlite`` or ``postgresql+asyncpg`` URL.

    ``hide_parameters``: SQL parameters (names, phone numbers) never appear in exception
    messages or echoed statements.
    """
    parsed = make_url(url)
    if parsed.drivername == SQLITE_DRIVER:
        in_memory = _is_sqlite_memory(parsed)
        # Each aiosqlite connection is a thread and an open file: keep enough of them pooled
        # that a burst of chats never opens (and closes) overflow connections per query.
        # Every unit of work ends its transaction (commit, or rollback on close), so the
        # pool's own reset would be one more thread round trip per checkout for nothing.
        pooling: dict[str, Any] = (
            {}
            if in_memory  # the dialect's StaticPool: one connection, no sizes
            else {
                "pool_size": SQLITE_POOL_SIZE,
                "max_overflow": SQLITE_POOL_SIZE,
                "pool_reset_on_return": None,
            }
        )
        engine = create_async_engine(parsed, echo=echo, hide_parameters=True, **pooling)
        _install_sqlite_recipe(engine, in_memory=in_memory)
        return engine
    if parsed.drivername == POSTGRES_DRIVER:
        engine = create_async_engine(
            parsed, echo=echo, hide_parameters=True, pool_size=10, max_overflow=10
        )
        # A server restart or an idle-connection reaper must not surface as an error in the
        # next handler; pinging only idle connections saves a round trip per unit of work.
        ping_idle_connections(engine)
        return engine
    raise ValueError(
        f"unsupported database URL scheme {parsed.drivername!r}: use "
        f"'{SQLITE_DRIVER}:///path/to/gempur.db' or '{POSTGRES_DRIVER}://user@host/db'"
    )


_WRITER_LOCKS: WeakKeyDictionary[Engine, asyncio.Lock] = WeakKeyDictionary()


def sqlite_writer_lock(bind: object) -> asyncio.Lock | None:
    """The in-process queue for SQLite writers (None for PostgreSQL).

    SQLite has one write lock per database. Writers of this process wait here, first come
    first served, instead of in SQLite's busy handler, which polls with sleeps of up to 100 ms
    and turns a burst of concurrent chats into seconds of latency. Other processes (the CLI)
    still meet the busy timeout.
    """
    if not isinstance(bind, AsyncEngine) or bind.dialect.name != "sqlite":
        return None
    lock = _WRITER_LOCKS.get(bind.sync_engine)
    if lock is None:
        lock = _WRITER_LOCKS[bind.sync_engine] = asyncio.Lock()
    return lock


def session_factory(
    engine: AsyncEngine, *, viewer_changes: ViewerChangeSink | None = None
) -> async_sessionmaker[AsyncSession]:
    """Session factory; objects stay readable after commit (the use-case renders them).

    `viewer_changes` (the bot's viewer cache) is told, after each commit of any session of
    this factory, which viewers the transaction may have changed (``storage.viewer_changes``).
    """
    if viewer_changes is None:
        return async_sessionmaker(engine, expire_on_commit=False)
    return async_sessionmaker(
        engine,
        expire_on_commit=False,
        sync_session_class=tracking_session_class(viewer_changes),
    )


def _is_sqlite_memory(url: URL) -> bool:
    database = url.database or ""
    return database in ("", ":memory:") or url.query.get("mode") == "memory"


def _install_sqlite_recipe(engine: AsyncEngine, *, in_memory: bool) -> None:
    """Attach the connect/begin listeners; with aiosqlite they go on ``sync_engine``."""

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
        # Stop the driver from emitting BEGIN (and from committing before DDL); SQLAlchemy
        # emits BEGIN in _on_begin. COMMIT and ROLLBACK still go through the driver.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            if not in_memory:
                # WAL: readers never block the writer nor the writer the readers.
                cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
            # NORMAL is safe with WAL (a power loss may drop the last commits, never corrupt).
            cursor.execute("PRAGMA synchronous=NORMAL")
        finally:
            cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Connection) -> None:
        options: dict[str, Any] = dict(connection.get_execution_options())
        if options.get(WRITE_OPTION):
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.exec_driver_sql("BEGIN")

"""Engine and session factories for SQLite and PostgreSQL (asyncpg).

Built by the composition root (``bot.py``), never at import time.

The configured URL is ``sqlite+aiosqlite:///path`` or ``postgresql+asyncpg://...``. On
SQLite two drivers serve the same file:

- the units of work of the bot (every handler, the gate, the outbox sender, the leader
  lease, migrations) run on :mod:`storage.sqlite_inloop`: Python's sqlite3 called on the
  event loop's thread. A small indexed statement takes microseconds there, far less than
  one crossing to aiosqlite's thread and back (which every execute, fetch, BEGIN, COMMIT
  and ROLLBACK paid). Waiting for the write lock sleeps on the loop instead of blocking it;
- heavy units of work — anything that can touch many rows: the register import (``/impor``
  and ``python bot.py import``), sample data, future roll-ups and exports — use
  :func:`background_engine`: aiosqlite, one thread per connection, so the loop keeps
  serving chats while they run. Both engines queue their writers on one in-process lock per
  database file (:func:`sqlite_writer_lock`).

PostgreSQL has one engine (asyncpg) for both.

SQLite follows SQLAlchemy's documented aiosqlite transaction recipe: the driver's own
transaction handling is switched off (``isolation_level = None``) and SQLAlchemy emits
``BEGIN`` itself. Python 3.11's sqlite3 would otherwise start no transaction on SELECT
(non-repeatable reads) and break SAVEPOINT. Writers ask for ``BEGIN IMMEDIATE`` through the
:data:`WRITE_OPTION` execution option so they take the single write lock up front and wait
for it instead of failing with "database is locked" when a deferred read transaction tries
to upgrade to a write. Both drivers wait up to 15 s for a lock another process holds: the
threaded one in SQLite's busy handler, the in-loop one in ``asyncio.sleep`` between attempts
(its busy timeout is a few milliseconds, the longest it may stall the loop).

WAL checkpoints are taken off the loop. Measured (6,000 small write units of work on a file
on this machine's disk): with SQLite's auto-checkpoint, one commit in about 170 (every 1,000
WAL pages) copied the WAL into the database and fsynced it inside COMMIT — 35 commits of
1-12 ms, p99.9 5 ms; without it the slowest commit took 1-4 ms and p99.9 0.3-1 ms. On the
loop such a commit stalls every chat, so in-loop connections set ``wal_autocheckpoint=0``
and the one-minute tick (``jobs.tick``) calls :func:`checkpoint_wal` (PASSIVE) through
the background engine, on aiosqlite's thread. Threaded connections keep the automatic
checkpoint (a large import checkpoints on its own thread). A process without the tick (the
CLI, migrations, tests) checkpoints when its last connection closes, as SQLite always does.

Every SQLite connection runs with ``secure_delete``: freed space is overwritten with zeros, so
an erased person's rows do not linger in free pages; after an erasure :func:`purge_wal`
copies the whole WAL into the file and empties it, so no older page version stays there.

In-memory SQLite (``sqlite+aiosqlite://`` or ``/:memory:``) gets a ``StaticPool``: one
shared connection, so it suits single-task scripts only; it has no background engine (a
second engine would be a second, empty database). Tests that run concurrent units of work
use a temporary database file.
"""

from __future__ import annotations

import asyncio
import os
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.engine.url import URL
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import Session
from sqlalchemy.pool import ConnectionPoolEntry

from storage import sqlite_inloop
from storage.liveness import ping_idle_connections
from storage.outbox_doorbell import OutboxDoorbell, ringing_session_class
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

#: The busy timeout of in-loop connections: the longest a statement that meets a lock held
#: elsewhere blocks the event loop before it fails or, starting a transaction, backs off.
SQLITE_INLOOP_BUSY_TIMEOUT_MS = 2


def create_engine(
    url: str,
    *,
    echo: bool = False,
    background: bool = False,
    lock_wait_seconds: float = SQLITE_BUSY_TIMEOUT_MS / 1000,
) -> AsyncEngine:
    """Create the async engine for a ``sqlite+aiosqlite`` or ``postgresql+asyncpg`` URL.

    ``background``: on SQLite, the threaded aiosqlite driver for heavy units of work
    instead of the in-loop one (see the module docstring). ``lock_wait_seconds``: how long
    an in-loop transaction waits for a write lock held by another connection.
    ``hide_parameters``: SQL parameters (names, phone numbers) never appear in exception
    messages or echoed statements.
    """
    parsed = make_url(url)
    if parsed.drivername == SQLITE_DRIVER:
        return _create_sqlite_engine(
            parsed, echo=echo, threaded=background, lock_wait_seconds=lock_wait_seconds
        )
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


def background_engine(engine: AsyncEngine) -> AsyncEngine:
    """The engine for heavy units of work beside ``engine`` (dispose both when done).

    For an in-loop SQLite file, a threaded aiosqlite engine on the same file; otherwise
    (PostgreSQL, in-memory SQLite, an engine that is threaded already) ``engine`` itself.
    """
    url = engine.url
    if engine.dialect.driver != sqlite_inloop.INLOOP_DRIVER or _is_sqlite_memory(url):
        return engine
    threaded = url.set(drivername=SQLITE_DRIVER).render_as_string(hide_password=False)
    return create_engine(threaded, echo=bool(engine.sync_engine.echo), background=True)


def _create_sqlite_engine(
    url: URL, *, echo: bool, threaded: bool, lock_wait_seconds: float
) -> AsyncEngine:
    in_memory = _is_sqlite_memory(url)
    # Keep enough connections pooled that a burst of chats never opens (and closes) overflow
    # connections per query; each aiosqlite connection is also a thread. Every unit of work
    # ends its transaction (commit, or rollback on close), so the pool's own reset would be
    # one more ROLLBACK per checkout for nothing.
    options: dict[str, Any] = (
        {}
        if in_memory  # StaticPool: one connection, no sizes
        else {
            "pool_size": SQLITE_POOL_SIZE,
            "max_overflow": SQLITE_POOL_SIZE,
            "pool_reset_on_return": None,
        }
    )
    busy_timeout_ms = SQLITE_BUSY_TIMEOUT_MS
    if not threaded:
        sqlite_inloop.register()
        url = url.set(drivername=f"sqlite+{sqlite_inloop.INLOOP_DRIVER}")
        busy_timeout_ms = SQLITE_INLOOP_BUSY_TIMEOUT_MS
        options["lock_wait_seconds"] = lock_wait_seconds
    # sqlite3's own default (5 s) would apply until the PRAGMA below.
    options["connect_args"] = {"timeout": busy_timeout_ms / 1000}
    engine = create_async_engine(url, echo=echo, hide_parameters=True, **options)
    _install_sqlite_recipe(
        engine, in_memory=in_memory, busy_timeout_ms=busy_timeout_ms, in_loop=not threaded
    )
    return engine


_WRITER_LOCKS: WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, asyncio.Lock]] = (
    WeakKeyDictionary()
)


def sqlite_writer_lock(bind: object) -> asyncio.Lock | None:
    """The in-process queue for SQLite writers (None for PostgreSQL).

    SQLite has one write lock per database. Writers of this process wait here, first come
    first served, instead of in SQLite's busy handler, which polls with sleeps of up to 100 ms
    and turns a burst of concurrent chats into seconds of latency. One lock per database
    file (and event loop), so the in-loop and the background engine share it. Other
    processes (the CLI) still meet the busy timeout.
    """
    if not isinstance(bind, AsyncEngine) or bind.dialect.name != "sqlite":
        return None
    locks = _WRITER_LOCKS.setdefault(asyncio.get_running_loop(), {})
    key = _database_key(bind)
    lock = locks.get(key)
    if lock is None:
        lock = locks[key] = asyncio.Lock()
    return lock


async def checkpoint_wal(engine: AsyncEngine) -> tuple[int, int] | None:
    """Copy committed WAL pages into the SQLite file; (WAL pages, pages copied), or None.

    PASSIVE: waits for no reader or writer and copies what it can. Give it the background
    engine, so the copying and the fsync run on aiosqlite's thread (the in-loop connections
    do not checkpoint on commit). None for PostgreSQL, in-memory SQLite and in-loop engines.
    """
    row = await _checkpoint(engine, "PASSIVE")
    return (row[1], row[2]) if row is not None else None


async def purge_wal(engine: AsyncEngine) -> bool | None:
    """Copy the whole WAL into the SQLite file and empty it (TRUNCATE): whether it was done.

    After an erasure: the WAL still holds the pages as they were before it. Waits (on
    aiosqlite's thread, up to the busy timeout) for readers of older snapshots; this
    process's writers queue behind it. Give it the background engine, as for
    :func:`checkpoint_wal`. None where there is no WAL to empty (as for checkpoint_wal).
    """
    lock = sqlite_writer_lock(engine)
    if lock is None:
        return None
    async with lock:
        row = await _checkpoint(engine, "TRUNCATE")
    return row[0] == 0 if row is not None else None  # 1: a reader or writer was in the way


async def _checkpoint(engine: AsyncEngine, mode: str) -> tuple[int, int, int] | None:
    """SQLite's answer to ``PRAGMA wal_checkpoint(mode)``: (busy, WAL pages, pages copied)."""
    if engine.dialect.driver != "aiosqlite" or _is_sqlite_memory(engine.url):
        return None
    async with engine.connect() as connection:
        # The driver's connection: through SQLAlchemy the PRAGMA would run after our BEGIN.
        driver = (await connection.get_raw_connection()).driver_connection
        if driver is None:  # pragma: no cover - a checked-out connection always has one
            return None
        cursor = await driver.execute(f"PRAGMA wal_checkpoint({mode})")
        try:
            row = await cursor.fetchone()
        finally:
            await cursor.close()
    return (int(row[0]), int(row[1]), int(row[2])) if row else None


def session_factory(
    engine: AsyncEngine,
    *,
    viewer_changes: ViewerChangeSink | None = None,
    outbox_doorbell: OutboxDoorbell | None = None,
) -> async_sessionmaker[AsyncSession]:
    """Session factory; objects stay readable after commit (the use-case renders them).

    `viewer_changes` (the bot's viewer cache) is told, after each commit of any session of
    this factory, which viewers the transaction may have changed (``storage.viewer_changes``);
    `outbox_doorbell` is rung after each commit that queued an interactive outbox row
    (``storage.outbox_doorbell``).
    """
    session_class: type[Session] = Session
    if viewer_changes is not None:
        session_class = tracking_session_class(viewer_changes)
    if outbox_doorbell is not None:
        session_class = ringing_session_class(outbox_doorbell, session_class)
    return async_sessionmaker(engine, expire_on_commit=False, sync_session_class=session_class)


def _database_key(engine: AsyncEngine) -> str:
    """What identifies a SQLite database within this process: its absolute path."""
    if _is_sqlite_memory(engine.url):
        return f"memory:{id(engine.sync_engine)}"  # each in-memory engine is its own database
    return os.path.abspath(engine.url.database or "")


def _is_sqlite_memory(url: URL) -> bool:
    database = url.database or ""
    return database in ("", ":memory:") or url.query.get("mode") == "memory"


def _install_sqlite_recipe(
    engine: AsyncEngine, *, in_memory: bool, busy_timeout_ms: int, in_loop: bool
) -> None:
    """Attach the connect/begin listeners; with an async engine they go on ``sync_engine``."""

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
        # Stop the driver from emitting BEGIN (and from committing before DDL); SQLAlchemy
        # emits BEGIN in _on_begin. COMMIT and ROLLBACK still go through the driver.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")
            if not in_memory:
                # WAL: readers never block the writer nor the writer the readers.
                cursor.execute("PRAGMA journal_mode=WAL")
                if in_loop:
                    # A commit past 1,000 WAL pages would checkpoint (and fsync) on the loop;
                    # checkpoint_wal does it from a thread instead.
                    cursor.execute("PRAGMA wal_autocheckpoint=0")
            cursor.execute("PRAGMA foreign_keys=ON")
            # Freed content (an erased person, a deleted draft) is overwritten with zeros,
            # not left in free space where the file would still hold it.
            cursor.execute("PRAGMA secure_delete=ON")
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

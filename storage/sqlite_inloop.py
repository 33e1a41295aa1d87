"""SQLite on the event loop's own thread: the driver of the bot's units of work.

aiosqlite runs every call (cursor, execute, fetch, BEGIN, COMMIT) on a worker thread and back;
each crossing costs more CPU than the small indexed statement it carries. This dialect is
SQLAlchemy's pysqlite dialect declared async, with sqlite3 behind the same adapter classes
(``sqlalchemy.connectors.asyncio``) that its aiosqlite dialect uses, minus the thread:
SQLAlchemy's asyncio layer runs the ORM in a greenlet on the loop's thread, and every
statement runs there too, synchronously, in a coroutine that completes without suspending —
unless the write lock is taken.

Waiting for the write lock never blocks the loop. The connections get a busy timeout of a
few milliseconds (storage.engine sets it); a statement that starts a transaction
(``BEGIN IMMEDIATE``) and still meets "database is locked" — another process holds the lock,
e.g. ``python bot.py import`` for most of a minute — is retried after ``asyncio.sleep`` with
a growing back-off until ``lock_wait_seconds`` have passed, then the error is raised as
before. Statements inside a transaction are not retried: SQLite itself does not wait for
them (a read transaction that meets a writer fails at once, whatever the busy timeout).

Only small statements belong here: a statement that scans many rows stalls every chat for
its duration. Heavy units of work use the threaded aiosqlite engine
(``storage.engine.background_engine``).
"""

from __future__ import annotations

import asyncio
import collections
import sqlite3
from collections.abc import Callable
from typing import Any, Literal, TypeAlias

from sqlalchemy import pool
from sqlalchemy.connectors.asyncio import (
    AsyncAdapt_dbapi_connection,
    AsyncAdapt_dbapi_cursor,
    AsyncAdapt_dbapi_module,
)
from sqlalchemy.dialects import registry
from sqlalchemy.dialects.sqlite.pysqlite import SQLiteDialect_pysqlite
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.engine.url import URL
from sqlalchemy.util import await_

#: The driver name of this dialect (URLs ``sqlite+gempur_inloop://``, built by storage.engine).
INLOOP_DRIVER = "gempur_inloop"

#: Default for how long a transaction may wait for the write lock before "database is locked".
LOCK_WAIT_SECONDS = 15.0

#: The back-off between attempts to take the write lock: first, growth factor, ceiling.
FIRST_BACKOFF_SECONDS = 0.001
BACKOFF_FACTOR = 2
MAX_BACKOFF_SECONDS = 0.05

_IsolationLevel: TypeAlias = Literal["DEFERRED", "EXCLUSIVE", "IMMEDIATE"] | None

# What SQLAlchemy reads from a DBAPI module besides connect().
_DBAPI_NAMES = (
    "DatabaseError",
    "DataError",
    "Error",
    "IntegrityError",
    "InterfaceError",
    "InternalError",
    "NotSupportedError",
    "OperationalError",
    "ProgrammingError",
    "Warning",
    "sqlite_version",
    "sqlite_version_info",
    "PARSE_COLNAMES",
    "PARSE_DECLTYPES",
    "Binary",
)


def register() -> None:
    """Make ``sqlite+gempur_inloop`` known to SQLAlchemy (idempotent)."""
    registry.register(f"sqlite.{INLOOP_DRIVER}", __name__, InLoopSQLiteDialect.__name__)


class InLoopCursor(AsyncAdapt_dbapi_cursor):
    """A sqlite3 cursor behind SQLAlchemy's asyncio cursor facade; rows are fetched at once.

    Buffering the rows (as the aiosqlite adapter does) ends the statement, so a result left
    unread never keeps a read transaction or a lock.
    """

    __slots__ = ()
    _awaitable_cursor_close = False  # sqlite3's close() is synchronous

    def _make_new_cursor(self, connection: Any) -> Any:
        return connection.cursor()

    def _aenter_cursor(self, cursor: Any) -> Any:
        return cursor

    def execute(self, operation: Any, parameters: Any = None) -> Any:
        return await_(self._run(self._cursor.execute, operation, parameters or ()))

    def executemany(self, operation: Any, seq_of_parameters: Any) -> Any:
        return await_(self._run(self._cursor.executemany, operation, seq_of_parameters))

    async def _run(
        self, call: Callable[[str, Any], object], operation: str, parameters: Any
    ) -> Any:
        """Run one statement now; wait for a write lock held elsewhere without blocking.

        A coroutine even when nothing waits: SQLAlchemy's asyncio layer expects each
        execution to await, and awaiting a coroutine that finishes costs no loop iteration.
        """
        connection: sqlite3.Connection = self._connection  # type: ignore[assignment]
        cursor: sqlite3.Cursor = self._cursor  # type: ignore[assignment]
        lock_wait = self._adapt_connection.lock_wait_seconds  # type: ignore[attr-defined]
        deadline: float | None = None
        delay = FIRST_BACKOFF_SECONDS
        while True:
            try:
                result = call(operation, parameters)
            except sqlite3.OperationalError as error:
                if not _waits_for_lock(error, connection):
                    raise
                now = asyncio.get_running_loop().time()
                deadline = now + lock_wait if deadline is None else deadline
                if now >= deadline:
                    raise
                await asyncio.sleep(min(delay, deadline - now))
                delay = min(delay * BACKOFF_FACTOR, MAX_BACKOFF_SECONDS)
            else:
                break
        if cursor.description:
            self._rows = collections.deque(cursor.fetchall())
        return result


class InLoopConnection(AsyncAdapt_dbapi_connection):
    """A sqlite3 connection behind SQLAlchemy's asyncio connection facade."""

    __slots__ = ("lock_wait_seconds",)
    _cursor_cls = InLoopCursor

    def __init__(self, dbapi: Any, connection: sqlite3.Connection, lock_wait_seconds: float):
        super().__init__(dbapi, connection)  # type: ignore[arg-type]
        self.lock_wait_seconds = lock_wait_seconds

    @property
    def _sqlite(self) -> sqlite3.Connection:
        return self._connection  # type: ignore[return-value]

    @property
    def isolation_level(self) -> _IsolationLevel:
        """sqlite3's transaction handling (None: off, SQLAlchemy emits BEGIN)."""
        return self._sqlite.isolation_level

    @isolation_level.setter
    def isolation_level(self, value: _IsolationLevel) -> None:
        self._sqlite.isolation_level = value

    @property
    def in_transaction(self) -> bool:
        """Whether a transaction is open on the connection."""
        return self._sqlite.in_transaction

    def create_function(self, *args: Any, **kwargs: Any) -> None:
        """sqlite3's create_function (pysqlite's dialect adds regexp and floor)."""
        self._sqlite.create_function(*args, **kwargs)

    def commit(self) -> None:
        self._sqlite.commit()

    def rollback(self) -> None:
        self._sqlite.rollback()

    def close(self) -> None:
        self._sqlite.close()

    def terminate(self) -> None:
        """Close at once; nothing to wait for without a thread or a socket."""
        self._sqlite.close()


class InLoopDBAPI(AsyncAdapt_dbapi_module):
    """sqlite3 as SQLAlchemy's asyncio layer sees a DBAPI module."""

    def __init__(self) -> None:
        super().__init__(sqlite3, dbapi_module=sqlite3)
        self.paramstyle = "qmark"
        for name in _DBAPI_NAMES:
            setattr(self, name, getattr(sqlite3, name))

    def connect(
        self, *args: Any, lock_wait_seconds: float = LOCK_WAIT_SECONDS, **kwargs: Any
    ) -> InLoopConnection:
        """Open a sqlite3 connection (usable from any thread: the pool may close it anywhere)."""
        kwargs["check_same_thread"] = False
        return InLoopConnection(self, sqlite3.connect(*args, **kwargs), lock_wait_seconds)


class InLoopSQLiteDialect(SQLiteDialect_pysqlite):
    """pysqlite declared async: an asyncio pool, statements in-loop, a sleeping lock wait.

    ``lock_wait_seconds`` (an argument of ``create_async_engine``) is the budget for taking
    a write lock held by another connection.
    """

    driver = INLOOP_DRIVER
    is_async = True
    has_terminate = True
    supports_statement_cache = True
    supports_server_side_cursors = False

    # Not keyword-only: create_engine routes an argument to the dialect only if it is one of
    # the dialect's positional-or-keyword parameters.
    def __init__(self, lock_wait_seconds: float = LOCK_WAIT_SECONDS, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.lock_wait_seconds = lock_wait_seconds

    @classmethod
    def import_dbapi(cls) -> Any:
        return InLoopDBAPI()

    def connect(self, *cargs: Any, **cparams: Any) -> Any:
        return self.loaded_dbapi.connect(
            *cargs, lock_wait_seconds=self.lock_wait_seconds, **cparams
        )

    @classmethod
    def get_pool_class(cls, url: URL) -> type[pool.Pool]:
        if cls._is_url_file_db(url):
            return pool.AsyncAdaptedQueuePool
        return pool.StaticPool  # one connection: an in-memory database is per connection

    def get_driver_connection(self, connection: DBAPIConnection) -> Any:
        return connection._connection

    def do_terminate(self, dbapi_connection: DBAPIConnection) -> None:
        dbapi_connection.terminate()


def _waits_for_lock(error: sqlite3.OperationalError, connection: sqlite3.Connection) -> bool:
    """Whether the statement failed only because another connection holds the lock.

    Retried only outside a transaction (a failed ``BEGIN IMMEDIATE`` leaves none open), as
    SQLite's own busy handler does.
    """
    busy = (error.sqlite_errorcode & 0xFF) == sqlite3.SQLITE_BUSY
    return busy and not connection.in_transaction

"""The leader lock's mechanics, one class per dialect (one process polls and sends).

PostgreSQL: a session-level advisory lock taken on a dedicated connection that lives as long
as the process. The server frees the lock when that session ends, so a crashed leader's
lock frees itself as soon as the server notices the dead connection.

SQLite: a lease row in ``leader_lease``, taken atomically inside a ``BEGIN IMMEDIATE``
transaction when it is absent or expired, extended by the holder, deleted on a clean stop.

Both classes answer ``try_acquire() -> bool``, ``renew() -> bool`` (False: leadership is
lost) and ``release()``; database failures are logged and reported as "not leader" rather
than raised, because the loop in ``runtime.leader`` treats any doubt as lost leadership.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from datetime import timedelta

from sqlalchemy import delete, select, text, update
from sqlalchemy.dialects import sqlite
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from domain.clock import Clock
from storage.engine import WRITE_OPTION
from storage.repositories.base import rowcount
from storage.tables import LeaderLease

logger = logging.getLogger(__name__)

#: The name the PostgreSQL advisory key is derived from.
LEADER_LOCK_NAME = "gempur-leader"
#: The key of the SQLite lease row in ``leader_lease``.
LEASE_NAME = "leader"

#: Seconds a PostgreSQL connect may take before the attempt counts as failed.
PG_CONNECT_TIMEOUT_SECONDS = 10

#: Seconds the unlock on a clean stop may take before the session is simply dropped.
PG_RELEASE_TIMEOUT_SECONDS = 5

#: Session settings of the dedicated PostgreSQL connection. The keepalives make the server
#: notice a leader whose host vanished (no FIN ever arrives) after about 10 + 2 x 5 = 20 s,
#: so a standby retrying every 5 s still takes over within the promised 30 s; a process that
#: merely dies is noticed at once (its kernel closes the socket).
PG_SERVER_SETTINGS = {
    "application_name": "gempur-leader",
    "tcp_keepalives_idle": "10",
    "tcp_keepalives_interval": "5",
    "tcp_keepalives_count": "2",
}

# Errors that mean "the database did not answer as expected": never leader on doubt.
# TimeoutError: asyncpg's connect timeout.
_DB_ERRORS = (SQLAlchemyError, OSError, TimeoutError)


def advisory_key(name: str) -> int:
    """A fixed signed 64-bit advisory-lock key derived from ``name`` (stable across runs)."""
    digest = hashlib.blake2b(name.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


class PostgresAdvisoryLock:
    """``pg_try_advisory_lock`` on a connection of its own, outside the units of work's pool.

    A separate engine with ``NullPool`` owns the connection, so no pool recycling, pre-ping
    or overflow handling can swap it (and with it the lock) behind our back. The connection
    is in autocommit, so it never holds a transaction open between checks.
    """

    def __init__(self, engine: AsyncEngine, *, name: str = LEADER_LOCK_NAME) -> None:
        self._engine = create_async_engine(
            engine.url,
            poolclass=NullPool,
            isolation_level="AUTOCOMMIT",
            hide_parameters=True,
            connect_args={
                "timeout": PG_CONNECT_TIMEOUT_SECONDS,
                "server_settings": PG_SERVER_SETTINGS,
            },
        )
        self._key = advisory_key(name)
        self._connection: AsyncConnection | None = None
        self._held = False
        #: The server process id of the session holding the lock (for tests and logs).
        self.backend_pid: int | None = None

    async def try_acquire(self) -> bool:
        """Take the lock if no other session holds it; True if we hold it now."""
        if self._held:
            return await self.renew()
        try:
            connection = await self._connect()
            acquired = await connection.scalar(
                text("SELECT pg_try_advisory_lock(:key)"), {"key": self._key}
            )
            self.backend_pid = await connection.scalar(text("SELECT pg_backend_pid()"))
        except _DB_ERRORS as error:
            logger.warning("leader lock: PostgreSQL unavailable (%s)", type(error).__name__)
            await self._disconnect()
            return False
        self._held = bool(acquired)
        return self._held

    async def renew(self) -> bool:
        """Check that our session is alive and still holds the lock; False if it is lost.

        A bare ``SELECT 1`` is not enough: should the connection ever be replaced by a new
        one, the new session answers but holds no lock. So ask ``pg_locks`` about our own
        backend (a 64-bit key shows as classid = high half, objid = low half, objsubid 1).
        """
        if not self._held or self._connection is None:
            return False
        unsigned = self._key & 0xFFFF_FFFF_FFFF_FFFF
        try:
            holds = await self._connection.scalar(
                text(
                    "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory'"
                    " AND pid = pg_backend_pid() AND granted AND objsubid = 1"
                    " AND classid::bigint = :high AND objid::bigint = :low)"
                ),
                {"high": unsigned >> 32, "low": unsigned & 0xFFFF_FFFF},
            )
        except _DB_ERRORS as error:
            logger.warning("leader lock: PostgreSQL check failed (%s)", type(error).__name__)
            holds = False
        if not holds:
            self._held = False
            await self._disconnect()
        return bool(holds)

    async def release(self) -> None:
        """Give the lock up and close the dedicated connection (closing alone would free it)."""
        broken = False
        if self._held and self._connection is not None:
            try:
                # Bounded: release runs on the way out, often after a failed renewal.
                async with asyncio.timeout(PG_RELEASE_TIMEOUT_SECONDS):
                    await self._connection.execute(
                        text("SELECT pg_advisory_unlock(:key)"), {"key": self._key}
                    )
            except _DB_ERRORS as error:
                # Ending the session below frees the lock anyway.
                logger.warning("leader lock: unlock failed (%s)", type(error).__name__)
                broken = True
        self._held = False
        await self._disconnect(broken=broken)
        await self._engine.dispose()

    async def _connect(self) -> AsyncConnection:
        if self._connection is None or self._connection.closed:
            self._connection = await self._engine.connect()
        return self._connection

    async def _disconnect(self, *, broken: bool = True) -> None:
        """Drop the connection; a suspect one is invalidated (its socket closed, no goodbye
        exchanged) so a hung server cannot block the way out."""
        connection, self._connection = self._connection, None
        self.backend_pid = None
        if connection is None:
            return
        try:
            if broken:
                await connection.invalidate()
            await connection.close()
        except _DB_ERRORS:
            # A broken connection may fail to close cleanly; it is discarded either way.
            logger.debug("leader lock: closing a broken connection failed")


class SqliteLeaseLock:
    """A lease row (``leader_lease``) that expires unless its holder renews it.

    Every statement runs in its own short ``BEGIN IMMEDIATE`` transaction, so the
    check-and-take is atomic against another process doing the same.
    """

    def __init__(
        self,
        engine: AsyncEngine,
        clock: Clock,
        *,
        holder: str,
        ttl: timedelta,
        name: str = LEASE_NAME,
    ) -> None:
        # The write option makes storage.engine's begin hook emit BEGIN IMMEDIATE.
        self._engine = engine.execution_options(**{WRITE_OPTION: True})
        self._clock = clock
        self._holder = holder
        self._ttl = ttl
        self._name = name

    async def try_acquire(self) -> bool:
        """Take the lease if it is absent, expired or already ours; True if we hold it now."""
        now = self._clock.now()
        taken = (
            update(LeaderLease)
            .where(
                LeaderLease.name == self._name,
                (LeaderLease.expires_at <= now) | (LeaderLease.holder == self._holder),
            )
            .values(
                holder=self._holder, acquired_at=now, renewed_at=now, expires_at=now + self._ttl
            )
        )
        fresh = (
            sqlite.insert(LeaderLease)
            .values(
                name=self._name,
                holder=self._holder,
                acquired_at=now,
                renewed_at=now,
                expires_at=now + self._ttl,
            )
            .on_conflict_do_nothing(index_elements=["name"])
        )
        try:
            async with self._engine.begin() as connection:
                if rowcount(await connection.execute(taken)) == 1:
                    return True
                await connection.execute(fresh)
                # Inside the same write transaction: nobody can have changed the row since.
                holder = await connection.scalar(
                    select(LeaderLease.holder).where(LeaderLease.name == self._name)
                )
        except _DB_ERRORS as error:
            logger.warning("leader lock: SQLite unavailable (%s)", type(error).__name__)
            return False
        return holder == self._holder

    async def renew(self) -> bool:
        """Extend our lease by the TTL; False if another process holds the row now.

        A lease that expired while nobody took it is still ours to extend: the take-over is
        atomic, so as long as the row names us no one else can have become leader.
        """
        now = self._clock.now()
        extend = (
            update(LeaderLease)
            .where(LeaderLease.name == self._name, LeaderLease.holder == self._holder)
            .values(renewed_at=now, expires_at=now + self._ttl)
        )
        try:
            async with self._engine.begin() as connection:
                return rowcount(await connection.execute(extend)) == 1
        except _DB_ERRORS as error:
            logger.warning("leader lock: SQLite renew failed (%s)", type(error).__name__)
            return False

    async def release(self) -> None:
        """Delete our lease so a standby takes over at its next try, not after the TTL."""
        drop = delete(LeaderLease).where(
            LeaderLease.name == self._name, LeaderLease.holder == self._holder
        )
        try:
            async with self._engine.begin() as connection:
                await connection.execute(drop)
        except _DB_ERRORS as error:
            # The lease then simply expires after the TTL.
            logger.warning("leader lock: SQLite release failed (%s)", type(error).__name__)

"""Pooled PostgreSQL connections are pinged before use only after sitting idle for a while.

SQLAlchemy's ``pool_pre_ping`` pings on every checkout: one more network round trip for every
unit of work, most of them on connections returned a few milliseconds earlier. A server
restart or an idle-connection reaper can only have closed a connection that was idle, so we
ping only connections idle for :data:`IDLE_BEFORE_PING_SECONDS` or more. A connection that
fails its ping is replaced before the unit of work sees it. A connection killed while it
was busy fails that one unit of work, as it would with ``pool_pre_ping``; the pool then
replaces every connection older than the failure.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from sqlalchemy import event, exc
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.pool import ConnectionPoolEntry, PoolProxiedConnection

#: A connection back in the pool for this long is pinged before its next use.
IDLE_BEFORE_PING_SECONDS = 5.0

_RETURNED_AT = "gempur_returned_at"


def ping_idle_connections(
    engine: AsyncEngine,
    *,
    idle_seconds: float = IDLE_BEFORE_PING_SECONDS,
    monotonic: Callable[[], float] = time.monotonic,
) -> None:
    """Installs the checkin/checkout listeners on `engine`'s pool."""

    @event.listens_for(engine.sync_engine, "checkin")
    def _returned(_dbapi: DBAPIConnection | None, record: ConnectionPoolEntry) -> None:
        record.info[_RETURNED_AT] = monotonic()

    @event.listens_for(engine.sync_engine, "checkout")
    def _check(
        dbapi_connection: DBAPIConnection,
        record: ConnectionPoolEntry,
        _proxy: PoolProxiedConnection,
    ) -> None:
        returned_at = record.info.get(_RETURNED_AT)
        if returned_at is None or monotonic() - returned_at < idle_seconds:
            return  # new, or in use a moment ago
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as error:
            # The pool discards this connection and checks out (or opens) another one.
            raise exc.DisconnectionError("idle connection failed its ping") from error

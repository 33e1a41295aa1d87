"""Leadership: only the process holding the leader lock polls and sends (docs/architecture.md).

Intended use by ``serve()``::

    lock = leader_lock_for(engine, clock)
    if not await wait_for_leadership(lock, stop):
        return                      # asked to stop while standing by
    ...start polling, the sender and the scheduler...
    lost = asyncio.Event()
    keeper = asyncio.create_task(keep_leadership(lock, stop, lost))
    ...wait for stop or lost; on lost stop polling and sending at once and exit non-zero...
    await lock.release()            # after polling and sending have stopped

Timing (defaults below): a standby retries every 5 s; the SQLite lease lasts 20 s and is
renewed every 10 s. A leader that dies right after renewing is replaced at worst
TTL + retry = 25 s later, within the promised 30 s; a PostgreSQL advisory lock frees as soon as
the server sees the session end, so there the standby's retry interval dominates.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import socket
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncEngine

from domain.clock import Clock
from storage.leader import PostgresAdvisoryLock, SqliteLeaseLock

logger = logging.getLogger(__name__)

#: A standby takes over within this many seconds of the leader's death (docs/architecture.md).
TAKEOVER_DEADLINE_SECONDS = 30.0
#: How often a standby tries to take the lock.
RETRY_SECONDS = 5.0
#: How often the leader renews (SQLite) or checks (PostgreSQL) its lock.
RENEW_SECONDS = 10.0
#: A renewal slower than this counts as lost: it must give up before its lease can expire.
RENEW_TIMEOUT_SECONDS = 5.0
#: Lifetime of a SQLite lease since its last renewal. Longer than RENEW + RENEW_TIMEOUT, so
#: a leader always notices a failed renewal before a standby may take its lease; shorter
#: than TAKEOVER_DEADLINE - RETRY, so a standby takes over in time.
LEASE_TTL = timedelta(seconds=20)

Sleep = Callable[[float], Awaitable[None]]


class LeaderLock(Protocol):
    """The leader lock of one process (see ``storage.leader`` for the two mechanics)."""

    async def try_acquire(self) -> bool:
        """Take the lock if it is free; True if this process holds it now."""
        ...

    async def renew(self) -> bool:
        """Confirm or extend the lock; False means leadership is lost."""
        ...

    async def release(self) -> None:
        """Give the lock up (and close what it holds open) on a clean stop."""
        ...


def make_holder_id() -> str:
    """An id telling processes apart in the lease row and logs: host, pid and a nonce.

    The nonce keeps a restarted process that got the same pid from mistaking the previous
    owner's lease for its own.
    """
    return f"{socket.gethostname()[:64]}:{os.getpid()}:{secrets.token_hex(4)}"


def leader_lock_for(
    engine: AsyncEngine,
    clock: Clock,
    *,
    holder: str | None = None,
    ttl: timedelta = LEASE_TTL,
) -> LeaderLock:
    """The lock that suits the engine's database: advisory lock or lease row."""
    dialect = engine.dialect.name
    if dialect == "postgresql":
        return PostgresAdvisoryLock(engine)
    if dialect == "sqlite":
        return SqliteLeaseLock(engine, clock, holder=holder or make_holder_id(), ttl=ttl)
    raise ValueError(f"no leader lock for the {dialect!r} dialect")  # pragma: no cover


async def wait_for_leadership(
    lock: LeaderLock,
    stop: asyncio.Event,
    *,
    retry_seconds: float = RETRY_SECONDS,
    sleep: Sleep = asyncio.sleep,
) -> bool:
    """Try until the lock is ours (True) or ``stop`` is set first (False).

    ``sleep`` is injectable so tests drive the retries without waiting; a set ``stop``
    interrupts the pause at once either way.
    """
    standing_by = False
    while not stop.is_set():
        if await lock.try_acquire():
            logger.info("became leader")
            return True
        if not standing_by:
            # Once, not at every retry: the log would otherwise fill with it.
            logger.info("standing by: another process is leader")
            standing_by = True
        await _pause(stop, retry_seconds, sleep)
    return False


async def keep_leadership(
    lock: LeaderLock,
    stop: asyncio.Event,
    lost: asyncio.Event,
    *,
    renew_seconds: float = RENEW_SECONDS,
    renew_timeout: float = RENEW_TIMEOUT_SECONDS,
    sleep: Sleep = asyncio.sleep,
) -> None:
    """Renew the lock every ``renew_seconds`` until ``stop``; set ``lost`` if a renewal fails.

    Does not release the lock: the caller does that once polling and sending have stopped,
    so no message goes out after a standby could have taken over.
    """
    while not stop.is_set():
        await _pause(stop, renew_seconds, sleep)
        if stop.is_set():
            return
        try:
            # A hung database must not keep us acting as leader past our lease.
            async with asyncio.timeout(renew_timeout):
                renewed = await lock.renew()
        except TimeoutError:
            renewed = False
        except Exception:
            # Unexpected, but a silently dead renewer would leave a leader whose lease runs
            # out under it: report the loss first, then let the error surface.
            logger.exception("leadership lost: the renewal failed")
            lost.set()
            raise
        if not renewed:
            logger.error("leadership lost: stop polling and sending")
            lost.set()
            return


async def _pause(stop: asyncio.Event, seconds: float, sleep: Sleep) -> None:
    """Sleep for ``seconds`` unless ``stop`` is set sooner; an error of ``sleep`` surfaces."""
    sleeper = asyncio.ensure_future(sleep(seconds))
    stopper = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait({sleeper, stopper}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in (sleeper, stopper):
            task.cancel()
        # Reap both so none is left pending when the loop closes.
        slept, _ = await asyncio.gather(sleeper, stopper, return_exceptions=True)
    if isinstance(slept, Exception):
        raise slept

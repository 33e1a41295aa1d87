"""Failover between two real processes: one leads, a standby takes over (docs/architecture.md).

Each process runs ``tests/helpers/leader_proc.py``, the leadership loop of ``bot.py run``,
and reports its state on stdout. The SQLite runs use a short lease (the production defaults
are checked against the 30 s deadline below); the waits are deadlines for an event, not
timing assertions.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack
from pathlib import Path

import pytest

from runtime.leader import (
    LEASE_TTL,
    RENEW_SECONDS,
    RENEW_TIMEOUT_SECONDS,
    RETRY_SECONDS,
    TAKEOVER_DEADLINE_SECONDS,
)
from tests.helpers.db import (
    POSTGRES_SKIP_REASON,
    create_temp_pg_database,
    drop_database,
    migrated_engine,
    postgres_admin_url,
    sqlite_url,
)

ROOT = Path(__file__).resolve().parents[2]
STARTUP_DEADLINE_SECONDS = 30.0
# Quick settings for the SQLite lease; PostgreSQL ignores the TTL.
FAST = ("--ttl", "3", "--retry", "0.5", "--renew", "1", "--renew-timeout", "1")


class LeaderProcess:
    """One running ``leader_proc`` and the state words it printed."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.seen: list[str] = []

    async def expect(self, word: str, deadline: float) -> None:
        """Read stdout until ``word`` appears; fail if it does not within ``deadline`` s."""
        assert self.process.stdout is not None
        async with asyncio.timeout(deadline):
            while word not in self.seen:
                line = await self.process.stdout.readline()
                if not line:
                    pytest.fail(f"process exited ({self.seen}) before saying {word!r}")
                self.seen.append(line.decode().strip())


Spawn = Callable[..., Awaitable[LeaderProcess]]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """A migrated SQLite file or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        url = sqlite_url(tmp_path / "leader.db")
        await (await migrated_engine(url)).dispose()
        yield url
        return
    admin_url = postgres_admin_url()
    if admin_url is None:
        pytest.skip(POSTGRES_SKIP_REASON)
    url = await create_temp_pg_database(admin_url)
    try:
        yield url
    finally:
        await drop_database(admin_url, url)


@pytest.fixture
async def spawn(database_url: str) -> AsyncIterator[Spawn]:
    """Start leader processes on the database; every one is killed and reaped afterwards."""
    async with AsyncExitStack() as stack:

        async def start(*options: str) -> LeaderProcess:
            process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "tests.helpers.leader_proc", database_url, *options,
                cwd=ROOT, stdout=asyncio.subprocess.PIPE,
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
            )  # fmt: skip
            stack.push_async_callback(_reap, process)
            return LeaderProcess(process)

        yield start


async def _reap(process: asyncio.subprocess.Process) -> None:
    if process.returncode is None:
        process.kill()
    await process.wait()


async def test_standby_takes_over_when_the_leader_is_killed(
    spawn: Spawn,
) -> None:
    first = await spawn(*FAST)
    await first.expect("leader", STARTUP_DEADLINE_SECONDS)
    second = await spawn(*FAST)
    await second.expect("standby", STARTUP_DEADLINE_SECONDS)

    os.kill(first.process.pid, signal.SIGKILL)  # no clean shutdown, no release
    await first.process.wait()

    await second.expect("leader", TAKEOVER_DEADLINE_SECONDS)
    assert second.process.returncode is None  # still running, as leader


async def test_standby_takes_over_at_once_after_a_clean_stop(
    spawn: Spawn,
) -> None:
    # A lease far longer than the deadline: only the release can explain a takeover.
    slow_lease = ("--ttl", "600", "--retry", "0.5", "--renew", "1", "--renew-timeout", "1")
    first = await spawn(*slow_lease)
    await first.expect("leader", STARTUP_DEADLINE_SECONDS)
    second = await spawn(*slow_lease)
    await second.expect("standby", STARTUP_DEADLINE_SECONDS)

    first.process.terminate()
    await first.expect("released", STARTUP_DEADLINE_SECONDS)
    assert await first.process.wait() == 0

    await second.expect("leader", TAKEOVER_DEADLINE_SECONDS)


def test_the_production_defaults_take_over_within_the_deadline() -> None:
    ttl = LEASE_TTL.total_seconds()
    # A leader dying right after a renewal is replaced by the first retry after expiry.
    assert ttl + RETRY_SECONDS <= TAKEOVER_DEADLINE_SECONDS
    # A leader whose renewal fails gives up before its lease can expire under it.
    assert ttl > RENEW_SECONDS + RENEW_TIMEOUT_SECONDS

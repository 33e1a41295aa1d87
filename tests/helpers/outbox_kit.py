"""Tools for testing the paced sender: databases, queueing and reading back, stepped
monotonic time, a shifted running clock, an API that loses answers, and running the sender
until the outbox is settled."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram.error import TimedOut

from domain.delivery import PRIORITY_BULK
from services.outbox import BotApi, OutboxSender, enqueue_message
from storage.migrate import upgrade
from storage.tables import Outbox
from storage.uow import UnitOfWork
from telegram_stub import BotApiStub
from tests.helpers.db import (
    POSTGRES_SKIP_REASON,
    create_temp_pg_database,
    drop_database,
    postgres_admin_url,
    run_in_fresh_loop,
    sqlite_url,
)

#: Statuses a row leaves only through the sender.
UNSETTLED = frozenset({"pending", "claimed"})
# The three users of the sender's tests (their chats exist on the stub).
ANI, BUDI, CITRA = 1001, 1002, 1003
MONDAY_9_WIB = datetime(2027, 1, 4, 2, 0, tzinfo=UTC)

Factory = async_sessionmaker[AsyncSession]


@contextmanager
def migrated_database(backend: str, directory: Path) -> Iterator[str]:
    """A migrated SQLite file or temporary PostgreSQL database; yields its URL."""
    admin_url = postgres_admin_url()
    if backend == "sqlite":
        url = sqlite_url(directory / "gempur.db")
    elif admin_url is None:
        pytest.skip(POSTGRES_SKIP_REASON)
    else:
        url = run_in_fresh_loop(lambda: create_temp_pg_database(admin_url))
    try:
        upgrade(url)
        yield url
    finally:
        if backend == "postgres" and admin_url is not None:
            run_in_fresh_loop(lambda: drop_database(admin_url, url))


async def queue(
    factory: Factory,
    key: str,
    chat_id: int,
    text: str,
    priority: int = PRIORITY_BULK,
    *,
    now: datetime = MONDAY_9_WIB,
    expires_at: datetime | None = None,
) -> int:
    """Queues one HTML message as the app does; returns the row id."""
    async with UnitOfWork(factory) as uow:
        row_id = await enqueue_message(
            uow,
            key=key,
            chat_id=chat_id,
            text=text,
            priority=priority,
            kind="test",
            now=now,
            expires_at=expires_at,
        )
        await uow.commit()
    return row_id


async def outbox_rows(factory: Factory) -> dict[str, Outbox]:
    """Every outbox row by idempotency key."""
    async with UnitOfWork(factory, write=False) as uow:
        return {row.idempotency_key: row for row in await uow.session.scalars(select(Outbox))}


def texts(stub: BotApiStub, chat_id: int) -> list[str]:
    """The texts the bot sent to a chat, in order (read from the stub)."""
    return [m["text"] for m in stub.read_chat(chat_id)["messages"] if m["direction"] == "out"]


class SteppedTime:
    """The sender's monotonic source and sleep: sleeping moves time at once, never waits."""

    def __init__(self) -> None:
        self.now = 0.0

    def monotonic(self) -> float:
        """The current stepped time."""
        return self.now

    async def sleep(self, seconds: float) -> None:
        """Moves time forward by ``seconds`` and lets other tasks run."""
        self.now += max(seconds, 0.0)
        await asyncio.sleep(0)


class ShiftedClock:
    """Real time moved by a fixed offset: runs like the wall clock, on a chosen day and hour.

    For tests that need real pacing inside the sending window whatever hour they run at.
    Two processes given the same offset agree on the time.
    """

    def __init__(self, offset: timedelta) -> None:
        self.offset = offset

    @classmethod
    def starting_at(cls, instant: datetime) -> ShiftedClock:
        """A clock that reads ``instant`` now and runs on from there."""
        return cls(instant - datetime.now(UTC))

    def now(self) -> datetime:
        """The shifted current instant (aware, UTC)."""
        return datetime.now(UTC) + self.offset


class LosingAnswers:
    """Wraps a ``BotApi``: the chosen chats' calls reach Telegram but their answers are lost.

    Models the in-doubt case exactly: the message is delivered, the sender sees a timeout.
    """

    def __init__(self, api: BotApi, chats: set[int]) -> None:
        self._api = api
        self.chats = chats

    async def call(self, method: str, payload: Mapping[str, object]) -> int | None:
        """Delivers, then raises ``TimedOut`` for the chosen chats."""
        message_id = await self._api.call(method, payload)
        if payload.get("chat_id") in self.chats:
            raise TimedOut
        return message_id


class TimedApi:
    """Wraps a ``BotApi`` and notes the (stepped) time and chat of every call it starts."""

    def __init__(self, api: BotApi, time: SteppedTime) -> None:
        self._api = api
        self._time = time
        self.started: list[tuple[float, object]] = []

    async def call(self, method: str, payload: Mapping[str, object]) -> int | None:
        """Notes the call, then makes it."""
        self.started.append((self._time.now, payload.get("chat_id")))
        return await self._api.call(method, payload)


def closed_port() -> int:
    """A loopback port nothing listens on (connections to it are refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def status_counts(factory: Factory) -> dict[str, int]:
    """Outbox rows per status."""
    async with UnitOfWork(factory, write=False) as uow:
        rows = await uow.session.execute(
            select(Outbox.status, func.count()).group_by(Outbox.status)
        )
        return {status: int(count) for status, count in rows}


async def run_until_settled(
    sender: OutboxSender,
    factory: Factory,
    *,
    deadline: float = 30.0,
    poll: float = 0.05,
) -> dict[str, int]:
    """Runs the sender until no row is pending or claimed; returns the final counts."""
    stop = asyncio.Event()
    task = asyncio.create_task(sender.run(stop))
    try:
        async with asyncio.timeout(deadline):
            while UNSETTLED & (await status_counts(factory)).keys():
                if task.done():
                    task.result()  # the sender died: raise its error here
                await asyncio.sleep(poll)
    finally:
        stop.set()
        await task
    return await status_counts(factory)

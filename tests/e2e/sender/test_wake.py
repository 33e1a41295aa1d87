"""A committed interactive row wakes the idle sender: it leaves without waiting for a poll."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from zoneinfo import ZoneInfo

import pytest
import telegram
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from config import DeliveryConfig
from domain.delivery import PRIORITY_INTERACTIVE
from services.outbox import OutboxSender, PtbBotApi
from storage.engine import create_engine, session_factory
from storage.outbox_doorbell import OutboxDoorbell
from telegram_stub import BotApiStub
from tests.helpers.outbox_kit import ANI, MONDAY_9_WIB, Factory, ShiftedClock, queue, texts

WIB = ZoneInfo("Asia/Jakarta")
#: Longer than any test may take: a row that waited for the poll would never arrive.
AN_HOUR = 3600.0


@pytest.fixture
async def engine(factory: Factory, database_url: str) -> AsyncIterator[AsyncEngine]:
    """An engine on the emptied database (`factory` emptied it)."""
    engine = create_engine(database_url)
    try:
        yield engine
    finally:
        await engine.dispose()


async def test_a_committed_interactive_row_wakes_the_idle_sender(
    engine: AsyncEngine, stub: BotApiStub
) -> None:
    doorbell = OutboxDoorbell()
    sessions = session_factory(engine, outbox_doorbell=doorbell)
    commits = 0

    def count(*_: object) -> None:
        nonlocal commits
        commits += 1

    event.listen(engine.sync_engine, "commit", count)
    bot = telegram.Bot(stub.token, base_url=stub.bot_base_url, base_file_url=stub.file_base_url)
    async with bot:
        sender = OutboxSender(
            sessions,
            PtbBotApi(bot),
            ShiftedClock.starting_at(MONDAY_9_WIB),
            DeliveryConfig(),
            WIB,
            "test-sender",
            poll_interval=AN_HOUR,
        )
        doorbell.install(sender.wake)
        stop = asyncio.Event()
        running = asyncio.create_task(sender.run(stop))
        try:
            for _ in range(1000):  # recovery and a first round that found nothing
                if commits >= 2:
                    break
                await asyncio.sleep(0.01)
            assert commits >= 2
            await queue(sessions, "note", ANI, "Ada permintaan akses", PRIORITY_INTERACTIVE)
            for _ in range(1000):  # bounded only so that a failure ends the test
                if texts(stub, ANI):
                    break
                await asyncio.sleep(0.01)
        finally:
            stop.set()
            await running
    assert texts(stub, ANI) == ["Ada permintaan akses"]

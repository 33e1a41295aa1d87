"""The paced sender's real loop against telegram_stub: pacing read from the stub's clock.

The sender runs ``run()`` with real sleeping on a clock shifted into the sending window;
assertions read the timestamps the stub recorded for each request (its clock, not ours).
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator, Iterator
from zoneinfo import ZoneInfo

import pytest
import telegram
from sqlalchemy import event

from config import DeliveryConfig
from domain.delivery import PRIORITY_INTERACTIVE
from services.outbox import OutboxSender, PtbBotApi
from services.outbox.sender import WAKE_GATHER_SECONDS
from storage.engine import create_engine, session_factory
from storage.outbox_doorbell import OutboxDoorbell
from telegram_stub import BotApiStub, StubUser
from tests.helpers.outbox_kit import (
    ANI,
    BUDI,
    CITRA,
    MONDAY_9_WIB,
    Factory,
    ShiftedClock,
    migrated_database,
    queue,
    run_until_settled,
    texts,
)

WIB = ZoneInfo("Asia/Jakarta")


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A migrated database per module and backend."""
    with migrated_database(request.param, tmp_path_factory.mktemp("pacing")) as url:
        yield url


@pytest.fixture
async def sender(factory: Factory, stub: BotApiStub) -> AsyncIterator[OutboxSender]:
    """The production sender (default delivery config) on a real PTB ``Bot``."""
    bot = telegram.Bot(stub.token, base_url=stub.bot_base_url, base_file_url=stub.file_base_url)
    async with bot:
        yield OutboxSender(
            factory,
            PtbBotApi(bot),
            ShiftedClock.starting_at(MONDAY_9_WIB),
            DeliveryConfig(),
            WIB,
            "test-sender",
            poll_interval=0.2,
        )


async def test_no_chat_gets_two_messages_less_than_the_interval_apart(
    factory: Factory, stub: BotApiStub, sender: OutboxSender
) -> None:
    stub.set_flood_limit(30, 1)  # Telegram's limits: any breach would be answered 429
    for n in range(4):
        for chat in (ANI, BUDI, CITRA):
            await queue(factory, f"{chat}-{n}", chat, f"pesan {n}")

    counts = await run_until_settled(sender, factory)

    assert counts == {"sent": 12}
    calls = stub.calls("sendMessage")
    assert {call.status for call in calls} == {200}
    for chat in (ANI, BUDI, CITRA):
        assert texts(stub, chat) == [f"pesan {n}" for n in range(4)]
        stamps = [call.timestamp for call in calls if call.params["chat_id"] == chat]
        gaps = [later - earlier for earlier, later in itertools.pairwise(stamps)]
        # The sender's monotonic clock and the stub's wall clock may differ by a hair.
        assert min(gaps) >= 1.0 - 0.005


async def test_a_429_storm_pauses_sending_and_everything_arrives_once(
    factory: Factory, stub: BotApiStub, sender: OutboxSender
) -> None:
    chats = list(range(3000, 3020))
    for chat in chats:
        stub.add_user(StubUser(chat, f"U{chat}"))
        await queue(factory, f"k{chat}", chat, "siaran")
    stub.rate_limit(1, count=6)  # more than can be in flight when the first answer comes

    counts = await run_until_settled(sender, factory)

    assert counts == {"sent": len(chats)}
    assert [len(texts(stub, chat)) for chat in chats] == [1] * len(chats)
    calls = stub.calls("sendMessage")
    assert sum(call.status == 429 for call in calls) == 6
    first_429 = next(call.timestamp for call in calls if call.status == 429)
    first_after = min(c.timestamp for c in calls if c.status == 200 and c.timestamp > first_429)
    assert first_after >= first_429 + 1.0 - 0.005


async def test_a_burst_of_commits_wakes_the_sender_and_is_gathered_before_it_claims(
    database_url: str, factory: Factory, stub: BotApiStub
) -> None:
    """Each commit of an interactive row wakes the sender; it gathers the burst, then claims,
    instead of claiming once per commit. The gather lasts here exactly as long as the burst."""
    burst_over = asyncio.Event()

    async def gathering_sleep(seconds: float) -> None:
        if seconds == WAKE_GATHER_SECONDS:
            await burst_over.wait()
        await asyncio.sleep(seconds)

    rounds = 0

    def count(*_: object) -> None:
        nonlocal rounds
        rounds += 1

    doorbell = OutboxDoorbell()
    committing = session_factory(factory.kw["bind"], outbox_doorbell=doorbell)
    sending_engine = create_engine(database_url)  # its transactions are the sender's rounds
    event.listen(sending_engine.sync_engine, "begin", count)
    bot = telegram.Bot(stub.token, base_url=stub.bot_base_url, base_file_url=stub.file_base_url)
    async with bot:
        sender = OutboxSender(
            session_factory(sending_engine),
            PtbBotApi(bot),
            ShiftedClock.starting_at(MONDAY_9_WIB),
            DeliveryConfig(),
            WIB,
            "test-sender",
            sleep=gathering_sleep,
            poll_interval=3600.0,  # only a wake-up makes it look at the outbox
        )
        doorbell.install(sender.wake)
        stop = asyncio.Event()
        running = asyncio.create_task(sender.run(stop))
        try:
            for _ in range(1000):  # recovered, and a first round found nothing: idle
                if rounds >= 2:
                    break
                await asyncio.sleep(0.01)
            rounds = 0
            for n, chat in enumerate([ANI, BUDI, CITRA] * 4):
                await queue(
                    factory=committing,
                    key=f"b{n}",
                    chat_id=chat,
                    text=f"Pesan {n}",
                    priority=PRIORITY_INTERACTIVE,
                )
                await asyncio.sleep(0)  # the sender may run between two commits
            rounds_during_burst = rounds
            burst_over.set()
            for _ in range(1000):
                if all(texts(stub, chat) for chat in (ANI, BUDI, CITRA)):
                    break
                await asyncio.sleep(0.01)
        finally:
            stop.set()
            await running
            await sending_engine.dispose()
    assert rounds_during_burst == 0  # ungathered: a claim per commit
    # One claim took the first row of every chat; the next ones wait for the chat's interval.
    assert [texts(stub, chat)[:1] for chat in (ANI, BUDI, CITRA)] == [
        ["Pesan 0"],
        ["Pesan 1"],
        ["Pesan 2"],
    ]

"""The paced sender's delivery policy, against telegram_stub through a real PTB ``Bot``.

Every scenario steps through ``drain_once`` with a frozen clock and stepped monotonic time:
nothing waits. The real loop's pacing is in ``test_pacing.py``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import telegram

from config import DeliveryConfig
from domain.delivery import PRIORITY_BULK, PRIORITY_INTERACTIVE, PRIORITY_REMINDER
from services.outbox import BotApi, OutboxSender, PtbBotApi
from storage.uow import UnitOfWork
from telegram_stub import BotApiStub, StubUser
from tests.helpers.clock import FrozenClock
from tests.helpers.outbox_kit import (
    ANI,
    BUDI,
    CITRA,
    MONDAY_9_WIB,
    Factory,
    LosingAnswers,
    SteppedTime,
    TimedApi,
    closed_port,
    queue,
    texts,
)
from tests.helpers.outbox_kit import outbox_rows as rows

WIB = ZoneInfo("Asia/Jakarta")
SECOND = timedelta(seconds=1)


@pytest.fixture
async def api(stub: BotApiStub) -> AsyncIterator[PtbBotApi]:
    """The production adapter over a real PTB ``Bot`` pointed at the stub."""
    bot = telegram.Bot(stub.token, base_url=stub.bot_base_url, base_file_url=stub.file_base_url)
    async with bot:
        yield PtbBotApi(bot)


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(MONDAY_9_WIB)


@pytest.fixture
def time_steps() -> SteppedTime:
    return SteppedTime()


def make_sender(
    factory: Factory, api: BotApi, clock: FrozenClock, time_steps: SteppedTime, **delivery: object
) -> OutboxSender:
    """A sender whose pacing steps time instead of waiting."""
    return OutboxSender(
        factory,
        api,
        clock,
        DeliveryConfig.model_validate(delivery),
        WIB,
        "test-sender",
        sleep=time_steps.sleep,
        monotonic=time_steps.monotonic,
    )


async def drain(sender: OutboxSender, clock: FrozenClock, seconds: float = 1.0) -> None:
    """Rounds until nothing more goes, moving the frozen clock past each chat's interval."""
    for _ in range(50):
        if not await sender.drain_once():
            clock.advance(seconds=seconds)
            if not await sender.drain_once():
                return
    raise AssertionError("the outbox never settled")


# --- delivery policy, stepped -----------------------------------------------------------------


async def test_queued_messages_reach_their_chats_and_rows_record_the_message_ids(
    factory: Factory, stub: BotApiStub, api: PtbBotApi, clock: FrozenClock, time_steps: SteppedTime
) -> None:
    await queue(factory, "a1", ANI, "Rapat <b>RAT</b> 5 Maret")
    await queue(factory, "a2", ANI, "KSU &quot;Maju &amp; Jaya&quot;")
    await queue(factory, "b1", BUDI, "Halo Budi", PRIORITY_INTERACTIVE)
    sender = make_sender(factory, api, clock, time_steps)

    await drain(sender, clock)

    assert texts(stub, ANI) == ["Rapat RAT 5 Maret", 'KSU "Maju & Jaya"']
    assert texts(stub, BUDI) == ["Halo Budi"]
    stored = await rows(factory)
    assert {key: row.status for key, row in stored.items()} == dict.fromkeys(stored, "sent")
    ani_ids = [m["message_id"] for m in stub.read_chat(ANI)["messages"]]
    assert [stored["a1"].telegram_message_id, stored["a2"].telegram_message_id] == ani_ids


async def test_interactive_rows_go_before_bulk(
    factory: Factory, stub: BotApiStub, api: PtbBotApi, clock: FrozenClock, time_steps: SteppedTime
) -> None:
    for n in range(4):
        await queue(factory, f"bulk{n}", 2000 + n, "siaran")
        stub.add_user(StubUser(2000 + n, f"U{n}"))
    await queue(factory, "relay-ani", ANI, "balasan", PRIORITY_INTERACTIVE)
    await queue(factory, "note-budi", BUDI, "catatan", PRIORITY_INTERACTIVE)
    sender = make_sender(factory, api, clock, time_steps, max_in_flight=2)

    assert await sender.drain_once() == 2

    assert [call.params["chat_id"] for call in stub.calls("sendMessage")] in (
        [ANI, BUDI],
        [BUDI, ANI],
    )
    await drain(sender, clock)
    assert len(stub.calls("sendMessage")) == 6


async def test_bulk_waits_for_the_window_while_interactive_goes_at_night(
    factory: Factory, stub: BotApiStub, api: PtbBotApi, time_steps: SteppedTime
) -> None:
    clock = FrozenClock(datetime(2027, 1, 4, 6, 59, tzinfo=WIB).astimezone(UTC))
    await queue(factory, "reminder", ANI, "pengingat", PRIORITY_REMINDER, now=clock.now())
    await queue(factory, "broadcast", BUDI, "siaran", PRIORITY_BULK, now=clock.now())
    await queue(factory, "relay", CITRA, "balasan", PRIORITY_INTERACTIVE, now=clock.now())
    sender = make_sender(factory, api, clock, time_steps)

    assert await sender.drain_once() == 1
    assert await sender.drain_once() == 0
    assert (texts(stub, CITRA), texts(stub, ANI), texts(stub, BUDI)) == (["balasan"], [], [])

    clock.set(datetime(2027, 1, 4, 7, 0, tzinfo=WIB).astimezone(UTC))
    assert await sender.drain_once() == 2
    assert (texts(stub, ANI), texts(stub, BUDI)) == (["pengingat"], ["siaran"])


async def test_bulk_queued_in_the_evening_is_held_from_twenty_wib(
    factory: Factory, stub: BotApiStub, api: PtbBotApi, time_steps: SteppedTime
) -> None:
    clock = FrozenClock(datetime(2027, 1, 4, 20, 0, tzinfo=WIB).astimezone(UTC))
    await queue(factory, "broadcast", ANI, "siaran", now=clock.now())
    sender = make_sender(factory, api, clock, time_steps)

    assert await sender.drain_once() == 0

    clock.set(datetime(2027, 1, 5, 7, 0, tzinfo=WIB).astimezone(UTC))
    assert await sender.drain_once() == 1
    assert texts(stub, ANI) == ["siaran"]


async def test_an_expired_broadcast_is_never_sent(
    factory: Factory, stub: BotApiStub, api: PtbBotApi, clock: FrozenClock, time_steps: SteppedTime
) -> None:
    await queue(
        factory, "old", ANI, "siaran kemarin", expires_at=clock.now() + timedelta(hours=48)
    )
    await queue(factory, "new", BUDI, "siaran baru", expires_at=clock.now() + timedelta(hours=72))
    clock.advance(hours=48)
    sender = make_sender(factory, api, clock, time_steps)

    await drain(sender, clock)

    stored = await rows(factory)
    assert (stored["old"].status, stored["new"].status) == ("expired", "sent")
    assert (texts(stub, ANI), texts(stub, BUDI)) == ([], ["siaran baru"])


async def test_a_blocked_user_becomes_unreachable_and_their_pending_rows_are_cancelled(
    factory: Factory, stub: BotApiStub, api: PtbBotApi, clock: FrozenClock, time_steps: SteppedTime
) -> None:
    async with UnitOfWork(factory) as uow:
        await uow.people.add(telegram_user_id=ANI, now=clock.now())
        await uow.commit()
    stub.set_blocked(ANI)
    for n in range(3):
        await queue(factory, f"ani{n}", ANI, f"pesan {n}")
    await queue(factory, "budi", BUDI, "untuk Budi")
    sender = make_sender(factory, api, clock, time_steps)

    await drain(sender, clock)

    stored = await rows(factory)
    assert [stored[f"ani{n}"].status for n in range(3)] == ["cancelled"] * 3
    assert "blocked" in (stored["ani0"].error or "")
    assert stored["budi"].status == "sent"
    assert len(stub.calls("sendMessage")) == 2  # one refused for Ani, one delivered to Budi
    async with UnitOfWork(factory, write=False) as uow:
        person = await uow.people.get_by_telegram_id(ANI)
    assert person is not None
    assert (person.reachable, person.unreachable_since) == (False, MONDAY_9_WIB)

    # She unblocks the bot; the update handlers call mark_reachable, and she is written to again.
    stub.set_blocked(ANI, blocked=False)
    async with UnitOfWork(factory) as uow:
        assert await uow.people.mark_reachable(ANI, now=clock.now()) is True
        await uow.commit()
    await queue(factory, "ani-again", ANI, "selamat datang kembali", PRIORITY_INTERACTIVE)
    await drain(sender, clock)
    assert texts(stub, ANI) == ["selamat datang kembali"]


async def test_a_refused_message_fails_with_telegrams_reason_and_the_rest_goes_on(
    factory: Factory, stub: BotApiStub, api: PtbBotApi, clock: FrozenClock, time_steps: SteppedTime
) -> None:
    await queue(factory, "broken", ANI, "KSU <Sejahtera>")  # unescaped: Telegram refuses it
    await queue(factory, "fine", ANI, "KSU &lt;Sejahtera&gt;")
    sender = make_sender(factory, api, clock, time_steps)

    await drain(sender, clock)

    stored = await rows(factory)
    assert stored["broken"].status == "failed"
    assert "can't parse entities" in (stored["broken"].error or "").lower()
    assert stored["broken"].attempts == 1
    assert (stored["fine"].status, texts(stub, ANI)) == ("sent", ["KSU <Sejahtera>"])


async def test_a_flood_wait_requeues_the_row_and_holds_all_sending(
    factory: Factory, stub: BotApiStub, api: PtbBotApi, clock: FrozenClock, time_steps: SteppedTime
) -> None:
    for chat in (ANI, BUDI, CITRA):
        await queue(factory, f"k{chat}", chat, "siaran")
    timed = TimedApi(api, time_steps)
    sender = make_sender(factory, timed, clock, time_steps, max_in_flight=1)
    stub.rate_limit(7, count=1)

    assert await sender.drain_once() == 1  # answered 429 "retry after 7"
    flooded_at, flooded_chat = timed.started[0]
    stored = await rows(factory)
    assert stored[f"k{flooded_chat}"].status == "pending"
    assert stored[f"k{flooded_chat}"].not_before == clock.now() + 7 * SECOND

    await sender.drain_once()  # another chat: it waits out the pause first
    assert timed.started[1][0] >= flooded_at + 7
    clock.advance(seconds=7)
    await drain(sender, clock)
    assert [len(texts(stub, chat)) for chat in (ANI, BUDI, CITRA)] == [1, 1, 1]


async def test_a_lost_answer_leaves_bulk_in_doubt_and_resends_interactive(
    factory: Factory, stub: BotApiStub, api: PtbBotApi, clock: FrozenClock, time_steps: SteppedTime
) -> None:
    await queue(factory, "broadcast", ANI, "siaran")
    await queue(factory, "relay", BUDI, "balasan", PRIORITY_INTERACTIVE)
    losing = LosingAnswers(api, {ANI, BUDI})
    sender = make_sender(factory, losing, clock, time_steps)

    assert await sender.drain_once() == 2
    losing.chats.clear()  # the network is fine again
    clock.advance(minutes=10)
    await drain(sender, clock)

    stored = await rows(factory)
    # The broadcast reached Ani once and is reported in doubt, never sent again ...
    assert (stored["broadcast"].status, texts(stub, ANI)) == ("in_doubt", ["siaran"])
    # ... the relay copy is sent again: Budi may see it twice, but never zero times.
    assert (stored["relay"].status, stored["relay"].attempts) == ("sent", 2)
    assert texts(stub, BUDI) == ["balasan", "balasan"]


async def test_a_refused_connection_backs_off_then_gives_up(
    factory: Factory, stub: BotApiStub, clock: FrozenClock, time_steps: SteppedTime
) -> None:
    await queue(factory, "broadcast", ANI, "siaran")
    url = f"http://127.0.0.1:{closed_port()}"
    bot = telegram.Bot(stub.token, base_url=f"{url}/bot", base_file_url=f"{url}/file/bot")
    sender = OutboxSender(
        factory,
        PtbBotApi(bot),
        clock,
        DeliveryConfig(),
        WIB,
        "test-sender",
        sleep=time_steps.sleep,
        monotonic=time_steps.monotonic,
        max_attempts=3,
    )

    waits = []
    for _ in range(3):
        start = clock.now()
        assert await sender.drain_once() == 1
        row = (await rows(factory))["broadcast"]
        waits.append((row.not_before - start).total_seconds())
        clock.set(row.not_before)

    assert (row.status, row.attempts) == ("failed", 3)
    assert waits[:2] == [2.0, 4.0]
    assert await sender.drain_once() == 0
    assert stub.calls("sendMessage") == []


async def test_recovery_reports_rows_left_claimed_and_resends_only_interactive(
    factory: Factory, stub: BotApiStub, api: PtbBotApi, clock: FrozenClock, time_steps: SteppedTime
) -> None:
    await queue(factory, "broadcast", ANI, "siaran")
    await queue(factory, "relay", BUDI, "balasan", PRIORITY_INTERACTIVE)
    async with UnitOfWork(factory) as uow:  # a sender that claimed both, then died
        await uow.outbox.claim(
            holder="dead", now=clock.now(), limit=4, chat_interval=SECOND, bulk_allowed=True
        )
        await uow.commit()
    sender = make_sender(factory, api, clock, time_steps)

    report = await sender.recover()
    clock.advance(seconds=1)
    await drain(sender, clock)

    assert (report.in_doubt, report.requeued, report.total) == (1, 1, 2)
    stored = await rows(factory)
    assert (stored["broadcast"].status, stored["relay"].status) == ("in_doubt", "sent")
    assert (texts(stub, ANI), texts(stub, BUDI)) == ([], ["balasan"])

"""Per-chat flood waits for direct replies: what is dropped, refused or passed through.

Telegram's waits here are long (100 s, over the limiter's 60 s ceiling), so nothing sleeps:
the e2e test (tests/e2e/test_flood_wait.py) waits a short one out for real.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from telegram import Chat, Message, Update
from telegram.error import RetryAfter

from handlers.ordering import PerChatUpdateProcessor
from runtime.chat_waits import ChatWaits, ReplyDropped, ReplyKind, reply_kind, replying

CHAT = 5_550_500_111
LONG_WAIT = 100


class FakeTelegram:
    """Answers 429 for the first `refuse` calls, then succeeds; records every call."""

    def __init__(self, refuse: int = 1, wait: float = LONG_WAIT) -> None:
        self.refuse = refuse
        self.wait = wait
        self.calls: list[dict[str, Any]] = []
        self.refused = asyncio.Event()

    async def post(self, data: dict[str, Any]) -> dict[str, Any]:
        self.calls.append(data)
        if len(self.calls) <= self.refuse:
            self.refused.set()
            raise RetryAfter(timedelta(seconds=self.wait))
        return {"message_id": len(self.calls)}


async def _send(
    limiter: ChatWaits, telegram: FakeTelegram, kind: ReplyKind = ReplyKind.NEEDED
) -> object:
    data = {"chat_id": CHAT, "text": "x"}
    with reply_kind(kind):
        return await limiter.process_request(telegram.post, (data,), {}, "sendMessage", data, None)


async def test_a_wait_too_long_to_sit_out_refuses_replies_without_sending_them(
    caplog: pytest.LogCaptureFixture,
) -> None:
    limiter, telegram = ChatWaits(max_wait_seconds=60), FakeTelegram()
    with replying():
        with pytest.raises(RetryAfter):
            await _send(limiter, telegram)
        with pytest.raises(RetryAfter):
            await _send(limiter, telegram)
    assert len(telegram.calls) == 1  # the second reply never reached Telegram
    [line] = [r.getMessage() for r in caplog.records if "pause" in r.getMessage()]
    assert str(CHAT) not in line


async def test_during_a_wait_apologies_are_dropped_and_one_hint_is_kept() -> None:
    limiter, telegram = ChatWaits(max_wait_seconds=60), FakeTelegram()
    with replying():
        with pytest.raises(ReplyDropped):  # the first hint: kept for after the wait
            await _send(limiter, telegram, ReplyKind.HINT)
        with pytest.raises(ReplyDropped):
            await _send(limiter, telegram, ReplyKind.HINT)
        with pytest.raises(ReplyDropped):
            await _send(limiter, telegram, ReplyKind.OPTIONAL)
    await limiter.shutdown()
    assert len(telegram.calls) == 1


async def test_calls_outside_an_update_pass_through_with_their_429() -> None:
    limiter, telegram = ChatWaits(), FakeTelegram(refuse=1)
    with pytest.raises(RetryAfter):  # the outbox sender handles its own 429s
        await _send(limiter, telegram)
    assert await _send(limiter, telegram) == {"message_id": 2}


async def test_other_chats_are_not_held_by_one_chats_wait(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING)
    limiter, telegram = ChatWaits(), FakeTelegram(refuse=1)
    other = {"chat_id": CHAT + 1, "text": "y"}
    with replying():
        with pytest.raises(RetryAfter):
            await _send(limiter, telegram)
        answer = await limiter.process_request(
            telegram.post, (other,), {}, "sendMessage", other, None
        )
    assert answer == {"message_id": 2}


def _update(update_id: int, chat_id: int) -> Update:
    chat = Chat(chat_id, Chat.PRIVATE)
    return Update(update_id, message=Message(update_id, datetime.now(UTC), chat, text="x"))


async def test_a_reply_sitting_out_a_wait_gives_its_update_slot_to_other_chats() -> None:
    processor = PerChatUpdateProcessor(max_concurrent_updates=1)
    limiter, telegram = ChatWaits(), FakeTelegram(refuse=1, wait=0.2)
    order: list[str] = []

    async def reply(chat_id: int) -> None:
        data = {"chat_id": chat_id, "text": "x"}
        await limiter.process_request(telegram.post, (data,), {}, "sendMessage", data, None)
        order.append(f"answered {chat_id}")

    waiting = asyncio.create_task(processor.process_update(_update(1, CHAT), reply(CHAT)))
    await telegram.refused.wait()  # the first chat's reply has met its 429
    other = asyncio.create_task(processor.process_update(_update(2, CHAT + 1), reply(CHAT + 1)))
    await asyncio.wait_for(asyncio.gather(waiting, other), timeout=5)
    # The only slot was free for the other chat while the first chat's reply waited.
    assert order == [f"answered {CHAT + 1}", f"answered {CHAT}"]
    assert [call["chat_id"] for call in telegram.calls] == [CHAT, CHAT + 1, CHAT]

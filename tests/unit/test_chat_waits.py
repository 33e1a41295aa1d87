"""Per-chat flood waits for direct replies: what is dropped, refused or passed through.

Telegram's waits here are long (100 s, over the limiter's 60 s ceiling), so nothing sleeps:
the e2e test (tests/e2e/test_flood_wait.py) waits a short one out for real.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest
from telegram.error import RetryAfter

from runtime.chat_waits import ChatWaits, ReplyDropped, ReplyKind, reply_kind, replying

CHAT = 5_550_500_111
LONG_WAIT = 100


class FakeTelegram:
    """Answers 429 for the first `refuse` calls, then succeeds; records every call."""

    def __init__(self, refuse: int = 1) -> None:
        self.refuse = refuse
        self.calls: list[dict[str, Any]] = []

    async def post(self, data: dict[str, Any]) -> dict[str, Any]:
        self.calls.append(data)
        if len(self.calls) <= self.refuse:
            raise RetryAfter(LONG_WAIT)
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

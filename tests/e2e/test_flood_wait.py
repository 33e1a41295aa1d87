"""Telegram's 429 for one chat: its replies wait, a burst gets one hint, other chats go on."""

from __future__ import annotations

import logging

import pytest

from telegram_stub import BotApiStub
from tests.helpers.bot import bot_config, polling_bot
from tests.helpers.driver import Driver

BURST = 60
RETRY_AFTER = 2


async def test_a_burst_under_a_flood_wait_gets_one_hint_after_it_and_others_go_on(
    stub: BotApiStub, database_url: str, driver: Driver, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    rina = driver.user(5_550_400_111, "Rina")
    tono = driver.user(5_550_400_222, "Tono")
    async with polling_bot(bot_config(stub, database_url)):
        stub.rate_limit(RETRY_AFTER, chat_id=rina.id, count=1, methods=["sendMessage"])
        for number in range(BURST):
            await rina.send(f"halo {number}")
        await rina.send("/bantuan")
        await tono.send("/bantuan")
        [tono_help] = await tono.wait_for_reply()
        hint, rina_help = await rina.wait_for_reply(2, timeout=15)

    to_rina = [c for c in stub.calls("sendMessage") if c.params.get("chat_id") == rina.id]
    refused = [c for c in to_rina if c.status == 429]
    sent = [c for c in to_rina if c.status == 200]
    [to_tono] = [c for c in stub.calls("sendMessage") if c.params.get("chat_id") == tono.id]
    # Telegram refused one reply; nothing else went to Rina until the wait was over.
    assert len(refused) == 1
    assert refused[0].seq < to_tono.seq < min(c.seq for c in sent)
    # The burst got one hint, then her /bantuan was answered: all of it after the wait.
    assert len(sent) == 2
    assert "belum paham" in hint.body
    assert "/bantuan" in rina_help.body
    assert "/bantuan" in tono_help.body
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []
    [wait] = [r.getMessage() for r in caplog.records if "pause in one chat" in r.getMessage()]
    assert str(rina.id) not in wait

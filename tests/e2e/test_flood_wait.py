"""Telegram's 429 for one chat: its replies wait, a burst gets one hint, other chats go on."""

from __future__ import annotations

import itertools
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
        # Telegram refuses every message to Rina until Tono has been answered.
        stub.rate_limit(RETRY_AFTER, chat_id=rina.id, methods=["sendMessage"])
        for number in range(BURST):
            await rina.send(f"halo {number}")
        await rina.send("/bantuan")
        await tono.send("/bantuan")
        [tono_help] = await tono.wait_for_reply()
        stub.rate_limit_off(rina.id)
        hint, rina_help = await rina.wait_for_reply(2, timeout=15)

    to_rina = [c for c in stub.calls("sendMessage") if c.params.get("chat_id") == rina.id]
    [to_tono] = [c for c in stub.calls("sendMessage") if c.params.get("chat_id") == tono.id]
    refused = [c for c in to_rina if c.status == 429]
    sent = [c for c in to_rina if c.status == 200]
    # Tono was answered while Rina's chat waited; nothing went to Rina during a wait.
    assert refused
    assert to_tono.seq < min(c.seq for c in sent)
    for before, after in itertools.pairwise(to_rina):
        if before.status == 429:
            assert after.timestamp - before.timestamp >= RETRY_AFTER - 0.05
    # The burst got one hint, then her /bantuan was answered, both after the wait.
    assert len(sent) == 2
    assert "belum paham" in hint.body
    assert "/bantuan" in rina_help.body
    assert "/bantuan" in tono_help.body
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []
    waits = [r.getMessage() for r in caplog.records if "pause in one chat" in r.getMessage()]
    assert len(waits) == len(refused)  # one line per wait
    assert all(str(rina.id) not in line for line in waits)

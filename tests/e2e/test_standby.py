"""Two `run` processes on one database: one polls, the other stands by and takes over."""

from __future__ import annotations

import asyncio

from bot import build_application, serve
from handlers.context import GempurApp
from telegram_stub import BotApiStub
from tests.helpers.bot import bot_config, polling_bot
from tests.helpers.driver import Driver


def _leading(app: GempurApp) -> bool:
    return app.running and app.updater is not None and app.updater.running


async def test_a_second_bot_stands_by_and_takes_over_when_the_leader_stops(
    stub: BotApiStub, database_url: str, driver: Driver
) -> None:
    cfg = bot_config(stub, database_url)
    ani = driver.user(5001, "Ani")
    standby = build_application(cfg)
    stop_standby = asyncio.Event()
    async with polling_bot(cfg):
        standby_task = asyncio.create_task(serve(standby, stop_standby))
        await ani.send("/bantuan")
        await ani.wait_for_reply()
        await asyncio.sleep(0.2)  # give a misbehaving standby the chance to call Telegram
        get_me_while_standing_by = len(stub.calls("getMe"))
        assert not _leading(standby)
        assert not standby_task.done()
    # The leader stopped and released the lock: the standby takes over (it retries every 5 s).
    try:
        for _ in range(1000):
            if _leading(standby):
                break
            await asyncio.sleep(0.01)
        assert _leading(standby)
        await ani.send("/bantuan")
        [answer] = await ani.wait_for_reply(timeout=10)
        assert "/bahasa" in answer.body
    finally:
        stop_standby.set()
        assert await asyncio.wait_for(standby_task, timeout=15) == 0
    assert get_me_while_standing_by == 1  # only the leader's: the standby stayed silent
    assert len(stub.calls("getMe")) == 2  # the standby called Telegram once it led

"""The log never names a person's Telegram id: a join request, a refusal that meets a blocked
chat, with the bot polling telegram_stub and logging as `python bot.py run` does."""

from __future__ import annotations

import asyncio
from pathlib import Path

from config import LoggingConfig
from handlers.context import AppServices
from runtime.logs import configure_logging
from telegram_stub import BotApiStub
from tests.helpers.bot import bot_config, polling_bot
from tests.helpers.driver import Driver

# Long enough that no timestamp or counter in a log line matches one by chance.
ADMIN = 5_550_300_111
CITRA = 5_550_300_222


async def test_the_log_holds_no_telegram_id_of_the_people_involved(
    stub: BotApiStub, database_url: str, driver: Driver, tmp_path: Path
) -> None:
    admin = driver.user(ADMIN, "Kantor")
    citra = driver.user(CITRA, "Citra", last_name="Dewi")
    cfg = bot_config(stub, database_url, access={"admin_telegram_ids": [ADMIN]})
    log_file = tmp_path / "gempur.log"
    configure_logging(LoggingConfig(level="DEBUG", file=str(log_file)))
    try:
        async with polling_bot(cfg) as app:
            await admin.send("/start")
            await admin.wait_for_reply()
            await citra.send("/start")
            await citra.wait_for_reply()
            await citra.press("Minta akses")
            await citra.wait_for_reply()
            await citra.send("1")  # send without a note
            await citra.wait_for_reply()
            await admin.wait_for_reply(timeout=10)  # delivered by the paced sender
            stub.set_blocked(CITRA)  # no update: the sender meets the 403
            await admin.press("Tolak")
            await _until_unreachable(app.bot_data.services, CITRA)
    finally:
        configure_logging(LoggingConfig(level="WARNING"))
    logged = log_file.read_text(encoding="utf-8")
    for telegram_id in (ADMIN, CITRA):
        assert str(telegram_id) not in logged
    assert "a chat is unreachable" in logged  # the sender did meet the 403


async def _until_unreachable(services: AppServices, telegram_user_id: int) -> None:
    """Waits (with a deadline) for the sender to mark the person unreachable."""
    for _ in range(500):
        async with services.uow(write=False) as uow:
            person = await uow.people.get_by_telegram_id(telegram_user_id)
        if person is not None and not person.reachable:
            return
        await asyncio.sleep(0.02)
    raise AssertionError("the sender never met the blocked chat")

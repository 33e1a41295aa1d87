"""The running bot delivers its outbox: chat menus, blocking and unblocking, crash reports."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from sqlalchemy import select

from storage.engine import create_engine, session_factory
from storage.repositories.outbox import PRIORITY_BULK
from storage.tables import Outbox, Person
from storage.uow import UnitOfWork
from telegram_stub import BotApiStub
from tests.helpers.bot import bot_config, polling_bot
from tests.helpers.clock import FrozenClock
from tests.helpers.driver import Driver


async def _eventually(check: Callable[[], bool], seconds: float = 10) -> None:
    """Waits for an event the bot causes (polling, with a deadline; no schedule involved)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while not check():
        assert loop.time() < deadline, "the bot did not get there in time"
        await asyncio.sleep(0.02)


async def test_bahasa_menu_reaches_telegram_through_the_outbox(
    stub: BotApiStub, database_url: str, driver: Driver
) -> None:
    ani = driver.user(8001, "Ani", language_code="id")
    async with polling_bot(bot_config(stub, database_url)):
        await ani.send("/bahasa")
        await ani.wait_for_reply()
        await ani.send("2")
        await ani.wait_for_reply()

        def chat_menu() -> list[dict[str, str]]:
            menus = {(m["scope"], m["language_code"]): m for m in stub.command_menus()}
            menu = menus.get((f"chat:{ani.id}", ""))
            return menu["commands"] if menu else []

        await _eventually(lambda: bool(chat_menu()))
    # The chat's menu is in the chosen language, its command names too.
    assert {"command": "language", "description": "Choose the language"} in chat_menu()
    assert "bahasa" not in {entry["command"] for entry in chat_menu()}


async def test_blocking_cancels_pending_messages_and_coming_back_makes_reachable(
    stub: BotApiStub, database_url: str, driver: Driver, clock: FrozenClock
) -> None:
    ani = driver.user(8002, "Ani")
    async with polling_bot(bot_config(stub, database_url), clock) as app:
        services = app.bot_data.services
        await ani.send("/bahasa")
        await ani.wait_for_reply()
        await ani.send("1")
        await ani.wait_for_reply()
        async with services.uow() as uow:
            # A reminder planned for tomorrow: pending when she blocks the bot.
            await uow.outbox.enqueue(
                idempotency_key="reminder:ani",
                chat_id=ani.id,
                method="sendMessage",
                payload={"chat_id": ani.id, "text": "Pengingat RAT"},
                kind="reminder",
                priority=PRIORITY_BULK,
                now=clock.now(),
                not_before=clock.now().replace(year=2030),
            )
            await uow.commit()
        await ani.block()

        async def person() -> Person:
            async with services.uow(write=False) as uow:
                found = await uow.people.get_by_telegram_id(ani.id)
            assert found is not None
            return found

        async def reminder_status() -> str:
            async with services.uow(write=False) as uow:
                row = await uow.outbox.get_by_key("reminder:ani")
            assert row is not None
            return row.status

        for _ in range(250):
            if not (await person()).reachable:
                break
            await asyncio.sleep(0.02)
        assert not (await person()).reachable
        assert await reminder_status() == "cancelled"
        await ani.unblock()
        await ani.send("/bantuan")
        await ani.wait_for_reply()
        assert (await person()).reachable


async def test_rows_left_claimed_by_a_crash_are_reported_to_admins_not_resent(
    stub: BotApiStub, database_url: str, driver: Driver, clock: FrozenClock
) -> None:
    admin = driver.user(8003, "Admin")
    await admin.send("/start")  # the admin's chat exists before the bot starts
    cfg = bot_config(stub, database_url, access={"admin_telegram_ids": [admin.id]})
    engine = create_engine(database_url)
    async with UnitOfWork(session_factory(engine)) as uow:
        row_id = await uow.outbox.enqueue(
            idempotency_key="broadcast:1:9001",
            chat_id=9001,
            method="sendMessage",
            payload={"chat_id": 9001, "text": "Siaran"},
            kind="broadcast",
            priority=PRIORITY_BULK,
            now=clock.now(),
        )
        row = await uow.session.get_one(Outbox, row_id)
        row.status, row.claimed_by, row.claimed_at = "claimed", "dead:1:x", clock.now()
        await uow.commit()
    await engine.dispose()
    async with polling_bot(cfg, clock) as app:
        [notice] = await admin.wait_for_reply(
            timeout=10, predicate=lambda m: "tidak pasti" in m.body
        )
        async with app.bot_data.services.uow(write=False) as uow:
            status = (
                await uow.session.scalars(select(Outbox.status).where(Outbox.chat_id == 9001))
            ).one()
    assert "1 pesan massal" in notice.body
    assert status == "in_doubt"
    assert not stub.calls("sendMessage") or all(
        call.params.get("chat_id") != 9001 for call in stub.calls("sendMessage")
    )

"""The roll-up as the office and an officer live it, with the bot polling telegram_stub: the
admin opens /rekap, a split and the list behind a number and presses *Kirim pengingat*; an
officer sees only their cooperatives."""

from __future__ import annotations

from domain.access import Role
from storage.engine import create_engine, session_factory
from storage.uow import UnitOfWork
from telegram_stub import BotApiStub
from tests.helpers.bot import bot_config, polling_bot
from tests.helpers.clock import FrozenClock
from tests.helpers.driver import BotMessage, Driver, UserSession
from tests.helpers.rollup import AT, Register, seed_register
from tests.helpers.seed import add_person

ADMIN = 9309


async def _seed(database_url: str) -> Register:
    engine = create_engine(database_url)
    try:
        async with UnitOfWork(session_factory(engine)) as uow:
            register = await seed_register(uow)
            await add_person(uow, ADMIN, "Dedi", roles=[Role.ADMIN], now=AT)
            await uow.commit()
    finally:
        await engine.dispose()
    return register


async def _press_and_wait(user: UserSession, button: str) -> BotMessage:
    shown = await user.last_message()
    await user.press(button)
    return await user.wait_for_edit(shown)


async def test_admin_drills_into_a_number_and_an_officer_sees_only_theirs(
    stub: BotApiStub, database_url: str, driver: Driver, clock: FrozenClock
) -> None:
    register = await _seed(database_url)
    clock.set(AT)
    admin, ani = driver.user(ADMIN, "Dedi"), driver.user(register.ani_telegram, "Ani")
    async with polling_bot(bot_config(stub, database_url), clock):
        await admin.send("/rekap 2025")
        [card] = await admin.wait_for_reply()
        assert "Rekap RAT tahun buku 2025" in card.body
        assert "Koperasi: 6 terdaftar" in card.body
        table = await _press_and_wait(admin, "Per kecamatan")
        assert "Kraksaan: 3 koperasi" in table.body
        kraksaan = await _press_and_wait(admin, "1")
        assert "Koperasi: 3 terdaftar" in kraksaan.body
        listed = await _press_and_wait(admin, "Terdaftar: 3")
        assert [line for line in listed.body.splitlines() if line[:2] == "1."] == [
            "1. Koperasi C — Kraksaan"
        ]
        await admin.press("📣 Kirim pengingat")
        [siaran] = await admin.wait_for_reply()
        assert "Siaran untuk pengurus 3 koperasi dari rekap: Terdaftar." in siaran.body

        await ani.send("/rekap 2025")
        [mine] = await ani.wait_for_reply()
        assert "Koperasi dampingan Anda" in mine.body
        assert "Koperasi: 3 terdaftar" in mine.body
        theirs = await _press_and_wait(ani, "Terdaftar: 3")
    assert {line.split(" — ")[0] for line in theirs.body.splitlines()[1:]} == {
        "1. Koperasi A",
        "2. Koperasi B",
        "3. Koperasi F",
    }
    assert "📣 Kirim pengingat" not in theirs.buttons
    assert all(record["answered"] for record in stub.callback_answers())

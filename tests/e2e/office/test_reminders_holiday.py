"""The leader's daily reminders for the office register: the 30 June year-end's statements
reminder dated on a configured holiday (Wednesday 15 July 2026) goes out on Thursday, once per
board member, in each one's language, through the sender; a second start that day adds nothing;
nothing for the dissolved (BUBAR) cooperative nor for a 31 December one (both databases)."""

from __future__ import annotations

from datetime import UTC, datetime

from storage.engine import create_engine, session_factory
from storage.uow import UnitOfWork
from telegram_stub import BotApiStub, StubUser
from tests.e2e.office.register import AT, office_config_sections, seed_office
from tests.helpers.bot import bot_config, polling_bot
from tests.helpers.clock import FrozenClock
from tests.helpers.driver import BotMessage, Driver
from tests.helpers.seed import add_board_member, add_person

THURSDAY_0705 = datetime(2026, 7, 16, 0, 5, tzinfo=UTC)  # 07:05 WIB
BOARD = 7200  # + the cooperative's place in the register


def _reminder(message: BotMessage) -> bool:
    return message.body.startswith(("Pengingat Gempur", "Gempur reminder"))


async def test_a_holiday_reminder_goes_out_next_working_day_once(
    stub: BotApiStub, database_url: str, driver: Driver
) -> None:
    sections = office_config_sections()
    sections["calendar"] = {"holidays": ["2026-07-15"]}
    cfg = bot_config(stub, database_url, **sections)
    ids = await seed_office(database_url, cfg)
    engine = create_engine(database_url)
    try:
        async with UnitOfWork(session_factory(engine)) as uow:
            for n, (nama, koperasi_id) in enumerate(ids.items()):
                person = await add_person(uow, BOARD + n, f"Ketua {n}", now=AT)
                person.language = "en" if nama == "KPRI <Guru> Sejahtera" else "id"
                stub.add_user(StubUser(BOARD + n, "Ketua", language_code="id"))
                await add_board_member(uow, person, koperasi_id)
            await uow.commit()
    finally:
        await engine.dispose()
    names = list(ids)
    june = {names.index("KPRI <Guru> Sejahtera"), names.index("Kopwan Melati")}
    clock = FrozenClock(THURSDAY_0705)
    async with polling_bot(cfg, clock):
        english, indonesian = [
            (await driver.user(BOARD + n).wait_for_reply(timeout=30, predicate=_reminder))[0]
            for n in sorted(june)
        ]
    assert "KPRI <Guru> Sejahtera" in english.body
    assert "financial statements (A2)" in english.body
    assert "June 30, 2026" in english.body
    assert "Kopwan Melati" in indonesian.body
    assert "30 Juni 2026" in indonesian.body

    clock.set(THURSDAY_0705.replace(hour=4))  # 11:05 WIB: a restart the same day
    async with polling_bot(cfg, clock):
        await driver.user(BOARD).send("/bantuan")
        await driver.user(BOARD).wait_for_reply()
    for n in range(len(names)):
        sent = [m for m in await driver.chat(BOARD + n) if m.outgoing and _reminder(m)]
        assert len(sent) == (1 if n in june else 0), names[n]

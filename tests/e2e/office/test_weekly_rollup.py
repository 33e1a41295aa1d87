"""The office's weekly roll-up as the bot sends it on Monday 07:30 WIB: one photo to each admin
and pimpinan, in each reader's language, none to officers; the kecamatan named with HTML
characters reads as typed; a second run of the day sends nothing more (both databases)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import update

from storage.engine import create_engine, session_factory
from storage.tables import Person
from storage.uow import UnitOfWork
from telegram_stub import BotApiStub, StubUser
from tests.e2e.office.register import (
    ADMIN,
    ANI,
    HTML_KECAMATAN,
    PIMPINAN,
    office_config_sections,
    seed_office,
)
from tests.helpers.bot import bot_config, polling_bot
from tests.helpers.clock import FrozenClock
from tests.helpers.driver import BotMessage, Driver

MONDAY_0731 = datetime(2026, 7, 20, 0, 31, tzinfo=UTC)  # 07:31 WIB


def _photo(message: BotMessage) -> bool:
    return "photo" in message.media


async def test_monday_rollup_reaches_admins_and_pimpinan_in_their_language(
    stub: BotApiStub, database_url: str, driver: Driver
) -> None:
    sections = office_config_sections()
    sections["targets"] = {"rat_target": 60}
    cfg = bot_config(stub, database_url, **sections)
    await seed_office(database_url, cfg)
    engine = create_engine(database_url)
    try:
        async with UnitOfWork(session_factory(engine)) as uow:
            await uow.session.execute(
                update(Person).where(Person.telegram_user_id == ADMIN).values(language="en")
            )
            await uow.commit()
    finally:
        await engine.dispose()
    for user_id in (ADMIN, PIMPINAN, ANI):
        stub.add_user(StubUser(user_id, "Pengguna", language_code="id"))
    admin, pimpinan = driver.user(ADMIN, "Dedi"), driver.user(PIMPINAN, "Bu Kepala")
    clock = FrozenClock(MONDAY_0731)
    async with polling_bot(cfg, clock):
        [english] = await admin.wait_for_reply(timeout=60, predicate=_photo)
        [indonesian] = await pimpinan.wait_for_reply(timeout=60, predicate=_photo)
    assert english.caption is not None
    assert indonesian.caption is not None
    assert english.caption.startswith("Gempur weekly roll-up")
    assert "target 60 %" in english.caption
    assert indonesian.caption.startswith("Rekap mingguan Gempur")
    assert "target 60 %" in indonesian.caption
    assert HTML_KECAMATAN in indonesian.caption  # among the lowest, as typed
    assert (
        english.media["photo"][-1]["file_unique_id"]
        != (indonesian.media["photo"][-1]["file_unique_id"])
    )  # drawn per language
    assert [m for m in await driver.user(ANI).messages() if _photo(m)] == []

    clock.set(MONDAY_0731.replace(hour=5))  # 12:00 WIB: the registry's day is done
    async with polling_bot(cfg, clock):
        await pimpinan.send("/bantuan")
        await pimpinan.wait_for_reply()
    for chat in (ADMIN, PIMPINAN):
        assert len([m for m in await driver.chat(chat) if m.outgoing and _photo(m)]) == 1

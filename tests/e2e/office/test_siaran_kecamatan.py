"""/siaran to the boards of a kecamatan whose name holds HTML characters, with a text full of
them: the preview is exactly what each recipient gets; the dissolved cooperative's board gets
nothing; a forged second *Kirim sekarang* sends no second copy (both databases)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from domain.callbacks import SiaranAction, SiaranButton
from storage.engine import create_engine, session_factory
from storage.uow import UnitOfWork
from telegram_stub import BotApiStub, StubUser
from tests.e2e.office.register import ADMIN, AT, office_config_sections, seed_office
from tests.helpers.bot import bot_config, polling_bot
from tests.helpers.driver import BotMessage, Driver
from tests.helpers.outbox_kit import ShiftedClock
from tests.helpers.seed import add_board_member, add_person, answer_of, forge_press

BOARD = 7300
TEXT = "Rapat <penting> & wajib hadir: bawa <b>LPJ</b>"


def _not_a_reminder(message: BotMessage) -> bool:
    return not message.body.startswith(("Pengingat Gempur", "Rekap mingguan"))


async def test_a_kecamatan_broadcast_arrives_as_previewed_once(
    stub: BotApiStub, database_url: str, driver: Driver
) -> None:
    cfg = bot_config(stub, database_url, **office_config_sections())
    ids = await seed_office(database_url, cfg)
    names = list(ids)
    engine = create_engine(database_url)
    try:
        async with UnitOfWork(session_factory(engine)) as uow:
            for n, koperasi_id in enumerate(ids.values()):
                person = await add_person(uow, BOARD + n, f"Ketua {n}", now=AT)
                stub.add_user(StubUser(BOARD + n, "Ketua", language_code="id"))
                await add_board_member(uow, person, koperasi_id)
            await uow.commit()
    finally:
        await engine.dispose()
    stub.add_user(StubUser(ADMIN, "Dedi", language_code="id"))
    admin = driver.user(ADMIN, "Dedi")
    clock = ShiftedClock.starting_at(datetime(2026, 7, 15, 3, 0, tzinfo=UTC))  # 10:00 WIB
    async with polling_bot(cfg, clock):
        for step in ("/siaran", "2", "2", "1"):
            await admin.send(step)
            await admin.wait_for_reply(predicate=_not_a_reminder)
        await admin.send(TEXT)
        _said, preview, info = await admin.wait_for_reply(3, predicate=_not_a_reminder)
        assert "Kecamatan Sumber & <Rejo>" in info.body
        assert "Penerima saat ini: 2" in info.body
        await admin.press("Kirim sekarang")
        [started] = await admin.wait_for_reply(predicate=_not_a_reminder)
        assert "Penerima: 2" in started.body or "ke 2 penerima" in started.body
        june = [names.index("KPRI <Guru> Sejahtera"), names.index("Kopwan Melati")]
        received = [
            (await driver.user(BOARD + n).wait_for_reply(timeout=15, predicate=_not_a_reminder))[0]
            for n in june
        ]
        button = SiaranButton(int(info.body.split("#")[1].split(" ")[0]), SiaranAction.SEND)
        again = forge_press(stub, ADMIN, button.encode(), info.message_id)
        for _ in range(250):  # the bot answers the forged tap (polling the stub, no schedule)
            if answer_of(stub, again)["answered"]:
                break
            await asyncio.sleep(0.02)
    assert preview.body == TEXT
    for message in received:
        assert message.body == preview.body
        assert message.entities == preview.entities
    assert answer_of(stub, again)["answered"]
    assert "sudah" in str(answer_of(stub, again)["answer"])
    bubar = names.index("Kop Desa Merah Putih Bubar")
    assert [m for m in await driver.chat(BOARD + bubar) if m.outgoing] == []
    for n in june:
        copies = [m for m in await driver.chat(BOARD + n) if m.outgoing and _not_a_reminder(m)]
        assert len(copies) == 1

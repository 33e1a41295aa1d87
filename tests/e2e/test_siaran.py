"""A broadcast with a photo through the running bot (polling telegram_stub, the paced sender
delivering it): the admin's /siaran, the preview, *Kirim sekarang*, and every board member
receiving the photo with its caption once; the officer, outside the segment, nothing."""

from __future__ import annotations

from datetime import UTC, datetime

from domain.access import Role
from handlers.context import GempurApp
from telegram_stub import BotApiStub, StubUser
from tests.helpers.bot import bot_config, polling_bot
from tests.helpers.driver import BotMessage, Driver
from tests.helpers.outbox_kit import ShiftedClock
from tests.helpers.seed import add_board_member, add_koperasi, add_person

ADMIN, OFFICER, ANI, BUDI = 9801, 9802, 9811, 9812
CAPTION = "Undangan pelatihan RAT & laporan <keuangan>"


async def _seed(app: GempurApp, stub: BotApiStub) -> None:
    for tg in (ADMIN, OFFICER, ANI, BUDI):
        stub.add_user(StubUser(tg, "Pengguna", language_code="id"))
    async with app.bot_data.services.uow() as uow:
        await add_person(uow, ADMIN, "Adi", roles=[Role.ADMIN])
        await add_person(uow, OFFICER, "Oki", roles=[Role.PETUGAS])
        for tg, nama in ((ANI, "KSU Maju"), (BUDI, "KUD Tani")):
            koperasi = await add_koperasi(uow, nama)
            await add_board_member(uow, await add_person(uow, tg, nama), koperasi.id)
        await uow.commit()


def _not_a_reminder(message: BotMessage) -> bool:
    """The day's reminders (the admins' weekly roll-up) may arrive in between."""
    return not message.body.startswith("Pengingat Gempur")


def _photo(message: BotMessage) -> bool:
    return "photo" in message.media


async def test_a_photo_broadcast_reaches_every_board_once(
    stub: BotApiStub, database_url: str, driver: Driver
) -> None:
    cfg = bot_config(stub, database_url)
    # Monday 09:00 WIB, running on: inside the sending window whatever hour the test runs.
    clock = ShiftedClock.starting_at(datetime(2027, 1, 4, 2, 0, tzinfo=UTC))
    admin = driver.user(ADMIN, "Adi")
    async with polling_bot(cfg, clock) as app:
        await _seed(app, stub)
        await admin.send("/siaran")
        await admin.wait_for_reply(predicate=_not_a_reminder)
        await admin.press("1. Semua pengurus koperasi")
        await admin.wait_for_reply(predicate=_not_a_reminder)
        await admin.press("2. Foto")
        await admin.wait_for_reply(predicate=_not_a_reminder)
        await admin.send_photo()
        await admin.wait_for_reply(predicate=_not_a_reminder)
        await admin.send(CAPTION)
        _said, preview, info = await admin.wait_for_reply(3, predicate=_not_a_reminder)
        assert "photo" in preview.media
        assert preview.caption == CAPTION
        assert "Penerima saat ini: 2" in info.body
        await admin.press("Kirim sekarang")
        [started] = await admin.wait_for_reply(predicate=_not_a_reminder)
        assert "sedang dikirim ke 2 penerima" in started.body
        for board in (driver.user(ANI), driver.user(BUDI)):
            # (Reminders of the day may arrive too: they are not the broadcast.)
            [received] = await board.wait_for_reply(timeout=15, predicate=_photo)
            assert received.caption == CAPTION
        photo_id = preview.media["photo"][-1]["file_unique_id"]
    assert [m for m in await driver.user(OFFICER).messages() if _photo(m)] == []
    for chat in (ANI, BUDI):
        [got] = [m for m in await driver.chat(chat) if m.outgoing and _photo(m)]  # once
        assert got.media["photo"][-1]["file_unique_id"] == photo_id

"""A board and its officer talk through the running bot (polling telegram_stub, the paced
sender delivering the copies): a question, a photo answered with *Balas*, a Telegram reply
threading back to the officer's photo, and the admins seeing nothing of it."""

from __future__ import annotations

from config import AppConfig
from domain.access import Role
from handlers.context import GempurApp
from telegram_stub import BotApiStub, StubUser
from tests.helpers.bot import bot_config, polling_bot
from tests.helpers.driver import BotMessage, Driver, UserSession
from tests.helpers.seed import add_board_member, add_koperasi, add_person

ANI, DEDI, SITI = 9701, 9702, 9703  # officer, admin, board member


async def _seed(app: GempurApp, stub: BotApiStub) -> None:
    for tg in (ANI, DEDI, SITI):
        stub.add_user(StubUser(tg, "Pengguna", language_code="id"))
    async with app.bot_data.services.uow() as uow:
        ani = await add_person(uow, ANI, "Ani Petugas", roles=[Role.PETUGAS])
        await add_person(uow, DEDI, "Dedi Admin", roles=[Role.ADMIN])
        siti = await add_person(uow, SITI, "Siti Ketua", phone="0812-1234")
        koperasi = await add_koperasi(uow, "KSU Maju Bersama", petugas_id=ani.id)
        await add_board_member(uow, siti, koperasi.id)
        await uow.commit()


async def _say(user: UserSession, text: str, **kwargs: int) -> BotMessage:
    await user.send(text, **kwargs)
    [answer] = await user.wait_for_reply()
    return answer


async def _copies(user: UserSession, count: int) -> list[BotMessage]:
    """The next `count` messages the user receives (the sender paces them a second apart)."""
    return await user.wait_for_reply(count, timeout=15)


async def test_board_asks_officer_answers_with_a_photo_and_the_reply_threads_back(
    stub: BotApiStub, database_url: str, driver: Driver
) -> None:
    cfg: AppConfig = bot_config(stub, database_url)
    siti, ani, dedi = driver.user(SITI, "Siti"), driver.user(ANI, "Ani"), driver.user(DEDI)
    async with polling_bot(cfg) as app:
        await _seed(app, stub)
        await _say(siti, "/hubungi")
        await siti.press("Minta kunjungan")
        [opened] = await siti.wait_for_reply()
        assert "Ani Petugas" in opened.body
        ack = await _say(siti, "Bisa berkunjung minggu depan?")
        assert ack.body == "✓ Terkirim ke Ani Petugas."
        # The header card and the question as one message.
        [question] = await _copies(ani, 1)
        assert "KSU Maju Bersama" in question.body
        assert "Minta kunjungan" in question.body
        assert "0812" not in question.body
        assert question.body.endswith("\n\nBisa berkunjung minggu depan?")
        assert question.buttons == ["Balas", "Lihat koperasi", "Tutup percakapan"]

        await ani.press("Balas")
        await ani.wait_for_reply()
        await ani.send_photo(caption="Jadwal kunjungan")
        [sent] = await ani.wait_for_reply()
        assert sent.body == "✓ Terkirim ke Siti Ketua."
        [photo] = await _copies(siti, 1)
        assert "photo" in photo.media
        assert photo.caption == "Jadwal kunjungan"

        await siti.send("Siap, terima kasih", reply_to=photo.message_id)
        # A new wait begins: the header card again, with the copy.
        [thanks] = await _copies(ani, 1)
        assert "KSU Maju Bersama" in thanks.body
        assert thanks.body.endswith("\n\nSiap, terima kasih")
        ani_photo = next(m for m in await driver.chat(ANI) if m.caption == "Jadwal kunjungan")
        assert thanks.reply_to == ani_photo.message_id
    # The admin was never involved: the cooperative has its officer.
    assert [m for m in await dedi.messages() if "Siap" in m.body or "Bisa" in m.body] == []

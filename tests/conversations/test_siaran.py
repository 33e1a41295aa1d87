"""/siaran through the real application: every step and its bad input, the preview, send now
(a double tap sends once), the report, schedule (surviving a restart, sent once at its time
to the segment as it is then), the list and cancel, and /rekap's entry point."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from telegram import Update
from telegram.ext import CommandHandler

from config import AppConfig
from domain.access import Role
from domain.callbacks import SiaranAction, SiaranButton
from handlers.context import BotContext
from handlers.siaran_entry import start_siaran_for_koperasi
from jobs import job_registry
from services.outbox import OutboxSender, PtbBotApi
from storage.tables import Broadcast, Outbox
from telegram_stub import BotApiStub, StubUser
from tests.helpers.bot import Conversation, conversation
from tests.helpers.clock import FrozenClock
from tests.helpers.driver import Driver, UserSession
from tests.helpers.outbox_kit import UNSETTLED, SteppedTime, status_counts
from tests.helpers.seed import add_board_member, add_koperasi, add_person, answer_of, forge_press

ADMIN, OFFICER, ANI, BUDI, CICI, EKA = 7001, 7002, 7011, 7012, 7013, 7014
BOARDS = (ANI, BUDI, CICI)


async def _seed(conv: Conversation, stub: BotApiStub) -> dict[str, int]:
    """An admin, an officer; KSU Maju (Maron: Ani, Cici) and KUD Tani (Dringu: Budi); each
    has a chat with the bot (Eka too, seated later by some tests)."""
    for chat, name in ((ANI, "Ani"), (BUDI, "Budi"), (CICI, "Cici"), (EKA, "Eka")):
        stub.add_user(StubUser(chat, name))
    async with conv.app.bot_data.services.uow() as uow:
        await add_person(uow, ADMIN, "Adi", roles=[Role.ADMIN])
        await add_person(uow, OFFICER, "Oki", roles=[Role.PETUGAS])
        maju = await add_koperasi(uow, "KSU Maju", kecamatan="Maron", tahap="PERSIAPAN")
        tani = await add_koperasi(uow, "KUD Tani", kecamatan="Dringu", tahap="SIAP_RAT")
        for chat, name, koperasi in (
            (ANI, "Ani", maju),
            (BUDI, "Budi", tani),
            (CICI, "Cici", maju),
        ):
            await add_board_member(uow, await add_person(uow, chat, name), koperasi.id)
        await uow.commit()
        return {"maju": maju.id, "tani": tani.id}


async def _seat(conv: Conversation, chat: int, name: str, koperasi_id: int) -> None:
    async with conv.app.bot_data.services.uow() as uow:
        await add_board_member(uow, await add_person(uow, chat, name), koperasi_id)
        await uow.commit()


async def _broadcasts(conv: Conversation) -> list[Broadcast]:
    async with conv.app.bot_data.services.uow(write=False) as uow:
        return list(await uow.session.scalars(select(Broadcast).order_by(Broadcast.id)))


async def _rows(conv: Conversation) -> list[Outbox]:
    async with conv.app.bot_data.services.uow(write=False) as uow:
        rows = await uow.session.scalars(
            select(Outbox).where(Outbox.kind == "broadcast").order_by(Outbox.chat_id)
        )
        return list(rows)


async def _send_all(conv: Conversation, clock: FrozenClock) -> None:
    """Sends every due outbox row: the paced sender on stepped time, the frozen clock moved
    past each chat's interval between rounds (so a chat's next row may go)."""
    services = conv.app.bot_data.services
    time = SteppedTime()
    sender = OutboxSender(
        services.sessions,
        PtbBotApi(conv.app.bot),
        clock,
        services.config.delivery,
        services.config.region.tz,
        "test-sender",
        sleep=time.sleep,
        monotonic=time.monotonic,
    )
    for _ in range(20):
        if (
            not await sender.drain_once()
            and not UNSETTLED & (await status_counts(services.sessions)).keys()
        ):
            return
        clock.advance(seconds=2)


def _received(stub: BotApiStub, chat: int) -> list[str]:
    """What reached the chat from the bot: texts, and captions of photos and documents."""
    state = stub.state.chats.get(chat)
    if state is None:
        return []
    return [
        m.text or m.caption or "" for m in state.messages.values() if m.outgoing and not m.deleted
    ]


async def _text_broadcast(conv: Conversation, admin: UserSession, text: str) -> None:
    """/siaran → boards of Kecamatan Maron → no attachment → `text`; up to the preview."""
    await conv.say(admin, "/siaran")
    await conv.press(admin, "2. Pengurus di satu kecamatan")
    await conv.say(admin, "maron")
    await conv.press(admin, "1. Tanpa lampiran, teks saja")
    await admin.send(text)
    await conv.deliver()
    await admin.wait_for_reply(3)


async def test_send_now_previews_exactly_sends_once_on_a_double_tap_and_reports(
    conv: Conversation, driver: Driver, stub: BotApiStub, clock: FrozenClock
) -> None:
    await _seed(conv, stub)
    admin = driver.user(ADMIN, "Adi")
    asked = await conv.say(admin, "/siaran")
    assert "kepada siapa" in asked.body
    assert asked.buttons[-1] == "7. Lihat siaran terjadwal"
    kecamatan = await conv.press(admin, "2. Pengurus di satu kecamatan")
    assert "Kecamatan mana?" in kecamatan.body
    attach = await conv.say(admin, "maron")
    assert "Ada lampiran?" in attach.body
    await conv.press(admin, "1. Tanpa lampiran, teks saja")
    await admin.send("Rapat <b>besok</b> & jangan lupa")
    await conv.deliver()
    said, preview, info = await admin.wait_for_reply(3)
    assert "Pratinjau" in said.body
    # Shown as recipients will get it: the text as typed, nothing in it taken as markup.
    assert preview.body == "Rapat <b>besok</b> & jangan lupa"
    assert preview.entities == []
    assert "pengurus di Kecamatan Maron" in info.body
    assert "Penerima saat ini: 2" in info.body
    assert info.buttons == ["Kirim sekarang", "Jadwalkan", "Batal"]

    started = await conv.press(admin, "Kirim sekarang")
    assert "sedang dikirim ke 2 penerima" in started.body
    [broadcast] = await _broadcasts(conv)
    # A second tap on the same button (a slow network): nothing more is queued.
    data = SiaranButton(broadcast.id, SiaranAction.SEND).encode()
    again = forge_press(stub, ADMIN, data, message_id=info.message_id)
    await conv.deliver()
    assert "sudah diputuskan" in str(answer_of(stub, again)["answer"])
    assert [row.chat_id for row in await _rows(conv)] == [ANI, CICI]

    stub.state.blocked.add(CICI)  # she blocked the bot: unreachable in the report
    await _send_all(conv, clock)
    assert _received(stub, ANI) == ["Rapat <b>besok</b> & jangan lupa"]
    assert _received(stub, BUDI) == []  # another kecamatan
    clock.advance(seconds=5)  # past the per-chat interval of the admin's earlier messages
    await job_registry(conv.app).run_due()
    await _send_all(conv, clock)
    [report] = [m.body for m in await admin.messages() if "selesai" in m.body]
    assert f"Siaran #{broadcast.id} selesai (Rapat <b>besok</b> & jangan lupa)" in report
    assert "terkirim: 1" in report
    assert "tidak terjangkau (memblokir bot): 1" in report
    assert "tidak pasti (bot berhenti saat mengirim): 0" in report
    assert "gagal: 0" in report
    [done] = await _broadcasts(conv)
    assert (done.status, done.recipient_count) == ("done", 2)


async def test_bad_answers_get_the_reason_and_the_same_question(
    conv: Conversation, driver: Driver, stub: BotApiStub, clock: FrozenClock
) -> None:
    await _seed(conv, stub)
    admin = driver.user(ADMIN, "Adi")
    await conv.say(admin, "/siaran")
    wrong = await conv.say(admin, "9")
    assert "Nomor itu tidak ada" in wrong.body
    assert "kepada siapa" in wrong.body
    await conv.press(admin, "1. Semua pengurus koperasi")
    await conv.press(admin, "2. Foto")
    not_photo = await conv.say(admin, "ini teks")
    assert "Kirim sebuah foto." in not_photo.body
    assert "Kirim fotonya." in not_photo.body
    await admin.send_photo()
    await conv.deliver()
    assert "Tulis pesannya" in (await admin.wait_for_reply())[-1].body
    long = await conv.say(admin, "x" * 1025)
    assert "paling panjang 1024 karakter (ini 1025)" in long.body.replace(".", "")
    assert "Tulis pesannya" in long.body
    await admin.send("Undangan rapat " + "y" * 900)
    await conv.deliver()
    _said, preview, info = await admin.wait_for_reply(3)
    assert preview.media
    assert preview.caption is not None
    assert preview.caption.startswith("Undangan rapat")
    assert "Penerima saat ini: 3" in info.body

    when = await conv.press(admin, "Jadwalkan")
    assert "Kapan dikirim?" in when.body
    past = await conv.say(admin, "kemarin 10.00")
    assert "sudah lewat" in past.body
    assert "Kapan dikirim?" in past.body
    night = await conv.say(admin, "05-01-2027 21.00")
    assert "07.00–19.59 WIB" in night.body
    assert "Kapan dikirim?" in night.body
    unread = await conv.say(admin, "lusa pagi")
    assert "tidak terbaca" in unread.body
    assert "Kapan dikirim?" in unread.body
    far = await conv.say(admin, "05-06-2027 08.00")
    assert "paling lambat" in far.body.lower()
    done = await conv.say(admin, "05-01-2027 08.00")
    assert "dijadwalkan 5 Januari 2027 08.00 WIB" in done.body
    [broadcast] = await _broadcasts(conv)
    assert broadcast.status == "scheduled"
    assert broadcast.scheduled_at == datetime(2027, 1, 5, 1, 0, tzinfo=UTC)
    assert broadcast.media_kind == "photo"


async def test_a_scheduled_broadcast_survives_a_restart_and_goes_out_once_at_its_time(
    cfg: AppConfig, driver: Driver, stub: BotApiStub, clock: FrozenClock
) -> None:
    admin = driver.user(ADMIN, "Adi")
    async with conversation(cfg, clock) as conv:
        ids = await _seed(conv, stub)
        await _text_broadcast(conv, admin, "Besok pelatihan")
        await conv.press(admin, "Jadwalkan")
        await conv.say(admin, "05-01-2027 08.00")
    # The bot restarts; meanwhile a board is seated in Maron (the segment is read at 08:00).
    async with conversation(cfg, clock) as conv:
        await _seat(conv, EKA, "Eka", ids["maju"])
        clock.set(datetime(2027, 1, 5, 0, 59, tzinfo=UTC))  # 07:59 WIB
        await job_registry(conv.app).run_due()
        assert await _rows(conv) == []
        clock.set(datetime(2027, 1, 5, 1, 0, tzinfo=UTC))  # 08:00 WIB
        first, second = job_registry(conv.app), job_registry(conv.app)
        await first.run_due()
        await second.run_due()  # a second runner finds the moment taken
        clock.advance(minutes=1)
        await second.run_due()  # the next minute starts nothing again
        assert [row.chat_id for row in await _rows(conv)] == [ANI, CICI, EKA]
        await _send_all(conv, clock)
        for chat in (ANI, CICI, EKA):
            assert _received(stub, chat) == ["Besok pelatihan"]
        assert _received(stub, BUDI) == []
        clock.advance(minutes=1)
        await job_registry(conv.app).run_due()
        await _send_all(conv, clock)
        clock.advance(minutes=1)
        await _send_all(conv, clock)
    notes = [m.body for m in await admin.messages()]
    assert any("mulai dikirim ke 3 penerima" in note for note in notes)
    assert sum("terkirim: 3" in note for note in notes) == 1


async def test_the_list_cancels_a_scheduled_broadcast_and_it_never_goes(
    conv: Conversation, driver: Driver, stub: BotApiStub, clock: FrozenClock
) -> None:
    await _seed(conv, stub)
    admin = driver.user(ADMIN, "Adi")
    empty = await conv.say(admin, "/siaran")
    assert "kepada siapa" in empty.body
    await conv.press(admin, "7. Lihat siaran terjadwal")
    assert "Tidak ada siaran" in (await admin.last_message()).body
    await _text_broadcast(conv, admin, "Jadwal berubah")
    await conv.press(admin, "Jadwalkan")
    await conv.say(admin, "05-01-2027 08.00")
    await conv.say(admin, "/siaran")
    await conv.press(admin, "7. Lihat siaran terjadwal", count=2)
    listed = await admin.last_message()
    [broadcast] = await _broadcasts(conv)
    assert f"#{broadcast.id} · 5 Januari 2027 08.00 WIB" in listed.body
    assert "Jadwal berubah" in listed.body
    cancelled = await conv.press(admin, f"Batalkan siaran #{broadcast.id}")
    assert "dibatalkan" in cancelled.body
    clock.set(datetime(2027, 1, 5, 1, 0, tzinfo=UTC))
    await job_registry(conv.app).run_due()
    assert await _rows(conv) == []
    assert [b.status for b in await _broadcasts(conv)] == ["cancelled"]


async def test_a_broadcast_sent_outside_the_window_can_be_cancelled_until_it_leaves(
    conv: Conversation, driver: Driver, stub: BotApiStub, clock: FrozenClock
) -> None:
    await _seed(conv, stub)
    admin = driver.user(ADMIN, "Adi")
    clock.set(datetime(2027, 1, 4, 14, 0, tzinfo=UTC))  # 21:00 WIB: the window is closed
    await _text_broadcast(conv, admin, "Malam ini")
    started = await conv.press(admin, "Kirim sekarang")
    assert "mulai pukul 07.00 WIB" in started.body
    [broadcast] = await _broadcasts(conv)
    cancel = SiaranButton(broadcast.id, SiaranAction.CANCEL).encode()
    forge_press(stub, ADMIN, cancel)
    await conv.deliver()
    assert "dibatalkan" in (await admin.wait_for_reply())[-1].body
    assert {row.status for row in await _rows(conv)} == {"cancelled"}
    clock.set(datetime(2027, 1, 5, 1, 0, tzinfo=UTC))
    await _send_all(conv, clock)
    assert _received(stub, ANI) == []


async def test_only_admins_may_broadcast_or_press_its_buttons(
    conv: Conversation, driver: Driver, stub: BotApiStub
) -> None:
    await _seed(conv, stub)
    officer = driver.user(OFFICER, "Oki")
    assert "tidak memiliki akses" in (await conv.say(officer, "/siaran")).body
    admin = driver.user(ADMIN, "Adi")
    await _text_broadcast(conv, admin, "Hanya admin")
    [broadcast] = await _broadcasts(conv)
    await conv.say(officer, "/bantuan")  # the officer's chat has a bot message to press on
    pressed = forge_press(stub, OFFICER, SiaranButton(broadcast.id, SiaranAction.SEND).encode())
    await conv.deliver()
    assert "tidak memiliki akses" in str(answer_of(stub, pressed)["answer"])
    assert await _rows(conv) == []


async def test_rekap_hands_over_its_cooperatives_and_the_segment_step_is_skipped(
    conv: Conversation, driver: Driver, stub: BotApiStub, clock: FrozenClock
) -> None:
    ids = await _seed(conv, stub)

    async def drill(update: Update, context: BotContext) -> None:
        await start_siaran_for_koperasi(update, context, [ids["tani"]], "Dringu · belum RAT")

    # As /rekap's drill-down will call it (first in line, after the gate).
    conv.app.handlers[0].insert(0, CommandHandler("ujirekap", drill))
    officer = driver.user(OFFICER, "Oki")
    assert "tidak memiliki akses" in (await conv.say(officer, "/ujirekap")).body
    admin = driver.user(ADMIN, "Adi")
    opened = await conv.say(admin, "/ujirekap")
    assert "pengurus 1 koperasi dari rekap: Dringu · belum RAT" in opened.body
    assert "Ada lampiran?" in opened.body  # the segment step is skipped
    await conv.press(admin, "1. Tanpa lampiran, teks saja")
    await admin.send("Segera jadwalkan RAT")
    await conv.deliver()
    _said, _preview, info = await admin.wait_for_reply(3)
    assert "dari rekap: Dringu · belum RAT" in info.body
    assert "Penerima saat ini: 1" in info.body
    await conv.press(admin, "Kirim sekarang")
    await _send_all(conv, clock)
    assert _received(stub, BUDI) == ["Segera jadwalkan RAT"]
    assert _received(stub, ANI) == []

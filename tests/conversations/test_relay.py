"""Conversations between boards and officers through the real application: /hubungi, the
header card, *Balas*, Telegram replies threading both ways, the admins' queue and its claim,
/pesan with close and reopen, forged buttons, and the waiting-time reminders."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import event, select

from domain.access import Role
from domain.callbacks import RelayAction, RelayButton, RelayTopicButton
from domain.relay import ThreadStatus, Topic, WaitLevel
from jobs import job_registry
from services.assignment import assign_one
from services.outbox import OutboxSender, PtbBotApi
from services.relay_wait import WaitRules, check_waits
from services.reminders.plan import REMINDER_KIND
from services.reminders.rollup import ROLLUP_KIND
from storage.tables import Outbox, RelaySession, Thread, ThreadMessage
from telegram_stub import BotApiStub, StubUser
from tests.helpers.bot import Conversation, bot_config, conversation
from tests.helpers.clock import FrozenClock
from tests.helpers.driver import BotMessage, Driver, UserSession
from tests.helpers.onboarding import deliver_outbox
from tests.helpers.outbox_kit import run_until_settled
from tests.helpers.seed import add_board_member, add_koperasi, add_person, answer_of, forge_press

ANI, DEDI, ELSA = 7001, 7009, 7010  # officer, two admins
SITI, BUDI, RINA, EKA = 5001, 5002, 5003, 5004  # boards: Maju (2), Jaya (queue), Lain


@pytest.fixture
async def ids(conv: Conversation, stub: BotApiStub) -> dict[str, int]:
    """The people and cooperatives of `_seed`."""
    return await _seed(conv, stub)


async def _seed(conv: Conversation, stub: BotApiStub) -> dict[str, int]:
    """Maju has officer Ani and two board members; Jaya has no officer; Lain is Ani's too.
    Everyone has started the bot (their chats exist)."""
    for tg in (ANI, DEDI, ELSA, SITI, BUDI, RINA, EKA):
        stub.add_user(StubUser(tg, "Pengguna", language_code="id"))
    async with conv.app.bot_data.services.uow() as uow:
        made = {
            key: (await add_person(uow, tg, name, roles=roles, phone="0812-555", username=user)).id
            for key, tg, name, roles, user in [
                ("ani", ANI, "Ani Petugas", [Role.PETUGAS], "ani_p"),
                ("dedi", DEDI, "Dedi & Rekan", [Role.ADMIN], None),
                ("elsa", ELSA, "Elsa Admin", [Role.ADMIN], None),
                ("siti", SITI, "Siti Ketua", [], "sitik"),
                ("budi", BUDI, "Budi Bendahara", [], None),
                ("rina", RINA, "Rina", [], None),
                ("eka", EKA, "Eka", [], None),
            ]
        }
        for nama, officer, members in [
            ("KSU Maju", made["ani"], [("siti", "ketua"), ("budi", "bendahara")]),
            ("KSU Jaya", None, [("rina", "ketua")]),
            ("KSU Lain", made["ani"], [("eka", "ketua")]),
        ]:
            koperasi = await add_koperasi(uow, nama, petugas_id=officer, flags=["TIDAK_RAT"])
            made[nama] = koperasi.id
            for key, jabatan in members:
                person = await uow.people.get(made[key])
                assert person is not None
                await add_board_member(uow, person, koperasi.id, jabatan)
        await uow.commit()
    return made


def _alert(stub: BotApiStub, query: str) -> object:
    """The text the bot answered a callback query with."""
    answer = answer_of(stub, query)["answer"]
    assert isinstance(answer, dict)
    return answer["text"]


async def _open(conv: Conversation, user: UserSession, topic: str) -> BotMessage:
    await conv.say(user, "/hubungi")
    return await conv.press(user, topic)


async def _delivered(conv: Conversation) -> list[Outbox]:
    return await deliver_outbox(conv.app)


async def _notes_delivered(conv: Conversation) -> list[Outbox]:
    """What the outbox delivered, but the daily reminders and the weekly roll-up the same jobs
    pass plans."""
    planned = (REMINDER_KIND, ROLLUP_KIND)
    return [row for row in await deliver_outbox(conv.app) if row.kind not in planned]


async def _threads(conv: Conversation) -> list[Thread]:
    async with conv.app.bot_data.services.uow(write=False) as uow:
        return list(await uow.session.scalars(select(Thread).order_by(Thread.id)))


async def _incoming(user: UserSession) -> list[BotMessage]:
    """What the bot sent the user (copies and cards), oldest first."""
    return await user.messages()


async def test_board_writes_officer_answers_with_balas_and_with_a_reply(
    conv: Conversation, driver: Driver, ids: dict[str, int]
) -> None:
    siti, budi, ani = driver.user(SITI, "Siti"), driver.user(BUDI, "Budi"), driver.user(ANI)
    opened = await _open(conv, siti, "Pertanyaan tentang RAT")
    assert "Ani Petugas" in opened.body
    assert opened.buttons == ["Selesai mengirim"]
    await siti.send("Kapan batas RAT tahun ini?")
    await conv.deliver()
    assert (await siti.last_message()).body == "✓ Terkirim ke Ani Petugas."
    await _delivered(conv)
    # The header card and the copy come as one message: nothing waits behind the card.
    header = (await _incoming(ani))[-1]
    assert "KSU Maju" in header.body
    assert "Siti Ketua (Ketua)" in header.body
    assert "Pertanyaan tentang RAT" in header.body
    assert "tidak RAT" in header.body
    assert "0812" not in header.body
    assert "sitik" not in header.body
    assert header.buttons == ["Balas", "Lihat koperasi", "Tutup percakapan"]
    assert header.body.endswith("\n\nKapan batas RAT tahun ini?")
    [thread] = await _threads(conv)
    assert thread.waiting_since is not None
    assert thread.topic == Topic.RAT.value

    await conv.press(ani, "Balas")
    await ani.send("Akhir Juni, Bu.")
    await conv.deliver()
    assert (await ani.last_message()).body == "✓ Terkirim ke Siti Ketua."
    await _delivered(conv)
    answer = (await _incoming(siti))[-1]
    assert answer.body == "Akhir Juni, Bu."
    assert all(m.body != "Akhir Juni, Bu." for m in await _incoming(budi))  # only the asker
    [thread] = await _threads(conv)
    assert thread.waiting_since is None

    # Ani ends her session; Siti answers the copy with a Telegram reply, Ani replies back.
    await conv.press(ani, "Selesai mengirim")
    reply = await siti.send("Terima kasih!", reply_to=answer.message_id)
    await conv.deliver()
    await _delivered(conv)
    thanks = (await _incoming(ani))[-1]
    assert thanks.body.endswith("\n\nTerima kasih!")  # a new wait: under its card
    ani_question = next(m for m in await driver.chat(ANI) if m.body == "Akhir Juni, Bu.")
    assert thanks.reply_to == ani_question.message_id  # threads to Ani's own message
    await ani.send("Sama-sama.", reply_to=thanks.message_id)
    await conv.deliver()
    await _delivered(conv)
    last = (await _incoming(siti))[-1]
    assert last.body == "Sama-sama."
    assert last.reply_to == reply["message_id"]


async def test_album_document_and_voice_are_copied_and_stickers_are_explained(
    conv: Conversation, driver: Driver, ids: dict[str, int]
) -> None:
    siti, ani = driver.user(SITI, "Siti"), driver.user(ANI)
    await _open(conv, siti, "Minta kunjungan")
    await siti.send_album(2)
    await siti.send_document(b"%PDF-1.4 laporan", "laporan.pdf")
    await siti.send_voice()
    await conv.deliver()
    await _delivered(conv)
    copies = await _incoming(ani)
    assert [sorted(m.media) for m in copies] == [["photo"], ["photo"], ["document"], ["voice"]]
    # The first photo carries the header card as its caption, with its buttons.
    assert "KSU Maju" in (copies[0].caption or "")
    assert copies[0].buttons == ["Balas", "Lihat koperasi", "Tutup percakapan"]
    assert [m.caption for m in copies[1:]] == [None, None, None]
    acks = [m.body for m in await siti.messages() if m.body.startswith("✓")]
    assert len(acks) == 3  # the album once, the document, the voice note
    async with conv.app.bot_data.services.uow(write=False) as uow:
        pairs = list(await uow.session.scalars(select(ThreadMessage)))
    assert len(pairs) == 4


async def test_a_queued_thread_goes_to_every_admin_and_the_first_balas_claims_it(
    conv: Conversation, stub: BotApiStub, driver: Driver, ids: dict[str, int]
) -> None:
    rina, dedi, elsa = driver.user(RINA, "Rina"), driver.user(DEDI), driver.user(ELSA)
    opened = await _open(conv, rina, "Lainnya")
    assert "admin" in opened.body
    await rina.send("Kami belum punya petugas.")
    await conv.deliver()
    await _delivered(conv)
    for admin in (dedi, elsa):
        assert (await _incoming(admin))[-1].body.endswith("\n\nKami belum punya petugas.")
    await conv.press(dedi, "Balas")
    await _delivered(conv)
    assert (await elsa.last_message()).body == "Dedi & Rekan menangani percakapan dengan KSU Jaya."
    # Elsa's own header card still has *Balas*: pressing it names who has the thread.
    query = forge_press(stub, ELSA, _reply_data(await _threads(conv)))
    await conv.deliver()
    # An alert is plain text: the name as written, not HTML-escaped ("&amp;").
    assert _alert(stub, query) == "Percakapan ini sudah ditangani oleh Dedi & Rekan."
    await dedi.send("Kami bantu dari Dinas.")
    await conv.deliver()
    await _delivered(conv)
    assert (await _incoming(rina))[-1].body == "Kami bantu dari Dinas."
    # Her next message goes to Dedi alone.
    await rina.send("Baik.")
    await conv.deliver()
    await _delivered(conv)
    assert (await _incoming(dedi))[-1].body.endswith("\n\nBaik.")  # a new wait, its card
    assert not (await _incoming(elsa))[-1].body.endswith("Baik.")


def _reply_data(threads: list[Thread]) -> str:
    return RelayButton(RelayAction.REPLY, threads[0].id).encode()


async def test_pesan_lists_oldest_waiting_first_and_closes_and_reopens(
    conv: Conversation, driver: Driver, clock: FrozenClock, ids: dict[str, int]
) -> None:
    siti, eka, ani = driver.user(SITI, "Siti"), driver.user(EKA, "Eka"), driver.user(ANI)
    await _open(conv, eka, "Lainnya")
    await conv.say(eka, "Halo dari Lain")
    clock.advance(hours=5)
    await _open(conv, siti, "Pertanyaan tentang RAT")
    await conv.say(siti, "Halo dari Maju")
    clock.advance(hours=1)
    inbox = await conv.say(ani, "/pesan")
    assert inbox.buttons == ["1. KSU Lain", "2. KSU Maju"]
    assert "menunggu 6 jam" in inbox.body
    assert "menunggu 1 jam" in inbox.body
    shown = await conv.press(ani, "1. KSU Lain")
    assert shown.buttons == ["Balas", "Lihat koperasi", "Tutup percakapan"]
    closed = await conv.press(ani, "Tutup percakapan")
    assert "sudah ditutup" in closed.body
    assert closed.buttons == ["Buka lagi", "Lihat koperasi"]
    assert [t.status for t in await _threads(conv)] == [ThreadStatus.CLOSED, ThreadStatus.OPEN]
    assert (await conv.say(ani, "/pesan")).buttons == ["1. KSU Maju"]
    await ani.press("Buka lagi")  # on the closed thread's screen
    await conv.deliver()
    assert [t.status for t in await _threads(conv)] == [ThreadStatus.OPEN, ThreadStatus.OPEN]


async def test_forged_buttons_of_another_cooperative_are_refused(
    conv: Conversation, stub: BotApiStub, driver: Driver, ids: dict[str, int]
) -> None:
    siti, eka = driver.user(SITI, "Siti"), driver.user(EKA, "Eka")
    await _open(conv, siti, "Lainnya")
    await conv.say(siti, "Rahasia Maju")
    await conv.say(eka, "/bantuan")
    topic = forge_press(stub, EKA, RelayTopicButton(ids["KSU Maju"], Topic.RAT).encode())
    reply_button = forge_press(stub, EKA, _reply_data(await _threads(conv)))
    await conv.deliver()
    for query in (topic, reply_button):
        assert _alert(stub, query) == "Maaf, Anda tidak memiliki akses untuk itu."
    async with conv.app.bot_data.services.uow(write=False) as uow:
        sessions = list(await uow.session.scalars(select(RelaySession)))
    assert [s.chat_id for s in sessions] == [SITI]
    # Eka's text goes nowhere: she has no session, it gets the hint.
    await conv.say(eka, "Saya ikut baca?")
    await _delivered(conv)
    assert all("Saya ikut baca?" not in m.body for m in await driver.user(ANI).messages())


async def test_a_command_or_idle_time_ends_the_session(
    conv: Conversation, driver: Driver, clock: FrozenClock, ids: dict[str, int]
) -> None:
    siti = driver.user(SITI, "Siti")
    await _open(conv, siti, "Lainnya")
    assert (await conv.say(siti, "/batal")).body.startswith("Pengiriman selesai:")
    assert "Terkirim" not in (await conv.say(siti, "Masih?")).body
    await _open(conv, siti, "Lainnya")
    await conv.say(siti, "/bantuan")
    after_command = await conv.say(siti, "Masih tersambung?")
    assert "Terkirim" not in after_command.body
    await _open(conv, siti, "Lainnya")
    clock.advance(minutes=31)
    after_idle = await conv.say(siti, "Halo?")
    assert "Terkirim" not in after_idle.body


async def test_waiting_threads_remind_the_officer_then_escalate_once_each(
    conv: Conversation, driver: Driver, clock: FrozenClock, ids: dict[str, int]
) -> None:
    siti = driver.user(SITI, "Siti")
    await _open(conv, siti, "Lainnya")  # Monday 09:00 WIB
    await conv.say(siti, "Tolong dibalas")
    await _delivered(conv)
    jobs = job_registry(conv.app)
    notes: list[str] = []
    for _ in range(7):  # Tuesday .. next Monday, each day at 08:00 WIB
        clock.advance(days=1)
        await jobs.run_due()
        notes += [str(row.payload["text"]) for row in await _notes_delivered(conv)]
    # Thursday: 3 working days > 2 → Ani; next Monday: 5 > 4 → both admins. Never twice.
    assert notes == [
        "Pesan dari KSU Maju sudah menunggu 3 hari kerja. Ketik /pesan untuk membalas.",
        "Pesan dari KSU Maju belum dijawab selama 5 hari kerja. Ketik /pesan untuk melihatnya.",
        "Pesan dari KSU Maju belum dijawab selama 5 hari kerja. Ketik /pesan untuk melihatnya.",
    ]


async def test_reassigning_the_cooperative_moves_its_open_thread(
    conv: Conversation, driver: Driver, clock: FrozenClock, ids: dict[str, int]
) -> None:
    siti = driver.user(SITI, "Siti")
    await _open(conv, siti, "Lainnya")
    await conv.say(siti, "Untuk petugas")
    services = conv.app.bot_data.services
    async with services.uow() as uow:
        await assign_one(uow, ids["dedi"], ids["KSU Maju"], None, clock.now())
        await uow.commit()
    [thread] = await _threads(conv)
    assert thread.assigned_person_id is None  # the admins' queue
    await conv.say(siti, "Masih ada?")
    await _delivered(conv)
    assert (await driver.user(DEDI).messages())[-1].body == "Masih ada?"


async def test_closing_on_the_card_and_the_boards_next_message_reopens(
    conv: Conversation, driver: Driver, ids: dict[str, int]
) -> None:
    siti, ani = driver.user(SITI, "Siti"), driver.user(ANI)
    await _open(conv, siti, "Lainnya")
    await conv.say(siti, "Pertanyaan pertama")
    await _delivered(conv)
    closed = await conv.press(ani, "Tutup percakapan")  # on the header card
    assert "sudah ditutup" in closed.body
    [thread] = await _threads(conv)
    assert (thread.status, thread.waiting_since) == (ThreadStatus.CLOSED, None)
    await conv.say(siti, "Satu lagi")  # her session still lasts
    await _delivered(conv)
    [thread] = await _threads(conv)
    assert thread.status == ThreadStatus.OPEN
    assert thread.waiting_since is not None
    header = (await _incoming(ani))[-1]
    assert "KSU Maju" in header.body
    assert header.body.endswith("\n\nSatu lagi")


async def test_a_blocked_officer_is_recorded_and_the_board_member_told(
    conv: Conversation, stub: BotApiStub, driver: Driver, clock: FrozenClock, ids: dict[str, int]
) -> None:
    siti = driver.user(SITI, "Siti")
    stub.state.blocked.add(ANI)  # she blocked the bot; the bot has not heard of it yet
    await _open(conv, siti, "Lainnya")
    await conv.say(siti, "Halo Bu Ani")
    services = conv.app.bot_data.services
    sender = OutboxSender(
        services.sessions,
        PtbBotApi(conv.app.bot),
        clock,
        services.config.delivery,
        services.config.region.tz,
        "test-sender",
    )
    # The copy under its header card gets 403: Ani is marked unreachable.
    await run_until_settled(sender, services.sessions)
    async with services.uow(write=False) as uow:
        officer = await uow.people.get(ids["ani"])
    assert officer is not None
    assert not officer.reachable
    await job_registry(conv.app).run_due()
    await job_registry(conv.app).run_due()  # again: she is told once
    notes = [str(row.payload["text"]) for row in await _notes_delivered(conv)]
    assert notes == [
        "Pesan Anda belum sampai ke Ani Petugas: ia tidak dapat dihubungi lewat bot saat ini. "
        "Coba hubungi Dinas."
    ]
    assert notes[0] in [message.body for message in await siti.messages()]
    # Her next message is refused at once: nobody can be reached.
    assert "tidak dapat dihubungi" in (await conv.say(siti, "Halo?")).body


async def test_with_answer_all_members_the_whole_board_gets_the_answer(
    stub: BotApiStub, database_url: str, driver: Driver, clock: FrozenClock
) -> None:
    cfg = bot_config(stub, database_url, relay={"answer_all_members": True})
    async with conversation(cfg, clock) as conv:
        await _seed(conv, stub)
        siti, budi, ani = driver.user(SITI), driver.user(BUDI), driver.user(ANI)
        await _open(conv, siti, "Lainnya")
        await conv.say(siti, "Untuk semua pengurus?")
        await _delivered(conv)
        await conv.press(ani, "Balas")
        assert (await conv.say(ani, "Ya, semua.")).body == "✓ Terkirim ke 2 orang."
        await _delivered(conv)
        assert (await siti.messages())[-1].body == "Ya, semua."
        assert (await budi.messages())[-1].body == "Ya, semua."


async def test_an_active_form_takes_the_message_before_the_relay(
    conv: Conversation, driver: Driver, ids: dict[str, int]
) -> None:
    siti, ani = driver.user(SITI, "Siti"), driver.user(ANI)
    await conv.say(siti, "/hubungi")
    await conv.say(siti, "/bahasa")  # a form waits for her answer
    await conv.press(siti, "Lainnya")  # the topic, pressed on the earlier message
    answered = await conv.say(siti, "1")
    assert "Terkirim" not in answered.body  # the form took it
    await _delivered(conv)
    assert all(m.body != "1" for m in await ani.messages())
    assert (await conv.say(siti, "Sekarang untuk petugas")).body.startswith("✓ Terkirim")


async def test_lihat_koperasi_shows_the_card_of_the_threads_cooperative(
    conv: Conversation, driver: Driver, ids: dict[str, int]
) -> None:
    siti, ani = driver.user(SITI, "Siti"), driver.user(ANI)
    await _open(conv, siti, "Lainnya")
    await conv.say(siti, "Halo")
    await _delivered(conv)
    card = await conv.press(ani, "Lihat koperasi")
    assert "KSU Maju" in card.body
    assert "0812" not in card.body


async def test_selesai_mengirim_on_an_older_card_is_stale_and_ends_nothing(
    conv: Conversation, stub: BotApiStub, driver: Driver, ids: dict[str, int]
) -> None:
    siti = driver.user(SITI, "Siti")
    first = await _open(conv, siti, "Lainnya")
    second = await _open(conv, siti, "Pertanyaan tentang RAT")  # a new session, same thread
    query = await siti.press_on(first.message_id, "Selesai mengirim")
    await conv.deliver()
    assert "kedaluwarsa" in str(_alert(stub, query["callback_query_id"]))
    # The session of the second card lasts.
    assert (await conv.say(siti, "Masih tersambung?")).body.startswith("✓ Terkirim")
    ended = await conv.press(siti, "Selesai mengirim")  # on the second card
    assert ended.body.startswith("Pengiriman selesai:")
    assert "Terkirim" not in (await conv.say(siti, "Sudah selesai?")).body
    assert second.buttons == ["Selesai mengirim"]


async def test_balas_on_a_closed_thread_offers_to_reopen_it(
    conv: Conversation, stub: BotApiStub, driver: Driver, ids: dict[str, int]
) -> None:
    siti, ani = driver.user(SITI, "Siti"), driver.user(ANI)
    await _open(conv, siti, "Lainnya")
    await conv.say(siti, "Pertanyaan")
    await _delivered(conv)
    await conv.press(ani, "Tutup percakapan")  # on the header card
    query = await ani.press("Balas")  # the same card, now of a closed thread
    await conv.deliver()
    [shown] = await ani.wait_for_reply()
    assert "sudah ditutup" in str(_alert(stub, query["callback_query_id"]))
    assert "sudah ditutup" in shown.body
    assert shown.buttons == ["Buka lagi", "Lihat koperasi"]
    # No session: her next message goes nowhere.
    assert "Terkirim" not in (await conv.say(ani, "Halo?")).body
    assert all(m.body != "Halo?" for m in await siti.messages())
    await conv.press(ani, "Buka lagi")
    await conv.press(ani, "Balas")  # on the reopened thread's screen
    assert (await conv.say(ani, "Dibuka lagi.")).body == "✓ Terkirim ke Siti Ketua."


async def test_a_relayed_message_costs_a_handful_of_statements(
    conv: Conversation, driver: Driver, clock: FrozenClock, ids: dict[str, int]
) -> None:
    """Speed is measured in bench/relay_latency.py; a change that adds a query to every
    relayed message should fail here first."""
    siti = driver.user(SITI, "Siti")
    await _open(conv, siti, "Lainnya")
    engine = conv.app.bot_data.services.engine.sync_engine
    statements: list[str] = []

    def record(*args: Any) -> None:
        statements.append(" ".join(str(args[2]).split()[:3]))

    event.listen(engine, "before_cursor_execute", record)
    try:
        counts = []
        for text in ("Pertama", "Kedua", "Ketiga"):
            clock.advance(seconds=5)
            statements.clear()
            await conv.say(siti, text)
            counts.append((len(statements), list(statements)))
    finally:
        event.remove(engine, "before_cursor_execute", record)
    # BEGIN, the session with its thread, the officer, the outbox row, the pair, the thread's
    # UPDATE; the first message also reads its header card (the cooperative, the writer and
    # her position: one statement). The gate knows Siti: nothing else.
    assert [count for count, _ in counts] == [7, 6, 6], counts


async def test_the_header_card_is_read_once_for_every_admin_of_the_queue(
    conv: Conversation, driver: Driver, ids: dict[str, int]
) -> None:
    rina = driver.user(RINA, "Rina")
    await _open(conv, rina, "Lainnya")  # KSU Jaya: no officer, both admins get it
    engine = conv.app.bot_data.services.engine.sync_engine
    statements: list[str] = []

    def record(*args: Any) -> None:
        statements.append(" ".join(str(args[2]).split()[:2]))

    event.listen(engine, "before_cursor_execute", record)
    try:
        await conv.say(rina, "Untuk admin")
    finally:
        event.remove(engine, "before_cursor_execute", record)
    # BEGIN, the session with its thread, the admins, the card (once), an outbox row per
    # admin, the thread's UPDATE, the pairs (one INSERT).
    assert statements == [
        "BEGIN IMMEDIATE",
        "SELECT relay_session.id,",
        "SELECT DISTINCT",
        "SELECT koperasi.id,",
        "INSERT INTO",
        "INSERT INTO",
        "UPDATE thread",
        "INSERT INTO",
    ]
    await _delivered(conv)
    for admin in (DEDI, ELSA):
        assert (await driver.user(admin).messages())[-1].body.endswith("\n\nUntuk admin")


async def test_the_waiting_time_check_reads_the_same_few_statements_for_any_number_of_threads(
    conv: Conversation, driver: Driver, clock: FrozenClock, ids: dict[str, int]
) -> None:
    for user, topic in ((SITI, "Lainnya"), (EKA, "Lainnya"), (RINA, "Lainnya")):
        board = driver.user(user)
        await _open(conv, board, topic)
        await conv.say(board, "Tolong dibalas")
    clock.advance(days=3)  # Monday 09:00 → Thursday: 3 working days > 2
    services = conv.app.bot_data.services
    cfg = services.config
    rules = WaitRules(
        remind_after=cfg.relay.remind_after_working_days,
        escalate_after=cfg.relay.escalate_after_working_days,
        tz=cfg.region.tz,
        holidays=frozenset(cfg.calendar.holidays),
    )
    engine = services.engine.sync_engine
    statements: list[str] = []

    def record(*args: Any) -> None:
        statements.append(" ".join(str(args[2]).split()[:2]))

    event.listen(engine, "before_cursor_execute", record)
    try:
        async with services.uow() as uow:
            counts = await check_waits(uow, services.catalogues, rules, clock.now())
            await uow.commit()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert counts[WaitLevel.REMIND] == 3
    # The waiting threads with their names, their officers, the admins (Jaya has no officer):
    # three reads for three threads; then one outbox row per note (Ani twice, both admins).
    reads = [s for s in statements if s.startswith("SELECT")]
    assert len(reads) == 3, statements
    assert statements.count("INSERT INTO") == 4

"""/verifikasi: the officer told once, verifying, returning with a note, the board's round trip."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from domain.callbacks import LaporButton, VerifyAction, VerifyButton
from storage.tables import ChecklistEntry, CycleChange, Outbox
from telegram_stub import BotApiStub
from tests.helpers.bot import Conversation
from tests.helpers.clock import FrozenClock
from tests.helpers.driver import BotMessage, Driver, UserSession
from tests.helpers.rat_boards import ANI, DEDI, RINA, SITI, seed_boards
from tests.helpers.seed import answer_of, forge_press


@pytest.fixture
async def koperasi(conv: Conversation) -> dict[str, int]:
    """Two cooperatives with current 2026 cycles (A1, A2 done at KSP Sejahtera)."""
    return await seed_boards(conv)


async def _mark_done(conv: Conversation, user: UserSession, code: str) -> None:
    await conv.say(user, "/lapor")
    await conv.press(user, f"⬜ {code}")
    await conv.press(user, "3. Selesai")
    await conv.say(user, "-")
    await conv.press(user, "2. Lewati")


async def _edited(conv: Conversation, user: UserSession, button: str) -> BotMessage:
    await user.press(button)
    await conv.deliver()
    return await user.last_message()


async def _entries(conv: Conversation, cycle_id: int) -> dict[str, ChecklistEntry]:
    async with conv.app.bot_data.services.uow(write=False) as uow:
        rows = await uow.session.scalars(
            select(ChecklistEntry).where(ChecklistEntry.rat_cycle_id == cycle_id)
        )
        return {row.item_code: row for row in rows}


async def _outbox(conv: Conversation, chat_id: int) -> list[Outbox]:
    async with conv.app.bot_data.services.uow(write=False) as uow:
        rows = await uow.session.scalars(
            select(Outbox).where(Outbox.chat_id == chat_id).order_by(Outbox.id)
        )
        return list(rows)


async def test_officer_verifies_one_returns_another_and_the_board_fixes_it(
    conv: Conversation,
    driver: Driver,
    stub: BotApiStub,
    clock: FrozenClock,
    koperasi: dict[str, int],
) -> None:
    rina, ani = driver.user(RINA, "Rina"), driver.user(ANI, "Ani")
    cycle_id = koperasi["sejahtera_cycle"]
    await _mark_done(conv, rina, "A5")
    clock.advance(minutes=10)  # the same hour: still one note to the officer
    await _mark_done(conv, rina, "A4")
    told = [row for row in await _outbox(conv, ANI) if "melaporkan" in row.payload["text"]]
    assert len(told) == 1  # batched: one note per cooperative and hour, not one per item

    listed = await conv.say(ani, "/verifikasi")
    assert listed.body.index("A5 Laporan pengawas") < listed.body.index("A4 LPJ pengurus")
    after = await _edited(conv, ani, "2 ✅ Sesuai")
    assert "A4" not in after.body
    assert "1. KSP Sejahtera — A5 Laporan pengawas" in after.body
    prompt = await conv.press(ani, "1 ↩️ Kembalikan")
    assert "catatan untuk pengurus" in prompt.body
    done = await conv.say(ani, "Tanda tangan pengawas belum ada")
    assert "Dikembalikan" in done.body

    entries = await _entries(conv, cycle_id)
    assert entries["A4"].verification == "verified"
    assert (entries["A5"].verification, entries["A5"].return_note) == (
        "returned",
        "Tanda tangan pengawas belum ada",
    )
    opens = LaporButton(koperasi["sejahtera"], "A5").encode()
    for member in (RINA, SITI):
        notes = [r for r in await _outbox(conv, member) if "mengembalikan" in r.payload["text"]]
        assert len(notes) == 1
        markup = notes[0].payload["reply_markup"]["inline_keyboard"]
        assert markup[0][0]["callback_data"] == opens

    # the board's round trip: the button opens exactly that item's sub-flow
    forge_press(stub, RINA, opens)
    await conv.deliver()
    opened = await rina.last_message()
    assert "A5 Laporan pengawas" in opened.body
    await conv.press(rina, "3. Selesai")
    await conv.say(rina, "Sudah ditandatangani")
    await conv.press(rina, "2. Lewati")
    assert (await _entries(conv, cycle_id))["A5"].verification == "none"  # checked again
    again = await conv.say(ani, "/verifikasi")
    assert "A5 Laporan pengawas" in again.body

    async with conv.app.bot_data.services.uow(write=False) as uow:
        history = list(
            await uow.session.scalars(
                select(CycleChange)
                .where(CycleChange.item_code == "A5", CycleChange.field == "verification")
                .order_by(CycleChange.id)
            )
        )
    assert [(h.old_value, h.new_value, h.on_behalf) for h in history] == [
        ("none", "returned", True),
        ("returned", "none", False),
    ]


async def test_another_officer_sees_nothing_and_may_not_verify(
    conv: Conversation, driver: Driver, stub: BotApiStub, koperasi: dict[str, int]
) -> None:
    await _mark_done(conv, driver.user(RINA, "Rina"), "A4")
    entry = (await _entries(conv, koperasi["sejahtera_cycle"]))["A4"]
    dedi = driver.user(DEDI, "Dedi")
    listed = await conv.say(dedi, "/verifikasi")
    assert "Tidak ada laporan" in listed.body
    query = forge_press(stub, DEDI, VerifyButton("item", entry.id, VerifyAction.VERIFY).encode())
    await conv.deliver()
    assert "tidak memiliki akses" in answer_of(stub, query)["answer"]["text"]  # type: ignore[index]
    assert (await _entries(conv, koperasi["sejahtera_cycle"]))["A4"].verification == "none"
    refused = await conv.say(driver.user(RINA, "Rina"), "/verifikasi")
    assert "tidak memiliki akses" in refused.body


async def test_officer_verifies_the_rat_held_milestone(
    conv: Conversation, driver: Driver, koperasi: dict[str, int]
) -> None:
    rina, ani = driver.user(RINA, "Rina"), driver.user(ANI, "Ani")
    await conv.say(rina, "/lapor")
    await conv.press(rina, "⬜ RAT terlaksana")
    for answer in ("03-01-2027", "40", "30"):
        await conv.say(rina, answer)
    for _ in range(3):
        await conv.press(rina, "1. Ya")
    await conv.press(rina, "2. Tidak")
    await conv.press(rina, "2. Tidak")
    listed = await conv.say(ani, "/verifikasi")
    assert "1. KSP Sejahtera — RAT terlaksana" in listed.body
    after = await _edited(conv, ani, "1 ✅ Sesuai")
    assert "Tidak ada laporan" in after.body
    async with conv.app.bot_data.services.uow(write=False) as uow:
        cycle = await uow.rat_report.current_cycle(koperasi["sejahtera"])
        assert cycle is not None
        assert cycle.held_verification == "verified"
        history = list(
            await uow.session.scalars(
                select(CycleChange).where(CycleChange.field == "held_verification")
            )
        )
    assert [(h.old_value, h.new_value) for h in history] == [("none", "verified")]


async def test_a_returned_rat_held_is_named_in_words_and_its_button_opens_it(
    conv: Conversation, driver: Driver, stub: BotApiStub, koperasi: dict[str, int]
) -> None:
    rina, ani = driver.user(RINA, "Rina"), driver.user(ANI, "Ani")
    await conv.say(rina, "/lapor")
    await conv.press(rina, "⬜ RAT terlaksana")
    for answer in ("03-01-2027", "40", "30"):
        await conv.say(rina, answer)
    for _ in range(3):
        await conv.press(rina, "1. Ya")
    await conv.press(rina, "2. Tidak")
    await conv.press(rina, "2. Tidak")
    await conv.say(ani, "/verifikasi")
    await conv.press(ani, "1 ↩️ Kembalikan")
    await conv.say(ani, "Daftar hadir belum dilampirkan")
    [note] = [r for r in await _outbox(conv, RINA) if "mengembalikan" in r.payload["text"]]
    assert "<b>RAT terlaksana</b>" in note.payload["text"]  # not the code "held"
    [[button]] = note.payload["reply_markup"]["inline_keyboard"]
    forge_press(stub, RINA, button["callback_data"])
    await conv.deliver()
    opened = await rina.last_message()
    assert "RAT terlaksana — KSP Sejahtera" in opened.body
    for answer in ("03-01-2027", "40", "30"):  # the same answers: the list was attached
        await conv.say(rina, answer)
    for _ in range(3):
        await conv.press(rina, "1. Ya")
    await conv.press(rina, "2. Tidak")
    await conv.press(rina, "2. Tidak")
    async with conv.app.bot_data.services.uow(write=False) as uow:
        cycle = await uow.rat_report.current_cycle(koperasi["sejahtera"])
        assert cycle is not None
        assert cycle.held_verification == "none"  # waits for the check again
    assert "1. KSP Sejahtera — RAT terlaksana" in (await conv.say(ani, "/verifikasi")).body


async def test_the_history_shows_both_sides_and_who_recorded_for_the_board(
    conv: Conversation, driver: Driver, stub: BotApiStub, koperasi: dict[str, int]
) -> None:
    """Rina reports A5, Ani returns it with a note, Rina fixes it, Ani records A6 on the
    board's behalf: the history in /lapor names each, newest first."""
    rina, ani = driver.user(RINA, "Rina"), driver.user(ANI, "Ani")
    await _mark_done(conv, rina, "A5")
    await conv.say(ani, "/verifikasi")
    await conv.press(ani, "1 ↩️ Kembalikan")
    await conv.say(ani, "Tanda tangan <pengawas> belum ada")
    await _mark_done(conv, rina, "A5")
    await conv.say(ani, "/koperasi")
    await _edited(conv, ani, "1")
    await conv.press(ani, "📝 Catat laporan RAT")
    await conv.press(ani, "⬜ A6")
    await conv.press(ani, "3. Selesai")
    await conv.say(ani, "-")
    await conv.press(ani, "2. Lewati")
    await conv.say(rina, "/lapor")
    history = await conv.press(rina, "🕘 Riwayat perubahan")
    lines = history.body.splitlines()
    assert lines[0] == "🕘 Riwayat perubahan — KSP Sejahtera"
    assert "Ani Petugas (dicatat oleh petugas): A6 RK dan RAPB — Belum → Selesai" in lines[2]
    assert "Rina: A5 Laporan pengawas — dikirim lagi untuk diperiksa" in lines[3]
    assert (
        "Ani Petugas: A5 Laporan pengawas — ↩️ dikembalikan: "
        "“Tanda tangan <pengawas> belum ada”" in lines[4]  # escaped: the stub parses HTML
    )
    assert "Rina: A5 Laporan pengawas — Belum → Selesai" in lines[5]
    assert "4 Januari 2027 09.00" in lines[5]
    assert history.buttons == ["⬅️ Kembali ke menu"]
    assert "🕘 Riwayat perubahan" in (await conv.press(rina, "⬅️ Kembali ke menu")).buttons
    # another cooperative's board cannot read it
    siti = driver.user(SITI, "Siti")
    await conv.say(siti, "/bantuan")
    forge_press(stub, SITI, LaporButton(koperasi["sejahtera"], "riwayat").encode())
    await conv.deliver()
    assert "Riwayat perubahan — KSP Sejahtera" in (await siti.last_message()).body  # her board
    dedi = driver.user(DEDI, "Dedi")
    await conv.say(dedi, "/bantuan")
    forged = forge_press(stub, DEDI, LaporButton(koperasi["sejahtera"], "riwayat").encode())
    await conv.deliver()
    assert "tidak memiliki akses" in str(answer_of(stub, forged))
    assert "Riwayat" not in (await dedi.last_message()).body


async def test_a_returned_item_sent_again_unchanged_or_with_a_file_waits_for_the_check_again(
    conv: Conversation, driver: Driver, koperasi: dict[str, int]
) -> None:
    """The board fixed the paper, not the answer: sending the item again (the same state, no
    new note) or only adding the signed file puts it back in the officer's list."""
    rina, ani = driver.user(RINA, "Rina"), driver.user(ANI, "Ani")
    cycle_id = koperasi["sejahtera_cycle"]
    for code in ("A5", "A4"):
        await _mark_done(conv, rina, code)
    for _ in range(2):
        await conv.say(ani, "/verifikasi")
        await conv.press(ani, "1 ↩️ Kembalikan")
        await conv.say(ani, "Belum ditandatangani")
    await _mark_done(conv, rina, "A5")  # the same answer again
    assert "Tersimpan" in (await rina.messages())[-1].body
    await conv.say(rina, "/lapor")
    await conv.press(rina, "✅ A4")
    await conv.press(rina, "3. Selesai")
    await conv.say(rina, "-")
    await conv.press(rina, "1. Kirim bukti (foto/berkas)")
    await rina.send_document(b"%PDF-1.4 signed", "lpj.pdf")
    await conv.deliver()
    await rina.wait_for_reply()
    entries = await _entries(conv, cycle_id)
    assert (entries["A5"].verification, entries["A4"].verification) == ("none", "none")
    listed = await conv.say(ani, "/verifikasi")
    assert "A5 Laporan pengawas" in listed.body
    assert "A4 LPJ pengurus" in listed.body

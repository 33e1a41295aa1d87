"""/lapor: the menu, item and milestone sub-flows, validation, history, undo, on behalf."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from domain.callbacks import LaporButton
from storage.tables import ChecklistEntry, CycleChange, Evidence, Koperasi, RatCycle
from telegram_stub import BotApiStub
from tests.helpers.bot import Conversation
from tests.helpers.clock import FrozenClock
from tests.helpers.driver import BotMessage, Driver, UserSession
from tests.helpers.rat_boards import ANI, PAK, RINA, SITI, seed_boards
from tests.helpers.seed import answer_of, forge_press


@pytest.fixture
async def koperasi(conv: Conversation) -> dict[str, int]:
    """Two cooperatives with current 2026 cycles (A1, A2 done at KSP Sejahtera)."""
    return await seed_boards(conv)


async def _edited(conv: Conversation, user: UserSession, button: str) -> BotMessage:
    await user.press(button)
    await conv.deliver()
    return await user.last_message()


async def _entry(conv: Conversation, cycle_id: int, code: str) -> ChecklistEntry | None:
    async with conv.app.bot_data.services.uow(write=False) as uow:
        return (
            await uow.session.scalars(
                select(ChecklistEntry).where(
                    ChecklistEntry.rat_cycle_id == cycle_id, ChecklistEntry.item_code == code
                )
            )
        ).one_or_none()


async def _history(conv: Conversation, cycle_id: int) -> list[CycleChange]:
    async with conv.app.bot_data.services.uow(write=False) as uow:
        rows = await uow.session.scalars(
            select(CycleChange)
            .where(CycleChange.rat_cycle_id == cycle_id)
            .order_by(CycleChange.id)
        )
        return list(rows)


async def _cycle(conv: Conversation, cycle_id: int) -> RatCycle:
    async with conv.app.bot_data.services.uow(write=False) as uow:
        found = await uow.session.get(RatCycle, cycle_id)
        assert found is not None
        return found


async def test_board_member_marks_an_item_done_with_a_file_and_sees_the_card(
    conv: Conversation, driver: Driver, koperasi: dict[str, int]
) -> None:
    rina = driver.user(RINA, "Rina")
    menu = await conv.say(rina, "/lapor")
    assert "Lapor RAT — KSP Sejahtera" in menu.body
    assert "✅ A1 Tutup buku*" in menu.body
    assert "⬜ A4 LPJ pengurus*" in menu.body
    assert "Terinput di ODS" not in menu.body  # only the office confirms ODS
    state = await conv.press(rina, "⬜ A4")
    assert "A4 LPJ pengurus" in state.body
    await conv.press(rina, "3. Selesai")
    await conv.say(rina, "Sudah ditandatangani")
    ask_file = await conv.press(rina, "1. Kirim bukti (foto/berkas)")
    assert "sebagai berkas" in ask_file.body  # the LPJ: a file keeps signatures readable
    await rina.send_document(b"%PDF-1.4 lpj", "lpj.pdf")
    await conv.deliver()
    [saved] = await rina.wait_for_reply(1)  # one message: what happened, the card below
    assert saved.body.startswith("Tersimpan")
    assert "Checklist: 3/7 butir wajib terpenuhi" in saved.body
    cycle_id = koperasi["sejahtera_cycle"]
    entry = await _entry(conv, cycle_id, "A4")
    assert entry is not None
    assert (entry.status, entry.note, entry.verification) == (
        "selesai",
        "Sudah ditandatangani",
        "none",
    )
    assert not entry.recorded_by_officer
    history = await _history(conv, cycle_id)
    assert [(h.item_code, h.field, h.old_value, h.new_value) for h in history] == [
        ("A4", "status", "belum", "selesai"),
        ("A4", "note", None, "Sudah ditandatangani"),
    ]
    async with conv.app.bot_data.services.uow(write=False) as uow:
        files = list(await uow.session.scalars(select(Evidence)))
    assert [(f.item_code, f.rat_cycle_id) for f in files] == [("A4", cycle_id)]


async def test_a_planned_date_before_the_year_end_is_refused_and_asked_again_then_undone(
    conv: Conversation, driver: Driver, koperasi: dict[str, int]
) -> None:
    rina = driver.user(RINA, "Rina")
    await conv.say(rina, "/lapor")
    await conv.press(rina, "⬜ Rencana tanggal dan cara RAT")
    refused = await conv.say(rina, "20-12-2026")
    assert "31 Desember 2026" in refused.body  # why: the fiscal year has not ended then
    assert "Tanggal berapa RAT direncanakan?" in refused.body  # and the same question
    await conv.say(rina, "15-03-2027")
    card = await conv.press(rina, "2. daring (online)")
    assert "Rencana RAT: 15 Maret 2027, daring (online)" in card.body
    cycle = await _cycle(conv, koperasi["sejahtera_cycle"])
    assert (str(cycle.planned_date), cycle.mode) == ("2027-03-15", "daring")
    await conv.say(rina, "/lapor")
    await conv.press(rina, "↩️ Batalkan perubahan terakhir", count=2)
    card = await rina.last_message()
    assert "Rencana RAT: belum ditentukan" in card.body
    cycle = await _cycle(conv, koperasi["sejahtera_cycle"])
    assert (cycle.planned_date, cycle.mode) == (None, None)


async def test_rat_held_more_present_than_registered_is_refused_quorum_computed(
    conv: Conversation, driver: Driver, koperasi: dict[str, int]
) -> None:
    rina = driver.user(RINA, "Rina")
    await conv.say(rina, "/lapor")
    await conv.press(rina, "⬜ RAT terlaksana")
    await conv.say(rina, "02-01-2027")
    await conv.say(rina, "120")
    refused = await conv.say(rina, "130")
    assert "Berapa anggota yang hadir?" in refused.body
    await conv.say(rina, "80")
    for _ in range(4):  # LPJ, statements, RK/RAPB, SHU decided
        await conv.press(rina, "1. Ya")
    refused = await conv.say(rina, "dua belas juta")
    assert "Berapa jumlah SHU" in refused.body  # not a number: the reason, the same question
    await conv.say(rina, "12.500.000")
    check = await conv.press(rina, "1. Ya", count=2)  # elections held: then the board check
    card = (await rina.messages())[-2]  # "Tersimpan" with the card, one message
    assert "periksa susunan pengurus" in card.body
    assert "Masih sama" in check.body or "✅ Masih sama" in check.buttons
    assert "Tahap: RAT terlaksana" in card.body
    cycle = await _cycle(conv, koperasi["sejahtera_cycle"])
    assert (cycle.members_registered, cycle.members_present) == (120, 80)
    assert cycle.quorum_reached is True  # > 1/2 of 120
    assert cycle.elections_held is True
    assert cycle.shu_amount == 12_500_000
    assert cycle.held_verification == "none"  # waits for the officer's check
    async with conv.app.bot_data.services.uow(write=False) as uow:
        koperasi_row = await uow.session.get(Koperasi, koperasi["sejahtera"])
        assert koperasi_row is not None
        assert koperasi_row.tahap == "RAT_TERLAKSANA"


async def test_officer_records_on_the_boards_behalf_and_confirms_ods(
    conv: Conversation, driver: Driver, koperasi: dict[str, int]
) -> None:
    ani = driver.user(ANI, "Ani")
    await conv.say(ani, "/koperasi")
    card = await _edited(conv, ani, "1")
    assert "📝 Catat laporan RAT" in card.buttons
    menu = await conv.press(ani, "📝 Catat laporan RAT")
    assert "Terinput di ODS" in menu.body
    await conv.press(ani, "⬜ A5")
    await conv.press(ani, "3. Selesai")
    await conv.say(ani, "-")
    await conv.press(ani, "2. Lewati")
    entry = await _entry(conv, koperasi["sejahtera_cycle"], "A5")
    assert entry is not None
    assert (entry.status, entry.note) == ("selesai", None)
    assert entry.recorded_by_officer
    assert entry.verification == "verified"
    history = await _history(conv, koperasi["sejahtera_cycle"])
    assert [(h.field, h.new_value, h.on_behalf) for h in history] == [
        ("status", "selesai", True),
        ("verification", "verified", True),  # counted as verified
    ]


async def test_board_cannot_confirm_ods_nor_touch_another_cooperative_and_pimpinan_reads_only(
    conv: Conversation, driver: Driver, stub: BotApiStub, koperasi: dict[str, int]
) -> None:
    rina = driver.user(RINA, "Rina")
    await conv.say(rina, "/lapor")
    for data in (
        LaporButton(koperasi["sejahtera"], "ods").encode(),
        LaporButton(koperasi["makmur"], "A1").encode(),
        LaporButton(koperasi["makmur"]).encode(),
    ):
        query = forge_press(stub, RINA, data)
        await conv.deliver()
        alert = answer_of(stub, query)["answer"]
        assert "tidak memiliki akses" in alert["text"]  # type: ignore[index]
    assert await _history(conv, koperasi["sejahtera_cycle"]) == []
    pak = driver.user(PAK, "Pak")
    await conv.say(pak, "/koperasi")
    card = await _edited(conv, pak, "2")
    assert "KSP Sejahtera" in card.body
    assert "📝 Catat laporan RAT" not in card.buttons
    query = forge_press(stub, PAK, LaporButton(koperasi["sejahtera"], "A3").encode())
    await conv.deliver()
    assert "tidak memiliki akses" in answer_of(stub, query)["answer"]["text"]  # type: ignore[index]
    refused = await conv.say(pak, "/lapor")
    assert "tidak memiliki akses" in refused.body


async def test_member_of_two_boards_reports_for_the_chosen_one(
    conv: Conversation, driver: Driver, koperasi: dict[str, int]
) -> None:
    siti = driver.user(SITI, "Siti")
    await conv.say(siti, "/lapor")
    menu = await conv.press(siti, "Koperasi Makmur")
    assert "Lapor RAT — Koperasi Makmur" in menu.body


async def test_a_missed_years_late_rat_is_recorded_and_clears_tidak_rat(
    conv: Conversation, driver: Driver, koperasi: dict[str, int]
) -> None:
    siti = driver.user(SITI, "Siti")
    await conv.say(siti, "/lapor")
    menu = await conv.press(siti, "Koperasi Makmur")
    assert "⏰ RAT terlambat tahun buku 2025" in menu.buttons
    prompt = await conv.press(siti, "⏰ RAT terlambat tahun buku 2025")
    assert "RAT terlambat tahun buku 2025" in prompt.body
    refused = await conv.say(siti, "15-12-2025")  # before that fiscal year ended
    assert "Tanggal berapa RAT diadakan?" in refused.body
    await conv.say(siti, "15-06-2026")
    await conv.say(siti, "30")
    await conv.say(siti, "20")
    for _ in range(3):
        await conv.press(siti, "1. Ya")
    await conv.press(siti, "2. Tidak")
    card = await conv.press(siti, "2. Tidak")
    assert "RAT terakhir: tahun buku 2025, diadakan 15 Juni 2026" in card.body
    assert "tidak RAT" not in card.body
    async with conv.app.bot_data.services.uow(write=False) as uow:
        late = await uow.rat_report.year_cycle(koperasi["makmur"], 2025)
        assert late is not None
        assert (str(late.held_date), late.members_present) == ("2026-06-15", 20)
    menu = await conv.say(siti, "/lapor")
    assert "⏰ RAT terlambat tahun buku 2025" not in menu.buttons


async def _a4_done(conv: Conversation, user: UserSession, button: str) -> BotMessage:
    """Marks A4 `selesai` without a note or a file from the /lapor menu's `button`."""
    await conv.press(user, button)
    await conv.press(user, "3. Selesai")
    await conv.say(user, "-")
    return await conv.press(user, "2. Lewati")


async def test_the_same_value_again_adds_no_history_and_sends_no_card(
    conv: Conversation, driver: Driver, koperasi: dict[str, int]
) -> None:
    rina = driver.user(RINA, "Rina")
    await conv.say(rina, "/lapor")
    await _a4_done(conv, rina, "⬜ A4")
    await conv.deliver()
    history = await _history(conv, koperasi["sejahtera_cycle"])
    assert [(h.field, h.new_value) for h in history] == [("status", "selesai")]
    before = len(await rina.messages())
    await conv.say(rina, "/lapor")
    said = await _a4_done(conv, rina, "✅ A4")
    await conv.deliver()
    assert said.body == "Tidak ada yang berubah."
    assert len(await rina.messages()) == before + 5  # menu, 3 questions, the answer: no card
    assert "Status RAT" not in (await rina.last_message()).body
    assert len(await _history(conv, koperasi["sejahtera_cycle"])) == len(history)


async def test_undo_refuses_when_the_field_was_changed_since(
    conv: Conversation, driver: Driver, koperasi: dict[str, int]
) -> None:
    """Rina marks A4 done; her officer then sets it to `proses` (being done); Rina's undo
    would put back `belum` over the officer's change: it explains and changes nothing."""
    rina, ani = driver.user(RINA, "Rina"), driver.user(ANI, "Ani")
    await conv.say(rina, "/lapor")
    await _a4_done(conv, rina, "⬜ A4")
    await conv.say(ani, "/koperasi")
    await _edited(conv, ani, "1")
    await conv.press(ani, "📝 Catat laporan RAT")
    await conv.press(ani, "✅ A4")
    await conv.press(ani, "2. Sedang dikerjakan")
    await conv.say(ani, "-")
    await conv.press(ani, "2. Lewati")
    history = await _history(conv, koperasi["sejahtera_cycle"])
    await conv.say(rina, "/lapor")
    refused = await conv.press(rina, "↩️ Batalkan perubahan terakhir")
    assert "Tidak dibatalkan" in refused.body
    entry = await _entry(conv, koperasi["sejahtera_cycle"], "A4")
    assert entry is not None
    assert entry.status == "proses"
    assert len(await _history(conv, koperasi["sejahtera_cycle"])) == len(history)


async def test_an_officers_undo_is_recorded_as_the_officers(
    conv: Conversation, driver: Driver, koperasi: dict[str, int]
) -> None:
    ani = driver.user(ANI, "Ani")
    await conv.say(ani, "/koperasi")
    await _edited(conv, ani, "1")
    await conv.press(ani, "📝 Catat laporan RAT")
    await conv.press(ani, "⬜ A5")
    await conv.press(ani, "3. Selesai")
    await conv.say(ani, "-")
    await conv.press(ani, "2. Lewati")
    await conv.say(ani, "/koperasi")
    await _edited(conv, ani, "1")
    await conv.press(ani, "📝 Catat laporan RAT")
    await conv.press(ani, "↩️ Batalkan perubahan terakhir", count=2)
    entry = await _entry(conv, koperasi["sejahtera_cycle"], "A5")
    assert entry is not None
    assert (entry.status, entry.verification) == ("belum", "none")
    async with conv.app.bot_data.services.uow(write=False) as uow:
        officer = await uow.people.get_by_telegram_id(ANI)
    assert officer is not None
    undo = (await _history(conv, koperasi["sejahtera_cycle"]))[2:]
    assert [(h.field, h.new_value, h.changed_by_person_id, h.on_behalf) for h in undo] == [
        ("status", "belum", officer.id, True),  # the officer's, "dicatat oleh petugas"
        ("verification", "none", officer.id, True),
    ]


async def test_a_draft_resumed_days_later_takes_todays_date(
    conv: Conversation, driver: Driver, clock: FrozenClock, koperasi: dict[str, int]
) -> None:
    """Rina opens *RAT terlaksana* on 4 January and leaves it; on 12 January she resumes it
    and gives that day's date: accepted (the draft's old context would call it the future)."""
    rina = driver.user(RINA, "Rina")
    await conv.say(rina, "/lapor")
    await conv.press(rina, "⬜ RAT terlaksana")
    await conv.say(rina, "/bantuan")  # the sub-flow waits as a draft
    clock.advance(days=8)
    await conv.say(rina, "/lapor")
    resumed = await conv.press(rina, "⬜ RAT terlaksana")
    assert "Tanggal berapa RAT diadakan?" in resumed.body
    asked = await conv.say(rina, "12-01-2027")
    assert "anggota yang terdaftar" in asked.body
    await conv.say(rina, "40")
    await conv.say(rina, "30")
    for _ in range(3):
        await conv.press(rina, "1. Ya")
    await conv.press(rina, "2. Tidak")  # no SHU decided
    await conv.press(rina, "2. Tidak")  # no elections
    cycle = await _cycle(conv, koperasi["sejahtera_cycle"])
    assert str(cycle.held_date) == "2027-01-12"
    [held] = [h for h in await _history(conv, cycle.id) if h.field == "held_date"]
    assert held.changed_at == clock.now()


async def test_official_terms_are_explained_once_per_person(
    conv: Conversation, driver: Driver, koperasi: dict[str, int]
) -> None:
    rina, siti = driver.user(RINA, "Rina"), driver.user(SITI, "Siti")
    first = await conv.say(rina, "/status")
    assert "Istilah baru di kartu ini" in first.body
    assert "• Tahun buku: tahun pembukuan koperasi" in first.body
    again = await conv.say(rina, "/status")
    assert "Tahun buku 2026" in again.body  # the card itself
    assert "Istilah baru" not in again.body
    assert "tahun pembukuan koperasi" not in again.body
    await conv.say(siti, "/status")
    other = await conv.press(siti, "KSP Sejahtera")
    assert "tahun pembukuan koperasi" in other.body  # remembered per person
    async with conv.app.bot_data.services.uow(write=False) as uow:
        person = await uow.people.get_by_telegram_id(RINA)
        assert person is not None
        seen = await uow.people.terms_seen(person.id)
    assert seen == {"rat", "tahun_buku", "tahap", "checklist", "tenggat", "tanda"}


async def test_a_resumed_draft_asks_again_an_answer_the_cycle_no_longer_accepts(
    conv: Conversation, driver: Driver, koperasi: dict[str, int]
) -> None:
    """Rina gives 3 January as the RAT's date and leaves the sub-flow; her officer then
    records the invitations as sent on 4 January. Resumed, the RAT's date is asked again
    (invitations cannot follow the RAT), not taken to the end and refused there."""
    rina, ani = driver.user(RINA, "Rina"), driver.user(ANI, "Ani")
    await conv.say(rina, "/lapor")
    await conv.press(rina, "⬜ RAT terlaksana")
    await conv.say(rina, "03-01-2027")
    await conv.say(rina, "40")
    await conv.say(rina, "/bantuan")
    await conv.say(ani, "/koperasi")
    await _edited(conv, ani, "1")
    await conv.press(ani, "📝 Catat laporan RAT")
    await conv.press(ani, "⬜ Undangan terkirim")
    await conv.say(ani, "04-01-2027")
    await conv.say(rina, "/lapor")
    resumed = await conv.press(rina, "⬜ RAT terlaksana")
    assert "Melanjutkan draf" in resumed.body
    assert "Tanggal berapa RAT diadakan?" in resumed.body
    refused = await conv.say(rina, "03-01-2027")
    assert "Tanggal berapa RAT diadakan?" in refused.body  # the reason, the same question
    # The members registered were answered before: not asked again, on to who was present.
    assert "anggota yang hadir" in (await conv.say(rina, "04-01-2027")).body
    await conv.say(rina, "30")
    for _ in range(3):  # LPJ, statements, RK/RAPB
        await conv.press(rina, "1. Ya")
    await conv.press(rina, "2. Tidak")  # no SHU distribution decided
    await conv.press(rina, "2. Tidak")  # no elections
    cycle = await _cycle(conv, koperasi["sejahtera_cycle"])
    assert (str(cycle.held_date), cycle.members_registered, cycle.members_present) == (
        "2027-01-04",
        40,
        30,
    )


async def test_the_shu_amount_is_read_as_rupiah_the_way_treasurers_write_it(
    conv: Conversation, driver: Driver, koperasi: dict[str, int]
) -> None:
    rina = driver.user(RINA, "Rina")
    await conv.say(rina, "/lapor")
    await conv.press(rina, "⬜ RAT terlaksana")
    for answer in ("02-01-2027", "120", "80"):
        await conv.say(rina, answer)
    for _ in range(4):  # LPJ, statements, RK/RAPB, SHU decided
        await conv.press(rina, "1. Ya")
    refused = await conv.say(rina, "-1000")
    assert "Berapa jumlah SHU" in refused.body  # the reason, the same question
    asked = await conv.say(rina, "Rp 12,5 juta")
    assert "pemilihan" in asked.body
    await conv.press(rina, "2. Tidak")
    cycle = await _cycle(conv, koperasi["sejahtera_cycle"])
    assert cycle.shu_amount == 12_500_000


async def test_the_card_under_a_saved_change_is_the_card_status_reads_afresh(
    conv: Conversation, driver: Driver, koperasi: dict[str, int]
) -> None:
    """The card sent with "Tersimpan" is built from the change's own reads (the lock's row,
    the recompute's read and plan); /status reads the stored rows again: they must agree."""
    rina = driver.user(RINA, "Rina")
    await conv.say(rina, "/status")  # the official terms explained once, before comparing
    await conv.say(rina, "/lapor")
    saved = await _a4_done(conv, rina, "⬜ A4")
    status = await conv.say(rina, "/status")
    assert saved.body == f"Tersimpan. Terima kasih!\n\n{status.body}"
    assert saved.buttons == status.buttons
    await conv.say(rina, "/lapor")
    await conv.press(rina, "⬜ RAT terlaksana")
    for answer in ("03-01-2027", "40", "30"):
        await conv.say(rina, answer)
    for _ in range(3):
        await conv.press(rina, "1. Ya")
    await conv.press(rina, "2. Tidak")
    held = await conv.press(rina, "2. Tidak")
    status = await conv.say(rina, "/status")
    assert "Tahap: RAT terlaksana" in status.body  # stage and last RAT changed with it
    assert held.body == f"Tersimpan. Terima kasih!\n\n{status.body}"


async def test_undo_with_nothing_of_ones_own_says_so_in_place_and_sends_nothing(
    conv: Conversation, driver: Driver, stub: BotApiStub, koperasi: dict[str, int]
) -> None:
    """The menu keeps *Batalkan perubahan terakhir* (it reads nothing per person: the menu's
    reads are pinned); pressed with no change of one's own, the answer says what the button
    undoes, as a pop-up over the menu — no message, no card, nothing recorded."""
    rina = driver.user(RINA, "Rina")
    await conv.say(rina, "/lapor")  # A1 and A2 were seeded as done, not reported by Rina
    sent = len(stub.calls("sendMessage"))
    await rina.press("↩️ Batalkan perubahan terakhir")
    await conv.deliver()
    answer = stub.calls("answerCallbackQuery")[-1].params
    assert answer["show_alert"] is True
    assert "Anda belum mencatat perubahan di koperasi ini" in str(answer["text"])
    assert "hanya membatalkan perubahan yang Anda catat sendiri" in str(answer["text"])
    assert len(stub.calls("sendMessage")) == sent
    assert await _history(conv, koperasi["sejahtera_cycle"]) == []


async def test_evidence_sent_as_an_album_is_saved_with_the_card_and_its_terms_shown(
    conv: Conversation, driver: Driver, koperasi: dict[str, int]
) -> None:
    """An album is completed by its timer, not by the person's update: the one message it
    sends says what was received, what was saved and shows the card with the terms first
    seen on it; nothing is recorded as seen that was not shown."""
    rina = driver.user(RINA, "Rina")
    await conv.say(rina, "/lapor")
    await conv.press(rina, "⬜ A3")
    await conv.press(rina, "3. Selesai")
    await conv.say(rina, "Sudah")
    await conv.press(rina, "1. Kirim bukti (foto/berkas)")
    await rina.send_album(2)
    await conv.deliver()
    [saved] = await rina.wait_for_reply(timeout=10)
    assert "2 berkas diterima" in saved.body
    assert "Tersimpan" in saved.body
    assert "📋 Status RAT — KSP Sejahtera" in saved.body  # the card, in the same message
    assert "Istilah baru di kartu ini" in saved.body
    assert "• Tahun buku: tahun pembukuan koperasi" in saved.body
    assert saved.buttons  # the card's own buttons
    async with conv.app.bot_data.services.uow(write=False) as uow:
        person = await uow.people.get_by_telegram_id(RINA)
        assert person is not None
        seen = await uow.people.terms_seen(person.id)
    assert seen == {"rat", "tahun_buku", "tahap", "checklist", "tenggat", "tanda"}
    again = await conv.say(rina, "/status")
    assert "Istilah baru" not in again.body


async def test_a_village_cooperatives_history_names_simkopdes_not_ods(
    conv: Conversation, driver: Driver, koperasi: dict[str, int]
) -> None:
    """A KDKMP cooperative reports to SIMKOPDES: its history names the milestone so too."""
    async with conv.app.bot_data.services.uow() as uow:
        found = await uow.koperasi.get(koperasi["sejahtera"])
        assert found is not None
        found.segmen = "kdkmp"
        await uow.commit()
    rina = driver.user(RINA, "Rina")
    await conv.say(rina, "/lapor")
    await conv.press(rina, "⬜ RAT terlaksana")
    for answer in ("03-01-2027", "40", "30"):
        await conv.say(rina, answer)
    for _ in range(3):
        await conv.press(rina, "1. Ya")
    await conv.press(rina, "2. Tidak")
    await conv.press(rina, "2. Tidak")
    ani = driver.user(ANI, "Ani")
    await conv.say(ani, "/koperasi")
    await _edited(conv, ani, "1")
    menu = await conv.press(ani, "📝 Catat laporan RAT")
    assert "Terinput di SIMKOPDES" in menu.body
    await conv.press(ani, "⬜ Terinput di SIMKOPDES")
    await conv.say(ani, "04-01-2027")
    [ods] = [h for h in await _history(conv, koperasi["sejahtera_cycle"]) if h.field == "ods_date"]
    assert ods.new_value is not None
    await conv.say(ani, "/koperasi")
    await _edited(conv, ani, "1")
    await conv.press(ani, "📝 Catat laporan RAT")
    history = await conv.press(ani, "🕘 Riwayat perubahan")
    assert "Terinput di SIMKOPDES" in history.body
    assert "ODS" not in history.body

"""/status: the board's RAT status card, on the home menu, and on the office's cooperative card."""

from __future__ import annotations

from datetime import date

import pytest

from domain.callbacks import StatusButton, StatusView
from storage.tables import TindakLanjut
from telegram_stub import BotApiStub
from tests.helpers.bot import Conversation
from tests.helpers.driver import BotMessage, Driver, UserSession
from tests.helpers.rat_boards import ANI, DEDI, PAK, RINA, SITI, seed_boards
from tests.helpers.seed import (
    answer_of,
    forge_press,
)


@pytest.fixture
async def koperasi(conv: Conversation) -> dict[str, int]:
    """Two cooperatives with current 2026 cycles; Siti on both boards, Rina on one."""
    return await seed_boards(conv)


async def _press(conv: Conversation, user: UserSession, button: str) -> BotMessage:
    await user.press(button)
    await conv.deliver()
    return await user.last_message()


async def test_board_member_sees_the_status_card_in_indonesian(
    conv: Conversation, driver: Driver, koperasi: dict[str, int]
) -> None:
    rina = driver.user(RINA, "Rina")
    card = await conv.say(rina, "/status")
    assert "Status RAT — KSP Sejahtera" in card.body
    assert "Tahun buku 2026 (telah berakhir 31 Desember 2026)" in card.body
    assert "Tahap: Persiapan" in card.body
    assert "Checklist: 2/7 butir wajib terpenuhi" in card.body
    assert "Tenggat berikutnya: target RAT dari dinas, 31 Maret 2027 (86 hari lagi)" in card.body
    assert "Rencana RAT: belum ditentukan" in card.body
    assert "Petugas pendamping: Ani Petugas" in card.body
    assert "RAT terakhir: belum tercatat" in card.body
    assert "tidak ada keterlambatan" in card.body
    assert card.buttons == ["📝 Lapor", "❓ Apa artinya?"]
    menu = await conv.press(rina, "📝 Lapor")  # the /lapor menu of this cooperative
    assert "Lapor RAT — KSP Sejahtera" in menu.body


async def test_the_explanation_opens_and_closes_in_place(
    conv: Conversation, driver: Driver, stub: BotApiStub, koperasi: dict[str, int]
) -> None:
    rina = driver.user(RINA, "Rina")
    await conv.say(rina, "/status")
    explained = await _press(conv, rina, "❓ Apa artinya?")
    assert "Rapat Anggota Tahunan" in explained.body
    assert explained.buttons == ["📝 Lapor", "Sembunyikan penjelasan"]
    closed = await _press(conv, rina, "Sembunyikan penjelasan")
    assert "Rapat Anggota Tahunan" not in closed.body
    assert [call.status for call in stub.calls("editMessageText")] == [200, 200]
    assert len(stub.calls("sendMessage")) == 1  # edited in place, never sent again


async def test_english_reader_gets_english_dates(
    conv: Conversation, driver: Driver, koperasi: dict[str, int]
) -> None:
    async with conv.app.bot_data.services.uow() as uow:
        person = await uow.people.get_by_telegram_id(RINA)
        assert person is not None
        person.language = "en"
        await uow.commit()
    card = await conv.say(driver.user(RINA, "Rina", language_code="en"), "/status")
    assert "Fiscal year 2026 (ended December 31, 2026)" in card.body
    assert "Checklist: 2/7 mandatory items done" in card.body


async def test_member_of_two_boards_chooses_then_sees_that_card(
    conv: Conversation, driver: Driver, koperasi: dict[str, int]
) -> None:
    siti = driver.user(SITI, "Siti")
    ask = await conv.say(siti, "/status")
    assert sorted(ask.buttons) == ["KSP Sejahtera", "Koperasi Makmur"]
    card = await conv.press(siti, "Koperasi Makmur")
    assert "Status RAT — Koperasi Makmur" in card.body
    assert "Checklist: 0/7" in card.body
    assert "Tanda: ⚠️ tidak RAT" in card.body  # formed long ago, no RAT for 2025
    assert "Petugas pendamping: belum ditetapkan" in card.body
    again = await conv.say(siti, "/status")  # the choice is remembered
    assert "Status RAT — Koperasi Makmur" in again.body


async def test_the_board_home_starts_with_the_status_card(
    conv: Conversation, driver: Driver, koperasi: dict[str, int]
) -> None:
    home = await conv.say(driver.user(RINA, "Rina"), "/start")
    assert home.body.startswith("📋 Status RAT — KSP Sejahtera")
    assert "Tahap: Persiapan" in home.body


async def test_officer_and_pimpinan_read_the_status_on_the_card(
    conv: Conversation, driver: Driver, koperasi: dict[str, int]
) -> None:
    # Ani's list holds only hers; the pimpinan's the whole region, by name
    for user_id, number in ((ANI, "1"), (PAK, "2")):
        user = driver.user(user_id, "x")
        await conv.say(user, "/koperasi")
        card = await _press(conv, user, number)
        assert "KSP Sejahtera" in card.body
        assert "Checklist: 2/7 butir wajib terpenuhi" in card.body
        assert "Tenggat berikutnya" in card.body
    # pimpinan may read but gets no action on the card
    assert "Ganti petugas" not in " ".join(card.buttons)
    assert not any("Hapus" in label for label in card.buttons)


async def test_status_is_refused_to_others(
    conv: Conversation, driver: Driver, stub: BotApiStub, koperasi: dict[str, int]
) -> None:
    answer = await conv.say(driver.user(DEDI, "Dedi"), "/status")
    assert "tidak memiliki akses" in answer.body
    # Rina forging the explanation of a cooperative she is not on the board of
    rina = driver.user(RINA, "Rina")
    await conv.say(rina, "/status")
    query = forge_press(stub, RINA, StatusButton(koperasi["makmur"], StatusView.EXPLAIN).encode())
    await conv.deliver()
    alert = answer_of(stub, query)["answer"]
    assert "tidak memiliki akses" in alert["text"]  # type: ignore[index]
    last = await rina.last_message()
    assert "Koperasi Makmur" not in last.body


async def test_the_card_lists_the_follow_ups_the_board_owes(
    conv: Conversation, driver: Driver, koperasi: dict[str, int]
) -> None:
    """A follow-up from an officer's visit owed by the board shows on its card; one owed by
    the officer, or done, does not."""
    now = conv.app.bot_data.services.clock.now()
    async with conv.app.bot_data.services.uow() as uow:
        for description, owner, done in (
            ("Lengkapi daftar anggota", "pengurus", None),
            ("Kirim contoh LPJ", "petugas", None),
            ("Tutup buku", "pengurus", now),
        ):
            uow.session.add(
                TindakLanjut(
                    koperasi_id=koperasi["sejahtera"],
                    description=description,
                    owner_kind=owner,
                    due_date=date(2027, 1, 20),
                    done_at=done,
                    created_at=now,
                )
            )
        await uow.commit()
    card = await conv.say(driver.user(RINA, "Rina"), "/status")
    assert "• Lengkapi daftar anggota (20-01-2027)" in card.body
    assert "Kirim contoh LPJ" not in card.body
    assert "Tutup buku" not in card.body

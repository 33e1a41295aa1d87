"""After a RAT with elections: the board confirms who sits on it, or takes a member off.

A RAT with elections prompts the board to confirm its members (docs/guide-pengurus.md). The
one who records the RAT held (a board member, or the officer on the board's behalf) gets the
linked members with *Masih sama* and, per member, *tidak lagi pengurus* (asked once more);
every press is authorised again on the server.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from domain.callbacks import BoardCheckAction, BoardCheckButton
from storage.tables import AuditLog, Outbox
from telegram_stub import BotApiStub
from tests.helpers.bot import Conversation
from tests.helpers.driver import BotMessage, Driver, UserSession
from tests.helpers.rat_boards import ANI, DEDI, PAK, RINA, SITI, seed_boards
from tests.helpers.seed import answer_of, forge_press


@pytest.fixture
async def koperasi(conv: Conversation) -> dict[str, int]:
    """KSP Sejahtera: officer Ani, Siti and Rina on its board (both ketua in the seed)."""
    return await seed_boards(conv)


async def _hold_rat(conv: Conversation, user: UserSession, *, elections: bool) -> BotMessage:
    """Records the RAT held from /lapor; the last message sent after the last answer."""
    await conv.say(user, "/lapor")
    await conv.press(user, "⬜ RAT terlaksana")
    for answer in ("03-01-2027", "40", "30"):
        await conv.say(user, answer)
    for _ in range(3):
        await conv.press(user, "1. Ya")
    await conv.press(user, "2. Tidak")  # no SHU distribution
    return await conv.press(
        user, "1. Ya" if elections else "2. Tidak", count=2 if elections else 1
    )


async def _edited(conv: Conversation, user: UserSession, button: str) -> BotMessage:
    await user.press(button)
    await conv.deliver()
    return await user.last_message()


async def _on_board(conv: Conversation, koperasi_id: int) -> list[str]:
    async with conv.app.bot_data.services.uow(write=False) as uow:
        return [str(m.name) for m in await uow.koperasi_query.board(koperasi_id)]


async def _audit(conv: Conversation, action: str) -> list[AuditLog]:
    async with conv.app.bot_data.services.uow(write=False) as uow:
        rows = await uow.session.scalars(select(AuditLog).where(AuditLog.action == action))
        return list(rows)


async def _person_id(conv: Conversation, telegram_id: int) -> int:
    async with conv.app.bot_data.services.uow(write=False) as uow:
        person = await uow.people.get_by_telegram_id(telegram_id)
        assert person is not None
        return person.id


async def test_a_rat_with_elections_asks_the_board_and_masih_sama_is_recorded(
    conv: Conversation, driver: Driver, koperasi: dict[str, int]
) -> None:
    rina = driver.user(RINA, "Rina")
    prompt = await _hold_rat(conv, rina, elections=True)
    assert "Pengurus KSP Sejahtera yang terhubung di Gempur" in prompt.body
    assert "• Siti — ketua" in prompt.body
    assert "• Rina — ketua" in prompt.body
    assert "undangan" in prompt.body  # how new members join: an invite from the office
    assert prompt.buttons == [
        "✅ Masih sama",
        "❌ Siti tidak lagi pengurus",
        "❌ Rina tidak lagi pengurus",
    ]
    done = await _edited(conv, rina, "✅ Masih sama")
    assert "susunan pengurus KSP Sejahtera masih sama" in done.body
    assert done.buttons == []
    [confirmed] = await _audit(conv, "board.confirm")
    assert confirmed.actor_person_id == await _person_id(conv, RINA)
    assert (confirmed.entity, confirmed.entity_id) == ("koperasi", str(koperasi["sejahtera"]))
    assert confirmed.at is not None
    assert await _on_board(conv, koperasi["sejahtera"]) == ["Siti", "Rina"]


async def test_no_elections_no_prompt(
    conv: Conversation, driver: Driver, koperasi: dict[str, int]
) -> None:
    rina = driver.user(RINA, "Rina")
    card = await _hold_rat(conv, rina, elections=False)
    assert "Status RAT — KSP Sejahtera" in card.body
    assert "Masih sama" not in card.buttons


async def test_a_member_takes_another_off_after_a_confirmation_but_never_the_last(
    conv: Conversation, driver: Driver, stub: BotApiStub, koperasi: dict[str, int]
) -> None:
    rina = driver.user(RINA, "Rina")
    await _hold_rat(conv, rina, elections=True)
    ask = await _edited(conv, rina, "❌ Siti tidak lagi pengurus")
    assert "Keluarkan Siti dari pengurus KSP Sejahtera?" in ask.body
    assert ask.buttons == ["Ya, keluarkan", "Batal"]
    back = await _edited(conv, rina, "Batal")
    assert "❌ Siti tidak lagi pengurus" in back.buttons  # nothing changed
    await _edited(conv, rina, "❌ Siti tidak lagi pengurus")
    after = await _edited(conv, rina, "Ya, keluarkan")
    assert "Siti tidak lagi tercatat sebagai pengurus" in after.body
    assert after.buttons == ["✅ Masih sama", "❌ Rina tidak lagi pengurus"]
    assert await _on_board(conv, koperasi["sejahtera"]) == ["Rina"]
    [removed] = await _audit(conv, "board.remove")
    assert removed.actor_person_id == await _person_id(conv, RINA)
    async with conv.app.bot_data.services.uow(write=False) as uow:
        notes = list(await uow.session.scalars(select(Outbox).where(Outbox.chat_id == SITI)))
    assert any("tidak lagi tercatat sebagai pengurus" in str(n.payload.get("text")) for n in notes)
    # Rina is the last linked member: she is not taken off (the office does that)
    last = await _edited(conv, rina, "❌ Rina tidak lagi pengurus")
    assert "pengurus terakhir" in last.body
    assert "Ya, keluarkan" not in last.buttons
    forged = forge_press(
        stub,
        RINA,
        BoardCheckButton(
            koperasi["sejahtera"], BoardCheckAction.REMOVE, await _person_id(conv, RINA)
        ).encode(),
    )
    await conv.deliver()
    assert "pengurus terakhir" in str(answer_of(stub, forged)["answer"])
    assert await _on_board(conv, koperasi["sejahtera"]) == ["Rina"]


async def test_taking_oneself_off_is_said_plainly(
    conv: Conversation, driver: Driver, koperasi: dict[str, int]
) -> None:
    rina = driver.user(RINA, "Rina")
    await _hold_rat(conv, rina, elections=True)
    ask = await _edited(conv, rina, "❌ Rina tidak lagi pengurus")
    assert "Anda sendiri akan keluar dari pengurus KSP Sejahtera" in ask.body
    gone = await _edited(conv, rina, "Ya, keluarkan")
    assert "Anda tidak lagi tercatat sebagai pengurus KSP Sejahtera" in gone.body
    assert gone.buttons == []
    assert await _on_board(conv, koperasi["sejahtera"]) == ["Siti"]


async def test_the_officer_recording_for_the_board_gets_the_prompt_and_may_take_the_last_off(
    conv: Conversation, driver: Driver, koperasi: dict[str, int]
) -> None:
    ani = driver.user(ANI, "Ani")
    await conv.say(ani, "/koperasi")
    await _edited(conv, ani, "1")
    await conv.press(ani, "📝 Catat laporan RAT")
    await conv.press(ani, "⬜ RAT terlaksana")
    for answer in ("03-01-2027", "40", "30"):
        await conv.say(ani, answer)
    for _ in range(3):
        await conv.press(ani, "1. Ya")
    await conv.press(ani, "2. Tidak")
    prompt = await conv.press(ani, "1. Ya", count=2)
    assert "Pengurus KSP Sejahtera yang terhubung di Gempur" in prompt.body
    for name in ("Siti", "Rina"):
        await _edited(conv, ani, f"❌ {name} tidak lagi pengurus")
        ask = await ani.last_message()
        if name == "Rina":  # the last one: the office is told what it means
            assert "tidak lagi punya pengurus di Gempur" in ask.body
        await _edited(conv, ani, "Ya, keluarkan")
    assert await _on_board(conv, koperasi["sejahtera"]) == []
    assert len(await _audit(conv, "board.remove")) == 2


async def test_every_press_is_authorised_and_stale_ones_say_so(
    conv: Conversation, driver: Driver, stub: BotApiStub, koperasi: dict[str, int]
) -> None:
    rina = driver.user(RINA, "Rina")
    await _hold_rat(conv, rina, elections=True)
    siti_id, sejahtera = await _person_id(conv, SITI), koperasi["sejahtera"]
    remove_siti = BoardCheckButton(sejahtera, BoardCheckAction.REMOVE, siti_id).encode()
    confirm = BoardCheckButton(sejahtera, BoardCheckAction.CONFIRM).encode()
    for outsider in (DEDI, PAK):  # another officer; pimpinan read, never change
        user = driver.user(outsider, "Orang")
        await conv.say(user, "/bantuan")
        for data in (remove_siti, confirm):
            forged = forge_press(stub, outsider, data)
            await conv.deliver()
            assert "tidak memiliki akses" in str(answer_of(stub, forged)["answer"])
    # a member of another board (Siti sits on Makmur too, but here the data names Makmur)
    other = BoardCheckButton(koperasi["makmur"], BoardCheckAction.REMOVE, siti_id).encode()
    forged = forge_press(stub, RINA, other)
    await conv.deliver()
    assert "tidak memiliki akses" in str(answer_of(stub, forged)["answer"])
    assert await _on_board(conv, sejahtera) == ["Siti", "Rina"]
    assert await _audit(conv, "board.confirm") == []
    # Siti taken off; her old button is stale
    await _edited(conv, rina, "❌ Siti tidak lagi pengurus")
    await _edited(conv, rina, "Ya, keluarkan")
    forged = forge_press(stub, RINA, remove_siti)
    await conv.deliver()
    assert "kedaluwarsa" in str(answer_of(stub, forged)["answer"])
    forged = forge_press(stub, RINA, "pb:1:zz:0")
    await conv.deliver()
    assert "kedaluwarsa" in str(answer_of(stub, forged)["answer"])


async def test_a_board_members_forged_removal_without_elections_is_refused(
    conv: Conversation, driver: Driver, stub: BotApiStub, koperasi: dict[str, int]
) -> None:
    """A board member takes a colleague off only through the board check after a RAT with
    elections: the same button pressed before (or without) one changes nothing."""
    rina = driver.user(RINA, "Rina")
    await conv.say(rina, "/bantuan")
    sejahtera, siti_id = koperasi["sejahtera"], await _person_id(conv, SITI)
    remove_siti = BoardCheckButton(sejahtera, BoardCheckAction.REMOVE, siti_id).encode()
    forged = forge_press(stub, RINA, remove_siti)
    await conv.deliver()
    assert "tidak memiliki akses" in str(answer_of(stub, forged)["answer"])
    await _hold_rat(conv, rina, elections=False)  # a RAT held, but no elections at it
    forged = forge_press(stub, RINA, remove_siti)
    await conv.deliver()
    assert "tidak memiliki akses" in str(answer_of(stub, forged)["answer"])
    assert await _on_board(conv, sejahtera) == ["Siti", "Rina"]
    assert await _audit(conv, "board.remove") == []


async def test_the_last_member_pop_up_fits_telegrams_alert_whatever_the_name(
    conv: Conversation, driver: Driver, stub: BotApiStub, koperasi: dict[str, int]
) -> None:
    """A callback alert holds at most 200 characters of plain text: no name, no markup."""
    sejahtera = koperasi["sejahtera"]
    async with conv.app.bot_data.services.uow() as uow:
        found = await uow.koperasi.get(sejahtera)
        assert found is not None
        found.nama = "Koperasi Simpan Pinjam Sejahtera Bersama " * 4
        await uow.commit()
    rina = driver.user(RINA, "Rina")
    await _hold_rat(conv, rina, elections=True)
    await _edited(conv, rina, "❌ Siti tidak lagi pengurus")
    await _edited(conv, rina, "Ya, keluarkan")
    rina_id = await _person_id(conv, RINA)
    remove_rina = BoardCheckButton(sejahtera, BoardCheckAction.REMOVE, rina_id).encode()
    forged = forge_press(stub, RINA, remove_rina)
    await conv.deliver()
    answer = answer_of(stub, forged)["answer"]
    assert isinstance(answer, dict)
    alert = str(answer.get("text"))  # the stub, like Telegram, refuses a longer one
    assert "pengurus terakhir" in alert
    assert len(alert) <= 200
    assert "<b>" not in alert
    assert await _on_board(conv, sejahtera) == ["Rina"]

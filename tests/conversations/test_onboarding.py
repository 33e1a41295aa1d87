"""Invites, consent, join requests, board choice and removal through the real application,
fed the stub's updates one call at a time."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select
from telegram import Update
from telegram.ext import CommandHandler

from config import AppConfig
from domain.access import Role, RoleGrant, Viewer
from domain.invites import hash_code
from handlers.board import choose_koperasi
from handlers.context import BotContext
from handlers.replies import reply
from services.invites import BULK_COLUMNS
from services.onboarding import BoardRemoval, remove_board_member
from storage.tables import (
    AuditLog,
    Invite,
    InviteUse,
    JoinRequest,
    Koperasi,
    Outbox,
    Person,
)
from storage.tables import RoleGrant as RoleGrantRow
from telegram_stub import BotApiStub
from tests.helpers.bot import Conversation, conversation
from tests.helpers.clock import FrozenClock
from tests.helpers.driver import Driver, UserSession
from tests.helpers.onboarding import (
    add_koperasi,
    deliver_outbox,
    invite_code,
    make_admin,
    press_forged,
)

ADMIN = 8001


@pytest.fixture
async def conv(cfg: AppConfig, clock: FrozenClock) -> AsyncIterator[Conversation]:
    async with conversation(cfg, clock) as running:
        await make_admin(running.app, ADMIN)
        yield running


@pytest.fixture
def admin(driver: Driver) -> UserSession:
    return driver.user(ADMIN, "Dinas")


async def _invite(conv: Conversation, admin: UserSession, button: str) -> str:
    await conv.say(admin, "/undang")
    return invite_code(await conv.press(admin, button))


async def _rows(conv: Conversation, table: Any, *where: Any) -> list[Any]:
    async with conv.app.bot_data.services.uow(write=False) as uow:
        return list(await uow.session.scalars(select(table).where(*where)))


def _answer_to(stub: BotApiStub, data: str) -> dict[str, Any]:
    """The one answer the bot gave to the (latest) press of a button with `data`."""
    [record, *_] = [r for r in reversed(stub.callback_answers()) if r["data"] == data]
    calls = [
        c
        for c in stub.calls("answerCallbackQuery")
        if c.params.get("callback_query_id") == record["id"]
    ]
    assert record["answered"] is True
    assert len(calls) == 1  # answered, and exactly once
    answer: dict[str, Any] = record["answer"]
    return answer


async def test_each_unusable_invite_is_explained_and_stores_nothing(
    conv: Conversation, admin: UserSession, driver: Driver, clock: FrozenClock
) -> None:
    revoked = await _invite(conv, admin, "Petugas pendamping")
    used = await _invite(conv, admin, "Pimpinan Dinas")
    expiring = await _invite(conv, admin, "Admin Dinas")
    await conv.press(admin, "Undangan yang masih berlaku")
    [revoked_row] = await _rows(conv, Invite, Invite.code_hash == hash_code(revoked))
    listing = await admin.last_message()
    await admin.press(f"Cabut #{revoked_row.id}")
    await conv.deliver()
    asked = await admin.wait_for_edit(listing)
    assert f"Cabut undangan #{revoked_row.id}?" in asked.body
    assert asked.buttons == ["Ya, cabut", "Tidak"]
    [still_open] = await _rows(conv, Invite, Invite.id == revoked_row.id)
    assert still_open.revoked_at is None  # asked, not done yet
    await admin.press("Ya, cabut")
    await conv.deliver()
    relisted = await admin.wait_for_edit(asked)
    assert f"#{revoked_row.id}" not in relisted.body
    first = driver.user(8101, "Ani")
    await conv.say(first, f"/start {used}")
    await conv.press(first, "Setuju")

    budi = driver.user(8102, "Budi")
    assert "tidak berlaku" in (await conv.say(budi, "/start ABCDEFGHJK2M5")).body
    assert "dicabut" in (await conv.say(budi, f"/start {revoked}")).body
    assert "habis terpakai" in (await conv.say(budi, f"/start {used}")).body
    clock.advance(days=31)
    assert "kedaluwarsa" in (await conv.say(budi, f"/start {expiring}")).body
    assert await _rows(conv, Person, Person.telegram_user_id == budi.id) == []


async def test_refusing_consent_stores_nothing(
    conv: Conversation, admin: UserSession, driver: Driver
) -> None:
    code = await _invite(conv, admin, "Petugas pendamping")
    outbox_before = [row.id for row in await _rows(conv, Outbox)]
    ani = driver.user(8201, "Ani", last_name="Lestari")
    notice = await conv.say(ani, f"/start {code}")
    assert "petugas pendamping" in notice.body
    assert "UU 27/2022" in notice.body
    assert notice.buttons == ["Setuju", "Tidak setuju"]
    declined = await conv.press(ani, "Tidak setuju")
    assert "undangan ini tidak dipakai" in declined.body
    assert (await ani.messages())[0].reply_markup is None  # no second decision on it
    assert await _rows(conv, Person, Person.telegram_user_id == ani.id) == []
    assert await _rows(conv, InviteUse) == []
    assert [row.id for row in await _rows(conv, Outbox)] == outbox_before
    [invite] = await _rows(conv, Invite)
    assert invite.uses == 0


async def test_consent_links_once_and_the_same_link_again_grants_nothing(
    conv: Conversation, admin: UserSession, driver: Driver
) -> None:
    code = await _invite(conv, admin, "Petugas pendamping")
    ani = driver.user(8301, "Ani", last_name="Lestari", language_code="en")
    assert "field officer" in (await conv.say(ani, f"/start {code}")).body
    home = await conv.press(ani, "I agree")
    assert "Your account is linked" in home.body
    again = await ani.send(f"/start {code}")
    del again
    await conv.deliver()
    used_before, home_again = await ani.wait_for_reply(2)
    assert "used this invite before" in used_before.body
    assert "As a field officer" in home_again.body
    [person] = await _rows(conv, Person, Person.telegram_user_id == ani.id)
    assert person.full_name == "Ani Lestari"
    assert person.consent_at is not None
    assert person.telegram_language_code == "en"
    grants = await _rows(conv, RoleGrantRow, RoleGrantRow.person_id == person.id)
    assert [(g.role, g.active) for g in grants] == [("petugas", True)]
    [invite] = await _rows(conv, Invite)
    assert invite.uses == 1
    [audit] = await _rows(conv, AuditLog, AuditLog.action == "invite.redeem")
    assert audit.details == {"invite_id": invite.id, "role": "petugas", "koperasi_id": None}
    [menu] = await _rows(conv, Outbox, Outbox.chat_id == ani.id)
    assert menu.method == "setMyCommands"
    # Her language's command names (every name keeps working).
    assert {"command": "help", "description": "What I can do for you"} in menu.payload["commands"]


async def test_a_typed_code_is_redeemed_unless_a_form_waits_for_an_answer(
    conv: Conversation, admin: UserSession, driver: Driver
) -> None:
    code = await _invite(conv, admin, "Pimpinan Dinas")
    typed = f"{code[:4]} {code[4:8]} {code[8:]}".lower()
    budi = driver.user(8401, "Budi")
    await conv.say(budi, "/bahasa")
    in_form = await conv.say(budi, typed)
    assert "Pilih salah satu" in in_form.body  # the form's answer, not the notice
    await conv.say(budi, "/batal")
    notice = await conv.say(budi, typed)
    assert "pimpinan Dinas" in notice.body
    assert "Setuju" in notice.buttons
    assert "belum paham" in (await conv.say(budi, "halo semuanya")).body


async def test_forged_buttons_are_refused_and_answered_once(
    conv: Conversation, admin: UserSession, driver: Driver, stub: BotApiStub
) -> None:
    code = await _invite(conv, admin, "Admin Dinas")
    [invite] = await _rows(conv, Invite)
    alice, mallory = driver.user(8501, "Alice"), driver.user(8502, "Mallory")
    notice = await conv.say(alice, f"/start {code}")
    consent_data = notice.reply_markup["inline_keyboard"][0][0]["callback_data"]  # type: ignore[index]
    await conv.say(mallory, "/start")

    await press_forged(conv.app, mallory, consent_data)  # Alice's consent button
    await conv.deliver()
    assert "tidak memiliki akses" in _answer_to(stub, consent_data)["text"]
    revoke = f"i:r:{invite.id}:0"
    await press_forged(conv.app, mallory, revoke)  # an admin's *Cabut*
    await conv.deliver()
    assert _answer_to(stub, revoke)["show_alert"] is True
    approve = "j:a:1:admin"
    await press_forged(conv.app, mallory, approve)
    await conv.deliver()
    assert "tidak memiliki akses" in _answer_to(stub, approve)["text"]
    koperasi_id = await add_koperasi(conv.app, "KUD Tani Makmur")
    seat = f"i:s:{koperasi_id}:status"  # a board she does not sit on
    await press_forged(conv.app, mallory, seat)
    await conv.deliver()
    assert "tidak memiliki akses" in _answer_to(stub, seat)["text"]
    assert await _rows(conv, Person, Person.telegram_user_id == mallory.id) == []
    [still_open] = await _rows(conv, Invite)
    assert (still_open.uses, still_open.revoked_at) == (0, None)

    home = await conv.press(alice, "Setuju")  # Alice's own button still works
    assert "admin Dinas" in home.body


async def test_a_join_request_refused_is_told_to_the_requester(
    conv: Conversation, admin: UserSession, driver: Driver
) -> None:
    await conv.say(admin, "/start")
    citra = driver.user(8601, "Citra <b>", last_name="& Co")
    greeting = await conv.say(citra, "/start")
    assert greeting.buttons == ["Minta akses"]
    how = await conv.press(citra, "Minta akses")
    assert "1. Kirim tanpa catatan" in how.body
    assert "Admin Dinas" not in how.body
    assert "dikirim ke admin" in (await conv.say(citra, "1")).body
    [request] = await _rows(conv, JoinRequest)
    assert (request.status, request.display_name, request.note) == (
        "pending",
        "Citra <b> & Co",
        None,
    )
    await deliver_outbox(conv.app)
    [asked] = await admin.wait_for_reply()
    assert "Citra &lt;b&gt; &amp; Co" not in asked.body  # escaped on the wire, shown as typed
    assert "Citra <b> & Co" in asked.body
    assert asked.buttons[-1] == "Tolak"
    done = await conv.press(admin, "Tolak")
    assert "Ditolak" in done.body
    await deliver_outbox(conv.app)
    [told] = await citra.wait_for_reply()
    assert "tidak disetujui" in told.body
    [decided] = await _rows(conv, JoinRequest)
    assert decided.status == "refused"
    assert await _rows(conv, AuditLog, AuditLog.action == "join.refuse")
    grants = await _rows(conv, RoleGrantRow, RoleGrantRow.role != "admin")
    assert grants == []


async def test_bulk_invites_come_as_a_spreadsheet_whose_codes_work(
    conv: Conversation, admin: UserSession, driver: Driver
) -> None:
    for nama in ("KUD Tani Makmur", 'KSU "Maju & Jaya" <Sejahtera>', "Kopkar Sinar"):
        await add_koperasi(conv.app, nama, "Kraksaan")
    await add_koperasi(conv.app, "KUD Paiton", "Paiton")
    await conv.say(admin, "/undang")
    await conv.press(admin, "Massal (per kecamatan)")
    sheet_message = await conv.press(admin, "Kraksaan")
    assert "3 undangan pengurus" in sheet_message.body
    file = await conv.app.bot.get_file(sheet_message.media["document"]["file_id"])
    book = load_workbook(io.BytesIO(await file.download_as_bytearray()))
    rows = list(book.active.iter_rows(values_only=True))  # type: ignore[union-attr]
    assert rows[0] == BULK_COLUMNS
    assert [row[0] for row in rows[1:]] == [
        "Kopkar Sinar",
        'KSU "Maju & Jaya" <Sejahtera>',
        "KUD Tani Makmur",
    ]
    assert all(row[3].endswith(row[4].replace("-", "")) for row in rows[1:])
    dewi = driver.user(8701, "Dewi")
    notice = await conv.say(dewi, str(rows[2][4]))
    assert 'KSU "Maju &amp; Jaya" &lt;Sejahtera&gt;' not in notice.body
    assert 'pengurus koperasi KSU "Maju & Jaya" <Sejahtera>' in notice.body


async def test_admin_finds_a_cooperative_ten_per_page_and_invites_its_board(
    conv: Conversation, admin: UserSession
) -> None:
    for number in range(1, 13):
        await add_koperasi(conv.app, f"KSU Maju {number:02}", "Gading")
    first = await conv.say(admin, "/undang maju")
    assert "12 (halaman 1 dari 2)" in first.body
    assert first.buttons[10:] == ["1/2", "▶︎"]  # ten cooperatives, then the page row
    await admin.press("▶︎")
    await conv.deliver()
    second = await admin.wait_for_edit(first)
    assert "halaman 2 dari 2" in second.body
    assert second.buttons == ["11. KSU Maju 11", "12. KSU Maju 12", "◀︎", "2/2"]
    card = await conv.press(admin, "12. KSU Maju 12")
    assert "pengurus KSU Maju 12" in card.body
    assert "dapat dipakai 5 pengurus" in card.body
    invite_code(card)


async def test_a_member_of_two_boards_is_asked_once_and_the_choice_is_remembered(
    conv: Conversation, admin: UserSession, driver: Driver
) -> None:
    async def which(update: Update, context: BotContext) -> None:
        chosen = await choose_koperasi(update, context, command="ujipengurus")
        if chosen is not None:
            await reply(update, context, f"koperasi {chosen}")

    # A board command as later features add them (first in line, after the gate).
    conv.app.handlers[0].insert(0, CommandHandler("ujipengurus", which))
    first = await add_koperasi(conv.app, "KUD Tani Makmur")
    second = await add_koperasi(conv.app, "Kopkar Sinar")
    eko = driver.user(8801, "Eko")
    for search, nama in (("tani", "KUD Tani Makmur"), ("sinar", "Kopkar Sinar")):
        await conv.say(admin, f"/undang {search}")
        code = invite_code(await conv.press(admin, f"1. {nama}"))
        await conv.say(eko, f"/start {code}")
        await eko.press("Setuju")
        await conv.deliver()
        home, _position = await eko.wait_for_reply(2)
    assert "Anda pengurus di 2 koperasi" in home.body
    asked = await conv.say(eko, "/ujipengurus")
    assert asked.buttons == ["Kopkar Sinar", "KUD Tani Makmur"]
    chosen = await conv.press(eko, "KUD Tani Makmur")
    assert "/ujipengurus" in chosen.body
    assert (await conv.say(eko, "/ujipengurus")).body == f"koperasi {first}"

    await conv.say(eko, "/start")
    await conv.press(eko, "Ganti koperasi")
    home = await conv.press(eko, "Kopkar Sinar")
    assert "yang sedang dipilih: <b>Kopkar Sinar</b>" not in home.body
    assert "yang sedang dipilih: Kopkar Sinar" in home.body
    [person] = await _rows(conv, Person, Person.telegram_user_id == eko.id)
    assert person.selected_koperasi_id == second


async def test_officers_and_admins_remove_board_members_and_the_menu_follows(
    conv: Conversation, admin: UserSession, driver: Driver, clock: FrozenClock
) -> None:
    services = conv.app.bot_data.services
    koperasi_id = await add_koperasi(conv.app, "KUD Tani Makmur")
    await conv.say(admin, "/undang tani")
    code = invite_code(await conv.press(admin, "1. KUD Tani Makmur"))
    fajar = driver.user(8901, "Fajar")
    await conv.say(fajar, f"/start {code}")
    await conv.press(fajar, "Setuju")
    [member] = await _rows(conv, Person, Person.telegram_user_id == fajar.id)
    async with services.uow() as uow:
        officer = await uow.people.add(telegram_user_id=8902, now=clock.now())
        other = await uow.people.add(telegram_user_id=8903, now=clock.now())
        koperasi = await uow.session.get_one(Koperasi, koperasi_id)
        koperasi.petugas_id = officer.id
        member_row = await uow.session.get_one(Person, member.id)
        member_row.selected_koperasi_id = koperasi_id
        await uow.commit()

    def viewer(person_id: int, role: Role) -> Viewer:
        return Viewer(person_id, person_id, person_id, frozenset({RoleGrant(role)}))

    clock.advance(minutes=5)
    outcomes = []
    for actor in (
        viewer(other.id, Role.PETUGAS),
        viewer(other.id, Role.PIMPINAN),
        viewer(officer.id, Role.PETUGAS),
        viewer(officer.id, Role.PETUGAS),
    ):
        async with services.uow() as uow:
            outcomes.append(
                await remove_board_member(
                    uow, actor, koperasi_id, member.id, clock.now(), catalogues=services.catalogues
                )
            )
            await uow.commit()
    assert outcomes == [
        BoardRemoval.NOT_ALLOWED,
        BoardRemoval.NOT_ALLOWED,
        BoardRemoval.REMOVED,
        BoardRemoval.NOT_MEMBER,
    ]
    [removed] = await _rows(conv, Person, Person.id == member.id)
    assert (removed.selected_koperasi_id, removed.menu_state) == (None, None)
    grants = await _rows(conv, RoleGrantRow, RoleGrantRow.person_id == member.id)
    assert [g.active for g in grants] == [False]
    [audit] = await _rows(conv, AuditLog, AuditLog.action == "board.remove")
    assert (audit.actor_person_id, audit.entity_id) == (officer.id, str(member.id))
    rows = sorted(await _rows(conv, Outbox, Outbox.chat_id == fajar.id), key=lambda m: m.id)
    menus = [row for row in rows if row.kind == "menu"]
    # The board member's menu had not gone out yet: its removal supersedes it.
    assert [(m.method, m.status) for m in menus] == [
        ("setMyCommands", "superseded"),
        ("deleteMyCommands", "pending"),
    ]
    assert menus[1].payload == {"scope": {"type": "chat", "chat_id": fajar.id}}
    [note] = [row for row in rows if row.kind == "note"]  # and told, once
    assert "tidak lagi tercatat sebagai pengurus <b>KUD Tani Makmur</b>" in note.payload["text"]
    await deliver_outbox(conv.app)
    # A removed member who opens the old link again is not put back on the board.
    again = await conv.say(fajar, f"/start {code}")
    assert "sudah pernah Anda pakai" in again.body
    async with services.uow(write=False) as uow:
        active = await uow.session.scalar(
            select(func.count()).select_from(RoleGrantRow).where(RoleGrantRow.active.is_(True))
        )
    assert active == 1  # the admin's own grant only


async def test_undang_is_for_admins_only(conv: Conversation, driver: Driver) -> None:
    gita = driver.user(9001, "Gita")
    assert "tidak memiliki akses" in (await conv.say(gita, "/undang")).body
    assert "tidak memiliki akses" in (await conv.say(gita, "/invite maju")).body
    assert await _rows(conv, Invite) == []


async def test_a_double_tap_on_a_role_button_makes_one_invite(
    conv: Conversation, admin: UserSession
) -> None:
    await conv.say(admin, "/undang")
    await admin.press("Petugas pendamping")
    await admin.press("Petugas pendamping")  # the second tap arrives before the first is handled
    await conv.deliver()
    [card] = await admin.wait_for_reply()
    assert invite_code(card)
    assert len(await _rows(conv, Invite)) == 1


async def test_revoking_an_invite_asks_first_and_no_keeps_it(
    conv: Conversation, admin: UserSession
) -> None:
    await _invite(conv, admin, "Petugas pendamping")
    listing = await conv.press(admin, "Undangan yang masih berlaku")
    [invite] = await _rows(conv, Invite)
    await admin.press(f"Cabut #{invite.id}")
    await conv.deliver()
    asked = await admin.wait_for_edit(listing)
    assert asked.buttons == ["Ya, cabut", "Tidak"]
    await admin.press("Tidak")
    await conv.deliver()
    back = await admin.wait_for_edit(asked)
    assert f"Cabut #{invite.id}" in back.buttons  # the list again, the invite still open
    [kept] = await _rows(conv, Invite)
    assert kept.revoked_at is None

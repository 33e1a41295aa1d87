"""Board invites as board members and officers live them: the position (jabatan) asked once
linked and shown on the card, and an officer refused a seat on a board she supervises."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import select

from config import AppConfig
from domain.access import Role
from storage.tables import Koperasi, RoleGrant
from telegram_stub import BotApiStub
from tests.helpers.bot import Conversation, conversation
from tests.helpers.clock import FrozenClock
from tests.helpers.driver import Driver, UserSession
from tests.helpers.onboarding import (
    add_koperasi,
    deliver_outbox,
    invite_code,
    make_admin,
)
from tests.helpers.seed import add_person

ADMIN, OFFICER = 8001, 8002


@pytest.fixture
async def conv(cfg: AppConfig, clock: FrozenClock) -> AsyncIterator[Conversation]:
    async with conversation(cfg, clock) as running:
        await make_admin(running.app, ADMIN)
        yield running


@pytest.fixture
def admin(driver: Driver) -> UserSession:
    return driver.user(ADMIN, "Dinas")


async def _rows(conv: Conversation, table: Any, *where: Any) -> list[Any]:
    async with conv.app.bot_data.services.uow(write=False) as uow:
        return list(await uow.session.scalars(select(table).where(*where)))


async def _board_code(conv: Conversation, admin: UserSession, nama: str) -> str:
    await conv.say(admin, f"/undang {nama}")
    return invite_code(await conv.press(admin, f"1. {nama}"))


async def test_an_officer_is_refused_a_seat_on_a_board_she_supervises(
    conv: Conversation, admin: UserSession, driver: Driver
) -> None:
    services = conv.app.bot_data.services
    koperasi_id = await add_koperasi(conv.app, "KUD Tani Makmur")
    other_id = await add_koperasi(conv.app, "Kopkar Sinar")
    async with services.uow() as uow:
        rina = await add_person(uow, OFFICER, "Rina", roles=[Role.PETUGAS])
        (await uow.session.get_one(Koperasi, koperasi_id)).petugas_id = rina.id
        await uow.commit()
    officer = driver.user(OFFICER, "Rina")
    code = await _board_code(conv, admin, "KUD Tani Makmur")
    refused = await conv.say(officer, f"/start {code}")
    assert "konflik peran" in refused.body
    assert refused.buttons == []  # no consent to give
    seats = await _rows(conv, RoleGrant, RoleGrant.role == Role.PENGURUS.value)
    assert seats == []

    other = await _board_code(conv, admin, "Kopkar Sinar")  # one she does not supervise
    notice = await conv.say(officer, f"/start {other}")
    assert "Setuju" in notice.buttons
    await conv.press(officer, "Setuju")
    [seat] = await _rows(conv, RoleGrant, RoleGrant.role == Role.PENGURUS.value)
    assert seat.koperasi_id == other_id


async def test_a_new_board_member_is_asked_the_position_shown_on_the_card(
    conv: Conversation, admin: UserSession, driver: Driver
) -> None:
    await add_koperasi(conv.app, "KUD Tani Makmur")
    code = await _board_code(conv, admin, "KUD Tani Makmur")
    sari = driver.user(8101, "Sari")
    await conv.say(sari, f"/start {code}")
    await sari.press("Setuju")
    await conv.deliver()
    home, asked = await sari.wait_for_reply(2)
    assert "KUD Tani" in home.body
    assert "apa jabatan Anda di pengurus koperasi tersebut?" in asked.body
    assert asked.buttons == [
        "1. Ketua",
        "2. Sekretaris",
        "3. Bendahara",
        "4. Manajer",
        "5. Pengawas",
        "6. Lainnya",
    ]
    [seat] = await _rows(conv, RoleGrant, RoleGrant.role == Role.PENGURUS.value)
    assert seat.jabatan is None  # asked, not answered yet
    saved = await conv.say(sari, "3")  # typed, as every numbered choice accepts
    assert "Tersimpan" in saved.body
    [seat] = await _rows(conv, RoleGrant, RoleGrant.role == Role.PENGURUS.value)
    assert seat.jabatan == "bendahara"
    await conv.say(admin, "/koperasi")
    await admin.press("1")
    await conv.deliver()
    card = await admin.last_message()
    assert "Sari — bendahara" in card.body


async def test_a_board_member_corrects_the_position_in_privasi(
    conv: Conversation, admin: UserSession, driver: Driver
) -> None:
    await add_koperasi(conv.app, "KUD Tani Makmur")
    code = await _board_code(conv, admin, "KUD Tani Makmur")
    tono = driver.user(8103, "Tono")
    await conv.say(tono, f"/start {code}")
    await conv.press(tono, "Setuju", count=2)
    await conv.press(tono, "1. Ketua")
    await conv.say(tono, "/privasi")
    fields = await conv.press(tono, "Perbaiki data saya")
    assert "4. Jabatan di pengurus koperasi" in fields.body
    positions = await conv.say(tono, "4")
    assert "5. Pengawas" in positions.body
    assert "diperbarui" in (await conv.say(tono, "5")).body
    [seat] = await _rows(conv, RoleGrant, RoleGrant.role == Role.PENGURUS.value)
    assert seat.jabatan == "pengawas"

    async with conv.app.bot_data.services.uow() as uow:
        await add_person(uow, 8104, "Umi", roles=[Role.PETUGAS])
        await uow.commit()
    stranger = driver.user(8104, "Umi")
    await conv.say(stranger, "/privasi")  # an officer, on no board: told, nothing stored
    await conv.press(stranger, "Perbaiki data saya")
    await conv.say(stranger, "4")
    assert "tidak tercatat sebagai pengurus" in (await conv.say(stranger, "1")).body


async def test_erasure_takes_the_chat_menu_with_the_roles(
    conv: Conversation, admin: UserSession, driver: Driver, stub: BotApiStub
) -> None:
    await add_koperasi(conv.app, "KUD Tani Makmur")
    code = await _board_code(conv, admin, "KUD Tani Makmur")
    wati = driver.user(8105, "Wati")
    await conv.say(wati, f"/start {code}")
    await conv.press(wati, "Setuju", count=2)
    await conv.say(wati, "2")
    await deliver_outbox(conv.app)
    assert any(m["scope"] == f"chat:{wati.id}" for m in stub.command_menus())
    await conv.say(wati, "/privasi")
    await conv.press(wati, "Tarik persetujuan dan hapus data saya")
    assert "sudah dihapus" in (await conv.press(wati, "Ya, hapus semua data saya")).body
    assert not any(m["scope"] == f"chat:{wati.id}" for m in stub.command_menus())

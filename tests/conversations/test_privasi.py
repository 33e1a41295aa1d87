"""/privasi: the notice, correcting, exporting and erasing one's own data."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import select

from config import AppConfig
from domain.access import Role
from storage.repositories.outbox import PRIORITY_BULK
from storage.tables import AuditLog, Outbox, Person, RoleGrant
from telegram_stub import BotApiStub
from tests.helpers.bot import Conversation, conversation
from tests.helpers.clock import FrozenClock
from tests.helpers.driver import Driver, DriverError, UserSession

SITI_ID = 7001


@pytest.fixture
async def conv(cfg: AppConfig, clock: FrozenClock) -> AsyncIterator[Conversation]:
    async with conversation(cfg, clock) as running:
        services = running.app.bot_data.services
        async with services.uow() as uow:
            siti = await uow.people.add(
                telegram_user_id=SITI_ID,
                now=clock.now(),
                full_name="Siti Rahayu",
                phone="+6281234567890",
            )
            siti.consent_at = clock.now()
            await uow.roles.grant(siti.id, Role.PETUGAS, now=clock.now())
            await uow.outbox.enqueue(
                idempotency_key="reminder:siti",
                chat_id=SITI_ID,
                method="sendMessage",
                payload={"chat_id": SITI_ID, "text": "pengingat"},
                kind="reminder",
                priority=PRIORITY_BULK,
                now=clock.now(),
            )
            await uow.commit()
        yield running


@pytest.fixture
def siti(driver: Driver) -> UserSession:
    return driver.user(SITI_ID, "Siti", last_name="Rahayu")


async def _say(conv: Conversation, user: UserSession, text: str) -> str:
    return (await conv.say(user, text)).body


async def _press(conv: Conversation, user: UserSession, button: str) -> str:
    return (await conv.press(user, button)).body


async def test_a_stranger_sees_the_notice_and_that_nothing_is_stored(
    conv: Conversation, driver: Driver
) -> None:
    budi = driver.user(7002, "Budi")
    text = await _say(conv, budi, "/privasi")
    assert "UU 27/2022" in text
    assert "tidak menyimpan data pribadi" in text
    assert "730 hari" in text
    assert "isi pesan dari bot 30 hari" in text
    assert "isi siaran Dinas 90 hari" in text


async def test_export_sends_everything_stored_as_a_file(
    conv: Conversation, siti: UserSession, stub: BotApiStub
) -> None:
    await _say(conv, siti, "/privasi")
    await siti.press("Unduh data saya")
    await conv.deliver()
    [message] = await siti.wait_for_reply()
    document = message.media["document"]
    assert document["file_name"] == "data-saya-gempur.json"
    async with httpx.AsyncClient() as client:
        info = (
            await client.get(f"{stub.api_url}/getFile", params={"file_id": document["file_id"]})
        ).json()
        path = info["result"]["file_path"]
        body = (await client.get(f"{stub.file_base_url}{stub.token}/{path}")).content
    data = json.loads(body)
    assert data["person"]["full_name"] == "Siti Rahayu"
    assert data["person"]["phone"] == "+6281234567890"
    assert data["roles"][0]["role"] == "petugas"


async def test_correcting_the_phone_number_is_stored_and_audited(
    conv: Conversation, siti: UserSession
) -> None:
    await _say(conv, siti, "/privasi")
    prompt = await _press(conv, siti, "Perbaiki data saya")
    assert "1. Nama" in prompt
    await _say(conv, siti, "2")
    assert "tidak valid" in await _say(conv, siti, "12345")
    assert "diperbarui" in await _say(conv, siti, "0813 1111 2222")
    async with conv.app.bot_data.services.uow(write=False) as uow:
        person = (await uow.session.scalars(select(Person))).one()
        audit = (
            await uow.session.scalars(select(AuditLog).where(AuditLog.action == "person.correct"))
        ).one()
    assert person.phone == "+6281311112222"
    assert audit.details == {"fields": ["phone"]}


async def test_withdrawing_consent_erases_at_once_and_stops_every_message(
    conv: Conversation, siti: UserSession
) -> None:
    await _say(conv, siti, "/privasi")
    assert "tidak dapat dibatalkan" in await _press(
        conv, siti, "Tarik persetujuan dan hapus data saya"
    )
    assert "sudah dihapus" in await _press(conv, siti, "Ya, hapus semua data saya")
    async with conv.app.bot_data.services.uow(write=False) as uow:
        person = (await uow.session.scalars(select(Person))).one()
        grants = list(await uow.session.scalars(select(RoleGrant)))
        reminder = (await uow.session.scalars(select(Outbox))).one()
        actions = [a.action for a in await uow.session.scalars(select(AuditLog))]
    assert person.telegram_user_id is None
    assert person.full_name is None
    assert person.phone is None
    assert person.erased_at is not None
    assert all(not grant.active for grant in grants)
    assert reminder.status == "cancelled"
    assert "person.erase" in actions
    # Afterwards the bot knows them as a stranger.
    assert "sekarang" in await _say(conv, siti, "/bantuan")


async def test_keeping_the_data_takes_the_erase_button_away(
    conv: Conversation, siti: UserSession
) -> None:
    """Once the question is answered, its buttons are gone: an old tap days later must not
    erase anything without asking again."""
    await _say(conv, siti, "/privasi")
    await _press(conv, siti, "Tarik persetujuan dan hapus data saya")
    assert "tetap tersimpan" in await _press(conv, siti, "Batal, simpan data saya")
    with pytest.raises(DriverError, match="no callback button"):
        await siti.press("Ya, hapus semua data saya")
    async with conv.app.bot_data.services.uow(write=False) as uow:
        person = (await uow.session.scalars(select(Person))).one()
    assert person.telegram_user_id == SITI_ID

"""Erasure leaves nothing: after /privasi → delete, no table (and on SQLite no byte of the
database files) holds the person's name, phone, username, note or Telegram id."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url

from config import AppConfig
from domain.delivery import OutboxStatus
from storage.repositories.outbox import PRIORITY_BULK
from storage.repositories.privacy import about_key
from storage.tables import (
    AuditLog,
    Kunjungan,
    KunjunganVersion,
    Outbox,
    Person,
    TindakLanjut,
    metadata,
)
from storage.uow import UnitOfWork
from telegram_stub import BotApiStub, StubUser
from tests.helpers.bot import Conversation, bot_config, conversation, migrate, sqlite_url
from tests.helpers.clock import FrozenClock
from tests.helpers.db import (
    POSTGRES_SKIP_REASON,
    create_temp_pg_database,
    drop_database,
    postgres_admin_url,
)
from tests.helpers.driver import Driver, UserSession
from tests.helpers.onboarding import deliver_outbox, make_admin
from tests.helpers.seed import add_board_member, add_koperasi, add_person

ADMIN = 8001
SITI = 5_550_123_987  # a Telegram id long enough never to match by chance
BOARD = 5_550_000_001  # a board member of the cooperative Siti mentors
NOTE = "Saya ketua KSU Maju Bersama, hp 0812-9988-7766"
# What identifies her: first and last name, username, the note, the phone in both forms.
TRACES = ("Kartikasari", "Wulandari", "sitiwulan", "Maju Bersama", "9988-7766", "81299887766")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """A migrated SQLite file or a fresh migrated PostgreSQL database."""
    if request.param == "sqlite":
        url = sqlite_url(tmp_path)
        await migrate(url)
        yield url
        return
    admin_url = postgres_admin_url()
    if admin_url is None:
        pytest.skip(POSTGRES_SKIP_REASON)
    url = await create_temp_pg_database(admin_url)
    try:
        await migrate(url)
        yield url
    finally:
        await drop_database(admin_url, url)


@pytest.fixture
def cfg(stub: BotApiStub, database_url: str) -> AppConfig:
    return bot_config(stub, database_url)


@pytest.fixture
async def conv(cfg: AppConfig, clock: FrozenClock) -> AsyncIterator[Conversation]:
    async with conversation(cfg, clock) as running:
        await make_admin(running.app, ADMIN)
        yield running


async def _lives_with_the_bot(conv: Conversation, admin: UserSession, siti: UserSession) -> None:
    """Siti asks for access with a note, an admin approves, she consents, corrects her
    phone, leaves a draft, and has a reminder still waiting for her."""
    await conv.say(admin, "/start")
    await conv.say(siti, "/start")
    await conv.press(siti, "Minta akses")
    await conv.say(siti, "2")  # write a note
    assert "dikirim ke admin" in (await conv.say(siti, NOTE)).body
    await deliver_outbox(conv.app)
    [asked] = await admin.wait_for_reply()
    assert "Kartikasari Wulandari" in asked.body
    await conv.press(admin, "Setujui sebagai petugas pendamping")
    await deliver_outbox(conv.app)
    await siti.wait_for_reply()
    await conv.press(siti, "Setuju")
    await conv.say(siti, "/privasi")
    await conv.press(siti, "Perbaiki data saya")
    await conv.say(siti, "2")
    assert "diperbarui" in (await conv.say(siti, "0812 9988 7766")).body
    await conv.say(siti, "/privasi")
    await conv.press(siti, "Perbaiki data saya")
    await conv.say(siti, "1")
    await conv.say(siti, "/bantuan")  # the correction waits as a draft
    await deliver_outbox(conv.app)  # her menus
    services = conv.app.bot_data.services
    async with services.uow() as uow:
        person = await uow.people.get_by_telegram_id(SITI)
        assert person is not None
        await uow.outbox.enqueue(  # a notice about her to someone else, not sent yet
            idempotency_key=about_key(person.id, "koperasi-moved"),
            chat_id=ADMIN,
            method="sendMessage",
            payload={"chat_id": ADMIN, "text": "Kartikasari Wulandari kini petugas KSU Maju"},
            kind="note",
            priority=PRIORITY_BULK,
            now=services.clock.now(),
        )
        await uow.outbox.enqueue(
            idempotency_key=f"reminder:{SITI}",
            chat_id=SITI,
            method="sendMessage",
            payload={"chat_id": SITI, "text": "Halo Kartikasari, jangan lupa RAT"},
            kind="reminder",
            priority=PRIORITY_BULK,
            now=services.clock.now(),
        )
        await _visit_naming_her(uow, person, services.clock.now())
        await uow.commit()


async def _visit_naming_her(uow: UnitOfWork, person: Person, now: datetime) -> None:
    """She sits on a board; an officer's visit report there names her as a person met, in a
    finding and in a follow-up."""
    koperasi = await add_koperasi(uow, "KSU Sumber Rejeki")
    await add_board_member(uow, person, koperasi.id)
    visit = Kunjungan(
        koperasi_id=koperasi.id,
        status="submitted",
        jenis="monev",
        created_at=now,
        updated_at=now,
        visited_at=now,
        submitted_at=now,
    )
    version = KunjunganVersion(
        version=1,
        jenis="monev",
        visited_at=now,
        data={
            "orang": ["Bu Kartikasari Wulandari, ketua", "Pak Joko, bendahara"],
            "temuan_organisasi": "Bu Wulandari memegang buku kas",
        },
        created_at=now,
    )
    await uow.kunjungan.add_visit(visit, version)
    await uow.kunjungan.add_follow_ups(
        [
            TindakLanjut(
                koperasi_id=koperasi.id,
                kunjungan_id=visit.id,
                description="Kartikasari mengirim LPJ",
                owner_kind="pengurus",
                due_date=now.date(),
                created_at=now,
            )
        ]
    )


async def _erase(conv: Conversation, siti: UserSession) -> None:
    await conv.say(siti, "/privasi")
    await conv.press(siti, "Tarik persetujuan dan hapus data saya")
    assert "sudah dihapus" in (await conv.press(siti, "Ya, hapus semua data saya")).body


def _traces_in(value: object) -> list[str]:
    """Which of her traces a stored value holds (any column type)."""
    if isinstance(value, bool) or value is None:
        return []
    if isinstance(value, int):
        return ["telegram id"] if value == SITI else []
    text = json.dumps(value, ensure_ascii=False) if isinstance(value, dict | list) else str(value)
    found = [trace for trace in TRACES if trace.lower() in text.lower()]
    return [*found, "telegram id"] if str(SITI) in text else found


async def _traces_in_tables(conv: Conversation) -> list[str]:
    """Every table's every column, read from the database's metadata (new tables included);
    and every table keyed by a person (what the bot remembers per person, such as the terms
    it explained) holds no row of hers."""
    found = []
    async with conv.app.bot_data.services.uow(write=False) as uow:
        her = (
            await uow.session.scalars(select(Person.id).where(Person.erased_at.is_not(None)))
        ).all()
        her = her or [p.id for p in [await uow.people.get_by_telegram_id(SITI)] if p is not None]
        for table in metadata.sorted_tables:
            keyed = "person_id" in table.primary_key.columns
            for row in (await uow.session.execute(select(table))).mappings():
                for column, value in row.items():
                    found += [f"{table.name}.{column}: {t}" for t in _traces_in(value)]
                if keyed and row["person_id"] in her:
                    found.append(f"{table.name}: a row keyed by her person id")
    return found


async def test_erasure_leaves_no_trace_in_any_table(
    conv: Conversation, driver: Driver, cfg: AppConfig
) -> None:
    admin = driver.user(ADMIN, "Dinas")
    siti = driver.user(SITI, "Kartikasari", last_name="Wulandari", username="sitiwulan")
    await _lives_with_the_bot(conv, admin, siti)
    card = await conv.say(siti, "/status")  # she sits on a board: its card, terms explained
    assert "KSU Sumber Rejeki" in card.body
    before = await _traces_in_tables(conv)
    assert len(before) > 10  # the scan sees her before
    assert any(trace.startswith("term_seen") for trace in before)

    await _erase(conv, siti)

    assert await _traces_in_tables(conv) == []
    async with conv.app.bot_data.services.uow(write=False) as uow:
        [person] = [p for p in await uow.session.scalars(select(Person)) if p.erased_at]
        audit = await uow.session.scalars(select(AuditLog))
        trail = {(entry.action, entry.actor_person_id) for entry in audit}
        reminder = (
            await uow.session.scalars(select(Outbox).where(Outbox.kind == "reminder"))
        ).one()
        notice = (await uow.session.scalars(select(Outbox).where(Outbox.kind == "note"))).one()
    # What is kept: an anonymised audit trail pointing at the emptied person row.
    assert {("join.request", person.id), ("person.erase", person.id)} <= trail
    assert (reminder.status, reminder.chat_id) == (OutboxStatus.CANCELLED.value, 0)
    assert (notice.status, notice.chat_id, notice.payload) == ("cancelled", ADMIN, {})
    async with conv.app.bot_data.services.uow(write=False) as uow:
        [version] = await uow.session.scalars(select(KunjunganVersion))
    # The visit report stays, without her: the other person met and the finding's rest kept.
    assert version.data["orang"] == ["[dihapus]", "Pak Joko, bendahara"]
    assert version.data["temuan_organisasi"] == "Bu [dihapus] memegang buku kas"
    if cfg.database.url.startswith("sqlite"):
        _assert_no_bytes_of_her(Path(make_url(cfg.database.url).database or ""))


def _assert_no_bytes_of_her(database: Path) -> None:
    """The database file and its write-ahead log hold none of her bytes (freed space too)."""
    files: list[Any] = [database, database.with_name(database.name + "-wal")]
    for path in files:
        if not path.exists():
            continue
        raw = path.read_bytes()
        for trace in TRACES:
            assert trace.encode() not in raw, f"{trace!r} in {path.name}"


async def test_erasure_of_an_officer_leaves_nothing_of_her_conversations(
    conv: Conversation, driver: Driver, stub: BotApiStub
) -> None:
    """Siti, an officer, answers a board's relayed question (copies both ways, a header card,
    the pairs, her session); after her erasure no table holds a trace of her."""
    admin = driver.user(ADMIN, "Dinas")
    siti = driver.user(SITI, "Kartikasari", last_name="Wulandari", username="sitiwulan")
    board = driver.user(BOARD, "Rudi")
    await _lives_with_the_bot(conv, admin, siti)
    stub.add_user(StubUser(BOARD, "Rudi", language_code="id"))
    async with conv.app.bot_data.services.uow() as uow:
        officer = await uow.people.get_by_telegram_id(SITI)
        assert officer is not None
        koperasi = await add_koperasi(uow, "KSU Sejahtera", petugas_id=officer.id)
        await add_board_member(uow, await add_person(uow, BOARD, "Rudi"), koperasi.id)
        await uow.commit()
    await conv.say(board, "/hubungi")
    await conv.press(board, "Lainnya")
    await conv.say(board, "Mohon bantuan laporan")
    await deliver_outbox(conv.app)
    await conv.press(siti, "Balas")
    assert (await conv.say(siti, "Baik, saya bantu")).body.startswith("✓ Terkirim")
    await deliver_outbox(conv.app)
    assert (await board.messages())[-1].body == "Baik, saya bantu"
    assert any("relay" in t or "thread" in t for t in await _traces_in_tables(conv))

    await _erase(conv, siti)

    assert await _traces_in_tables(conv) == []

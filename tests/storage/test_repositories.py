"""Processed updates, outbox, audit, form sessions and koperasi repositories."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from storage.repositories import PRIORITY_INTERACTIVE
from storage.tables import AuditLog, FormSession, Koperasi, Outbox
from storage.uow import UnitOfWork

NOW = datetime(2027, 1, 4, 2, 0, tzinfo=UTC)
LATER = NOW + timedelta(minutes=5)
HTML_NAME = 'KSU "Maju & Jaya" <Sejahtera>'


def _koperasi(nama: str, **fields: object) -> Koperasi:
    return Koperasi(nama=nama, created_at=NOW, updated_at=NOW, **fields)


async def test_processed_update_is_marked_once(factory: async_sessionmaker[AsyncSession]) -> None:
    async with UnitOfWork(factory) as uow:
        assert await uow.processed_updates.mark(900_000_001, NOW) is True
        assert await uow.processed_updates.mark(900_000_001, LATER) is False
        await uow.commit()
    async with UnitOfWork(factory) as uow:
        # A redelivery after a restart: still known, and the transaction is still usable.
        assert await uow.processed_updates.mark(900_000_001, LATER) is False
        assert await uow.processed_updates.mark(900_000_002, LATER) is True
        assert await uow.processed_updates.purge_before(LATER) == 1
        await uow.commit()


async def _enqueue(uow: UnitOfWork, key: str, text: str) -> int:
    return await uow.outbox.enqueue(
        idempotency_key=key,
        chat_id=7_000_000_001,
        method="sendMessage",
        payload={"chat_id": 7_000_000_001, "text": text},
        kind="relay",
        priority=PRIORITY_INTERACTIVE,
        now=NOW,
    )


async def _outbox_rows(factory: async_sessionmaker[AsyncSession]) -> list[Outbox]:
    async with UnitOfWork(factory, write=False) as uow:
        return list(await uow.session.scalars(select(Outbox)))


async def test_outbox_enqueue_is_idempotent(factory: async_sessionmaker[AsyncSession]) -> None:
    async with UnitOfWork(factory) as uow:
        first = await _enqueue(uow, "relay:1:2", "halo")
        await uow.commit()
    async with UnitOfWork(factory) as uow:
        second = await _enqueue(uow, "relay:1:2", "halo lagi")
        await uow.commit()
    assert second == first
    rows = await _outbox_rows(factory)
    assert [(row.id, row.payload) for row in rows] == [
        (first, {"chat_id": 7_000_000_001, "text": "halo"})
    ]
    assert (rows[0].status, rows[0].not_before, rows[0].attempts) == ("pending", NOW, 0)


async def test_concurrent_enqueues_of_one_key_make_one_row(
    factory: async_sessionmaker[AsyncSession],
) -> None:
    async def plan() -> int:
        async with UnitOfWork(factory) as uow:
            row_id = await _enqueue(uow, "reminder:A2:2027-01-15", "progres")
            await uow.commit()
            return row_id

    ids = await asyncio.gather(*(plan() for _ in range(10)))
    assert len(set(ids)) == 1
    assert len(await _outbox_rows(factory)) == 1


async def test_audit_records_ids_and_codes_but_refuses_personal_data(
    factory: async_sessionmaker[AsyncSession],
) -> None:
    async with UnitOfWork(factory) as uow:
        await uow.audit.record(
            actor_person_id=None,
            action="checklist.update",
            entity="rat_cycle",
            entity_id=12,
            details={"item_code": "A2", "old": "proses", "new": "selesai"},
            at=NOW,
        )
        with pytest.raises(ValueError, match="phone"):
            await uow.audit.record(None, "person.update", "person", 1, {"phone": "0812"}, at=NOW)
        with pytest.raises(ValueError, match="full_name"):
            await uow.audit.record(
                None, "person.update", "person", 1, {"changed": {"full_name": "X"}}, at=NOW
            )
        await uow.commit()
    async with UnitOfWork(factory, write=False) as uow:
        entries = list(await uow.session.scalars(select(AuditLog)))
    assert [(entry.entity_id, entry.details["item_code"], entry.at) for entry in entries] == [
        ("12", "A2", NOW)
    ]


def _form(chat_id: int, form: str, subject: str = "", status: str = "active") -> FormSession:
    return FormSession(
        chat_id=chat_id,
        user_id=chat_id,
        form=form,
        subject=subject,
        step="jenis",
        answers={"koperasi_id": 3},
        status=status,
        created_at=NOW,
        updated_at=NOW,
    )


async def test_form_sessions_save_get_and_active_row(
    factory: async_sessionmaker[AsyncSession],
) -> None:
    async with UnitOfWork(factory) as uow:
        await uow.form_sessions.save(_form(11, "kunjungan", "3", status="suspended"))
        saved = await uow.form_sessions.save(_form(11, "lapor", "3"))
        await uow.form_sessions.save(_form(12, "lapor", "3"))
        await uow.commit()
    assert saved.version == 1

    async with UnitOfWork(factory) as uow:
        row = await uow.form_sessions.active_row(11)
        assert row is not None
        assert (row.form, row.answers) == ("lapor", {"koperasi_id": 3})
        active = await uow.form_sessions.get(11, 11, "lapor", "3")
        assert active is not None
        active.step = "tanggal"
        active.answers = {**active.answers, "tanggal": "2027-03-20"}
        await uow.form_sessions.save(active)
        await uow.commit()
    assert active.version == 2

    async with UnitOfWork(factory, write=False) as uow:
        again = await uow.form_sessions.get(11, 11, "lapor", "3")
        assert again is not None
        assert (again.step, again.answers["tanggal"], again.version) == (
            "tanggal",
            "2027-03-20",
            2,
        )
        assert await uow.form_sessions.get(11, 11, "lapor") is None
        assert await uow.form_sessions.active_row(13) is None


async def test_form_sessions_of_one_form_are_every_subject_of_that_person(
    factory: async_sessionmaker[AsyncSession],
) -> None:
    async with UnitOfWork(factory) as uow:
        for chat_id, form, subject in [(11, "cari", ""), (11, "cari", "p5"), (11, "lapor", "")]:
            await uow.form_sessions.save(_form(chat_id, form, subject, status="suspended"))
        await uow.form_sessions.save(_form(12, "cari", ""))
        await uow.commit()
    async with UnitOfWork(factory, write=False) as uow:
        found = await uow.form_sessions.of_form(11, 11, "cari")
    assert sorted((s.chat_id, s.form, s.subject) for s in found) == [
        (11, "cari", ""),
        (11, "cari", "p5"),
    ]


async def test_form_session_key_is_unique(factory: async_sessionmaker[AsyncSession]) -> None:
    async with UnitOfWork(factory) as uow:
        await uow.form_sessions.save(_form(11, "lapor", "3"))
        with pytest.raises(IntegrityError):
            await uow.form_sessions.save(_form(11, "lapor", "3"))


async def test_form_session_stale_copy_is_refused(
    factory: async_sessionmaker[AsyncSession],
) -> None:
    async with UnitOfWork(factory) as uow:
        await uow.form_sessions.save(_form(11, "lapor"))
        await uow.commit()
    async with UnitOfWork(factory, write=False) as reader:
        stale = await reader.form_sessions.get(11, 11, "lapor")
    async with UnitOfWork(factory) as uow:
        fresh = await uow.form_sessions.get(11, 11, "lapor")
        assert fresh is not None
        fresh.step = "tanggal"
        await uow.commit()
    assert stale is not None
    async with UnitOfWork(factory) as uow:
        # A copy carried over from an earlier unit of work must not overwrite newer answers.
        stale.step = "mode"
        with pytest.raises(StaleDataError):
            await uow.form_sessions.save(stale)


async def test_koperasi_name_with_html_characters_round_trips(
    factory: async_sessionmaker[AsyncSession],
) -> None:
    async with UnitOfWork(factory) as uow:
        added = await uow.koperasi.add(_koperasi(HTML_NAME, kecamatan="Kraksaan"))
        await uow.commit()
    async with UnitOfWork(factory, write=False) as uow:
        stored = await uow.koperasi.get(added.id)
    assert stored is not None
    assert stored.nama == HTML_NAME
    assert (stored.fye_month, stored.fye_day, stored.quorum_rule) == (12, 31, "> 1/2")
    assert (stored.tahap, stored.segmen, stored.flag_tidak_rat) == (
        "BELUM_MULAI",
        "reguler",
        False,
    )


async def test_nik_koperasi_is_unique_where_present(
    factory: async_sessionmaker[AsyncSession],
) -> None:
    async with UnitOfWork(factory) as uow:
        # Any number of cooperatives without a NIK koperasi or legal-entity number.
        await uow.koperasi.add(_koperasi("KUD A"))
        await uow.koperasi.add(_koperasi("KUD B"))
        await uow.koperasi.add(_koperasi("KUD C", nik_koperasi="3513010001"))
        await uow.commit()
    async with UnitOfWork(factory) as uow:
        with pytest.raises(IntegrityError):
            await uow.koperasi.add(_koperasi("KUD D", nik_koperasi="3513010001"))


async def test_a_superseding_row_replaces_waiting_ones_but_keeps_itself(
    factory: async_sessionmaker[AsyncSession],
) -> None:
    """A chat's next menu supersedes the waiting one; re-planning the same menu keeps it."""

    async def menu(uow: UnitOfWork, key: str) -> int:
        return await uow.outbox.enqueue(
            idempotency_key=key,
            chat_id=7_000_000_001,
            method="setMyCommands",
            payload={"commands": []},
            kind="menu",
            priority=PRIORITY_INTERACTIVE,
            now=NOW,
            superseding=True,  # PostgreSQL: one statement; SQLite: two
        )

    async with UnitOfWork(factory) as uow:
        first = await menu(uow, "menu:1:a")
        again = await menu(uow, "menu:1:a")
        later = await menu(uow, "menu:1:b")
        await uow.commit()
    assert first == again
    rows = {row.id: row.status for row in await _outbox_rows(factory)}
    assert rows == {first: "superseded", later: "pending"}

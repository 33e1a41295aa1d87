"""Broadcasts against a real database: who each segment reaches, the segment read when
sending starts, cancel until the first message leaves, and two processes starting one
scheduled broadcast at once (no duplicate)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Update, select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from domain.access import Role
from domain.broadcast import BroadcastStatus, Segment, SegmentKind, koperasi_segment
from domain.delivery import OutboxStatus
from locales import Catalogues
from services.broadcast_retention import forget_old_texts
from services.broadcasts import Pass, cancel, create_draft, run_pass, schedule, send_now
from storage.engine import create_engine, session_factory
from storage.tables import Broadcast, Outbox
from storage.uow import UnitOfWork
from tests.helpers.seed import add_board_member, add_koperasi, add_person

WIB = ZoneInfo("Asia/Jakarta")
CATALOGUES = Catalogues(["id", "en"], "id", WIB)
NOW = datetime(2027, 1, 4, 2, 0, tzinfo=UTC)  # Monday 09:00 WIB
EXPIRY = timedelta(hours=48)
Factory = async_sessionmaker[AsyncSession]
BROADCAST = Broadcast.__tablename__


async def _seed(factory: Factory) -> dict[str, int]:
    """Two cooperatives, a dissolved one, boards (one person on two boards), an officer, an
    admin, and an erased board member."""
    async with UnitOfWork(factory) as uow:
        admin = await add_person(uow, 900, "Admin", roles=[Role.ADMIN])
        officer = await add_person(uow, 901, "Petugas", roles=[Role.PETUGAS])
        maju = await add_koperasi(
            uow,
            "KSU Maju",
            kecamatan="Maron",
            tahap="PERSIAPAN",
            flags=["TERLAMBAT_TARGET"],
            jenis="konsumen",
        )
        tani = await add_koperasi(
            uow, "KUD Tani", kecamatan="Dringu", tahap="SIAP_RAT", jenis="simpan_pinjam"
        )
        bubar = await add_koperasi(
            uow, "KUD Bubar", kecamatan="Maron", tahap="PERSIAPAN", status_aktivitas="BUBAR"
        )
        people = {"admin": admin.id, "officer": officer.id, "maju": maju.id, "tani": tani.id}
        for name, boards in (("ani", [maju]), ("budi", [tani]), ("cici", [maju, tani])):
            person = await add_person(uow, 910 + len(people), name.title())
            for koperasi in boards:
                await add_board_member(uow, person, koperasi.id)
            people[name] = person.id
        gone = await add_person(uow, None, None)  # erased: no Telegram account any more
        await add_board_member(uow, gone, maju.id)
        dissolved = await add_person(uow, 950, "Dedi")
        await add_board_member(uow, dissolved, bubar.id)
        people["dedi"], people["bubar"] = dissolved.id, bubar.id
        await uow.commit()
    return people


async def _reach(factory: Factory, segment: Segment) -> tuple[list[int], int]:
    async with UnitOfWork(factory, write=False) as uow:
        found = [person for person, _ in await uow.broadcasts.recipients(segment)]
        return found, await uow.broadcasts.count_recipients(segment)


async def test_each_segment_reaches_its_people_once(factory: Factory) -> None:
    p = await _seed(factory)
    cases = {
        Segment(SegmentKind.BOARDS): ["ani", "budi", "cici"],
        Segment(SegmentKind.KECAMATAN, "maron"): ["ani", "cici"],  # as typed in any case
        Segment(SegmentKind.STAGE, "SIAP_RAT"): ["budi", "cici"],
        Segment(SegmentKind.FLAG, "TERLAMBAT_TARGET"): ["ani", "cici"],
        Segment(SegmentKind.JENIS, "simpan_pinjam"): ["budi", "cici"],
        Segment(SegmentKind.OFFICERS): ["officer"],
        koperasi_segment([p["tani"], p["tani"]], "Dringu, belum RAT"): ["budi", "cici"],
        koperasi_segment([p["bubar"]], "bubar"): ["dedi"],  # /rekap named it: exactly that
    }
    for segment, names in cases.items():
        found, count = await _reach(factory, segment)
        assert found == sorted(p[name] for name in names), segment
        assert count == len(names), segment


async def _draft(factory: Factory, admin: int, segment: Segment, text: str = "Rapat") -> int:
    async with UnitOfWork(factory) as uow:
        broadcast_id = await create_draft(
            uow, person_id=admin, segment=segment, text=text, media=None, media_kind=None, now=NOW
        )
        await uow.commit()
    return broadcast_id


async def _rows(factory: Factory, broadcast_id: int) -> list[Outbox]:
    async with UnitOfWork(factory, write=False) as uow:
        rows = await uow.session.scalars(
            select(Outbox).where(Outbox.broadcast_id == broadcast_id).order_by(Outbox.id)
        )
        return list(rows)


async def test_the_segment_is_read_when_sending_starts_not_when_scheduled(
    factory: Factory,
) -> None:
    p = await _seed(factory)
    broadcast_id = await _draft(factory, p["admin"], Segment(SegmentKind.KECAMATAN, "Dringu"))
    async with UnitOfWork(factory) as uow:
        assert await schedule(uow, broadcast_id, NOW + timedelta(hours=1))
        await uow.commit()
    async with UnitOfWork(factory) as uow:  # a board seated after scheduling
        late = await add_person(uow, 960, "Eka")
        await add_board_member(uow, late, p["tani"])
        await uow.commit()
    assert (
        await run_pass(lambda: UnitOfWork(factory), CATALOGUES, now=NOW, expiry=EXPIRY)
    ).started == 0
    done = await run_pass(
        lambda: UnitOfWork(factory), CATALOGUES, now=NOW + timedelta(hours=1), expiry=EXPIRY
    )
    assert done.started == 1
    rows = await _rows(factory, broadcast_id)
    assert sorted(row.person_id or 0 for row in rows) == sorted([p["budi"], p["cici"], late.id])
    assert {row.payload["text"] for row in rows} == {"Rapat"}
    async with UnitOfWork(factory, write=False) as uow:
        stored = await uow.broadcasts.get(broadcast_id)
        assert stored is not None
        assert (stored.status, stored.recipient_count) == (BroadcastStatus.SENDING.value, 3)


async def test_a_double_send_queues_once_and_cancel_stops_before_the_first_message(
    factory: Factory,
) -> None:
    p = await _seed(factory)
    broadcast_id = await _draft(factory, p["admin"], Segment(SegmentKind.BOARDS), "<b>&</b>")
    for expected in ("started", "already"):
        async with UnitOfWork(factory) as uow:
            started = await send_now(uow, broadcast_id, now=NOW, expiry=EXPIRY)
            await uow.commit()
        assert started.result.value == expected
    rows = await _rows(factory, broadcast_id)
    assert len(rows) == 3
    assert rows[0].payload["text"] == "&lt;b&gt;&amp;&lt;/b&gt;"  # as typed, never markup
    # Nothing has left yet: it may still be cancelled, and its rows go nowhere.
    async with UnitOfWork(factory) as uow:
        assert await cancel(uow, broadcast_id, now=NOW)
        await uow.commit()
    assert {row.status for row in await _rows(factory, broadcast_id)} == {"cancelled"}

    second = await _draft(factory, p["admin"], Segment(SegmentKind.BOARDS))
    async with UnitOfWork(factory) as uow:
        await send_now(uow, second, now=NOW, expiry=EXPIRY)
        await uow.commit()
    first_row = (await _rows(factory, second))[0]
    async with UnitOfWork(factory) as uow:  # its first message left
        row = await uow.session.get(Outbox, first_row.id)
        assert row is not None
        row.status = OutboxStatus.SENT.value
        await uow.commit()
    async with UnitOfWork(factory) as uow:
        assert not await cancel(uow, second, now=NOW)  # too late; the caller rolls back
    statuses = [row.status for row in await _rows(factory, second)]
    assert statuses == ["sent", "pending", "pending"]


async def _pass(factory: Factory) -> Pass:
    return await run_pass(lambda: UnitOfWork(factory), CATALOGUES, now=NOW, expiry=EXPIRY)


async def test_two_processes_start_a_due_broadcast_once(
    factory: Factory, migrated_url: str
) -> None:
    p = await _seed(factory)
    broadcast_id = await _draft(factory, p["admin"], Segment(SegmentKind.BOARDS))
    async with UnitOfWork(factory) as uow:
        await schedule(uow, broadcast_id, NOW)
        await uow.commit()
    engines: list[AsyncEngine] = [create_engine(migrated_url) for _ in range(2)]
    try:
        factories = [session_factory(engine) for engine in engines]
        passes = await asyncio.gather(*(_pass(f) for f in factories for _ in range(2)))
    finally:
        for engine in engines:
            await engine.dispose()
    assert sum(one.started for one in passes) == 1
    rows = await _rows(factory, broadcast_id)
    assert sorted(row.person_id or 0 for row in rows) == sorted([p["ani"], p["budi"], p["cici"]])
    async with UnitOfWork(factory, write=False) as uow:
        notes = await uow.session.scalars(select(Outbox).where(Outbox.kind == "note"))
        assert len(list(notes)) == 1  # "started" told once


async def test_a_broadcast_missed_longer_than_the_expiry_is_not_sent(factory: Factory) -> None:
    p = await _seed(factory)
    broadcast_id = await _draft(factory, p["admin"], Segment(SegmentKind.BOARDS))
    async with UnitOfWork(factory) as uow:
        await schedule(uow, broadcast_id, NOW)
        await uow.commit()
    later = NOW + EXPIRY + timedelta(minutes=1)
    done = await run_pass(lambda: UnitOfWork(factory), CATALOGUES, now=later, expiry=EXPIRY)
    assert (done.started, done.expired) == (0, 1)
    assert await _rows(factory, broadcast_id) == []
    async with UnitOfWork(factory, write=False) as uow:
        stored = await uow.session.get(Broadcast, broadcast_id)
        assert stored is not None
        assert stored.status == BroadcastStatus.EXPIRED.value


async def test_a_broadcast_due_during_downtime_goes_out_at_the_next_pass_once(
    factory: Factory,
) -> None:
    p = await _seed(factory)
    broadcast_id = await _draft(factory, p["admin"], Segment(SegmentKind.OFFICERS))
    async with UnitOfWork(factory) as uow:
        await schedule(uow, broadcast_id, NOW)
        await uow.commit()
    # The bot was down from before NOW until three hours later.
    later = NOW + timedelta(hours=3)
    first = await run_pass(lambda: UnitOfWork(factory), CATALOGUES, now=later, expiry=EXPIRY)
    again = await run_pass(
        lambda: UnitOfWork(factory), CATALOGUES, now=later + timedelta(minutes=1), expiry=EXPIRY
    )
    assert (first.started, again.started) == (1, 0)
    assert [row.person_id for row in await _rows(factory, broadcast_id)] == [p["officer"]]


async def _status(factory: Factory, broadcast_id: int) -> Broadcast:
    async with UnitOfWork(factory, write=False) as uow:
        row = await uow.session.get(Broadcast, broadcast_id)
        assert row is not None
        return row


async def _forget(factory: Factory, now: datetime) -> int:
    async with UnitOfWork(factory) as uow:
        forgotten = await forget_old_texts(uow, now=now, days=90)
        await uow.commit()
    return forgotten


async def test_a_settled_broadcast_keeps_its_counts_and_loses_its_text_after_retention(
    factory: Factory,
) -> None:
    """Sent (and reported), cancelled, an undecided draft, and one still sending: after 90
    days the first three say nothing any more; the counts and the one sending are as they were."""
    p = await _seed(factory)
    boards = Segment(SegmentKind.BOARDS)
    sent = await _draft(factory, p["admin"], boards, "Rapat rahasia")
    cancelled = await _draft(factory, p["admin"], boards, "Batal rahasia")
    draft = await _draft(factory, p["admin"], boards, "Draf rahasia")
    sending = await _draft(factory, p["admin"], boards, "Masih dikirim")
    async with UnitOfWork(factory) as uow:
        await send_now(uow, sent, now=NOW, expiry=EXPIRY)
        await schedule(uow, cancelled, NOW + timedelta(days=1))
        await cancel(uow, cancelled, now=NOW)
        await send_now(uow, sending, now=NOW, expiry=EXPIRY)
        await uow.commit()
    async with UnitOfWork(factory) as uow:  # every message of `sent` delivered
        for row in await _rows(factory, sent):
            stored = await uow.session.get(Outbox, row.id)
            assert stored is not None
            stored.status = OutboxStatus.SENT.value
        await uow.commit()
    finished = await run_pass(
        lambda: UnitOfWork(factory), CATALOGUES, now=NOW + timedelta(minutes=1), expiry=EXPIRY
    )
    assert finished.finished == 1
    async with UnitOfWork(factory) as uow:  # the report reached the admin
        report = (
            await uow.session.scalars(select(Outbox).where(Outbox.idempotency_key.like("note:%")))
        ).one()
        assert "Rapat rahasia" in report.payload["text"]
        report.status = OutboxStatus.SENT.value
        await uow.commit()
    async with UnitOfWork(factory, write=False) as uow:
        counts_before = await uow.broadcasts.counts(sent)

    assert await _forget(factory, NOW + timedelta(days=89)) == 0
    assert (await _status(factory, sent)).text == "Rapat rahasia"

    assert await _forget(factory, NOW + timedelta(days=91)) == 3
    for broadcast_id in (sent, cancelled, draft):
        emptied = await _status(factory, broadcast_id)
        assert (emptied.text, emptied.media_file_id) == (None, None)
    assert (await _status(factory, draft)).status == BroadcastStatus.DISCARDED.value
    kept = await _status(factory, sent)
    assert (kept.status, kept.recipient_count) == (BroadcastStatus.DONE.value, 3)
    async with UnitOfWork(factory, write=False) as uow:
        assert await uow.broadcasts.counts(sent) == counts_before == {"sent": 3}
        everything = list(await uow.session.scalars(select(Outbox)))
    assert not [row.id for row in everything if "rahasia" in str(row.payload)]
    assert all("Masih dikirim" in row.payload["text"] for row in await _rows(factory, sending))
    assert (await _status(factory, sending)).text == "Masih dikirim"
    assert await _forget(factory, NOW + timedelta(days=92)) == 0


async def test_a_draft_scheduled_while_retention_runs_keeps_its_text(
    factory: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 90-day-old draft that an admin schedules while the retention job runs (PostgreSQL:
    committed between its read and its write) goes out as written, not empty."""
    p = await _seed(factory)
    draft = await _draft(factory, p["admin"], Segment(SegmentKind.BOARDS), "Rapat jam 03:00")
    later = NOW + timedelta(days=91)
    async with UnitOfWork(factory) as uow:
        session = uow.session
        execute, scalars = session.execute, session.scalars
        scheduled: list[int] = []

        async def meanwhile(statement: Any) -> None:
            """The concurrent `schedule`, just before the job's first write to a broadcast."""
            is_write = isinstance(statement, Update) and BROADCAST in str(statement.table)
            if is_write and not scheduled:
                scheduled.append(draft)
                await execute(
                    update(Broadcast)
                    .where(Broadcast.id == draft)
                    .values(status=BroadcastStatus.SCHEDULED.value, scheduled_at=later)
                )

        async def patched_execute(statement: Any, *args: Any, **kwargs: Any) -> Any:
            await meanwhile(statement)
            return await execute(statement, *args, **kwargs)

        async def patched_scalars(statement: Any, *args: Any, **kwargs: Any) -> Any:
            await meanwhile(statement)
            return await scalars(statement, *args, **kwargs)

        monkeypatch.setattr(session, "execute", patched_execute)
        monkeypatch.setattr(session, "scalars", patched_scalars)
        assert await forget_old_texts(uow, now=later, days=90) == 0
        await uow.commit()
    assert scheduled == [draft]
    kept = await _status(factory, draft)
    assert (kept.status, kept.text) == (BroadcastStatus.SCHEDULED.value, "Rapat jam 03:00")

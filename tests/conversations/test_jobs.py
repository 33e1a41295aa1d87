"""The bot's scheduled jobs through the real application: the tick, run by the registry."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

import services.retention as services_retention
from jobs import job_registry
from jobs.registry import DONE
from jobs.tick import PROCESSED_UPDATE_RETENTION
from storage.tables import Broadcast, Koperasi, Outbox, ProcessedUpdate, SchedulerRun
from tests.helpers.bot import Conversation
from tests.helpers.clock import FrozenClock
from tests.helpers.seed import add_koperasi


async def _update_ids(conv: Conversation) -> list[int]:
    async with conv.app.bot_data.services.uow(write=False) as uow:
        return list(await uow.session.scalars(select(ProcessedUpdate.update_id)))


async def _runs(conv: Conversation) -> list[tuple[str, str, str | None]]:
    async with conv.app.bot_data.services.uow(write=False) as uow:
        rows = await uow.session.scalars(select(SchedulerRun).order_by(SchedulerRun.due_at))
        return [(row.job, row.due_at.strftime("%H:%M"), row.outcome) for row in rows]


async def test_the_tick_runs_each_minute_and_purges_update_ids_past_retention(
    conv: Conversation, clock: FrozenClock
) -> None:
    services = conv.app.bot_data.services
    async with services.uow() as uow:
        old = clock.now() - PROCESSED_UPDATE_RETENTION + timedelta(seconds=30)
        await uow.processed_updates.mark(1, old)
        await uow.processed_updates.mark(2, clock.now())
        await uow.commit()
    jobs = job_registry(conv.app)
    # At start every job runs for its latest due moment (the recompute: 00:05 WIB today; the
    # reminders: 07:00 WIB; the weekly roll-up: 07:30 WIB; the waits check: 08:00 WIB today).
    assert [name for name, _ in await jobs.run_due()] == [
        "tick",
        "rat_recompute",
        "thread_waits",
        "relay_undelivered",
        "plan_reminders",
        "weekly_rollup",
        "broadcasts",
        "broadcast_retention",
        "thread_retention",
        "outbox_retention",
        "rollup_snapshot",
    ]
    assert await _update_ids(conv) == [1, 2]  # not past retention yet
    clock.advance(seconds=30)
    assert await jobs.run_due() == []  # the same minute: already run
    clock.advance(seconds=30)
    assert [name for name, _ in await jobs.run_due()] == [
        "tick",
        "relay_undelivered",
        "broadcasts",
    ]
    # The purge runs in a background unit of work, the WAL checkpoint on the background engine.
    assert await _update_ids(conv) == [2]
    every_minute = {"relay_undelivered", "broadcasts"}
    assert [run for run in await _runs(conv) if run[0] not in every_minute] == [
        ("rat_recompute", "17:05", DONE),
        ("rollup_snapshot", "17:30", DONE),
        ("broadcast_retention", "20:00", DONE),
        ("thread_retention", "20:10", DONE),
        ("outbox_retention", "20:20", DONE),
        ("plan_reminders", "00:00", DONE),
        ("weekly_rollup", "00:30", DONE),
        ("thread_waits", "01:00", DONE),
        ("tick", "02:00", DONE),
        ("tick", "02:01", DONE),
    ]


async def test_the_daily_recompute_flags_a_cooperative_once_its_deadline_passed(
    conv: Conversation, clock: FrozenClock
) -> None:
    """Flags change with the date alone: nothing else happens, yet on 1 April (WIB) the office
    target of 31 March has passed and the daily run stores TERLAMBAT_TARGET."""
    services = conv.app.bot_data.services
    async with services.uow() as uow:
        # Formed mid-2025: it owes its first RAT for 2026, so nothing is late on 4 January.
        koperasi = await add_koperasi(uow, "KSU Tepat", tgl_badan_hukum=date(2025, 6, 1))
        await uow.commit()
    jobs = job_registry(conv.app)
    await jobs.run_due()  # 4 Jan 2027: the 2026 cycle is created, no flag yet
    assert not (await _koperasi(conv, koperasi.id)).flag_terlambat_target
    clock.set(datetime(2027, 3, 31, 17, 4, tzinfo=UTC))  # 1 Apr 00:04 WIB: not due yet
    await jobs.run_due()
    assert not (await _koperasi(conv, koperasi.id)).flag_terlambat_target
    clock.advance(seconds=60)  # 00:05 WIB
    assert "rat_recompute" in [name for name, _ in await jobs.run_due()]
    stored = await _koperasi(conv, koperasi.id)
    assert stored.flag_terlambat_target
    assert stored.tahap == "BELUM_MULAI"


async def _koperasi(conv: Conversation, koperasi_id: int) -> Koperasi:
    async with conv.app.bot_data.services.uow(write=False) as uow:
        found = await uow.session.get(Koperasi, koperasi_id)
    assert found is not None
    return found


async def test_the_daily_retention_job_empties_a_broadcast_text_after_the_configured_days(
    conv: Conversation, clock: FrozenClock
) -> None:
    """`[privacy] broadcast_retention_days` (90 by default) after a broadcast was done, the
    night's run empties its text; until then it is kept. Its counts stay."""
    services = conv.app.bot_data.services
    assert services.config.privacy.broadcast_retention_days == 90
    async with services.uow() as uow:
        row = Broadcast(
            segment={"kind": "boards"},
            text="Undangan rapat",
            status="done",
            recipient_count=12,
            started_at=clock.now(),
            finished_at=clock.now(),
            created_at=clock.now(),
        )
        uow.session.add(row)
        await uow.commit()
        broadcast_id = row.id
    jobs = job_registry(conv.app)
    clock.advance(days=89)
    assert "broadcast_retention" in [name for name, _ in await jobs.run_due()]
    assert (await _broadcast(conv, broadcast_id)).text == "Undangan rapat"
    clock.advance(days=2)
    assert "broadcast_retention" in [name for name, _ in await jobs.run_due()]
    kept = await _broadcast(conv, broadcast_id)
    assert (kept.text, kept.status, kept.recipient_count) == (None, "done", 12)


async def _broadcast(conv: Conversation, broadcast_id: int) -> Broadcast:
    async with conv.app.bot_data.services.uow(write=False) as uow:
        found = await uow.session.get(Broadcast, broadcast_id)
    assert found is not None
    return found


async def test_the_daily_retention_job_deletes_a_conversation_quiet_past_the_configured_days(
    conv: Conversation, clock: FrozenClock
) -> None:
    """`[privacy] thread_retention_days` (730) after a thread's last message the night's run
    deletes it; a day before, it is kept."""
    services = conv.app.bot_data.services
    assert services.config.privacy.thread_retention_days == 730
    async with services.uow() as uow:
        koperasi = await add_koperasi(uow, "KSU Lama", now=clock.now())
        thread = await uow.threads.create(koperasi.id, None, clock.now())
        thread.last_message_at = clock.now()
        await uow.commit()
        thread_id = thread.id
    jobs = job_registry(conv.app)
    clock.advance(days=729)
    assert "thread_retention" in [name for name, _ in await jobs.run_due()]
    async with services.uow(write=False) as uow:
        assert await uow.threads.get(thread_id) is not None
    clock.advance(days=2)
    assert "thread_retention" in [name for name, _ in await jobs.run_due()]
    async with services.uow(write=False) as uow:
        assert await uow.threads.get(thread_id) is None


async def test_the_daily_retention_job_empties_a_sent_message_after_the_configured_days(
    conv: Conversation, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`[privacy] outbox_retention_days` (30) after a message was sent, the night's run
    empties its text, window after window of ids (two a window here); the rows and keys stay."""
    monkeypatch.setattr(services_retention, "OUTBOX_WINDOW", 2)
    services = conv.app.bot_data.services
    assert services.config.privacy.outbox_retention_days == 30
    async with services.uow() as uow:
        for number in range(5):
            row_id = await uow.outbox.enqueue(
                idempotency_key=f"note:1:test:{number}",
                chat_id=501,
                method="sendMessage",
                payload={"chat_id": 501, "text": "Halo Ani"},
                kind="note",
                priority=10,
                now=clock.now(),
            )
            row = await uow.session.get_one(Outbox, row_id)
            row.status, row.sent_at = "sent", clock.now()
        await uow.commit()
    jobs = job_registry(conv.app)
    clock.advance(days=29)
    assert "outbox_retention" in [name for name, _ in await jobs.run_due()]
    assert [row.payload["text"] for row in await _outbox(conv)] == ["Halo Ani"] * 5
    clock.advance(days=2)
    assert "outbox_retention" in [name for name, _ in await jobs.run_due()]
    kept = await _outbox(conv)
    assert [(row.payload, row.status) for row in kept] == [({}, "sent")] * 5
    assert [row.idempotency_key for row in kept] == [f"note:1:test:{n}" for n in range(5)]


async def _outbox(conv: Conversation) -> list[Outbox]:
    async with conv.app.bot_data.services.uow(write=False) as uow:
        return list(await uow.session.scalars(select(Outbox).order_by(Outbox.id)))

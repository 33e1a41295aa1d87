"""The retention jobs' purges on SQLite and PostgreSQL (docs/privacy.md#how-long): a
conversation quiet past `[privacy] thread_retention_days` is deleted whole, one with anything
newer is kept whole, and the current season's roll-up keeps its answers; a settled message's
text is emptied after `[privacy] outbox_retention_days`, its row and key kept, so the same
reminder is never planned twice for its day."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from config import AppConfig, RatConfig
from domain.access import Role
from domain.delivery import OutboxStatus
from domain.relay import Direction, ThreadStatus
from domain.rollup.split import RollupFilter
from locales import Catalogues
from services.reminders import ReminderSettings, plan_reminders
from services.retention import empty_old_messages, purge_old_threads
from services.rollup import headline, period_of
from storage.tables import Broadcast, Evidence, Outbox, RelaySession, Thread, ThreadMessage
from storage.uow import UnitOfWork
from tests.helpers.rollup import AT, YEAR, seed_register
from tests.helpers.seed import add_board_member, add_koperasi, add_person

Factory = async_sessionmaker[AsyncSession]
TZ = ZoneInfo("Asia/Jakarta")
PERIOD = period_of(YEAR, RatConfig().policy(), AT, TZ)
DAYS = 730


async def _thread(
    uow: UnitOfWork, koperasi_id: int, messages: list[tuple[Direction, datetime]]
) -> int:
    """A thread with these relayed messages, each copy's outbox row sent."""
    thread = await uow.threads.create(koperasi_id, None, messages[0][1])
    for number, (direction, when) in enumerate(messages, start=1):
        copy_id = await uow.outbox.enqueue(
            idempotency_key=f"test-copy:{thread.id}:{number}",
            chat_id=2,
            method="copyMessage",
            payload={"from_chat_id": 1, "message_id": number},
            kind="relay",
            priority=10,
            now=when,
        )
        copy = await uow.session.get_one(Outbox, copy_id)
        copy.status, copy.sent_at, copy.telegram_message_id = "sent", when, 500 + number
        await uow.threads.add_pairs(
            thread,
            direction=direction,
            from_person_id=None,
            from_chat_id=1,
            from_message_id=number,
            copies=[(2, copy_id)],
            now=when,
        )
    if messages[-1][0] is Direction.TO_OFFICER:
        thread.waiting_since = messages[-1][1]
    await uow.session.flush()
    return thread.id


async def _purge(factory: Factory, now: datetime) -> int:
    async with UnitOfWork(factory) as uow:
        purged = await purge_old_threads(uow, now=now, days=DAYS)
        await uow.commit()
    return purged


async def _left(factory: Factory) -> tuple[list[int], dict[int, int], int]:
    """The threads left, their pairs per thread, and the relay copies' outbox rows."""
    async with UnitOfWork(factory, write=False) as uow:
        threads = list(await uow.session.scalars(select(Thread.id).order_by(Thread.id)))
        pairs = {
            row[0]: row[1]
            for row in await uow.session.execute(
                select(ThreadMessage.thread_id, func.count()).group_by(ThreadMessage.thread_id)
            )
        }
        copies = await uow.session.scalar(
            select(func.count()).select_from(Outbox).where(Outbox.kind == "relay")
        )
    return threads, pairs, int(copies or 0)


async def test_conversations_quiet_past_the_retention_go_whole_and_the_season_keeps_its_answers(
    factory: Factory,
) -> None:
    to_officer, to_board = Direction.TO_OFFICER, Direction.TO_BOARD
    async with UnitOfWork(factory) as uow:
        register = await seed_register(uow)  # this season's answered and waiting threads
        k = register.koperasi
        old = AT - timedelta(days=800)
        closed = await _thread(uow, k["B"], [(to_officer, old), (to_board, old)])
        (await uow.session.get_one(Thread, closed)).status = ThreadStatus.CLOSED.value
        await uow.threads.start_session(7, register.ani, closed, old)  # never ended
        pair = (
            await uow.session.scalars(
                select(ThreadMessage.id).where(ThreadMessage.thread_id == closed).limit(1)
            )
        ).one()
        evidence = Evidence(
            thread_message_id=pair, kind="document", telegram_file_id="F1", created_at=old
        )
        uow.session.add(evidence)
        waiting = await _thread(uow, k["C"], [(to_officer, AT - timedelta(days=731))])
        # Opened long ago, answered in this season: kept whole, its first message too.
        long_running = await _thread(
            uow, k["E"], [(to_officer, old), (to_board, AT - timedelta(days=10))]
        )
        just_inside = await _thread(uow, k["F"], [(to_officer, AT - timedelta(days=729))])
        # Quiet for long, but a relay session on it was active yesterday.
        relayed = await _thread(uow, k["B"], [(to_board, old)])
        await uow.threads.start_session(8, register.ani, relayed, AT - timedelta(days=1))
        await uow.commit()
    async with UnitOfWork(factory, write=False) as uow:
        before = (await headline(uow, RollupFilter(), PERIOD))["total"]
    threads, _, copies = await _left(factory)
    assert (len(threads), copies) == (7, 7)

    assert await _purge(factory, AT) == 2
    threads, pairs, copies = await _left(factory)
    assert closed not in threads
    assert waiting not in threads
    assert {long_running, just_inside, relayed} <= set(threads)
    assert (pairs[long_running], pairs[just_inside], pairs[relayed]) == (2, 1, 1)
    assert closed not in pairs
    assert waiting not in pairs
    assert copies == 4  # the copies of the three threads deleted went with them
    async with UnitOfWork(factory, write=False) as uow:
        sessions = list(await uow.session.scalars(select(RelaySession.thread_id)))
        after = (await headline(uow, RollupFilter(), PERIOD))["total"]
    assert sessions == [relayed]
    async with UnitOfWork(factory, write=False) as uow:  # the evidence stays, unlinked
        kept = await uow.session.get_one(Evidence, evidence.id)
    assert (kept.telegram_file_id, kept.thread_message_id) == ("F1", None)
    # The season's answers are the same; only the thread waiting longer than the retention
    # stopped counting as waiting.
    assert sorted(after.answer_seconds) == sorted(before.answer_seconds) != []
    assert after.threads_waiting == before.threads_waiting - 1
    assert await _purge(factory, AT) == 0  # nothing more, and nothing twice


async def test_an_unsent_copy_is_not_deleted_with_its_thread(factory: Factory) -> None:
    """A copy still pending (a sender stopped for years) is the sender's: the thread goes,
    the row stays, no longer linked."""
    async with UnitOfWork(factory) as uow:
        register = await seed_register(uow)
        old = AT - timedelta(days=800)
        thread = await _thread(uow, register.koperasi["B"], [(Direction.TO_BOARD, old)])
        row = (await uow.session.scalars(select(Outbox).where(Outbox.kind == "relay"))).one()
        row.status = OutboxStatus.PENDING.value
        await uow.commit()
    assert await _purge(factory, AT) == 1
    threads, _, copies = await _left(factory)
    assert thread not in threads
    assert copies == 1


SETTINGS = ReminderSettings.from_config(AppConfig())
CATALOGUES = Catalogues(["id", "en"], "id", TZ)
APRIL_1 = date(2027, 4, 1)  # the day after the office target of 31 March
NOW = datetime(2027, 4, 1, 0, 0, tzinfo=UTC)  # 07:00 WIB


async def _plan(factory: Factory) -> int:
    report = await plan_reminders(
        lambda: UnitOfWork(factory),
        CATALOGUES,
        SETTINGS,
        today=APRIL_1,
        span=(APRIL_1, APRIL_1),
        now=NOW,
    )
    return report.written


async def _empty(factory: Factory, now: datetime) -> int:
    async with UnitOfWork(factory) as uow:
        emptied, after = await empty_old_messages(uow, now=now, days=30)
        await uow.commit()
    assert after is None  # one window holds them all
    return emptied


async def _outbox(factory: Factory) -> dict[str, Outbox]:
    async with UnitOfWork(factory, write=False) as uow:
        return {row.idempotency_key: row for row in await uow.session.scalars(select(Outbox))}


async def test_settled_messages_lose_their_text_after_retention_and_are_never_planned_again(
    factory: Factory,
) -> None:
    """The day's reminders (one sent, one in doubt), a relayed copy, a note still waiting and
    a message of a broadcast still sending: after 30 days the settled ones say nothing any
    more, keep key, status and message id; planning that day again writes nothing."""
    async with UnitOfWork(factory) as uow:
        officer = await add_person(uow, 501, "Petugas Ani", roles=[Role.PETUGAS])
        board = await add_person(uow, 503, "Ketua Budi")
        koperasi = await add_koperasi(
            uow, "KSU Mawar", petugas_id=officer.id, target_date=date(2027, 3, 31)
        )
        await add_board_member(uow, board, koperasi.id)
        await uow.commit()
    assert await _plan(factory) == 2
    sending = Broadcast(
        segment={"kind": "boards"}, text="Undangan", status="sending", created_at=NOW
    )
    async with UnitOfWork(factory) as uow:
        uow.session.add(sending)
        await uow.session.flush()
        reminders = list(await uow.session.scalars(select(Outbox).order_by(Outbox.id)))
        reminders[0].status, reminders[0].sent_at = "sent", NOW
        reminders[1].status, reminders[1].claimed_at = "in_doubt", NOW
        thread = await uow.threads.create(koperasi.id, officer.id, NOW)
        for key, status, broadcast_id in (
            ("relay-copy", "sent", None),
            ("note-waiting", "pending", None),
            ("broadcast:1:503", "sent", sending.id),
        ):
            row_id = await uow.outbox.enqueue(
                idempotency_key=key,
                chat_id=503,
                method="sendMessage",
                payload={"chat_id": 503, "text": f"Ketua Budi {key}"},
                kind="test",
                priority=10,
                now=NOW,
                broadcast_id=broadcast_id,
            )
            row = await uow.session.get_one(Outbox, row_id)
            row.status, row.sent_at, row.telegram_message_id = status, NOW, 900
            if key == "relay-copy":
                await uow.threads.add_pairs(
                    thread,
                    direction=Direction.TO_BOARD,
                    from_person_id=officer.id,
                    from_chat_id=501,
                    from_message_id=77,
                    copies=[(503, row_id)],
                    now=NOW,
                )
        await uow.commit()
    before = await _outbox(factory)

    assert await _empty(factory, NOW + timedelta(days=29)) == 0
    assert await _empty(factory, NOW + timedelta(days=31)) == 3
    after = await _outbox(factory)
    assert set(after) == set(before)  # no row deleted: every key still there
    emptied = {key for key, row in after.items() if row.payload == {}}
    assert emptied == {reminders[0].idempotency_key, reminders[1].idempotency_key, "relay-copy"}
    for key, row in after.items():
        assert (row.status, row.chat_id, row.telegram_message_id) == (
            before[key].status,
            before[key].chat_id,
            before[key].telegram_message_id,
        )
    assert "Ketua Budi" in after["note-waiting"].payload["text"]  # may still leave
    assert "Ketua Budi" in after["broadcast:1:503"].payload["text"]  # not reported yet
    async with UnitOfWork(factory, write=False) as uow:  # a reply to the copy still finds it
        pair = await uow.threads.pair_of_copy(503, 900)
    assert pair is not None
    assert pair.from_message_id == 77

    assert await _plan(factory) == 0  # the keys still say the day's reminders were planned
    assert set(await _outbox(factory)) == set(before)
    assert await _empty(factory, NOW + timedelta(days=32)) == 0  # nothing twice
    async with UnitOfWork(factory) as uow:  # the broadcast is reported: its rows go too
        (await uow.session.get_one(Broadcast, sending.id)).status = "done"
        await uow.commit()
    assert await _empty(factory, NOW + timedelta(days=32)) == 1
    assert (await _outbox(factory))["broadcast:1:503"].payload == {}


async def test_drafts_and_finished_forms_answers_are_found_past_their_deadline(
    factory: Factory,
) -> None:
    """The tick's query: a suspended draft and a finished form past `draft_expires_at`; not
    one before it, not an active form (suspended first when idle), not an expired one."""
    deadline = NOW + timedelta(days=14)
    cases = {
        "suspended": deadline,
        "done": deadline,
        "active": deadline,
        "expired": deadline,
        "received": deadline,  # a register upload: its own life (services.register_pending)
    }
    async with UnitOfWork(factory) as uow:
        for number, (status, expires) in enumerate(cases.items()):
            session = uow.form_sessions.new(number, number, "uji", "", NOW)
            session.step, session.answers, session.status = "a", {"nama": "Ani"}, status
            session.updated_at, session.draft_expires_at = NOW, expires
            uow.session.add(session)
        late = uow.form_sessions.new(99, 99, "uji", "", NOW)
        late.step, late.answers, late.status = "a", {"nama": "Budi"}, "done"
        late.updated_at, late.draft_expires_at = NOW, deadline + timedelta(days=1)
        uow.session.add(late)
        await uow.commit()
    async with UnitOfWork(factory, write=False) as uow:
        early = await uow.form_sessions.drafts_expired_before(deadline - timedelta(seconds=1))
        found = await uow.form_sessions.drafts_expired_before(deadline)
    assert early == []
    assert sorted(session.status for session in found) == ["done", "suspended"]


async def test_a_thread_that_comes_alive_while_the_purge_runs_is_kept_whole(
    factory: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A message (or a relay session) arriving between the purge's read and its deletes
    (PostgreSQL: committed in between) keeps its thread, every pair and copy of it."""
    old = AT - timedelta(days=800)
    async with UnitOfWork(factory) as uow:
        register = await seed_register(uow)
        k = register.koperasi
        answered = await _thread(uow, k["B"], [(Direction.TO_OFFICER, old)])
        relayed = await _thread(uow, k["C"], [(Direction.TO_BOARD, old)])
        quiet = await _thread(uow, k["E"], [(Direction.TO_BOARD, old)])
        await uow.commit()
    threads_before, pairs_before, copies_before = await _left(factory)
    async with UnitOfWork(factory) as uow:
        read = uow.retention.threads_quiet_since

        async def meanwhile(before: datetime, limit: int) -> list[int]:
            ids = await read(before, limit)
            assert {answered, relayed, quiet} <= set(ids)
            thread = await uow.session.get_one(Thread, answered)
            copy_id = await uow.outbox.enqueue(
                idempotency_key="test-copy:late",
                chat_id=2,
                method="copyMessage",
                payload={"from_chat_id": 1, "message_id": 99},
                kind="relay",
                priority=10,
                now=AT,
            )
            await uow.threads.add_pairs(
                thread,
                direction=Direction.TO_BOARD,
                from_person_id=None,
                from_chat_id=1,
                from_message_id=99,
                copies=[(2, copy_id)],
                now=AT,
            )
            await uow.session.flush()
            await uow.threads.start_session(9, register.ani, relayed, AT)
            return ids

        monkeypatch.setattr(uow.retention, "threads_quiet_since", meanwhile)
        purged = await purge_old_threads(uow, now=AT, days=DAYS)
        await uow.commit()
    threads, pairs, copies = await _left(factory)
    assert quiet not in threads
    assert {answered, relayed} <= set(threads)
    assert (pairs[answered], pairs[relayed]) == (2, 1)
    assert copies == copies_before + 1 - 1  # the late copy came, the quiet thread's went
    assert purged == len(threads_before) - len(threads)
    async with UnitOfWork(factory, write=False) as uow:
        sessions = list(await uow.session.scalars(select(RelaySession.thread_id)))
    assert relayed in sessions
    assert pairs_before[quiet] == 1

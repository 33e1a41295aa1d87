"""Threads, relayed pairs and relay sessions on SQLite and PostgreSQL; the sample threads."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domain.access import Role
from domain.relay import Direction, ThreadStatus
from sample.threads import add_open_threads
from storage.tables import Koperasi, Outbox
from storage.uow import UnitOfWork

NOW = datetime(2027, 1, 4, 2, 0, tzinfo=UTC)


async def _world(uow: UnitOfWork) -> dict[str, int]:
    """An officer, an admin, a board member, and two cooperatives (one in the queue)."""
    ids = {}
    for key, tg in (("ani", 1), ("dedi", 2), ("siti", 3)):
        ids[key] = (await uow.people.add(telegram_user_id=tg, full_name=key, now=NOW)).id
    await uow.roles.grant(ids["ani"], Role.PETUGAS.value, now=NOW)
    await uow.roles.grant(ids["dedi"], Role.ADMIN.value, now=NOW)
    for nama, officer in (("Maju", ids["ani"]), ("Jaya", None)):
        koperasi = await uow.koperasi.add(
            Koperasi(nama=nama, petugas_id=officer, created_at=NOW, updated_at=NOW)
        )
        ids[nama] = koperasi.id
        await uow.roles.grant(ids["siti"], Role.PENGURUS.value, koperasi_id=koperasi.id, now=NOW)
    return ids


async def test_inbox_lists_the_longest_waiting_first_and_the_queue_for_admins(
    factory: async_sessionmaker[AsyncSession],
) -> None:
    async with UnitOfWork(factory) as uow:
        ids = await _world(uow)
        maju = await uow.threads.create(ids["Maju"], ids["ani"], NOW)
        jaya = await uow.threads.create(ids["Jaya"], None, NOW)
        maju.waiting_since = NOW - timedelta(hours=1)
        jaya.waiting_since = NOW - timedelta(days=2)
        await uow.commit()
    async with UnitOfWork(factory, write=False) as uow:
        officer = await uow.threads.inbox(ids["ani"], admin=False)
        admin = await uow.threads.inbox(ids["dedi"], admin=True)
        waiting = await uow.threads.waiting(NOW - timedelta(hours=2))
    assert [line.nama for line in officer] == ["Maju"]
    assert [line.nama for line in admin] == ["Jaya"]  # the queue, not Ani's thread
    assert [t.koperasi_id for t in waiting] == [ids["Jaya"]]


async def test_first_claim_wins_and_reassignment_moves_every_thread(
    factory: async_sessionmaker[AsyncSession],
) -> None:
    async with UnitOfWork(factory) as uow:
        ids = await _world(uow)
        # A closed thread of the cooperative moves too: the previous officer must not reopen
        # or answer it from an old card.
        closed = await uow.threads.create(ids["Jaya"], None, NOW)
        closed.status = ThreadStatus.CLOSED.value
        await uow.session.flush()
        thread = await uow.threads.create(ids["Jaya"], None, NOW)
        assert await uow.threads.claim(thread.id, ids["dedi"])
        assert await uow.threads.claim(thread.id, ids["dedi"])  # her own again
        assert not await uow.threads.claim(thread.id, ids["ani"])
        moved = await uow.threads.follow_officer([ids["Jaya"]], ids["ani"])
        await uow.commit()
    async with UnitOfWork(factory, write=False) as uow:
        stored = await uow.threads.get(thread.id)
        old = await uow.threads.get(closed.id)
    assert sorted(moved) == sorted([closed.id, thread.id])
    assert stored is not None
    assert old is not None
    assert (stored.assigned_person_id, stored.claimed_by_person_id) == (ids["ani"], None)
    assert old.assigned_person_id == ids["ani"]


async def test_a_reply_to_a_copy_finds_its_pair_through_the_sent_message_id(
    factory: async_sessionmaker[AsyncSession],
) -> None:
    async with UnitOfWork(factory) as uow:
        ids = await _world(uow)
        thread = await uow.threads.create(ids["Maju"], ids["ani"], NOW)
        outbox_id = await uow.outbox.enqueue(
            idempotency_key="relay:3:10:1",
            chat_id=1,
            method="copyMessage",
            payload={"chat_id": 1, "from_chat_id": 3, "message_id": 10},
            kind="relay",
            priority=0,
            now=NOW,
        )
        await uow.threads.add_pairs(
            thread,
            direction=Direction.TO_OFFICER,
            from_person_id=ids["siti"],
            from_chat_id=3,
            from_message_id=10,
            copies=[(1, outbox_id)],
            now=NOW,
        )
        await uow.commit()
    async with UnitOfWork(factory, write=False) as uow:
        assert await uow.threads.pair_of_copy(1, 77) is None  # not sent yet
    async with UnitOfWork(factory) as uow:
        row = await uow.session.get(Outbox, outbox_id)
        assert row is not None
        row.telegram_message_id = 77
        await uow.commit()
    async with UnitOfWork(factory, write=False) as uow:
        pair = await uow.threads.pair_of_copy(1, 77)
        other_chat = await uow.threads.pair_of_copy(3, 77)
        asker = await uow.threads.last_asker(thread.id)
    assert pair is not None
    assert (pair.from_chat_id, pair.from_message_id) == (3, 10)
    assert other_chat is None
    assert asker == ids["siti"]


async def test_a_new_session_ends_the_chats_previous_one(
    factory: async_sessionmaker[AsyncSession],
) -> None:
    async with UnitOfWork(factory) as uow:
        ids = await _world(uow)
        first = await uow.threads.create(ids["Maju"], ids["ani"], NOW)
        second = await uow.threads.create(ids["Jaya"], None, NOW)
        await uow.threads.start_session(3, ids["siti"], first.id, NOW)
        await uow.threads.start_session(3, ids["siti"], second.id, NOW)
        await uow.commit()
    async with UnitOfWork(factory) as uow:
        live = await uow.threads.live_session(3)
        assert live is not None
        assert live.thread_id == second.id
        assert await uow.threads.end_sessions(3, NOW) == 1
        assert await uow.threads.live_session(3) is None
        await uow.commit()


async def test_sample_threads_wait_for_cooperatives_with_a_board(
    factory: async_sessionmaker[AsyncSession],
) -> None:
    async with UnitOfWork(factory) as uow:
        ids = await _world(uow)
        made = await add_open_threads(uow, 7, now=NOW, share=1.0)
        again = await add_open_threads(uow, 7, now=NOW, share=1.0)
        await uow.commit()
    async with UnitOfWork(factory, write=False) as uow:
        lines = await uow.threads.inbox(ids["ani"], admin=True)
    assert len(made) == 2
    assert again == []  # one open thread per cooperative
    assert sorted(line.nama for line in lines) == ["Jaya", "Maju"]
    assert all(line.waiting_since is not None and line.waiting_since < NOW for line in lines)

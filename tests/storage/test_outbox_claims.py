"""The sender's side of the outbox, on SQLite and PostgreSQL: claims, outcomes, recovery."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domain.delivery import PRIORITY_BULK, PRIORITY_INTERACTIVE, PRIORITY_REMINDER, OutboxStatus
from storage.repositories.outbox import Finish
from storage.tables import Outbox, Person
from storage.uow import UnitOfWork

NOW = datetime(2027, 1, 4, 2, 0, tzinfo=UTC)  # Monday 09:00 WIB
SECOND = timedelta(seconds=1)
ME, OTHER = "sender-a", "sender-b"

Factory = async_sessionmaker[AsyncSession]


async def _enqueue(
    factory: Factory,
    rows: list[tuple[int, int]],
    *,
    not_before: datetime | None = None,
    expires_at: datetime | None = None,
) -> list[int]:
    """Queue one row per (chat_id, priority); returns their ids in order."""
    ids = []
    async with UnitOfWork(factory) as uow:
        for chat_id, priority in rows:
            row_id = await uow.outbox.enqueue(
                idempotency_key=f"k{await _next_key(uow)}",
                chat_id=chat_id,
                method="sendMessage",
                payload={"chat_id": chat_id, "text": "x"},
                kind="test",
                priority=priority,
                now=NOW,
                not_before=not_before,
                expires_at=expires_at,
            )
            ids.append(row_id)
        await uow.commit()
    return ids


async def _next_key(uow: UnitOfWork) -> int:
    return len(list(await uow.session.scalars(select(Outbox.id)))) + 1


async def _claim(
    factory: Factory,
    *,
    now: datetime = NOW,
    limit: int = 100,
    holder: str = ME,
    bulk_allowed: bool = True,
) -> list[int]:
    async with UnitOfWork(factory) as uow:
        rows = await uow.outbox.claim(
            holder=holder, now=now, limit=limit, chat_interval=SECOND, bulk_allowed=bulk_allowed
        )
        await uow.commit()
    return [row.id for row in rows]


async def _finish(factory: Factory, *outcomes: Finish, holder: str = ME) -> None:
    async with UnitOfWork(factory) as uow:
        await uow.outbox.finish(holder, outcomes)
        await uow.commit()


async def _rows(factory: Factory) -> dict[int, Outbox]:
    async with UnitOfWork(factory, write=False) as uow:
        return {row.id: row for row in await uow.session.scalars(select(Outbox))}


async def test_claims_follow_priority_then_id(factory: Factory) -> None:
    ids = await _enqueue(
        factory,
        [(1, PRIORITY_BULK), (2, PRIORITY_INTERACTIVE), (3, PRIORITY_REMINDER), (4, 10), (5, 100)],
    )

    first = await _claim(factory, limit=3)
    rest = await _claim(factory, limit=3)

    assert first == [ids[1], ids[3], ids[2]]
    assert rest == [ids[0], ids[4]]


async def test_a_claim_is_committed_state_with_attempts_counted(factory: Factory) -> None:
    [row_id] = await _enqueue(factory, [(1, PRIORITY_BULK)])

    await _claim(factory, holder=ME)

    row = (await _rows(factory))[row_id]
    assert (row.status, row.claimed_by, row.claimed_at, row.attempts) == ("claimed", ME, NOW, 1)
    assert await _claim(factory, holder=OTHER) == []


async def test_one_chat_gets_one_row_per_claim_in_id_order(factory: Factory) -> None:
    first, _second, other_chat = await _enqueue(
        factory, [(1, PRIORITY_BULK), (1, PRIORITY_BULK), (2, PRIORITY_BULK)]
    )

    assert await _claim(factory) == [first, other_chat]
    # The chat's first row is in flight: the second waits.
    assert await _claim(factory) == []


async def test_a_chat_sent_to_less_than_the_interval_ago_is_not_claimed(factory: Factory) -> None:
    first, second = await _enqueue(factory, [(1, PRIORITY_BULK), (1, PRIORITY_BULK)])
    await _claim(factory)
    await _finish(factory, Finish(first, OutboxStatus.SENT, sent_at=NOW, telegram_message_id=5))

    assert await _claim(factory, now=NOW + SECOND * 0.999) == []
    assert await _claim(factory, now=NOW + SECOND) == [second]


async def test_a_row_waiting_for_its_retry_holds_back_its_chats_later_rows(
    factory: Factory,
) -> None:
    [retrying] = await _enqueue(factory, [(1, PRIORITY_BULK)])
    await _claim(factory)
    await _finish(factory, Finish(retrying, OutboxStatus.PENDING, not_before=NOW + 10 * SECOND))
    [later, relay] = await _enqueue(factory, [(1, PRIORITY_BULK), (1, PRIORITY_INTERACTIVE)])

    # Interactive goes first whatever its id; the later bulk row does not overtake the retry.
    assert await _claim(factory) == [relay]
    await _finish(factory, Finish(relay, OutboxStatus.SENT, sent_at=NOW))
    assert await _claim(factory, now=NOW + 2 * SECOND) == []
    assert await _claim(factory, now=NOW + 10 * SECOND) == [retrying]
    assert later not in await _claim(factory, now=NOW + 20 * SECOND)


async def test_a_row_scheduled_for_later_does_not_hold_back_what_is_due(
    factory: Factory,
) -> None:
    [tomorrow] = await _enqueue(
        factory, [(1, PRIORITY_REMINDER)], not_before=NOW + 86_400 * SECOND
    )
    [today] = await _enqueue(factory, [(1, PRIORITY_BULK)])

    assert await _claim(factory) == [today]
    assert tomorrow not in await _claim(factory, now=NOW + 2 * SECOND)


async def test_bulk_waits_while_the_window_is_closed(factory: Factory) -> None:
    reminder, broadcast, relay = await _enqueue(
        factory, [(1, PRIORITY_REMINDER), (2, PRIORITY_BULK), (3, PRIORITY_INTERACTIVE)]
    )

    assert await _claim(factory, bulk_allowed=False) == [relay]
    assert await _claim(factory, bulk_allowed=True) == [reminder, broadcast]


async def test_expired_rows_are_never_claimed_and_are_swept_to_expired(factory: Factory) -> None:
    [stale] = await _enqueue(factory, [(1, PRIORITY_BULK)], expires_at=NOW)
    [fresh] = await _enqueue(factory, [(2, PRIORITY_BULK)], expires_at=NOW + SECOND)

    assert await _claim(factory) == [fresh]
    async with UnitOfWork(factory) as uow:
        assert await uow.outbox.expire_due(NOW) == 1
        await uow.commit()

    rows = await _rows(factory)
    assert (rows[stale].status, rows[stale].sent_at) == ("expired", None)


async def test_concurrent_claimers_never_claim_a_row_twice(factory: Factory) -> None:
    ids = await _enqueue(factory, [(chat, PRIORITY_BULK) for chat in range(1, 61)])

    async def claimer(name: str) -> list[int]:
        claimed: list[int] = []
        while batch := await _claim(factory, limit=4, holder=name):
            claimed.extend(batch)
            await asyncio.sleep(0)
        return claimed

    results = await asyncio.gather(*(claimer(f"sender-{n}") for n in range(6)))

    every = [row_id for batch in results for row_id in batch]
    assert sorted(every) == ids
    rows = await _rows(factory)
    for name, batch in zip((f"sender-{n}" for n in range(6)), results, strict=True):
        assert all(rows[row_id].claimed_by == name for row_id in batch)
        assert all(rows[row_id].attempts == 1 for row_id in batch)


async def test_finish_records_outcomes_only_on_rows_still_claimed_by_us(factory: Factory) -> None:
    sent, retry, theirs = await _enqueue(
        factory, [(1, PRIORITY_BULK), (2, PRIORITY_BULK), (3, PRIORITY_BULK)]
    )
    await _claim(factory, limit=2, holder=ME)
    await _claim(factory, limit=1, holder=OTHER)

    await _finish(
        factory,
        Finish(sent, OutboxStatus.SENT, sent_at=NOW, telegram_message_id=77),
        Finish(retry, OutboxStatus.PENDING, error="boom", not_before=NOW + 4 * SECOND),
        Finish(theirs, OutboxStatus.SENT, sent_at=NOW, telegram_message_id=78),
    )

    rows = await _rows(factory)
    assert (rows[sent].status, rows[sent].telegram_message_id, rows[sent].sent_at) == (
        "sent",
        77,
        NOW,
    )
    assert (rows[retry].status, rows[retry].not_before, rows[retry].error) == (
        "pending",
        NOW + 4 * SECOND,
        "boom",
    )
    assert (rows[theirs].status, rows[theirs].telegram_message_id) == ("claimed", None)


async def test_recovery_puts_bulk_in_doubt_and_requeues_interactive(factory: Factory) -> None:
    bulk, reminder, relay, mine, waiting = await _enqueue(
        factory,
        [
            (1, PRIORITY_BULK),
            (2, PRIORITY_REMINDER),
            (3, PRIORITY_INTERACTIVE),
            (4, PRIORITY_BULK),
            (5, PRIORITY_BULK),
        ],
    )
    await _claim(factory, limit=3, holder=OTHER)  # a process that then died
    await _claim(factory, limit=1, holder=ME)

    async with UnitOfWork(factory) as uow:
        counts = await uow.outbox.recover_claimed(
            holder=ME, requeue_at=NOW + SECOND, reason="left claimed"
        )
        await uow.commit()

    rows = await _rows(factory)
    assert counts == (2, 1)
    assert [rows[i].status for i in (bulk, reminder, relay, mine, waiting)] == [
        "in_doubt",
        "in_doubt",
        "pending",
        "claimed",
        "pending",
    ]
    assert rows[relay].not_before == NOW + SECOND
    assert rows[bulk].error == "left claimed"


async def test_an_unreachable_chat_loses_its_pending_rows_and_its_person_is_marked(
    factory: Factory,
) -> None:
    blocked_pending, other = await _enqueue(factory, [(1001, PRIORITY_BULK), (1002, 100)])
    async with UnitOfWork(factory) as uow:
        await uow.people.add(telegram_user_id=1001, now=NOW)
        await uow.people.add(telegram_user_id=1002, now=NOW)
        assert await uow.people.mark_unreachable_by_chat(1001, now=NOW) is True
        assert await uow.people.mark_unreachable_by_chat(1001, now=NOW + SECOND) is False
        assert await uow.outbox.cancel_pending_for_chat(1001, reason="403") == 1
        await uow.commit()

    rows = await _rows(factory)
    assert (rows[blocked_pending].status, rows[other].status) == ("cancelled", "pending")
    async with UnitOfWork(factory, write=False) as uow:
        people = {p.telegram_user_id: p for p in await uow.session.scalars(select(Person))}
    assert (people[1001].reachable, people[1001].unreachable_since) == (False, NOW)
    assert people[1002].reachable is True


async def test_mark_reachable_undoes_unreachable(factory: Factory) -> None:
    async with UnitOfWork(factory) as uow:
        await uow.people.add(telegram_user_id=1001, now=NOW)
        await uow.people.mark_unreachable_by_chat(1001, now=NOW)
        await uow.commit()
    async with UnitOfWork(factory) as uow:
        assert await uow.people.mark_reachable(1001, now=NOW + SECOND) is True
        assert await uow.people.mark_reachable(1001, now=NOW + SECOND) is False
        await uow.commit()
        person = await uow.people.get_by_telegram_id(1001)
    assert person is not None
    assert (person.reachable, person.unreachable_since) == (True, None)

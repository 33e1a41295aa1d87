"""Bulk outbox rows (a reminder pass) on SQLite and PostgreSQL: one statement per group of
rows sharing their lane and times, known keys skipped, every column as given."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domain.delivery import PRIORITY_INTERACTIVE, PRIORITY_REMINDER, OutboxStatus
from storage.tables import Outbox
from storage.uow import UnitOfWork

NOW = datetime(2027, 1, 4, 0, 0, tzinfo=UTC)
OPENS, CLOSES = NOW + timedelta(hours=1), NOW + timedelta(hours=13)

Factory = async_sessionmaker[AsyncSession]


def _row(key: str, chat_id: int, text: str, **times: datetime | None) -> dict[str, object]:
    return {
        "idempotency_key": key,
        "chat_id": chat_id,
        "person_id": None,
        "priority": PRIORITY_REMINDER,
        "kind": "reminder",
        "payload": {"chat_id": chat_id, "text": text, "parse_mode": "HTML"},
        "not_before": times.get("not_before", OPENS),
        "expires_at": times.get("expires_at", CLOSES),
    }


async def test_bulk_rows_are_queued_once_each_with_every_column(factory: Factory) -> None:
    text = 'Pengingat "Gempur" — <b>KSU Maju\\Jaya</b> 🌾\nbaris dua'
    rows = [
        _row("r:1", 101, text),
        _row("r:2", 102, "dua"),
        _row("r:3", 103, "besok", not_before=CLOSES, expires_at=None),  # another group
    ]
    async with UnitOfWork(factory) as uow:
        assert await uow.outbox.enqueue_bulk(rows, now=NOW) == 3
        await uow.commit()
    async with UnitOfWork(factory) as uow:  # planned again, with one new row
        again = [*rows, _row("r:4", 104, "baru")]
        assert await uow.outbox.enqueue_bulk(again, now=NOW) == 1
        await uow.commit()
    async with UnitOfWork(factory, write=False) as uow:
        found = list(await uow.session.scalars(select(Outbox).order_by(Outbox.id)))
    assert [row.idempotency_key for row in found] == ["r:1", "r:2", "r:3", "r:4"]
    first = found[0]
    assert first.payload == {"chat_id": 101, "text": text, "parse_mode": "HTML"}
    assert (first.chat_id, first.priority, first.kind, first.method) == (
        101,
        PRIORITY_REMINDER,
        "reminder",
        "sendMessage",
    )
    assert (first.status, first.attempts, first.created_at) == (OutboxStatus.PENDING, 0, NOW)
    assert (first.not_before, first.expires_at) == (OPENS, CLOSES)
    assert (found[2].not_before, found[2].expires_at) == (CLOSES, None)


async def test_bulk_rows_refuse_the_interactive_lane(factory: Factory) -> None:
    row = {**_row("r:1", 101, "x"), "priority": PRIORITY_INTERACTIVE}
    async with UnitOfWork(factory) as uow:
        with pytest.raises(ValueError, match="bulk rows only"):
            await uow.outbox.enqueue_bulk([row], now=NOW)

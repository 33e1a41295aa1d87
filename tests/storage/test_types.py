"""UTCDateTime: instants are stored as UTC and come back aware, on both databases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import select
from sqlalchemy.exc import StatementError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.tables import ProcessedUpdate
from storage.types import NaiveDatetimeError
from storage.uow import UnitOfWork

WIB = timezone(timedelta(hours=7), "WIB")


async def test_aware_instant_round_trips_as_utc(
    factory: async_sessionmaker[AsyncSession],
) -> None:
    in_wib = datetime(2027, 3, 31, 23, 30, 15, 123456, tzinfo=WIB)
    async with UnitOfWork(factory) as uow:
        await uow.processed_updates.mark(1, in_wib)
        await uow.commit()

    async with UnitOfWork(factory, write=False) as uow:
        stored = await uow.session.scalar(select(ProcessedUpdate.processed_at))
    assert stored == in_wib
    assert stored is not None
    assert stored.utcoffset() == timedelta(0)
    assert (stored.year, stored.month, stored.day, stored.hour) == (2027, 3, 31, 16)


async def test_instants_compare_as_instants_in_sql(
    factory: async_sessionmaker[AsyncSession],
) -> None:
    # 08:00 WIB is 01:00 UTC: earlier than 02:00 UTC although "08" > "02" as text.
    async with UnitOfWork(factory) as uow:
        await uow.processed_updates.mark(1, datetime(2027, 1, 1, 8, 0, tzinfo=WIB))
        await uow.processed_updates.mark(2, datetime(2027, 1, 1, 3, 0, tzinfo=UTC))
        purged = await uow.processed_updates.purge_before(datetime(2027, 1, 1, 2, 0, tzinfo=UTC))
        remaining = list(await uow.session.scalars(select(ProcessedUpdate.update_id)))
    assert purged == 1
    assert remaining == [2]


async def test_naive_datetime_is_refused(factory: async_sessionmaker[AsyncSession]) -> None:
    async with UnitOfWork(factory) as uow:
        with pytest.raises(StatementError) as refused:
            await uow.processed_updates.mark(1, datetime(2027, 1, 1, 8, 0))  # noqa: DTZ001
    assert isinstance(refused.value.orig, NaiveDatetimeError)

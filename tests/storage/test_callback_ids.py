"""The largest id a button may carry (`domain.callbacks.MAX_ID`) is looked up like any other on
both databases, and one more is refused by PostgreSQL: the bound is the columns' own."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domain.callbacks import MAX_ID
from storage.repositories.invites import InviteRepository
from storage.repositories.join_requests import JoinRequestRepository
from storage.uow import UnitOfWork

TODAY = date(2027, 1, 4)


async def _look_up(uow: UnitOfWork, row_id: int) -> list[object]:
    """What the buttons' ids are looked up with: cooperative, person, invite, join request."""
    return [
        await uow.koperasi.get(row_id),
        await uow.koperasi_query.with_officer_name(row_id),
        await uow.people.get(row_id),
        await uow.petugas.workloads(TODAY, person_id=row_id) or None,
        await InviteRepository(uow.session).get(row_id),
        await JoinRequestRepository(uow.session).get(row_id),
    ]


async def test_the_largest_id_a_button_carries_is_simply_not_found(
    factory: async_sessionmaker[AsyncSession],
) -> None:
    async with UnitOfWork(factory, write=False) as uow:
        assert await _look_up(uow, MAX_ID) == [None] * 6


async def test_one_more_is_refused_by_postgresql(
    factory: async_sessionmaker[AsyncSession], backend: str
) -> None:
    if backend != "postgres":
        pytest.skip("SQLite's INTEGER primary keys take 64 bits")
    async with UnitOfWork(factory, write=False) as uow:
        with pytest.raises(DBAPIError):
            await uow.people.get(MAX_ID + 1)

"""The generated sample register through the real import, and the sample people seeded."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from config import DEFAULT_KECAMATAN
from domain.access import Role
from domain.register_rows import RowRules
from sample.people import sample_pengurus, sample_staff, seed_people
from sample.register import SAMPLE_TODAY, generate_register, write_register
from services.register_files import open_table
from services.register_import import import_table
from storage.tables import Koperasi, RoleGrant
from storage.uow import UnitOfWork

NOW = datetime(2026, 11, 1, 2, 0, tzinfo=UTC)
RULES = RowRules(tuple(DEFAULT_KECAMATAN), SAMPLE_TODAY)


async def _import(factory: async_sessionmaker[AsyncSession], path: Path) -> tuple[int, int]:
    table = open_table(await asyncio.to_thread(path.read_bytes), path.name)
    async with UnitOfWork(factory) as uow:
        result = await import_table(
            uow, table, RULES, actor_person_id=None, channel="cli", now=NOW
        )
        await uow.commit()
    return result.added, result.invalid_rows


async def test_sample_people_are_seeded_onto_the_imported_register(
    factory: async_sessionmaker[AsyncSession],
    background_factory: async_sessionmaker[AsyncSession],
    tmp_path: Path,
) -> None:
    path = tmp_path / "contoh.xlsx"
    rows = list(generate_register(120, 3))
    write_register(path, rows)
    # Both heavy steps in background units of work, as their docstrings ask.
    assert await _import(background_factory, path) == (120, 0)
    people = [*sample_staff(3, petugas=6), *sample_pengurus(rows, 3)]
    async with UnitOfWork(background_factory) as uow:
        granted = await seed_people(uow, people, now=NOW)
        await uow.commit()
    assert granted == len(people)
    async with UnitOfWork(factory, write=False) as uow:
        unassigned = await uow.session.scalar(
            select(func.count()).select_from(Koperasi).where(Koperasi.petugas_id.is_(None))
        )
        boards = await uow.session.scalar(
            select(func.count(func.distinct(RoleGrant.koperasi_id))).where(
                RoleGrant.role == Role.PENGURUS
            )
        )
    assert unassigned == 0
    assert boards == len({person.koperasi_key for person in people if person.koperasi_key})

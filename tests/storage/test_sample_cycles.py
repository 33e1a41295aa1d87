"""Sample cycles seeded onto the imported sample register: every stage, stored as recomputed."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from config import DEFAULT_KECAMATAN, RatConfig
from domain.register_rows import RowRules
from domain.stages import STAGES
from sample.cycles import seed_cycles
from sample.people import sample_pengurus, sample_staff, seed_people
from sample.register import SAMPLE_TODAY, generate_register, write_register
from services.register_files import open_table
from services.register_import import import_table
from storage.tables import ChecklistEntry, Koperasi, RatCycle
from storage.uow import UnitOfWork
from tests.helpers.rat import expected_standing, stored_standing

NOW = datetime(2026, 11, 1, 2, 0, tzinfo=UTC)
POLICY = RatConfig().policy()
RULES = RowRules(tuple(DEFAULT_KECAMATAN), SAMPLE_TODAY)


async def _seeded(factory: async_sessionmaker[AsyncSession], tmp_path: Path) -> Counter[str]:
    rows = list(generate_register(400, 5))
    path = tmp_path / "contoh.csv"
    write_register(path, rows)
    table = open_table(await asyncio.to_thread(path.read_bytes), path.name)
    async with UnitOfWork(factory) as uow:
        await import_table(uow, table, RULES, actor_person_id=None, channel="cli", now=NOW)
        await seed_people(uow, [*sample_staff(5), *sample_pengurus(rows, 5)], now=NOW)
        stages = await seed_cycles(uow, POLICY, today=SAMPLE_TODAY, now=NOW, seed=5)
        await uow.commit()
    return stages


async def _stored_stages(factory: async_sessionmaker[AsyncSession]) -> Counter[str]:
    async with UnitOfWork(factory, write=False) as uow:
        rows = await uow.session.execute(
            select(Koperasi.tahap, func.count())
            .where(Koperasi.current_rat_cycle_id.is_not(None))
            .group_by(Koperasi.tahap)
        )
        return Counter({str(tahap): int(count) for tahap, count in rows})


async def test_current_cycles_reach_every_stage_and_are_stored_as_recomputed(
    factory: async_sessionmaker[AsyncSession],
    background_factory: async_sessionmaker[AsyncSession],
    tmp_path: Path,
) -> None:
    stages = await _seeded(background_factory, tmp_path)
    assert set(stages) == set(STAGES)
    assert await _stored_stages(factory) == stages
    async with UnitOfWork(factory, write=False) as uow:
        assert await stored_standing(uow) == await expected_standing(uow, POLICY, SAMPLE_TODAY)
        entries = await uow.session.scalar(select(func.count()).select_from(ChecklistEntry))
        unconfirmed = await uow.session.scalar(
            select(func.count())
            .select_from(RatCycle)
            .where(RatCycle.ods_date.is_not(None), RatCycle.ods_confirmed_by_person_id.is_(None))
        )
    assert entries
    assert unconfirmed == 0
    # Seeding again touches nothing already recorded on.
    async with UnitOfWork(background_factory) as uow:
        again = await seed_cycles(uow, POLICY, today=SAMPLE_TODAY, now=NOW, seed=5)
        await uow.commit()
    assert sum(again.values()) < sum(stages.values())

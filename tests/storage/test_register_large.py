"""A large generated register through the real import, on SQLite.

In a module of its own: the storage fixtures empty the database before each test, and emptying
10,000 cooperatives row by row (with their foreign keys checked) takes longer than importing
them; the module's database is dropped whole instead.
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from config import DEFAULT_KECAMATAN
from domain.register_rows import RowRules
from sample.register import SAMPLE_TODAY, generate_register, write_register
from services.register_files import open_table
from services.register_import import import_table
from storage.uow import UnitOfWork

NOW = datetime(2026, 11, 1, 2, 0, tzinfo=UTC)
RULES = RowRules(tuple(DEFAULT_KECAMATAN), SAMPLE_TODAY)


async def test_ten_thousand_generated_rows_import(
    factory: async_sessionmaker[AsyncSession],
    background_factory: async_sessionmaker[AsyncSession],
    backend: str,
    tmp_path: Path,
) -> None:
    if backend != "sqlite":
        pytest.skip("the large import is exercised on SQLite; PostgreSQL runs the smaller ones")
    path = tmp_path / "contoh.csv"
    write_register(path, generate_register(10_000, 7))
    started = time.perf_counter()
    table = open_table(await asyncio.to_thread(path.read_bytes), path.name)
    async with UnitOfWork(background_factory) as uow:  # as the bot and the CLI run it
        result = await import_table(
            uow, table, RULES, actor_person_id=None, channel="cli", now=NOW
        )
        await uow.commit()
    assert (result.added, result.invalid_rows) == (10_000, 0)
    # Printed (pytest -s) for the record; timings are never asserted.
    print(f"10,000 rows imported in {time.perf_counter() - started:.1f} s")
    async with UnitOfWork(factory, write=False) as uow:
        total = await uow.koperasi.count()
    assert total == 10_000

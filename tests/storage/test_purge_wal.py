"""After an erasure the SQLite write-ahead log is emptied into the database file."""

from __future__ import annotations

import os
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from storage.engine import background_engine, purge_wal
from storage.uow import UnitOfWork

NOW = datetime(2027, 1, 4, 2, 0, tzinfo=UTC)


async def test_purge_empties_the_wal_the_loop_wrote(
    backend: str, engine: AsyncEngine, factory: async_sessionmaker[AsyncSession]
) -> None:
    background = background_engine(engine)
    try:
        async with UnitOfWork(factory) as uow:
            await uow.people.add(telegram_user_id=5_550_600_111, now=NOW, full_name="Kartika")
            await uow.commit()
        purged = await purge_wal(background)
        if backend != "sqlite":
            assert purged is None  # nothing to empty on PostgreSQL
            return
        assert await purge_wal(engine) is None  # never from the loop's thread
        assert purged is True
        assert _wal_size(engine) == 0
    finally:
        if background is not engine:
            await background.dispose()


def _wal_size(engine: AsyncEngine) -> int:
    return os.path.getsize(f"{engine.url.database}-wal")

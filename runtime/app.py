"""The long-lived dependencies of the running bot, built once in `bot.build_application`."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from config import AppConfig
from conversations.engine import FormEngine
from domain.clock import Clock
from locales import Catalogues
from storage.outbox_doorbell import OutboxDoorbell
from storage.repositories.viewer import ViewerState
from storage.uow import UnitOfWork
from storage.viewer_cache import ViewerCache

__all__ = ["AppServices", "UnitOfWork", "ViewerState"]


@dataclass(frozen=True)
class AppServices:
    """Configuration, database, catalogues, clock, the form engine, viewer cache and doorbell."""

    config: AppConfig
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    # For heavy units of work; the same engine as `engine` except on a SQLite file.
    background_engine: AsyncEngine
    background_sessions: async_sessionmaker[AsyncSession]
    catalogues: Catalogues
    clock: Clock
    forms: FormEngine
    # The gate's viewers; `sessions` tells it what each commit changed (storage.viewer_cache).
    viewers: ViewerCache
    # Rung by `sessions` after a commit queues an interactive outbox row; the leader's sender
    # listens (storage.outbox_doorbell).
    outbox_doorbell: OutboxDoorbell
    # The people whose /ekspor is being built (one at a time each: a double tap starts one).
    exports_running: set[int] = field(default_factory=set)
    # The people whose *Grafik* charts are being drawn (a double tap draws them once).
    charts_running: set[int] = field(default_factory=set)

    def uow(self, *, write: bool = True, background: bool = False) -> UnitOfWork:
        """A fresh unit of work (one per step of a use-case, never shared between tasks).

        `background=True` for work that can touch many rows (imports, seeding, exports): on
        SQLite the everyday units of work run their statements on the event loop's thread,
        where a long one would stall every chat; background ones run on aiosqlite's threads.
        Writers of both queue on the same lock.
        """
        sessions = self.background_sessions if background else self.sessions
        return UnitOfWork(sessions, write=write)

    async def viewer_state(self, telegram_user_id: int, chat_id: int) -> ViewerState:
        """The chat's viewer: from memory, or read from the database on a miss."""

        async def load() -> ViewerState:
            async with self.uow(write=False) as uow:
                return await uow.viewer.load(telegram_user_id, chat_id)

        return await self.viewers.get_or_load(telegram_user_id, chat_id, load)

    async def dispose(self) -> None:
        """Closes the database connections (both engines on SQLite)."""
        await self.engine.dispose()
        if self.background_engine is not self.engine:
            await self.background_engine.dispose()

"""Typed PTB context: the services every handler needs and the viewer of the current update."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any, TypeAlias

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from telegram import Update
from telegram.ext import Application, CallbackContext, ExtBot, JobQueue

from config import AppConfig
from conversations.engine import FormEngine
from domain.access import Viewer
from domain.clock import Clock
from locales import Catalogues, Translator
from storage.outbox_doorbell import OutboxDoorbell
from storage.uow import UnitOfWork
from storage.viewer_cache import ViewerCache


@dataclass(frozen=True)
class AppServices:
    """Long-lived dependencies, built once in `bot.build_application`."""

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

    def uow(self, *, write: bool = True, background: bool = False) -> UnitOfWork:
        """A fresh unit of work (one per step of a use-case, never shared between tasks).

        `background=True` for work that can touch many rows (imports, seeding, exports): on
        SQLite the everyday units of work run their statements on the event loop's thread,
        where a long one would stall every chat; background ones run on aiosqlite's threads.
        Writers of both queue on the same lock.
        """
        sessions = self.background_sessions if background else self.sessions
        return UnitOfWork(sessions, write=write)

    async def dispose(self) -> None:
        """Closes the database connections (both engines on SQLite)."""
        await self.engine.dispose()
        if self.background_engine is not self.engine:
            await self.background_engine.dispose()


# Set by the gate: whether the chat had an active form when the update arrived.
ACTIVE_FORM_FLAG = "active_form"


class BotData:
    """`application.bot_data`: PTB builds it without arguments, `bot.py` attaches the services."""

    def __init__(self) -> None:
        self._services: AppServices | None = None
        # What a form's completion shows beyond its text reply (e.g. a list with buttons),
        # by form name; filled in by `handlers.register`.
        self.completion_hooks: dict[str, CompletionHook] = {}

    def attach(self, services: AppServices) -> None:
        """Called once while the application is built."""
        self._services = services

    @property
    def services(self) -> AppServices:
        """The attached services; a missing attach is a wiring bug."""
        if self._services is None:
            msg = "BotData.services used before bot.build_application attached them"
            raise RuntimeError(msg)
        return self._services


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], BotData]):
    """The context of one update; the gate fills in `viewer` and `tr` before other handlers run."""

    def __init__(
        self,
        application: GempurApp,
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> None:
        super().__init__(application=application, chat_id=chat_id, user_id=user_id)
        self._viewer: Viewer | None = None
        self._tr: Translator | None = None
        # Per-update scratch state (e.g. whether the callback query was answered).
        self.flags: dict[str, object] = {}

    @property
    def services(self) -> AppServices:
        """Shortcut to the application's services."""
        return self.bot_data.services

    @property
    def viewer(self) -> Viewer:
        """Who sent the update; set by the gate."""
        if self._viewer is None:
            msg = "viewer read before the gate ran"
            raise RuntimeError(msg)
        return self._viewer

    @property
    def tr(self) -> Translator:
        """The translator in the viewer's language (the default before the gate ran)."""
        if self._tr is None:
            return self.services.catalogues.get(None)
        return self._tr

    def admit(self, viewer: Viewer, tr: Translator) -> None:
        """Records what the gate learnt about the sender."""
        self._viewer = viewer
        self._tr = tr


# The job queue's type stays open: PTB's builder does not carry the custom context type over to
# it, and it only runs album timers (scheduled jobs are `jobs/`, recorded in the database).
CompletionHook: TypeAlias = Callable[[Update, "BotContext"], Coroutine[Any, Any, None]]

GempurApp: TypeAlias = Application[
    ExtBot[None], BotContext, dict[Any, Any], dict[Any, Any], BotData, JobQueue[Any]
]

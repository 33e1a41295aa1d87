"""Running the real bot against telegram_stub: config, a migrated database, two harnesses.

`polling_bot` runs the whole thing as `python bot.py run` does (serve: getUpdates long polling)
for end-to-end tests; `Conversation` initialises the same application without polling and
feeds it the stub's pending updates one call at a time, for the conversations tier.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

from telegram import Update

from bot import build_application, serve
from config import AppConfig, parse_config
from conversations.spec import FormSpec
from domain.clock import Clock
from handlers.context import GempurApp
from storage.migrate import upgrade
from telegram_stub import BotApiStub
from tests.helpers.driver import BotMessage, UserSession


def bot_config(stub: BotApiStub, database_url: str, **sections: dict[str, Any]) -> AppConfig:
    """A config pointing at the stub and the database; `sections` override keys."""
    raw: dict[str, Any] = {
        "telegram": {
            "token": stub.token,
            "base_url": stub.bot_base_url,
            "base_file_url": stub.file_base_url,
            "poll_timeout_seconds": 1,
        },
        "database": {"url": database_url},
        "forms": {"album_quiet_seconds": 0.3},
    }
    for name, values in sections.items():
        raw[name] = {**raw.get(name, {}), **values}
    return parse_config(raw, source="test config")


def sqlite_url(directory: Path) -> str:
    """A fresh SQLite file in `directory`."""
    return f"sqlite+aiosqlite:///{directory / 'gempur.db'}"


async def migrate(url: str) -> None:
    """Migrates from a worker thread: Alembic's env calls asyncio.run, which needs no loop."""
    await asyncio.to_thread(upgrade, url)


@contextlib.asynccontextmanager
async def polling_bot(
    cfg: AppConfig, clock: Clock | None = None, extra_forms: Sequence[FormSpec] = ()
) -> AsyncIterator[GempurApp]:
    """The bot polling the stub until the block ends (then a graceful stop, as on SIGTERM)."""
    app = build_application(cfg, clock=clock, extra_forms=extra_forms)
    stop = asyncio.Event()
    task = asyncio.create_task(serve(app, stop))
    try:
        for _ in range(500):  # wait for polling to begin (or for serve to fail)
            if task.done() or (app.updater is not None and app.updater.running and app.running):
                break
            await asyncio.sleep(0.01)
        if task.done():
            task.result()  # raises what broke start-up
        yield app
    finally:
        stop.set()
        await asyncio.wait_for(task, timeout=15)


class Conversation:
    """The application without polling: the test decides when pending updates are handled."""

    def __init__(self, app: GempurApp) -> None:
        self.app = app
        self._offset = 0

    async def say(self, user: UserSession, text: str, count: int = 1) -> BotMessage:
        """`user` sends `text`; handles it; returns the last of the `count` replies."""
        await user.send(text)
        await self.deliver()
        return (await user.wait_for_reply(count))[-1]

    async def press(self, user: UserSession, button: str, count: int = 1) -> BotMessage:
        """`user` presses `button`; handles it; returns the last of the `count` new messages."""
        await user.press(button)
        await self.deliver()
        return (await user.wait_for_reply(count))[-1]

    async def deliver(self) -> list[Update]:
        """Handles every update waiting in the stub, in order; returns them."""
        updates = await self.app.bot.get_updates(offset=self._offset, timeout=0)
        for update in updates:
            self._offset = update.update_id + 1
            await self.app.process_update(update)
        return list(updates)


@contextlib.asynccontextmanager
async def conversation(
    cfg: AppConfig, clock: Clock | None = None, extra_forms: Sequence[FormSpec] = ()
) -> AsyncIterator[Conversation]:
    """An initialised, started application (job queue running) that does not poll."""
    app = build_application(cfg, clock=clock, extra_forms=extra_forms)
    try:
        async with app:
            await app.start()
            try:
                yield Conversation(app)
            finally:
                await app.stop()
    finally:
        await app.bot_data.services.dispose()

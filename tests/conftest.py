"""Fixtures shared by the conversations and end-to-end tiers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from telegram_stub import BotApiStub
from tests.helpers.bot import migrate, sqlite_url
from tests.helpers.clock import FrozenClock
from tests.helpers.driver import Driver


@pytest.fixture
async def stub() -> AsyncIterator[BotApiStub]:
    """The Bot API stand-in on a random loopback port."""
    async with BotApiStub() as running:
        yield running


@pytest.fixture
async def driver(stub: BotApiStub) -> AsyncIterator[Driver]:
    """Acts as Telegram users through the stub's control API."""
    async with Driver(stub.url) as running:
        yield running


@pytest.fixture
def clock() -> FrozenClock:
    """Monday 4 January 2027, 09:00 WIB, until a test moves it."""
    return FrozenClock()


@pytest.fixture
async def database_url(tmp_path: Path) -> str:
    """A migrated SQLite database of its own."""
    url = sqlite_url(tmp_path)
    await migrate(url)
    return url

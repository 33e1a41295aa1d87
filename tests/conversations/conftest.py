"""The conversations tier: the real application, fed the stub's updates when the test says so."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from config import AppConfig
from telegram_stub import BotApiStub
from tests.helpers.bot import Conversation, bot_config, conversation
from tests.helpers.clock import FrozenClock


@pytest.fixture
def cfg(stub: BotApiStub, database_url: str) -> AppConfig:
    """The bot's config pointing at the stub and a migrated SQLite database."""
    return bot_config(stub, database_url)


@pytest.fixture
async def conv(cfg: AppConfig, clock: FrozenClock) -> AsyncIterator[Conversation]:
    """The started application (job queue running), not polling."""
    async with conversation(cfg, clock) as running:
        yield running

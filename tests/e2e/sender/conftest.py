"""Fixtures of the sender's tests: a migrated database per backend, three users on the stub."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from storage.engine import create_engine, session_factory
from telegram_stub import BotApiStub, StubUser
from tests.helpers.db import delete_all_rows
from tests.helpers.outbox_kit import ANI, BUDI, CITRA, Factory, migrated_database


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A migrated database per module and backend."""
    with migrated_database(request.param, tmp_path_factory.mktemp("sender")) as url:
        yield url


@pytest.fixture
async def factory(database_url: str) -> AsyncIterator[Factory]:
    """Sessions on the emptied database."""
    engine = create_engine(database_url)
    try:
        await delete_all_rows(engine)
        yield session_factory(engine)
    finally:
        await engine.dispose()


@pytest.fixture
async def stub() -> AsyncIterator[BotApiStub]:
    """The stub with three users who have started the bot."""
    async with BotApiStub() as running:
        for user_id, name in ((ANI, "Ani"), (BUDI, "Budi"), (CITRA, "Citra")):
            running.add_user(StubUser(user_id, name))
        yield running

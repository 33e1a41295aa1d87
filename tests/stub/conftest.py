"""Fixtures for the stub's own tests: a running stub, a raw Bot API client, a PTB Bot, a driver."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import telegram

from telegram_stub import BotApiStub, StubUser
from tests.helpers.driver import Driver


class SteppingClock:
    """A monotonic clock the test moves by hand (for the flood limit)."""

    def __init__(self, start: float = 1_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class RawApi:
    """Calls the Bot API the way PTB does: form fields, non-strings JSON-encoded."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def call(
        self, method: str, files: dict[str, Any] | None = None, **params: Any
    ) -> httpx.Response:
        data = {k: v if isinstance(v, str) else json.dumps(v) for k, v in params.items()}
        return await self.client.post(f"/{method}", data=data, files=files)

    async def ok(self, method: str, files: dict[str, Any] | None = None, **params: Any) -> Any:
        response = await self.call(method, files, **params)
        body = response.json()
        assert response.status_code == 200, body
        assert body["ok"] is True
        return body["result"]

    async def error(
        self, method: str, files: dict[str, Any] | None = None, **params: Any
    ) -> tuple[int, str]:
        response = await self.call(method, files, **params)
        body = response.json()
        assert body["ok"] is False, body
        assert body["error_code"] == response.status_code
        return response.status_code, body["description"]


@pytest.fixture
def clock() -> SteppingClock:
    return SteppingClock()


@pytest.fixture
async def stub(clock: SteppingClock) -> AsyncIterator[BotApiStub]:
    async with BotApiStub(clock=clock) as running:
        yield running


@pytest.fixture
async def api(stub: BotApiStub) -> AsyncIterator[RawApi]:
    async with httpx.AsyncClient(base_url=stub.api_url, timeout=15) as client:
        yield RawApi(client)


@pytest.fixture
async def bot(stub: BotApiStub) -> AsyncIterator[telegram.Bot]:
    ptb_bot = telegram.Bot(
        stub.token, base_url=stub.bot_base_url, base_file_url=stub.file_base_url
    )
    async with ptb_bot:
        yield ptb_bot


@pytest.fixture
async def driver(stub: BotApiStub) -> AsyncIterator[Driver]:
    async with Driver(stub.url) as running:
        yield running


@pytest.fixture
def ani(stub: BotApiStub) -> StubUser:
    """A user who has started the bot (so her private chat exists)."""
    user = StubUser(1001, "Ani", username="ani", language_code="id")
    stub.add_user(user)
    return user


@pytest.fixture
def budi(stub: BotApiStub) -> StubUser:
    user = StubUser(1002, "Budi", language_code="id")
    stub.add_user(user)
    return user

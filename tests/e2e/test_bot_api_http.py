"""The aiohttp Bot API client does what PTB's own does: against the stand-in, a stuck server."""

from __future__ import annotations

import asyncio
import io
import json
import socket
from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from telegram import Bot, InputFile
from telegram.error import BadRequest, NetworkError, TimedOut
from telegram.request import RequestData
from telegram.request._requestparameter import RequestParameter

from runtime.bot_api_http import AiohttpRequest
from telegram_stub import BotApiStub
from tests.helpers.driver import Driver


async def test_plain_calls_files_and_telegram_errors_through_the_stand_in(
    stub: BotApiStub, driver: Driver
) -> None:
    ani = driver.user(4101, "Ani")
    request = AiohttpRequest(connections=2)
    bot = Bot(stub.token, base_url=stub.bot_base_url, request=request)
    async with bot:
        await ani.send("halo")  # the stand-in only writes to chats that wrote first
        sent = await bot.send_message(ani.id, 'KSU "Maju & Jaya" <Sejahtera>')
        assert sent.text == 'KSU "Maju & Jaya" <Sejahtera>'
        document = InputFile(io.BytesIO(b"a,b\n1,2\n"), filename="data.csv")
        uploaded = await bot.send_document(ani.id, document, caption="berkas")
        assert uploaded.document is not None
        assert uploaded.document.file_name == "data.csv"
        with pytest.raises(BadRequest):
            await bot.send_message(ani.id, "")  # Telegram's error comes back as PTB's
    calls = [call for call in stub.state.calls if call.method.lower() == "senddocument"]
    assert calls[-1].status == 200


class StuckServer:
    """Answers nothing until released; counts the requests that reached it."""

    def __init__(self) -> None:
        self.arrived = 0
        self.first_arrived = asyncio.Event()
        self.release = asyncio.Event()

    async def handle(self, request: web.Request) -> web.Response:
        self.arrived += 1
        self.first_arrived.set()
        await self.release.wait()
        return web.json_response({"ok": True, "result": True})


@pytest.fixture
async def stuck() -> AsyncIterator[tuple[StuckServer, str]]:
    server = StuckServer()
    app = web.Application()
    app.router.add_post("/{tail:.*}", server.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield server, f"http://127.0.0.1:{port}/botX/getMe"
    finally:
        server.release.set()
        await runner.cleanup()


def _data() -> RequestData:
    return RequestData([RequestParameter("chat_id", 1, None)])


async def test_a_request_without_a_free_connection_times_out_unsent(
    stuck: tuple[StuckServer, str],
) -> None:
    server, url = stuck
    async with AiohttpRequest(connections=1, pool_timeout=0.05) as request:
        first = asyncio.create_task(request.do_request(url, "POST", _data()))
        await server.first_arrived.wait()
        with pytest.raises(TimedOut, match="Pool timeout"):
            await request.do_request(url, "POST", _data())
        assert server.arrived == 1  # the second request never left
        server.release.set()
        status, body = await first
    assert status == 200
    assert json.loads(body) == {"ok": True, "result": True}


async def test_a_silent_server_is_a_timeout(stuck: tuple[StuckServer, str]) -> None:
    _, url = stuck
    async with AiohttpRequest(read_timeout=0.05) as request:
        with pytest.raises(TimedOut):
            await request.do_request(url, "POST", _data())


async def test_a_refused_connection_is_a_network_error() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    async with AiohttpRequest() as request:
        with pytest.raises(NetworkError, match="aiohttp"):
            await request.do_request(f"http://127.0.0.1:{port}/botX/getMe", "POST", _data())


async def test_requests_need_initialize() -> None:
    request = AiohttpRequest()
    with pytest.raises(RuntimeError, match="not initialized"):
        await request.do_request("http://127.0.0.1:9/botX/getMe", "POST", _data())

"""CPU per Bot API request: PTB's default client (httpx) versus ours (aiohttp), same server.

    .venv/bin/python bench/http_client.py [--requests 3000]

Both clients post the same sendMessage through PTB's `BaseRequest.post` to a minimal aiohttp
server on loopback in this process; the number is this process's CPU time per request, server
included (the same server for both, so the difference is the clients').
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

from aiohttp import web
from telegram.request import BaseRequest, HTTPXRequest, RequestData
from telegram.request._requestparameter import RequestParameter

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from runtime.bot_api_http import AiohttpRequest

ANSWER = {"ok": True, "result": {"message_id": 1, "date": 0, "chat": {"id": 1, "type": "private"}}}


async def _answer(request: web.Request) -> web.Response:
    await request.read()
    return web.json_response(ANSWER)


async def _cpu_per_request(request: BaseRequest, url: str, count: int) -> float:
    data = RequestData(
        [RequestParameter("chat_id", 1, None), RequestParameter("text", "Halo, Bu Ani", None)]
    )
    async with request:
        for _ in range(100):  # warm-up: connections open, caches filled
            await request.post(url, data)
        started = time.process_time()
        for _ in range(count):
            await request.post(url, data)
        return 1000 * (time.process_time() - started) / count


async def main() -> None:
    """Prints CPU milliseconds per request for both clients."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=3000)
    args = parser.parse_args()
    app = web.Application()
    app.router.add_post("/{tail:.*}", _answer)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    url = f"http://127.0.0.1:{runner.addresses[0][1]}/bot1:T/sendMessage"
    try:
        clients: list[tuple[str, BaseRequest]] = [
            ("httpx (PTB default)", HTTPXRequest(connection_pool_size=8)),
            ("aiohttp (Gempur)", AiohttpRequest(connections=8)),
        ]
        print("| client | CPU ms/request (server included) |\n|---|---|")
        for name, client in clients:
            print(f"| {name} | {await _cpu_per_request(client, url, args.requests):.3f} |")
    finally:
        await runner.cleanup()


if __name__ == "__main__":
    asyncio.run(main())

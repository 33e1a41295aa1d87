"""Runs the stub standalone: ``python -m telegram_stub --port 8081 [--token T]``."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging

from telegram_stub.server import DEFAULT_TOKEN, DEFAULT_USERNAME, BotApiStub


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m telegram_stub", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8081, help="port (0 picks a free one)")
    parser.add_argument("--token", default=DEFAULT_TOKEN, help="the one valid bot token")
    parser.add_argument("--username", default=DEFAULT_USERNAME, help="the bot's username")
    return parser.parse_args(argv)


async def _serve(args: argparse.Namespace) -> None:
    stub = BotApiStub(args.token, username=args.username, host=args.host, port=args.port)
    await stub.start()
    logging.getLogger("telegram_stub").info("%s", startup_line(stub))
    try:
        await asyncio.Event().wait()
    finally:
        await stub.stop()


def startup_line(stub: BotApiStub) -> str:
    """Where the stand-in listens and what a bot must be given to use it: it serves one token
    only, so the line names it (a fixed test token, not a secret) with the two base URLs."""
    return (
        f"Bot API stand-in on {stub.url} (control API {stub.control_url}); it accepts only "
        f"this token. Run the bot with: GEMPUR_TELEGRAM_BASE_URL={stub.bot_base_url} "
        f"GEMPUR_TELEGRAM_BASE_FILE_URL={stub.file_base_url} GEMPUR_TELEGRAM_TOKEN={stub.token}"
    )


def main(argv: list[str] | None = None) -> None:
    """Serves until interrupted."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(_parse_args(argv)))


if __name__ == "__main__":
    main()

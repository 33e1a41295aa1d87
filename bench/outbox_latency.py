"""Commit → sendMessage at the stand-in, for interactive outbox rows queued by many chats.

    .venv/bin/python bench/outbox_latency.py [--chats 50] [--rows 10] [--gap 5] [--no-wake]
        [--postgres ADMIN_URL]

Each of `--chats` tasks commits `--rows` interactive rows (a note to another person), one every
`--gap` seconds on average (uniform between half and one and a half times it, never below the
per-chat interval the sender keeps anyway), through the bot's own session factory and outbox
doorbell. The leader's paced sender (production settings, the bot's aiohttp client) sends them
to telegram_stub, which runs in this process too. Latency is from the commit returning to the
stand-in receiving the sendMessage. `--no-wake` leaves the doorbell without a listener: the
rows wait for the sender's one-second poll (the behaviour before the doorbell).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import telegram  # noqa: E402
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker  # noqa: E402

from config import DeliveryConfig  # noqa: E402
from domain.delivery import PRIORITY_INTERACTIVE  # noqa: E402
from runtime.bot_api_http import AiohttpRequest  # noqa: E402
from runtime.clock import SystemClock  # noqa: E402
from services.outbox import OutboxSender, PtbBotApi, enqueue_message  # noqa: E402
from storage.engine import create_engine, session_factory  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.outbox_doorbell import OutboxDoorbell  # noqa: E402
from storage.uow import UnitOfWork  # noqa: E402
from telegram_stub import BotApiStub, RecordedCall, StubUser  # noqa: E402
from tests.helpers.db import create_temp_pg_database, drop_database  # noqa: E402

FIRST_CHAT = 200_000


class Arrivals:
    """When each text reached the stand-in (perf_counter), by text."""

    def __init__(self) -> None:
        self.at: dict[str, float] = {}
        self.all_in = asyncio.Event()
        self.expected = 0

    def __call__(self, call: RecordedCall) -> None:
        if call.method.lower() == "sendmessage" and call.status == 200:
            self.at[str(call.params["text"])] = time.perf_counter()
            if len(self.at) >= self.expected:
                self.all_in.set()


async def _chat(
    sessions: async_sessionmaker[AsyncSession],
    chat_id: int,
    rows: int,
    gap: float,
    committed: dict[str, float],
) -> None:
    """Commits this chat's rows, noting when each commit returned."""
    clock = SystemClock()
    rng = random.Random(chat_id)
    await asyncio.sleep(rng.uniform(0, gap))  # chats start spread out, as people do
    for n in range(rows):
        text = f"pesan {chat_id} {n}"
        async with UnitOfWork(sessions) as uow:
            await enqueue_message(
                uow,
                key=f"bench:{chat_id}:{n}",
                chat_id=chat_id,
                text=text,
                priority=PRIORITY_INTERACTIVE,
                kind="note",
                now=clock.now(),
            )
            await uow.commit()
            committed[text] = time.perf_counter()
        await asyncio.sleep(max(1.1, rng.uniform(0.5 * gap, 1.5 * gap)))


async def measure(url: str, chats: int, rows: int, gap: float, *, wake: bool) -> list[float]:
    """Runs the chats and the sender; returns every row's latency in seconds."""
    async with BotApiStub() as stub:
        arrivals = Arrivals()
        arrivals.expected = chats * rows
        stub.state.observers.append(arrivals)
        chat_ids = [FIRST_CHAT + i for i in range(chats)]
        for chat_id in chat_ids:
            stub.add_user(StubUser(chat_id, f"Pengguna {chat_id}"))
        engine = create_engine(url)
        doorbell = OutboxDoorbell()
        sessions = session_factory(engine, outbox_doorbell=doorbell)
        bot = telegram.Bot(
            stub.token,
            base_url=stub.bot_base_url,
            base_file_url=stub.file_base_url,
            request=AiohttpRequest(connections=8),
        )
        try:
            async with bot:
                sender = OutboxSender(
                    sessions,
                    PtbBotApi(bot),
                    SystemClock(),
                    DeliveryConfig(),
                    ZoneInfo("Asia/Jakarta"),
                    "bench",
                )
                if wake:
                    doorbell.install(sender.wake)
                stop = asyncio.Event()
                sending = asyncio.create_task(sender.run(stop))
                committed: dict[str, float] = {}
                await asyncio.gather(*(_chat(sessions, c, rows, gap, committed) for c in chat_ids))
                await asyncio.wait_for(arrivals.all_in.wait(), timeout=60)
                stop.set()
                await sending
        finally:
            await engine.dispose()
    return [arrivals.at[text] - at for text, at in committed.items()]


def _percentile(ordered: list[float], q: float) -> float:
    return 1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def main() -> None:
    """Measures and prints one Markdown table row."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chats", type=int, default=50)
    parser.add_argument("--rows", type=int, default=10, help="rows each chat commits")
    parser.add_argument("--gap", type=float, default=5.0, help="mean seconds between a chat's")
    parser.add_argument("--no-wake", action="store_true", help="rows wait for the poll")
    parser.add_argument("--postgres", metavar="ADMIN_URL", help="a fresh PostgreSQL database")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        url = f"sqlite+aiosqlite:///{Path(directory) / 'bench.db'}"
        if args.postgres:
            url = await create_temp_pg_database(args.postgres)
        try:
            await asyncio.to_thread(upgrade, url)  # Alembic runs its own event loop
            latencies = await measure(url, args.chats, args.rows, args.gap, wake=not args.no_wake)
        finally:
            if args.postgres:
                await drop_database(args.postgres, url)
    ordered = sorted(latencies)
    database = "PostgreSQL" if args.postgres else "SQLite"
    print(
        f"{args.chats} chats x {args.rows} rows, a row per chat every ~{args.gap:g} s, {database}"
    )
    print("| sender | rows | p50 ms | p95 ms | p99 ms | max ms |")
    print("|---|---|---|---|---|---|")
    print(
        f"| {'poll only' if args.no_wake else 'woken by the commit'} | {len(ordered)} | "
        f"{_percentile(ordered, 0.5):.1f} | {_percentile(ordered, 0.95):.1f} | "
        f"{_percentile(ordered, 0.99):.1f} | {1000 * ordered[-1]:.1f} |"
    )


if __name__ == "__main__":
    asyncio.run(main())

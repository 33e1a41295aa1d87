"""A board's /lapor item round versus a bare PTB echo bot, in the same run.

    .venv/bin/python bench/lapor_round.py [--boards 50] [--rounds 12] [--postgres ADMIN_URL]

Each of `--boards` board members (one cooperative each, all with a current RAT cycle and the
same officer) repeats the round of issue 10: open the menu (`/lapor`), choose an item (the
*Undangan terkirim* button), answer (a date, alternating between two days so that every round
really changes the cycle), and see the card (the bot's "Tersimpan" with the status card
below it, one message; until 2026-12-05 two messages, the card second). Each
change also recomputes the cooperative and queues the officer's batched note in the outbox.
The echo bot answers three texts per round. Latency of an update: from injecting it to the
bot's reply reaching the stand-in — for the answer, the message with the card. The bot
reads the system clock: the current cycle is the latest closed fiscal year.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from throughput import Launcher, Result, _cpu_seconds, _echo, _gempur  # noqa: E402

from config import RatConfig  # noqa: E402
from domain.access import Role  # noqa: E402
from domain.callbacks import LaporButton  # noqa: E402
from services.rat_recompute import recompute_koperasi  # noqa: E402
from storage.engine import create_engine, session_factory  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.uow import UnitOfWork  # noqa: E402
from telegram_stub import BotApiStub, StubUser  # noqa: E402
from telegram_stub.models import RecordedCall  # noqa: E402
from tests.helpers.db import create_temp_pg_database, drop_database  # noqa: E402
from tests.helpers.seed import NOW, add_board_member, add_koperasi, add_person  # noqa: E402

WIB = ZoneInfo("Asia/Jakarta")
FIRST_BOARD = 200_000
OFFICER = 199_999
STEPS = ("menu", "item", "answer")


@dataclass
class Replies:
    """Counts each chat's sendMessage calls and wakes its user."""

    counts: dict[int, int] = field(default_factory=dict)
    events: dict[int, asyncio.Event] = field(default_factory=dict)

    def __call__(self, call: RecordedCall) -> None:
        if call.method.lower() == "sendmessage" and call.status == 200:
            chat = int(call.params["chat_id"])
            self.counts[chat] = self.counts.get(chat, 0) + 1
            event = self.events.get(chat)
            if event is not None:
                event.set()

    async def wait(self, chat: int, target: int) -> None:
        """Until the chat has had `target` messages."""
        event = self.events.setdefault(chat, asyncio.Event())
        while self.counts.get(chat, 0) < target:
            event.clear()
            if self.counts.get(chat, 0) >= target:
                return
            await asyncio.wait_for(event.wait(), timeout=30)


async def _seed(database_url: str, boards: int, today: date) -> dict[int, int]:
    """One cooperative per board member, formed in 2020, current cycle recomputed for today;
    one officer for all. Returns each board member's cooperative id."""
    policy = RatConfig().policy()
    engine = create_engine(database_url)
    ids = {}
    try:
        async with UnitOfWork(session_factory(engine)) as uow:
            officer = await add_person(uow, OFFICER, "Petugas", roles=[Role.PETUGAS])
            for index in range(boards):
                made = await add_koperasi(
                    uow,
                    f"Koperasi {index}",
                    petugas_id=officer.id,
                    bentuk="primer",
                    tgl_badan_hukum=date(2020, 1, 1),
                )
                await recompute_koperasi(uow, made.id, policy, today, now=NOW)
                person = await add_person(uow, FIRST_BOARD + index, f"Pengurus {index}")
                await add_board_member(uow, person, made.id)
                ids[FIRST_BOARD + index] = made.id
            await uow.commit()
    finally:
        await engine.dispose()
    return ids


async def _board(
    stub: BotApiStub,
    replies: Replies,
    user: StubUser,
    koperasi_id: int | None,
    rounds: int,
    days: tuple[str, str],
    first: int = 0,
) -> list[tuple[str, float]]:
    """(step, latency) of each update of this board member's rounds (echo: koperasi_id None);
    the answer alternates between the two days from `days[first]`."""
    latencies = []
    data = LaporButton(koperasi_id, "invite").encode() if koperasi_id is not None else ""
    for round_number in range(rounds):
        day = days[(first + round_number) % 2]
        for step in STEPS:
            expected = replies.counts.get(user.id, 0) + 1
            started = time.perf_counter()
            if step == "menu":
                stub.inject_message(user, "/lapor")
            elif step == "item" and koperasi_id is not None:
                stub.press(user, data=data)
            else:
                # Gempur answers with one message: "Tersimpan" with the card below it.
                stub.inject_message(user, day if step == "answer" else "Undangan terkirim")
            await replies.wait(user.id, expected)
            latencies.append((step, time.perf_counter() - started))
    return latencies


async def _measure(
    name: str,
    launch: Launcher,
    boards: int,
    rounds: int,
    koperasi: dict[int, int] | None,
    days: tuple[str, str],
) -> Result:
    async with BotApiStub() as stub:
        replies = Replies()
        stub.state.observers.append(replies)
        people = [
            StubUser(FIRST_BOARD + i, f"Pengurus {i}", language_code="id") for i in range(boards)
        ]
        for person in people:
            stub.add_user(person)
        stub.add_user(StubUser(OFFICER, "Petugas", language_code="id"))
        argv, env = launch(stub)
        log = (
            Path(tempfile.gettempdir()) / f"bench-lapor-{name.split(maxsplit=1)[0].lower()}.log"
        ).open("wb")
        process = await asyncio.create_subprocess_exec(
            *argv,
            cwd=ROOT,
            env={**os.environ, **env},
            stdout=asyncio.subprocess.DEVNULL,
            stderr=log,
        )

        def kid(person: StubUser) -> int | None:
            return koperasi[person.id] if koperasi is not None else None

        try:
            # Warm-up: the bot is polling (the first board's first round, its terms explained).
            await _board(stub, replies, people[0], kid(people[0]), 1, days, first=1)
            cpu_before = _cpu_seconds(process.pid)
            started = time.perf_counter()
            results = await asyncio.gather(
                *(_board(stub, replies, p, kid(p), rounds, days) for p in people)
            )
            seconds = time.perf_counter() - started
            cpu = _cpu_seconds(process.pid) - cpu_before
        finally:
            process.terminate()
            await process.wait()
            log.close()
    latencies = [latency for user in results for _, latency in user]
    by_step: dict[str, list[float]] = {}
    for user in results:
        for step, latency in user:
            by_step.setdefault(step, []).append(latency)
    return Result(name, len(latencies), seconds, latencies, cpu, by_step)


async def main() -> None:
    """Measures both bots and prints the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--boards", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=12)
    parser.add_argument(
        "--postgres",
        metavar="ADMIN_URL",
        help="run Gempur on a fresh PostgreSQL database created through this URL "
        "(e.g. postgresql+asyncpg://postgres@127.0.0.1:5432/test) instead of SQLite",
    )
    args = parser.parse_args()
    today = datetime.now(WIB).date()
    days = (f"{today - timedelta(days=3):%d-%m-%Y}", f"{today - timedelta(days=4):%d-%m-%Y}")
    with tempfile.TemporaryDirectory() as directory:
        database_url = f"sqlite+aiosqlite:///{Path(directory) / 'bench.db'}"
        if args.postgres:
            database_url = await create_temp_pg_database(args.postgres)
        try:
            await asyncio.to_thread(upgrade, database_url)  # Alembic runs its own event loop
            koperasi = await _seed(database_url, args.boards, today)
            echo = await _measure("PTB echo bot", _echo, args.boards, args.rounds, None, days)
            ours = await _measure(
                "Gempur", _gempur(database_url), args.boards, args.rounds, koperasi, days
            )
        finally:
            if args.postgres:
                await drop_database(args.postgres, database_url)
    database = "PostgreSQL" if args.postgres else "SQLite"
    rounds = args.boards * args.rounds
    print(f"{args.boards} boards x {args.rounds} rounds x {len(STEPS)} updates, {database}\n")
    print(
        "| bot | updates | updates/s | rounds/s | p50 ms | p95 ms | p99 ms | bot CPU ms/update |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for result in (echo, ours):
        print(
            f"| {result.name} | {result.updates} | {result.rate:.1f} | "
            f"{rounds / result.seconds:.1f} | {result.percentile(0.5):.1f} | "
            f"{result.percentile(0.95):.1f} | {result.percentile(0.99):.1f} | "
            f"{1000 * result.cpu_seconds / result.updates:.2f} |"
        )
    print(
        "\np50 / p95 ms per step: "
        + "; ".join(
            f"{result.name} "
            + ", ".join(
                f"{step} {result.percentile(0.5, step):.0f}/{result.percentile(0.95, step):.0f}"
                for step in STEPS
            )
            for result in (echo, ours)
        )
    )
    print(
        f"\nthroughput ratio (Gempur / echo): {ours.rate / echo.rate:.2f} (target >= 0.7)\n"
        f"p95 ratio (Gempur / echo): {ours.percentile(0.95) / echo.percentile(0.95):.2f}"
        " (target <= 2)"
    )


if __name__ == "__main__":
    asyncio.run(main())

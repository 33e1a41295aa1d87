"""Updates per second and reply latency: Gempur versus a bare PTB echo bot, in the same run.

    .venv/bin/python bench/throughput.py [--users 50] [--rounds 10]

Each simulated user repeats /bahasa → its number → /bantuan (the echo bot answers the same
texts). The Bot API stand-in and the users run in this process; each bot runs in its own
process, as in production. Latency is from injecting an update to the bot's sendMessage
reaching the stand-in. Results are printed as a Markdown table row per bot plus the ratios.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from storage.migrate import upgrade  # noqa: E402
from telegram_stub import BotApiStub, StubUser  # noqa: E402
from telegram_stub.models import RecordedCall  # noqa: E402
from tests.helpers.db import create_temp_pg_database, drop_database  # noqa: E402

SCRIPTS = {
    "bahasa": ("/bahasa", "{choice}", "/bantuan"),  # the reference flow: a form, a write, a read
    "bantuan": ("/bantuan",),  # the fixed cost of an update: the gate and one reply
}


@dataclass(frozen=True)
class Result:
    """One bot's numbers."""

    name: str
    updates: int
    seconds: float
    latencies: list[float]
    cpu_seconds: float
    by_step: dict[str, list[float]]

    @property
    def rate(self) -> float:
        """Updates handled per second."""
        return self.updates / self.seconds

    def percentile(self, q: float, step: str | None = None) -> float:
        """A latency percentile in milliseconds (of one step of the script, if given)."""
        ordered = sorted(self.latencies if step is None else self.by_step[step])
        return 1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))]


class Replies:
    """Wakes the user whose chat just got a sendMessage."""

    def __init__(self) -> None:
        self.events: dict[int, asyncio.Event] = {}

    def __call__(self, call: RecordedCall) -> None:
        if call.method.lower() == "sendmessage" and call.status == 200:
            event = self.events.get(int(call.params["chat_id"]))
            if event is not None:
                event.set()


async def _user(
    stub: BotApiStub, replies: Replies, user: StubUser, rounds: int, script: tuple[str, ...]
) -> list[tuple[str, float]]:
    """(step of the script, latency) of each update this user sent."""
    latencies = []
    event = replies.events.setdefault(user.id, asyncio.Event())
    for round_number in range(rounds):
        for template in script:
            text = template.format(choice=1 + round_number % 2)
            event.clear()
            started = time.perf_counter()
            stub.inject_message(user, text)
            await asyncio.wait_for(event.wait(), timeout=30)
            latencies.append((template, time.perf_counter() - started))
    return latencies


Launcher = Callable[[BotApiStub], tuple[list[str], dict[str, str]]]


async def _measure(
    name: str, launch: Launcher, users: int, rounds: int, script: tuple[str, ...]
) -> Result:
    async with BotApiStub() as stub:
        replies = Replies()
        stub.state.observers.append(replies)
        people = [StubUser(100_000 + i, f"Pengguna {i}", language_code="id") for i in range(users)]
        for person in people:
            stub.add_user(person)
        argv, env = launch(stub)
        # The bot's log, to look at after a run (warnings and errors only by default).
        log_name = f"bench-{name.split(maxsplit=1)[0].lower()}.log"
        log = (Path(tempfile.gettempdir()) / log_name).open("wb")
        process = await asyncio.create_subprocess_exec(
            *argv,
            cwd=ROOT,
            env={**os.environ, **env},
            stdout=asyncio.subprocess.DEVNULL,
            stderr=log,
        )
        try:
            await _user(stub, replies, people[0], 1, script)  # warm-up: the bot is polling
            cpu_before = _cpu_seconds(process.pid)
            started = time.perf_counter()
            results = await asyncio.gather(
                *(_user(stub, replies, p, rounds, script) for p in people)
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


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _gempur(database_url: str) -> Launcher:
    """`python bot.py run` on a migrated SQLite file, pointed at the stand-in."""

    def launch(stub: BotApiStub) -> tuple[list[str], dict[str, str]]:
        env = {
            "GEMPUR_TELEGRAM_TOKEN": stub.token,
            "GEMPUR_TELEGRAM_BASE_URL": stub.bot_base_url,
            "GEMPUR_TELEGRAM_BASE_FILE_URL": stub.file_base_url,
            "GEMPUR_DATABASE_URL": database_url,
        }
        argv = [sys.executable, "bot.py", "run", "--config", "config.example.toml"]
        if os.environ.get("BENCH_PROFILE"):  # e.g. BENCH_PROFILE=/tmp/gempur.prof (cProfile)
            argv[1:1] = ["-m", "cProfile", "-o", os.environ["BENCH_PROFILE"]]
        return argv, env

    return launch


def _echo(stub: BotApiStub) -> tuple[list[str], dict[str, str]]:
    return [sys.executable, "bench/echo_bot.py", stub.url, stub.token], {}


async def main() -> None:
    """Measures both bots and prints the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument(
        "--script",
        choices=sorted(SCRIPTS),
        default="bahasa",
        help="what each user repeats: the reference flow (default) or /bantuan alone",
    )
    parser.add_argument(
        "--postgres",
        metavar="ADMIN_URL",
        help="run Gempur on a fresh PostgreSQL database created through this URL "
        "(e.g. postgresql+asyncpg://postgres@127.0.0.1:5432/test) instead of SQLite",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        database_url = f"sqlite+aiosqlite:///{Path(directory) / 'bench.db'}"
        if args.postgres:
            database_url = await create_temp_pg_database(args.postgres)
        await asyncio.to_thread(upgrade, database_url)  # Alembic runs its own event loop
        script = SCRIPTS[args.script]
        echo = await _measure("PTB echo bot", _echo, args.users, args.rounds, script)
        try:
            ours = await _measure("Gempur", _gempur(database_url), args.users, args.rounds, script)
        finally:
            if args.postgres:
                await drop_database(args.postgres, database_url)
    database = "PostgreSQL" if args.postgres else "SQLite"
    print(f"{args.users} users x {args.rounds} rounds x {len(script)} updates, {database}\n")
    print("| bot | updates | updates/s | p50 ms | p95 ms | p99 ms | bot CPU ms/update |")
    print("|---|---|---|---|---|---|---|")
    for result in (echo, ours):
        print(
            f"| {result.name} | {result.updates} | {result.rate:.1f} | "
            f"{result.percentile(0.5):.1f} | {result.percentile(0.95):.1f} | "
            f"{result.percentile(0.99):.1f} | {1000 * result.cpu_seconds / result.updates:.2f} |"
        )
    print(
        "\np50 / p95 ms per step: "
        + "; ".join(
            f"{result.name} "
            + ", ".join(
                f"{step} {result.percentile(0.5, step):.0f}/{result.percentile(0.95, step):.0f}"
                for step in script
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

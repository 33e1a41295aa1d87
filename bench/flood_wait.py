"""A burst from one chat under Telegram's 429: what that chat gets, and how long others wait.

    .venv/bin/python bench/flood_wait.py [--burst 200] [--retry-after 5 | --flood 20]
        [--bot-root PATH]

One person sends `--burst` messages at once while the stand-in answers the first reply to
their chat with 429 "retry after N" (or, with `--flood N`, answers 429 to any chat sent more
than N messages within a second, as Telegram's flood control does); a second person sends
/bantuan every 100 ms throughout, and the time from injecting it to the bot's answer is
recorded. The bot runs as its own process (`python bot.py run`, config.example.toml, INFO
logging) on a fresh SQLite file.
`--bot-root` runs another checkout's bot.py (e.g. the commit before a change) for comparison.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from storage.migrate import upgrade  # noqa: E402
from telegram_stub import BotApiStub, StubUser  # noqa: E402
from telegram_stub.models import RecordedCall  # noqa: E402

BURSTER = StubUser(200_001, "Rina", language_code="id")
OTHER = StubUser(200_002, "Tono", language_code="id")
QUIET_SECONDS = 3.0  # after the wait: no more sends to the bursting chat for this long


class Answers:
    """Wakes the other person's probe when the bot answers their chat."""

    def __init__(self) -> None:
        self.other = asyncio.Event()

    def __call__(self, call: RecordedCall) -> None:
        answered = call.method.lower() == "sendmessage" and call.status == 200
        if answered and int(call.params["chat_id"]) == OTHER.id:
            self.other.set()


async def _probe(stub: BotApiStub, answers: Answers, until: float) -> list[float]:
    """The other person's /bantuan every 100 ms until `until` (at least once): latencies in
    seconds."""
    latencies: list[float] = []
    while not latencies or time.perf_counter() < until:
        answers.other.clear()
        started = time.perf_counter()
        stub.inject_message(OTHER, "/bantuan")
        await asyncio.wait_for(answers.other.wait(), timeout=60)
        latencies.append(time.perf_counter() - started)
        await asyncio.sleep(0.1)
    return latencies


async def _quiet(stub: BotApiStub, wait_over: float) -> None:
    """Waits until the wait is over and nothing went to the bursting chat for QUIET_SECONDS."""
    await asyncio.sleep(max(wait_over - time.perf_counter(), 0.0))
    while True:
        calls = [c for c in stub.calls("sendMessage") if c.params.get("chat_id") == BURSTER.id]
        last = calls[-1].timestamp if calls else 0.0
        if time.time() - last > QUIET_SECONDS:
            return
        await asyncio.sleep(0.2)


async def run(
    burst: int, retry_after: int, flood: int | None, bot_root: Path, database_url: str
) -> None:
    """Runs the scenario once and prints what happened."""
    log_path = Path(tempfile.gettempdir()) / "bench-flood-wait.log"
    async with BotApiStub() as stub:
        answers = Answers()
        stub.state.observers.append(answers)
        for user in (BURSTER, OTHER):
            stub.add_user(user)
        env = {
            "GEMPUR_TELEGRAM_TOKEN": stub.token,
            "GEMPUR_TELEGRAM_BASE_URL": stub.bot_base_url,
            "GEMPUR_TELEGRAM_BASE_FILE_URL": stub.file_base_url,
            "GEMPUR_DATABASE_URL": database_url,
        }
        argv = [sys.executable, "bot.py", "run", "--config", str(ROOT / "config.example.toml")]
        with log_path.open("wb") as log:
            process = await asyncio.create_subprocess_exec(
                *argv, cwd=bot_root, env={**os.environ, **env},
                stdout=asyncio.subprocess.DEVNULL, stderr=log,
            )  # fmt: skip
            try:
                await _probe(stub, answers, 0.0)  # warm-up: the bot is up and polling
                if flood:
                    stub.set_flood_limit(global_per_second=1000, per_chat_per_second=flood)
                else:
                    stub.rate_limit(
                        retry_after, chat_id=BURSTER.id, count=1, methods=["sendMessage"]
                    )
                started = time.perf_counter()
                for number in range(burst):
                    stub.inject_message(BURSTER, f"halo {number}")
                latencies = await _probe(stub, answers, started + retry_after + 2)
                await _quiet(stub, started + retry_after)
            finally:
                process.terminate()
                await process.wait()
    _report(stub, latencies, log_path.read_text(encoding="utf-8", errors="replace"))


def _report(stub: BotApiStub, latencies: list[float], log: str) -> None:
    to_burster = [c for c in stub.calls("sendMessage") if c.params.get("chat_id") == BURSTER.id]
    refused = sum(1 for c in to_burster if c.status == 429)
    delivered = [c for c in to_burster if c.status == 200]
    hints = sum(1 for c in delivered if "belum paham" in str(c.params.get("text")))
    ordered = sorted(latencies)
    lines = log.splitlines()
    print("| sends to the bursting chat | refused (429) | delivered | of which hints |")
    print("|---|---|---|---|")
    print(f"| {len(to_burster)} | {refused} | {len(delivered)} | {hints} |\n")
    print("| other chat's /bantuan | count | p50 ms | p95 ms | max ms |")
    print("|---|---|---|---|---|")
    print(
        f"| during and after the wait | {len(ordered)} | {1000 * ordered[len(ordered) // 2]:.0f}"
        f" | {1000 * ordered[int(0.95 * (len(ordered) - 1))]:.0f} | {1000 * ordered[-1]:.0f} |\n"
    )
    errors = sum(1 for line in lines if " ERROR " in line)
    print(f"log: {len(log.encode())} bytes, {len(lines)} lines, {errors} ERROR lines")


def main() -> None:
    """Parses the options and runs the scenario on a fresh SQLite file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--burst", type=int, default=200)
    parser.add_argument("--retry-after", type=int, default=5)
    parser.add_argument("--flood", type=int, metavar="N", help="per-chat flood limit (sends/s)")
    parser.add_argument("--bot-root", type=Path, default=ROOT)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        database_url = f"sqlite+aiosqlite:///{Path(directory) / 'bench.db'}"
        upgrade(database_url)
        asyncio.run(run(args.burst, args.retry_after, args.flood, args.bot_root, database_url))


if __name__ == "__main__":
    main()

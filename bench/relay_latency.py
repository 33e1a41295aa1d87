"""Board → officer relay: from a board's message reaching the bot to its copy reaching the officer.

    .venv/bin/python bench/relay_latency.py [--pairs 50] [--messages 10] [--gap 3]
        [--postgres ADMIN_URL] [--max-in-flight N] [--profile PATH]

`--pairs` cooperatives, each with its own officer and one board member, talk at once: each
board (starting at a random moment within the first `--gap`) opens /hubungi, picks a topic and
sends `--messages` texts, one every `--gap` seconds on average (uniform between half and one and
a half times it). `python bot.py run` (production
settings) polls telegram_stub, which runs in this process; latency is from injecting the
board's update to the stand-in receiving the officer's copy (a copyMessage, or for the message
that opens a wait the sendMessage that carries it under the header card). The first message of
each conversation meets the start-up burst: reported separately. Checked: nothing lost, nothing
copied twice, each officer's copies in the order the board sent them. Then, from the outbox
rows: how long rows waited to be claimed and to be sent, the deepest queue, the sender's rounds.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import os
import random
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from domain.access import Role  # noqa: E402
from storage.engine import create_engine, session_factory  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.tables import Koperasi, Outbox  # noqa: E402
from storage.uow import UnitOfWork  # noqa: E402
from telegram_stub import BotApiStub, RecordedCall, StubUser  # noqa: E402
from tests.helpers.db import create_temp_pg_database, drop_database  # noqa: E402

BOARD_BASE, OFFICER_BASE = 300_000, 400_000
NOW = datetime.now(UTC)
HTTP_OK = 200
# The first two messages of every board meet the burst of 50 conversations opening at once.
STEADY_FROM = 2


class Copies:
    """When each board message's copy reached the stand-in, and in which order per officer."""

    def __init__(self) -> None:
        self.at: dict[tuple[int, int], float] = {}
        self.count: Counter[tuple[int, int]] = Counter()
        self.order: dict[int, list[int]] = {}
        self.replies: dict[int, asyncio.Event] = {}
        # The acknowledgements ("✓ Terkirim ke …") each board got, when: the update was handled.
        self.acks: dict[int, list[float]] = {}
        self.expected = 0
        self.all_in = asyncio.Event()
        # The bot polls: it has started (imports, database checks, the sender's recovery).
        self.polling = asyncio.Event()
        # A text that opens a wait reaches the officer inside the header card's sendMessage:
        # it is recognised by its words (board chat id, message id by the text sent).
        self.texts: dict[str, tuple[int, int]] = {}

    def __call__(self, call: RecordedCall) -> None:
        if call.status != HTTP_OK:
            return
        method, params = call.method.lower(), call.params
        if method == "getupdates":
            self.polling.set()
        if method == "copymessage":
            self._copied(
                int(params["chat_id"]), (int(params["from_chat_id"]), int(params["message_id"]))
            )
        elif method == "sendmessage":
            text = str(params.get("text", ""))
            key = self.texts.get(text.rsplit("\n", 1)[-1])
            if key is not None and int(params["chat_id"]) >= OFFICER_BASE:
                self._copied(int(params["chat_id"]), key)
            if str(params.get("text", "")).startswith("✓"):
                self.acks.setdefault(int(params["chat_id"]), []).append(time.perf_counter())
            event = self.replies.get(int(params["chat_id"]))
            if event is not None:
                event.set()

    def _copied(self, chat_id: int, key: tuple[int, int]) -> None:
        self.at.setdefault(key, time.perf_counter())
        self.count[key] += 1
        self.order.setdefault(chat_id, []).append(key[1])
        if len(self.at) >= self.expected:
            self.all_in.set()


async def _seed(database_url: str, pairs: int) -> None:
    """One cooperative per pair, with its officer and one board member."""
    engine = create_engine(database_url)
    try:
        async with UnitOfWork(session_factory(engine)) as uow:
            for n in range(pairs):
                officer = await uow.people.add(
                    telegram_user_id=OFFICER_BASE + n, full_name=f"Petugas {n}", now=NOW
                )
                await uow.roles.grant(officer.id, Role.PETUGAS.value, now=NOW)
                koperasi = await uow.koperasi.add(
                    Koperasi(
                        nama=f"Koperasi {n}", petugas_id=officer.id, created_at=NOW, updated_at=NOW
                    )
                )
                board = await uow.people.add(
                    telegram_user_id=BOARD_BASE + n, full_name=f"Pengurus {n}", now=NOW
                )
                await uow.roles.grant(
                    board.id, Role.PENGURUS.value, koperasi_id=koperasi.id, now=NOW
                )
            await uow.commit()
    finally:
        await engine.dispose()


async def _answer(copies: Copies, chat_id: int) -> None:
    """Waits for the bot's next message in the chat."""
    event = copies.replies[chat_id]
    await asyncio.wait_for(event.wait(), timeout=60)
    event.clear()


async def _board(
    stub: BotApiStub, copies: Copies, user: StubUser, messages: int, gap: float
) -> list[tuple[int, int, float]]:
    """Opens the session and sends the messages: (message id, index, injected at)."""
    rng = random.Random(user.id)
    # People do not all press at the same instant: starts spread over one gap.
    await asyncio.sleep(rng.uniform(0, gap))
    copies.replies[user.id] = asyncio.Event()
    stub.inject_message(user, "/hubungi")
    await _answer(copies, user.id)
    stub.press(user, "Lainnya")
    await _answer(copies, user.id)
    sent = []
    for index in range(messages):
        started = time.perf_counter()
        text = f"Pesan {index} dari {user.id}"
        injected = stub.inject_message(user, text)
        assert injected.message_id is not None  # noqa: S101 - a message always has one
        copies.texts[text] = (user.id, injected.message_id)
        sent.append((injected.message_id, index, started))
        await asyncio.sleep(rng.uniform(0.5 * gap, 1.5 * gap))
    return sent


def _config(directory: str, max_in_flight: int | None) -> str:
    """config.example.toml, with `[delivery] max_in_flight` changed if asked."""
    text = (ROOT / "config.example.toml").read_text(encoding="utf-8")
    if max_in_flight is not None:
        text = text.replace("max_in_flight = 4", f"max_in_flight = {max_in_flight}")
    path = Path(directory) / "bench-config.toml"
    path.write_text(text, encoding="utf-8")
    return str(path)


async def _run(
    database_url: str, config: str, pairs: int, messages: int, gap: float, profile: str | None
) -> None:
    async with BotApiStub() as stub:
        copies = Copies()
        copies.expected = pairs * messages
        stub.state.observers.append(copies)
        boards = [
            StubUser(BOARD_BASE + n, f"Pengurus {n}", language_code="id") for n in range(pairs)
        ]
        for n in range(pairs):
            stub.add_user(boards[n])
            stub.add_user(StubUser(OFFICER_BASE + n, f"Petugas {n}", language_code="id"))
        env = {
            **os.environ,
            "GEMPUR_TELEGRAM_TOKEN": stub.token,
            "GEMPUR_TELEGRAM_BASE_URL": stub.bot_base_url,
            "GEMPUR_TELEGRAM_BASE_FILE_URL": stub.file_base_url,
            "GEMPUR_DATABASE_URL": database_url,
        }
        log = (Path(tempfile.gettempdir()) / "bench-relay.log").open("wb")
        profiler = ["-m", "cProfile", "-o", profile] if profile else []
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            *profiler,
            "bot.py",
            "run",
            "--config",
            config,
            cwd=ROOT,
            env=env,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=log,
        )
        load_before = os.getloadavg()[0]
        try:
            # The bot's start-up (imports, database checks) is not the relay's cost: the boards
            # begin once it polls, as in production, where it has been running for a while.
            await asyncio.wait_for(copies.polling.wait(), timeout=60)
            await asyncio.sleep(1)
            load_before = os.getloadavg()[0]
            cpu_before = _cpu_seconds(process.pid)
            sent = await asyncio.gather(*(_board(stub, copies, b, messages, gap) for b in boards))
            with contextlib.suppress(TimeoutError):  # what never came is reported as lost
                await asyncio.wait_for(copies.all_in.wait(), timeout=60)
            await asyncio.sleep(2)  # a late duplicate would arrive in this time
            cpu = _cpu_seconds(process.pid) - cpu_before
        finally:
            process.terminate()
            await process.wait()
            log.close()
    _report(copies, boards, sent, pairs, messages)
    updates = pairs * (messages + 2)  # /hubungi, the topic, the messages
    print(
        f"\nbot process CPU during the run: {cpu:.1f} s for {updates} updates "
        f"({1000 * cpu / updates:.1f} ms per update, {1000 * cpu / (pairs * messages):.1f} ms "
        f"per relayed message, everything included); load average 1 min: "
        f"{load_before:.1f} at the start, {os.getloadavg()[0]:.1f} at the end "
        f"({os.cpu_count()} cores)"
    )


def _cpu_seconds(pid: int | None) -> float:
    """User + system CPU time of a process so far (Linux /proc), in seconds."""
    if pid is None:
        return 0.0
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return 1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


def _report(
    copies: Copies,
    boards: list[StubUser],
    sent: list[list[tuple[int, int, float]]],
    pairs: int,
    messages: int,
) -> None:
    first: list[float] = []
    later: list[float] = []
    steady: list[float] = []
    handled: list[float] = []
    handled_first: list[float] = []
    lost = 0
    in_order = True
    for board, mine in zip(boards, sent, strict=True):
        acks = copies.acks.get(board.id, [])
        for ack, (_, index, started) in zip(acks, mine, strict=False):
            (handled_first if index == 0 else handled).append(ack - started)
        for message_id, index, started in mine:
            arrived = copies.at.get((board.id, message_id))
            if arrived is None:
                lost += 1
                continue
            (first if index == 0 else later).append(arrived - started)
            if index >= STEADY_FROM:
                steady.append(arrived - started)
        officer = OFFICER_BASE + board.id - BOARD_BASE
        order = copies.order.get(officer, [])
        in_order &= order == sorted(order)
    duplicated = sum(1 for n in copies.count.values() if n > 1)
    print(f"{pairs} pairs x {messages} messages\n")
    print("| from the board's message to | count | p50 ms | p95 ms | max ms |")
    print("|---|---|---|---|---|")
    rows = (
        ("copy, every message", first + later),
        ("copy, after the first", later),
        (f"copy, from message {STEADY_FROM + 1} on (past the start-up burst)", steady),
        ("copy, first (opens the wait: with the header card)", first),
        ("acknowledgement to the board, first message", handled_first),
        ("acknowledgement to the board, after the first", handled),
    )
    for name, values in rows:
        print(
            f"| {name} | {len(values)} | {_percentile(values, 0.5):.0f} | "
            f"{_percentile(values, 0.95):.0f} | {_percentile(values, 1.0):.0f} |"
        )
    print(f"\nlost {lost}, duplicated {duplicated}, order kept in every thread: {in_order}")


async def _outbox_report(database_url: str) -> None:
    """Where the messages waited, from the outbox rows: queued → claimed → sent, and the queue.

    `claimed_at` is written when the sender's round claims the row (before pacing), `sent_at`
    when the stand-in answered; the queue depth is the rows queued and not yet claimed.
    """
    engine = create_engine(database_url)
    try:
        async with UnitOfWork(session_factory(engine)) as uow:
            rows = (
                await uow.session.execute(
                    select(Outbox.kind, Outbox.created_at, Outbox.claimed_at, Outbox.sent_at)
                )
            ).all()
    finally:
        await engine.dispose()
    kinds = Counter(r.kind for r in rows)
    print("\noutbox rows by kind: " + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())))
    done = [r for r in rows if r.claimed_at is not None and r.sent_at is not None]
    waited = [(r.claimed_at - r.created_at).total_seconds() for r in done]
    sending = [(r.sent_at - r.claimed_at).total_seconds() for r in done]
    events = sorted(
        [(r.created_at, 1) for r in rows] + [(r.claimed_at, -1) for r in done],
        key=lambda e: (e[0], e[1]),
    )
    depth = deepest = 0
    for _, step in events:
        depth += step
        deepest = max(deepest, depth)
    print(f"\nevery outbox row ({len(rows)}), one pace for all:\n")
    print("| step | p50 ms | p95 ms | max ms |")
    print("|---|---|---|---|")
    for name, values in (("queued → claimed", waited), ("claimed → sent", sending)):
        print(
            f"| {name} | {_percentile(values, 0.5):.0f} | {_percentile(values, 0.95):.0f} | "
            f"{_percentile(values, 1.0):.0f} |"
        )
    print(f"\ndeepest queue (queued, not yet claimed): {deepest} rows")
    # One claim instant per sender round: how many rounds, how full, how far apart.
    rounds = Counter(r.claimed_at for r in done)
    instants = sorted(rounds)
    gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(instants)]
    print(
        f"sender rounds that claimed: {len(rounds)}, rows per round p50 "
        f"{_percentile([float(n) / 1000 for n in rounds.values()], 0.5):.0f} max "
        f"{max(rounds.values(), default=0)}; gap between them p95 "
        f"{_percentile(gaps, 0.95):.0f} ms, max {_percentile(gaps, 1.0):.0f} ms"
    )


async def main() -> None:
    """Measures and prints the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=50)
    parser.add_argument("--messages", type=int, default=10)
    parser.add_argument("--gap", type=float, default=3.0)
    parser.add_argument("--postgres", metavar="ADMIN_URL")
    parser.add_argument(
        "--max-in-flight", type=int, help="[delivery] max_in_flight (default: the example's 4)"
    )
    parser.add_argument(
        "--profile", metavar="PATH", help="run the bot under cProfile, its stats written to PATH"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        database_url = f"sqlite+aiosqlite:///{Path(directory) / 'bench.db'}"
        if args.postgres:
            database_url = await create_temp_pg_database(args.postgres)
        try:
            await asyncio.to_thread(upgrade, database_url)  # Alembic runs its own event loop
            await _seed(database_url, args.pairs)
            config = _config(directory, args.max_in_flight)
            await _run(database_url, config, args.pairs, args.messages, args.gap, args.profile)
            await _outbox_report(database_url)
        finally:
            if args.postgres:
                await drop_database(args.postgres, database_url)


if __name__ == "__main__":
    asyncio.run(main())

"""The nightly retention jobs' first run after an upgrade: a year of settled outbox rows.

    .venv/bin/python bench/retention.py [--rows 300000] [--restart]

Seeds a migrated SQLite file straight through the table with `--rows` settled outbox rows
(sent reminders with a rendered text, 40 days old), then empties them the way the
`outbox_retention` job does: windows of `services.retention.OUTBOX_WINDOW` ids, each its own
background unit of work. Prints seconds, this process's CPU seconds, rows emptied, units of
work, and the load average before.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert  # noqa: E402

from services.retention import THREAD_BATCH, empty_old_messages, purge_old_threads  # noqa: E402
from storage.engine import create_engine, session_factory  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.tables import (  # noqa: E402
    Evidence,
    Koperasi,
    Outbox,
    RelaySession,
    Thread,
    ThreadMessage,
)
from storage.uow import UnitOfWork  # noqa: E402

NOW = datetime(2027, 6, 1, 0, 0, tzinfo=UTC)
TEXT = "Pengingat Gempur: KSU Mawar belum RAT. Hubungi Bu Ani (petugas) bila perlu bantuan. " * 3


async def _seed(url: str, rows: int) -> None:
    engine = create_engine(url, background=True)
    sent = NOW - timedelta(days=40)
    try:
        for start in range(0, rows, 10_000):
            async with UnitOfWork(session_factory(engine)) as uow:
                await uow.session.execute(
                    insert(Outbox),
                    [
                        {
                            "idempotency_key": f"reminder:{n}:2027-04-22:1",
                            "chat_id": 100_000 + n,
                            "kind": "reminder",
                            "method": "sendMessage",
                            "payload": {"chat_id": 100_000 + n, "text": TEXT},
                            "priority": 50,
                            "status": "sent",
                            "not_before": sent,
                            "sent_at": sent,
                            "created_at": sent,
                        }
                        for n in range(start, min(start + 10_000, rows))
                    ],
                )
                await uow.commit()
    finally:
        await engine.dispose()


async def _empty(url: str) -> tuple[int, int]:
    engine = create_engine(url, background=True)
    total, batches = 0, 0
    after: int | None = 0
    try:
        while after is not None:
            async with UnitOfWork(session_factory(engine)) as uow:
                emptied, after = await empty_old_messages(uow, now=NOW, days=30, after_id=after)
                await uow.commit()
            total, batches = total + emptied, batches + 1
    finally:
        await engine.dispose()
    return total, batches


async def _seed_threads(url: str, threads: int) -> None:
    engine = create_engine(url, background=True)
    old, recent = NOW - timedelta(days=800), NOW - timedelta(days=7)
    try:
        async with UnitOfWork(session_factory(engine)) as uow:
            await uow.session.execute(
                insert(Koperasi), [{"nama": "KSU Bench", "created_at": old, "updated_at": old}]
            )
            person = await uow.people.add(telegram_user_id=8, full_name="Bench", now=old)
            await uow.commit()
        for start in range(0, threads, 1000):
            async with UnitOfWork(session_factory(engine)) as uow:
                numbers = range(start, min(start + 1000, threads))
                when = {n: old if n % 2 == 0 else recent for n in numbers}
                await uow.session.execute(
                    insert(Thread),
                    [
                        {
                            "id": n + 1,
                            "koperasi_id": 1,
                            "status": "closed",
                            "created_at": old,
                            "last_message_at": when[n],
                        }
                        for n in numbers
                    ],
                )
                await uow.session.execute(
                    insert(Outbox),
                    [
                        {
                            "id": n * 10 + m + 1,
                            "idempotency_key": f"relay:{n}:{m}",
                            "chat_id": 7,
                            "kind": "relay",
                            "method": "copyMessage",
                            "payload": {"from_chat_id": 8, "message_id": m},
                            "priority": 10,
                            "status": "sent",
                            "not_before": when[n],
                            "sent_at": when[n],
                            "created_at": when[n],
                        }
                        for n in numbers
                        for m in range(10)
                    ],
                )
                await uow.session.execute(
                    insert(ThreadMessage),
                    [
                        {
                            "thread_id": n + 1,
                            "direction": "to_officer",
                            "from_chat_id": 8,
                            "from_message_id": m,
                            "to_chat_id": 7,
                            "to_message_id": m,
                            "outbox_id": n * 10 + m + 1,
                            "created_at": when[n],
                        }
                        for n in numbers
                        for m in range(10)
                    ],
                )
                await uow.session.execute(
                    insert(RelaySession),
                    [
                        {
                            "chat_id": 8,
                            "person_id": person.id,
                            "thread_id": n + 1,
                            "started_at": when[n],
                            "last_activity_at": when[n],
                            "ended_at": when[n],
                        }
                        for n in numbers
                    ],
                )
                await uow.commit()
        async with UnitOfWork(session_factory(engine)) as uow:
            await uow.session.execute(
                insert(Evidence),
                [
                    {"kind": "document", "telegram_file_id": f"F{n}", "created_at": old}
                    for n in range(20_000)
                ],
            )
            await uow.commit()
    finally:
        await engine.dispose()


async def _purge(url: str) -> tuple[int, int]:
    engine = create_engine(url, background=True)
    total, batches = 0, 0
    try:
        while True:
            async with UnitOfWork(session_factory(engine)) as uow:
                purged = await purge_old_threads(uow, now=NOW, days=730)
                await uow.commit()
            total, batches = total + purged, batches + 1
            if purged < THREAD_BATCH:
                return total, batches
    finally:
        await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=300_000)
    parser.add_argument("--threads", type=int, default=0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
        upgrade(url)
        if args.threads:
            asyncio.run(_seed_threads(url, args.threads))
        else:
            asyncio.run(_seed(url, args.rows))
        load = os.getloadavg()[0]
        wall, cpu = time.perf_counter(), time.process_time()
        total, batches = asyncio.run(_purge(url) if args.threads else _empty(url))
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    size = f"{args.threads} threads" if args.threads else f"{args.rows} rows"
    print("| seeded | emptied or deleted | units of work | s | CPU s | load (1 min) |")
    print("|---|---|---|---|---|---|")
    print(f"| {size} | {total} | {batches} | {wall:.1f} | {cpu:.1f} | {load:.1f} |")


if __name__ == "__main__":
    main()

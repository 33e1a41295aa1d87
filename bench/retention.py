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

from services.retention import empty_old_messages  # noqa: E402
from storage.engine import create_engine, session_factory  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.tables import Outbox  # noqa: E402
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=300_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
        upgrade(url)
        asyncio.run(_seed(url, args.rows))
        load = os.getloadavg()[0]
        wall, cpu = time.perf_counter(), time.process_time()
        total, batches = asyncio.run(_empty(url))
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print("| rows | emptied | units of work | s | CPU s | load (1 min) |")
    print("|---|---|---|---|---|---|")
    print(f"| {args.rows} | {total} | {batches} | {wall:.1f} | {cpu:.1f} | {load:.1f} |")


if __name__ == "__main__":
    main()

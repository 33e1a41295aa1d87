"""/rekap over a large register: 100,000 cooperatives and 1,000,000 visits (target < 2 s).

    .venv/bin/python bench/rekap.py [--koperasi 100000] [--visits 1000000] [--runs 3]
    .venv/bin/python bench/rekap.py --postgres postgresql+asyncpg://postgres@127.0.0.1:5432/test

Seeds a migrated database with bulk inserts (seed 7): cooperatives spread over the 24
kecamatan, 6 jenis, the kelompok seed list and 40 officers (10 % KDKMP, statuses and stages of
a season in progress), one cycle of tahun buku 2025 each (held, reported and ODS dates on part
of them), 14 checklist items for one cycle in ten, the visits (dated in the 2026 season),
follow-ups, threads and their messages. Then times what a /rekap press computes, as the
handler does it (a read-only unit of work on the background engine): the regency's card,
a split by kecamatan and by officer, an officer's card, a drill-down page and the ids behind
a number (*Kirim pengingat*), and the snapshot job's work (three splits). On PostgreSQL the
seeding ends with ANALYZE, as autovacuum would after such a load. Prints a Markdown
table of the best and the median of `--runs` runs, and the median CPU time of this process
(on SQLite the queries run in it, on aiosqlite's thread; on PostgreSQL in the server).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, text  # noqa: E402
from sqlalchemy.ext.asyncio import AsyncEngine  # noqa: E402

from config import DEFAULT_KECAMATAN, RatConfig  # noqa: E402
from domain.register import JENIS, KELOMPOK  # noqa: E402
from domain.rollup.split import Measure, RollupFilter, Split  # noqa: E402
from domain.stages import STAGES  # noqa: E402
from services.rollup import (  # noqa: E402
    drill_ids,
    drill_page,
    headline,
    period_of,
    rollup,
)
from storage.engine import create_engine, session_factory  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.tables import (  # noqa: E402
    ChecklistEntry,
    Koperasi,
    Kunjungan,
    Person,
    RatCycle,
    Thread,
    ThreadMessage,
    TindakLanjut,
)
from storage.uow import UnitOfWork  # noqa: E402
from tests.helpers.db import create_temp_pg_database, drop_database  # noqa: E402

NOW = datetime(2026, 7, 15, 3, 0, tzinfo=UTC)
TZ_NAME = "Asia/Jakarta"
OFFICERS = 40
CHUNK = 10_000
STATUSES = ("AKTIF_RAT",) * 6 + ("AKTIF_BELUM_RAT", "RAWAN", "TIDAK_AKTIF", "BARU", "BUBAR")
VISIT_TYPES = ("identifikasi", "organisasi", "usaha", "keuangan", "monev", "reaktivasi")


async def _insert(engine: AsyncEngine, table: Any, rows: list[dict[str, Any]]) -> None:
    async with engine.begin() as conn:
        for start in range(0, len(rows), CHUNK):
            await conn.execute(insert(table), rows[start : start + CHUNK])


def _day(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randrange((last - first).days + 1))


async def seed(engine: AsyncEngine, koperasi: int, visits: int) -> None:
    """The register, cycles, checklists, visits, follow-ups and threads (bulk inserts)."""
    rng = random.Random(7)
    await _insert(
        engine,
        Person.__table__,
        [
            {"id": i, "full_name": f"Petugas {i}", "created_at": NOW, "updated_at": NOW}
            for i in range(1, OFFICERS + 1)
        ],
    )
    rows, cycles = [], []
    for i in range(1, koperasi + 1):
        status = rng.choice(STATUSES)
        rows.append(
            {
                "id": i,
                "nama": f"Koperasi {i:06}",
                "kecamatan": rng.choice(DEFAULT_KECAMATAN),
                "jenis": rng.choice(JENIS),
                "kelompok": rng.choice(KELOMPOK),
                "segmen": "kdkmp" if rng.random() < 0.1 else "reguler",
                "status_aktivitas": status,
                "petugas_id": rng.randint(1, OFFICERS) if rng.random() < 0.9 else None,
                "nik_berlaku_sampai": date(2027, 6, 1) if rng.random() < 0.4 else None,
                "created_at": NOW,
                "updated_at": NOW,
            }
        )
        held = _day(rng, date(2026, 1, 10), date(2026, 7, 14)) if rng.random() < 0.6 else None
        reported = held + timedelta(days=20) if held and rng.random() < 0.7 else None
        cycles.append(
            {
                "id": i,
                "koperasi_id": i,
                "tahun_buku": 2025,
                "fiscal_year_end": date(2025, 12, 31),
                "target_date": date(2026, 3, 31),
                "report_deadline": date(2026, 4, 30),
                "statutory_limit": date(2026, 6, 30),
                "tidak_rat_date": date(2026, 12, 31),
                "checklist_spec": {},
                "tahap": STAGES[4 if held else rng.randrange(4)],
                "held_date": held,
                "reported_date": reported,
                "ods_date": reported if reported and rng.random() < 0.5 else None,
                "held_verification": "verified" if held and rng.random() < 0.5 else "none",
                "created_at": NOW,
                "updated_at": NOW,
            }
        )
    await _insert(engine, Koperasi.__table__, rows)
    await _insert(engine, RatCycle.__table__, cycles)
    del rows, cycles
    await _insert(
        engine,
        ChecklistEntry.__table__,
        [
            {
                "rat_cycle_id": cycle,
                "item_code": f"A{n}",
                "status": rng.choice(("belum", "proses", "selesai", "tidak_berlaku")),
                "updated_at": NOW,
            }
            for cycle in range(1, koperasi + 1, 10)
            for n in range(1, 15)
        ],
    )
    season = datetime(2026, 1, 1, tzinfo=UTC)
    for start in range(0, visits, 100_000):
        batch = []
        for _ in range(min(100_000, visits - start)):
            at = season + timedelta(minutes=rng.randrange(195 * 24 * 60))
            batch.append(
                {
                    "koperasi_id": rng.randint(1, koperasi),
                    "petugas_id": rng.randint(1, OFFICERS),
                    "status": "submitted",
                    "jenis": rng.choice(VISIT_TYPES),
                    "poac": rng.choice("POAC"),
                    "visited_at": at,
                    "created_at": at,
                    "updated_at": at,
                }
            )
        await _insert(engine, Kunjungan.__table__, batch)
    await _insert(
        engine,
        TindakLanjut.__table__,
        [
            {
                "koperasi_id": rng.randint(1, koperasi),
                "description": "x",
                "owner_kind": "pengurus",
                "due_date": _day(rng, date(2026, 5, 1), date(2026, 8, 1)),
                "created_at": NOW,
            }
            for _ in range(koperasi // 5)
        ],
    )
    threads = koperasi // 20
    await _insert(
        engine,
        Thread.__table__,
        [
            {
                "id": t,
                "koperasi_id": rng.randint(1, koperasi),
                "status": "open",
                "waiting_since": NOW if rng.random() < 0.2 else None,
                "created_at": NOW,
            }
            for t in range(1, threads + 1)
        ],
    )
    messages = []
    for t in range(1, threads + 1):
        at = season + timedelta(minutes=rng.randrange(190 * 24 * 60))
        for n in range(4):
            at += timedelta(minutes=rng.randrange(5, 3000))
            messages.append(
                {
                    "thread_id": t,
                    "direction": "to_officer" if n % 2 == 0 else "to_board",
                    "from_chat_id": 1,
                    "from_message_id": t * 10 + n,
                    "to_chat_id": 2,
                    "created_at": at,
                }
            )
    await _insert(engine, ThreadMessage.__table__, messages)


async def measure(engine: AsyncEngine, runs: int) -> list[str]:
    """Times each /rekap computation; Markdown rows (best and median seconds)."""
    sessions = session_factory(engine)
    period = period_of(2025, RatConfig().policy(), NOW, ZoneInfo(TZ_NAME))
    everyone, officer = RollupFilter(), RollupFilter(petugas_id=7)

    def step(work: Callable[[UnitOfWork], Awaitable[object]]) -> Callable[[], Awaitable[None]]:
        async def run() -> None:
            async with UnitOfWork(sessions, write=False) as uow:
                await work(uow)

        return run

    async def snapshot_work(uow: UnitOfWork) -> None:
        for split in (Split.NONE, Split.KECAMATAN, Split.PETUGAS):
            await rollup(uow, everyone, split, period)

    cases = [
        ("regency card (headline, all metrics)", step(lambda u: headline(u, everyone, period))),
        ("split by kecamatan", step(lambda u: rollup(u, everyone, Split.KECAMATAN, period))),
        ("split by officer", step(lambda u: rollup(u, everyone, Split.PETUGAS, period))),
        ("an officer's card", step(lambda u: headline(u, officer, period))),
        (
            "drill-down page (no RAT by 31 Mar)",
            step(lambda u: drill_page(u, everyone, Measure.MISSED_TARGET, period, 3)),
        ),
        (
            "ids behind a number (Kirim pengingat)",
            step(lambda u: drill_ids(u, everyone, Measure.MISSED_TARGET, period)),
        ),
        ("snapshot job (regency, kecamatan, officer)", step(snapshot_work)),
    ]
    rows = []
    for label, run in cases:
        seconds, cpu = [], []
        for _ in range(runs):
            started, started_cpu = time.perf_counter(), time.process_time()
            await run()
            seconds.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
        rows.append(
            f"| {label} | {min(seconds):.2f} | {statistics.median(seconds):.2f} "
            f"| {statistics.median(cpu):.2f} |"
        )
        print(rows[-1], flush=True)
    return rows


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--koperasi", type=int, default=100_000)
    parser.add_argument("--visits", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--postgres", help="a PostgreSQL server URL to make a database on")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        if args.postgres:
            url = await create_temp_pg_database(args.postgres)
        else:
            url = f"sqlite+aiosqlite:///{Path(directory) / 'bench.db'}"
        try:
            await asyncio.to_thread(upgrade, url)
            engine = create_engine(url, background=True)
            try:
                started = time.perf_counter()
                await seed(engine, args.koperasi, args.visits)
                if args.postgres:
                    # What autovacuum does after a bulk load: statistics for the planner.
                    async with engine.begin() as conn:
                        await conn.execute(text("ANALYZE"))
                seeded = time.perf_counter() - started
                database = "PostgreSQL" if args.postgres else "SQLite"
                print(
                    f"\n{database}: {args.koperasi} cooperatives, {args.visits} visits "
                    f"(seeded in {seeded:.0f} s), {args.runs} runs each"
                )
                print(f"load average before: {os.getloadavg()[0]:.1f}")
                print(
                    "| /rekap computation | best s | median s | median CPU s (this process) |"
                    "\n|---|---|---|---|"
                )
                await measure(engine, args.runs)
            finally:
                await engine.dispose()
        finally:
            if args.postgres:
                await drop_database(args.postgres, url)


if __name__ == "__main__":
    asyncio.run(main())

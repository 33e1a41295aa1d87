"""The daily recompute over a whole generated register: seconds and peak memory per run.

    .venv/bin/python bench/recompute.py [--koperasi 100000] [--batch 1000]
    .venv/bin/python bench/recompute.py --postgres postgresql+asyncpg://postgres@127.0.0.1:5432/test

The register (`sample.register`, seed 7) is imported through the real import in a child
process, so this process's peak memory is the recompute's own. Then `recompute_all` runs as
the daily job would (the background engine, a batch per transaction, frozen rules) on four
days: right after the import (every current cycle created, every cooperative written), the
same day again (nothing changes: the steady state), 1 January (a new fiscal year closed:
new current cycles) and 1 April (the office target passed: flags flip). Prints a Markdown
table: seconds, what was written, and the process's peak RSS after each run.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from config import DEFAULT_KECAMATAN, RatConfig  # noqa: E402
from domain.register_rows import RowRules  # noqa: E402
from sample.register import SAMPLE_TODAY, generate_register, write_register  # noqa: E402
from services.rat_recompute import recompute_all  # noqa: E402
from services.register_files import open_table  # noqa: E402
from services.register_import import import_table  # noqa: E402
from storage.engine import create_engine, session_factory  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.uow import UnitOfWork  # noqa: E402
from tests.helpers.db import create_temp_pg_database, drop_database  # noqa: E402

DAYS = (
    ("after the import", SAMPLE_TODAY),
    ("same day again", SAMPLE_TODAY),
    ("1 January: new fiscal year", date(2027, 1, 1)),
    ("1 April: targets passed", date(2027, 4, 1)),
)


def peak_rss_mb() -> float:
    """This process's peak resident memory so far (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def import_register(url: str, count: int, directory: Path) -> float:
    """Generates and imports `count` cooperatives; the seconds the import took."""
    path = directory / "register.csv"
    write_register(path, generate_register(count, 7))
    table = open_table(path.read_bytes(), path.name)
    engine = create_engine(url, background=True)
    started = time.perf_counter()
    try:
        async with UnitOfWork(session_factory(engine)) as uow:
            now = datetime(2026, 11, 1, 2, 0, tzinfo=UTC)
            rules = RowRules(tuple(DEFAULT_KECAMATAN), SAMPLE_TODAY)
            await import_table(uow, table, rules, actor_person_id=None, channel="cli", now=now)
            await uow.commit()
    finally:
        await engine.dispose()
    return time.perf_counter() - started


async def run_days(url: str, batch: int) -> list[str]:
    """The recompute on each of `DAYS`; one Markdown row each."""
    policy = RatConfig().policy()
    engine = create_engine(url, background=True)
    sessions = session_factory(engine)
    rows = [f"| before the first run | | | {peak_rss_mb():.0f} |"]
    print(rows[-1], flush=True)
    try:
        for label, today in DAYS:
            now = datetime(today.year, today.month, today.day, 1, 0, tzinfo=UTC)
            started = time.perf_counter()
            counts = await recompute_all(
                lambda: UnitOfWork(sessions), policy, today, now=now, batch_size=batch
            )
            seconds = time.perf_counter() - started
            written = (
                f"{counts.koperasi_changed} cooperatives, {counts.cycles_created} cycles "
                f"created, {counts.cycles_changed} changed (of {counts.koperasi})"
            )
            rows.append(f"| {label} ({today}) | {seconds:.1f} | {written} | {peak_rss_mb():.0f} |")
            print(rows[-1], flush=True)
    finally:
        await engine.dispose()
    return rows


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--koperasi", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=1_000, help="cooperatives per transaction")
    parser.add_argument("--postgres", help="a PostgreSQL server URL to make a database on")
    parser.add_argument("--import-into", help=argparse.SUPPRESS)  # the child process
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        if args.import_into:
            seconds = await import_register(args.import_into, args.koperasi, Path(directory))
            print(f"{args.koperasi} cooperatives imported in {seconds:.0f} s", flush=True)
            return
        if args.postgres:
            url = await create_temp_pg_database(args.postgres)
        else:
            url = f"sqlite+aiosqlite:///{Path(directory) / 'bench.db'}"
        try:
            await asyncio.to_thread(upgrade, url)
            child = [
                sys.executable,
                __file__,
                "--import-into",
                url,
                "--koperasi",
                str(args.koperasi),
            ]
            await asyncio.to_thread(subprocess.run, child, check=True, env=dict(os.environ))
            database = "PostgreSQL" if args.postgres else "SQLite"
            print(f"\n{database}, {args.koperasi} cooperatives, batches of {args.batch}")
            print("| run | seconds | written | peak RSS MB |\n|---|---|---|---|")
            await run_days(url, args.batch)
        finally:
            if args.postgres:
                await drop_database(args.postgres, url)


if __name__ == "__main__":
    asyncio.run(main())

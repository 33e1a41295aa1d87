"""A reminder planner pass over 100,000 cooperatives: the pure planning, then the whole pass.

    .venv/bin/python bench/planner.py [--koperasi 100000]
    .venv/bin/python bench/planner.py --postgres postgresql+asyncpg://postgres@127.0.0.1:5432/test

Part 1, pure planning (target < 5 s): `Planner.due` and `Planner.digest` over generated
cooperative states held in memory (nine in ten with a fiscal year ending 31 Dec, the rest 30 Jun
or 31 Mar; half with a planned RAT date, a fifth held), on four days. Part 2, the whole pass
(`plan_reminders`: reading in batches, recipients, rendering, writing the outbox) against a
database seeded straight through the tables with the same kind of register, one board member
per cooperative and 200 officers: a dry run and a real run on each day. Prints Markdown tables:
seconds, this process's CPU seconds, reminders due, messages, this process's peak RSS after
each run, and the machine's load average (1 min) before it. The register is seeded by a child
process, so the peak RSS is the passes' own (with `--skip-pure`).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, update  # noqa: E402

from config import AppConfig  # noqa: E402
from domain.rat.calendar import FiscalYearEnd, Offsets, deadlines_for  # noqa: E402
from domain.reminders import (  # noqa: E402
    DEFAULT_ENTRIES,
    CycleState,
    KoperasiState,
    Planner,
    WorkingDays,
)
from locales import Catalogues  # noqa: E402
from services.reminders import ReminderSettings, plan_reminders  # noqa: E402
from storage.engine import create_engine, session_factory  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.tables import Koperasi, Person, RatCycle, RoleGrant  # noqa: E402
from storage.uow import UnitOfWork  # noqa: E402
from tests.helpers.db import create_temp_pg_database, drop_database  # noqa: E402

WIB = ZoneInfo("Asia/Jakarta")
DAYS = (
    ("4 Jan: the season opens", date(2027, 1, 4)),
    ("10 Feb: an ordinary day", date(2027, 2, 10)),
    ("1 Apr: office target passed", date(2027, 4, 1)),
    ("1 Jul: statutory limit passed", date(2027, 7, 1)),
)
OFFICERS = 200
FYES = ((FiscalYearEnd(12, 31), 90), (FiscalYearEnd(6, 30), 5), (FiscalYearEnd(3, 31), 5))
OFFSETS = Offsets(3, 4, 6)


def peak_rss_mb() -> float:
    """This process's peak resident memory so far (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def generate(count: int, seed: int = 7) -> Iterator[tuple[KoperasiState, str]]:
    """`count` cooperative states with a current cycle each, deterministic."""
    rng = random.Random(seed)
    ends = [fye for fye, weight in FYES for _ in range(weight)]
    for number in range(1, count + 1):
        fye = rng.choice(ends)
        deadlines = deadlines_for(fye.latest_closed(date(2027, 1, 4)), fye, OFFSETS, 18)
        planned = held = None
        if rng.random() < 0.5:
            planned = deadlines.target_date - timedelta(days=rng.randrange(0, 60))
            held = planned if rng.random() < 0.4 else None
        cycle = CycleState(
            cycle_id=number,
            fiscal_year_end=deadlines.fiscal_year_end,
            target_date=deadlines.target_date,
            report_deadline=deadlines.report_deadline,
            statutory_limit=deadlines.statutory_limit,
            planned_date=planned,
            held_date=held,
            done=frozenset(f"A{i}" for i in range(1, 15) if rng.random() < 0.3),
        )
        state = KoperasiState(
            koperasi_id=number,
            fye=fye,
            tahap="PERSIAPAN",
            nik_valid_until=date(2027, 1, 1) + timedelta(days=rng.randrange(0, 730)),
            petugas_id=rng.randrange(1, OFFICERS + 1),
            cycle=cycle,
        )
        yield state, f"Koperasi {number}"


def pure_planning(count: int) -> None:
    """Part 1: the planner alone over states in memory."""
    states = [state for state, _ in generate(count)]
    workdays = WorkingDays(AppConfig().calendar.holidays)
    print(f"\nPure planning, {count} cooperatives in memory (RSS {peak_rss_mb():.0f} MB)")
    print("| day | seconds | reminders due | peak RSS MB |\n|---|---|---|---|")
    for label, day in DAYS:
        span = workdays.dates_sent_on(day)
        if span is None:
            raise SystemExit(f"{day} is not a working day")
        started = time.perf_counter()
        planner = Planner(DEFAULT_ENTRIES)
        due = sum(len(planner.due(state, *span)) for state in states)
        planner.digest(states, day)
        seconds = time.perf_counter() - started
        print(f"| {label} | {seconds:.2f} | {due} | {peak_rss_mb():.0f} |", flush=True)


async def seed(url: str, count: int) -> None:
    """The register straight through the tables: cooperatives, cycles, boards, officers."""
    engine = create_engine(url, background=True)
    now = datetime(2027, 1, 1, tzinfo=UTC)
    try:
        async with UnitOfWork(session_factory(engine)) as uow:
            people = [
                {"id": i, "telegram_user_id": 10_000 + i, "created_at": now, "updated_at": now}
                for i in range(1, count + OFFICERS + 1)
            ]
            await _chunks(uow, Person, people)
            grants = [
                {"person_id": i, "role": "petugas", "granted_at": now} for i in range(1, 201)
            ] + [
                {
                    "person_id": OFFICERS + n,
                    "role": "pengurus",
                    "koperasi_id": n,
                    "granted_at": now,
                }
                for n in range(1, count + 1)
            ]
            koperasi, cycles = [], []
            for state, nama in generate(count):
                koperasi.append(_koperasi_row(state, nama, now))
                cycles.append(_cycle_row(state, now))
            await _chunks(uow, Koperasi, koperasi)
            await _chunks(uow, RatCycle, cycles)
            await uow.session.execute(update(Koperasi).values(current_rat_cycle_id=Koperasi.id))
            await _chunks(uow, RoleGrant, grants)
            await uow.commit()
    finally:
        await engine.dispose()


def _koperasi_row(state: KoperasiState, nama: str, now: datetime) -> dict[str, object]:
    return {
        "id": state.koperasi_id,
        "nama": nama,
        "fye_month": state.fye.month,
        "fye_day": state.fye.day,
        "tahap": state.tahap,
        "nik_berlaku_sampai": state.nik_valid_until,
        "petugas_id": state.petugas_id,
        "created_at": now,
        "updated_at": now,
    }


def _cycle_row(state: KoperasiState, now: datetime) -> dict[str, object]:
    cycle = state.cycle
    if cycle is None:  # pragma: no cover - generate() gives every cooperative a cycle
        raise ValueError("a generated cooperative without a cycle")
    return {
        "id": cycle.cycle_id,
        "koperasi_id": state.koperasi_id,
        "tahun_buku": cycle.fiscal_year_end.year,
        "fiscal_year_end": cycle.fiscal_year_end,
        "target_date": cycle.target_date,
        "report_deadline": cycle.report_deadline,
        "statutory_limit": cycle.statutory_limit,
        "tidak_rat_date": cycle.fiscal_year_end + timedelta(days=365),
        "checklist_spec": {},
        "planned_date": cycle.planned_date,
        "held_date": cycle.held_date,
        "created_at": now,
        "updated_at": now,
    }


async def _chunks(uow: UnitOfWork, table: type[object], rows: list[dict[str, object]]) -> None:
    for start in range(0, len(rows), 5000):
        await uow.session.execute(insert(table), rows[start : start + 5000])


async def whole_pass(url: str, count: int) -> None:
    """Part 2: `plan_reminders` against the seeded database, dry and then real."""
    cfg = AppConfig()
    settings = ReminderSettings.from_config(cfg)
    catalogues = Catalogues(cfg.i18n.locales, cfg.i18n.default_locale, WIB)
    engine = create_engine(url, background=True)
    sessions = session_factory(engine)
    print(
        "| day | run | seconds | CPU s | reminders due | messages | written | peak RSS MB | load |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    try:
        for label, day in DAYS:
            span = settings.span(day, None)
            if span is None:
                raise SystemExit(f"{day} is not a working day")
            now = datetime.combine(day, datetime.min.time(), tzinfo=UTC)
            for dry in (True, False):
                load = os.getloadavg()[0]
                cpu = time.process_time()
                started = time.perf_counter()
                report = await plan_reminders(
                    lambda: UnitOfWork(sessions),
                    catalogues,
                    settings,
                    today=day,
                    span=span,
                    now=now,
                    dry_run=dry,
                )
                seconds = time.perf_counter() - started
                cpu = time.process_time() - cpu
                print(
                    f"| {label} | {'dry' if dry else 'real'} | {seconds:.1f} | {cpu:.1f} | "
                    f"{sum(report.due.values())} | {len(report.messages)} | {report.written} | "
                    f"{peak_rss_mb():.0f} | {load:.1f} |",
                    flush=True,
                )
    finally:
        await engine.dispose()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--koperasi", type=int, default=100_000)
    parser.add_argument("--postgres", help="a PostgreSQL server URL to make a database on")
    parser.add_argument("--skip-pure", action="store_true", help="only the whole pass")
    parser.add_argument("--seed-only", metavar="URL", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.seed_only:  # the child process seeding the register
        await seed(args.seed_only, args.koperasi)
        return
    if not args.skip_pure:
        pure_planning(args.koperasi)
    with tempfile.TemporaryDirectory() as directory:
        if args.postgres:
            url = await create_temp_pg_database(args.postgres)
        else:
            url = f"sqlite+aiosqlite:///{Path(directory) / 'bench.db'}"
        try:
            await asyncio.to_thread(upgrade, url)
            started = time.perf_counter()
            command = [sys.executable, __file__, "--koperasi", str(args.koperasi)]
            await asyncio.to_thread(subprocess.run, [*command, "--seed-only", url], check=True)
            database = "PostgreSQL" if args.postgres else "SQLite"
            print(
                f"\nWhole pass, {database}, {args.koperasi} cooperatives "
                f"(seeded in {time.perf_counter() - started:.0f} s)"
            )
            await whole_pass(url, args.koperasi)
        finally:
            if args.postgres:
                await drop_database(args.postgres, url)


if __name__ == "__main__":
    asyncio.run(main())

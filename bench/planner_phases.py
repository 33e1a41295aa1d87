"""Where a reminder pass spends its CPU: the pass of `bench/planner.py`, timed per phase.

    .venv/bin/python bench/planner_phases.py --seed sqlite+aiosqlite:////tmp/planner.db
    .venv/bin/python bench/planner_phases.py sqlite+aiosqlite:////tmp/planner.db \\
        2027-04-01:dry 2027-04-01:real

`--seed URL` migrates a new database and seeds it as `bench/planner.py` does (100,000
cooperatives by default), once; later runs reuse it, so a change can be measured back to back
against the same register (also with another checkout's code on `PYTHONPATH` first). Each
`DAY:dry|real` runs `plan_reminders` for that day; a real run empties the outbox first, so it
writes every message. Per phase, this process's CPU seconds (`time.process_time()`: on SQLite
that includes the database's thread) and wall seconds: read (`koperasi_batch`), plan
(`Planner.due` and `digest`), recipients (`_address`), render (`_render`), write (`_write`).
The phases are wrapped by name, so they are the pass's private functions of the day.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import os
import resource
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import delete  # noqa: E402

from config import AppConfig  # noqa: E402
from domain.reminders import Planner  # noqa: E402
from locales import Catalogues  # noqa: E402
from services.reminders import ReminderSettings, plan  # noqa: E402
from storage.engine import create_engine, session_factory  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.repositories.reminders import ReminderReadRepository  # noqa: E402
from storage.tables import Outbox  # noqa: E402
from storage.uow import UnitOfWork  # noqa: E402

CPU: defaultdict[str, float] = defaultdict(float)
WALL: defaultdict[str, float] = defaultdict(float)


def _timed(owner: Any, name: str, phase: str) -> None:
    """Wraps `owner.name` (a function or coroutine function) to add its time to `phase`."""
    inner = getattr(owner, name)
    if asyncio.iscoroutinefunction(inner):

        @functools.wraps(inner)
        async def timed_async(*args: Any, **kwargs: Any) -> Any:
            cpu, wall = time.process_time(), time.perf_counter()
            try:
                return await inner(*args, **kwargs)
            finally:
                CPU[phase] += time.process_time() - cpu
                WALL[phase] += time.perf_counter() - wall

        setattr(owner, name, timed_async)
        return

    @functools.wraps(inner)
    def timed(*args: Any, **kwargs: Any) -> Any:
        cpu, wall = time.process_time(), time.perf_counter()
        try:
            return inner(*args, **kwargs)
        finally:
            CPU[phase] += time.process_time() - cpu
            WALL[phase] += time.perf_counter() - wall

    setattr(owner, name, timed)


PHASES = (
    (ReminderReadRepository, "koperasi_batch", "read"),
    (Planner, "due", "plan"),
    (Planner, "digest", "plan"),
    (plan, "_address", "recipients"),
    (plan, "_render", "render"),
    (plan, "_write", "write"),
)


async def run(url: str, runs: list[str]) -> None:
    for owner, name, phase in PHASES:
        _timed(owner, name, phase)
    cfg = AppConfig()
    settings = ReminderSettings.from_config(cfg)
    catalogues = Catalogues(cfg.i18n.locales, cfg.i18n.default_locale, ZoneInfo("Asia/Jakarta"))
    engine = create_engine(url, background=True)
    sessions = session_factory(engine)
    unit: Callable[[], UnitOfWork] = lambda: UnitOfWork(sessions)  # noqa: E731
    print(
        "| day | run | wall s | CPU s | per phase: CPU / wall s | messages | peak RSS MB | load |"
    )
    print("|---|---|---|---|---|---|---|---|")
    try:
        for item in runs:
            day_text, _, mode = item.partition(":")
            day, dry = date.fromisoformat(day_text), mode == "dry"
            span = settings.span(day, None)
            if span is None:
                raise SystemExit(f"{day} is not a working day")
            if not dry:
                async with engine.begin() as connection:
                    await connection.execute(delete(Outbox))
            CPU.clear()
            WALL.clear()
            load = os.getloadavg()[0]
            cpu, wall = time.process_time(), time.perf_counter()
            report = await plan.plan_reminders(
                unit,
                catalogues,
                settings,
                today=day,
                span=span,
                now=datetime.combine(day, datetime.min.time(), tzinfo=UTC),
                dry_run=dry,
            )
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            phases = ", ".join(f"{p} {CPU[p]:.2f} / {WALL[p]:.2f}" for p in CPU)
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(
                f"| {day} | {'dry' if dry else 'real'} | {wall:.2f} | {cpu:.2f} | {phases} | "
                f"{len(report.messages)} | {rss:.0f} | {load:.1f} |",
                flush=True,
            )
    finally:
        await engine.dispose()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", nargs="?", help="a database seeded with --seed")
    parser.add_argument("runs", nargs="*", help="DAY:dry or DAY:real (ISO days)")
    parser.add_argument("--seed", metavar="URL", help="migrate and seed a new database")
    parser.add_argument("--koperasi", type=int, default=100_000)
    args = parser.parse_args()
    if args.seed:
        await asyncio.to_thread(upgrade, args.seed)
        command = [sys.executable, str(ROOT / "bench" / "planner.py"), "--seed-only", args.seed]
        await asyncio.to_thread(
            subprocess.run, [*command, "--koperasi", str(args.koperasi)], check=True
        )
        return
    if not args.url or not args.runs:
        parser.error("give a seeded database's URL and at least one DAY:dry|real")
    await run(args.url, args.runs)


if __name__ == "__main__":
    asyncio.run(main())

"""`python bot.py recompute [--tahun-buku N]`: every cooperative's standing, config applied.

Unlike the daily recompute, this one gives open cycles (those of fiscal year N only, when
given) the deadlines and checklist of the current `[rat]` configuration. It runs on the
threaded (background) engine, a batch per transaction, so a running bot's writers wait at
most one batch. One audit row records the counts.
"""

from __future__ import annotations

import sys
from dataclasses import asdict
from typing import TextIO

from config import AppConfig
from domain.clock import Clock
from domain.rat.koperasi import local_date
from services.rat_recompute import RecomputeCounts, recompute_all
from storage.engine import create_engine, session_factory
from storage.migrate import ensure_up_to_date
from storage.uow import UnitOfWork


async def recompute_command(
    cfg: AppConfig, *, tahun_buku: int | None, clock: Clock, out: TextIO | None = None
) -> int:
    """Recomputes every cooperative and prints the counts; returns the exit code.

    Raises `DatabaseNotMigratedError` for a database that is not up to date.
    """
    out = out or sys.stdout
    now = clock.now()
    today = local_date(now, cfg.region.tz)
    engine = create_engine(cfg.database.url, background=True)
    try:
        await ensure_up_to_date(engine)
        sessions = session_factory(engine)
        counts = await recompute_all(
            lambda: UnitOfWork(sessions),
            cfg.rat.policy(),
            today,
            now=now,
            apply_config=True,
            tahun_buku=tahun_buku,
        )
        async with UnitOfWork(sessions) as uow:
            details = {**asdict(counts), "tahun_buku": tahun_buku, "today": today.isoformat()}
            await uow.audit.record(None, "rat.recompute", "rat_cycle", "all", details, at=now)
            await uow.commit()
    finally:
        await engine.dispose()
    print(summary(counts, today.isoformat(), tahun_buku), file=out)
    return 0


def summary(counts: RecomputeCounts, today: str, tahun_buku: int | None) -> str:
    """The operator's report, one fact per line."""
    scope = f"open cycles of {tahun_buku}" if tahun_buku is not None else "open cycles"
    return "\n".join(
        [
            f"recomputed {counts.koperasi} cooperatives as of {today}",
            f"cooperatives changed: {counts.koperasi_changed}",
            f"current cycles created: {counts.cycles_created}",
            f"cycles changed: {counts.cycles_changed}",
            f"{scope} given the current [rat] configuration: {counts.rules_refreshed}",
        ]
    )

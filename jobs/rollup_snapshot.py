"""The roll-up snapshots: each day, any cut-off (office target, report deadline, statutory
limit, season end) passed and not yet snapshotted is stored, once (docs/rules.md#snapshots)."""

from __future__ import annotations

import logging
from datetime import datetime

from handlers.context import GempurApp
from services.rollup import compute_due_snapshots, store_snapshots

logger = logging.getLogger(__name__)

JOB_NAME = "rollup_snapshot"


async def rollup_snapshot(app: GempurApp, due: datetime) -> None:
    """Stores the snapshots due at the clock's now (after the night's recompute).

    A snapshot is stored once: a run caught up after downtime stores what it missed (within
    the catch-up window), a later run finds it stored and adds nothing.
    """
    del due
    services = app.bot_data.services
    now = services.clock.now()
    # Counted in a read-only unit of work (seconds over a large register), stored in a short
    # writing one: on SQLite the write lock is never held while counting.
    async with services.uow(write=False, background=True) as uow:
        planned = await compute_due_snapshots(
            uow, services.config.rat.policy(), now, services.config.region.tz
        )
    if not planned:
        return
    async with services.uow(background=True) as uow:
        taken = await store_snapshots(uow, planned, now)
        await uow.commit()
    if taken:
        logger.info("roll-up snapshots taken: %s", taken)

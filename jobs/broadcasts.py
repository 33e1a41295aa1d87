"""Scheduled broadcasts (docs/rules.md#broadcasts): every minute the leader starts those whose
moment has come (caught up after downtime, never twice), notes the progress of those sending
and reports the finished ones to their admin. Once a day the texts of broadcasts settled
longer than `[privacy] broadcast_retention_days` ago are emptied (docs/privacy.md)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from handlers.context import GempurApp
from services.broadcast_retention import forget_old_texts
from services.broadcasts import run_pass

logger = logging.getLogger(__name__)

JOB_NAME = "broadcasts"
RETENTION_JOB = "broadcast_retention"


async def broadcasts(app: GempurApp, due: datetime) -> None:
    """One pass at the clock's now (a late run still starts what became due meanwhile)."""
    del due
    services = app.bot_data.services
    await run_pass(
        lambda: services.uow(background=True),
        services.catalogues,
        now=services.clock.now(),
        expiry=timedelta(hours=services.config.delivery.broadcast_expiry_hours),
    )


async def broadcast_retention(app: GempurApp, due: datetime) -> None:
    """Empties the texts past their retention (a background unit of work: the first run
    after an upgrade can meet many)."""
    del due
    services = app.bot_data.services
    days = services.config.privacy.broadcast_retention_days
    async with services.uow(background=True) as uow:
        forgotten = await forget_old_texts(uow, now=services.clock.now(), days=days)
        await uow.commit()
    if forgotten:
        logger.info("broadcast retention: %d texts emptied", forgotten)

"""Scheduled broadcasts (docs/rules.md#broadcasts): every minute the leader starts those whose
moment has come (caught up after downtime, never twice), notes the progress of those sending
and reports the finished ones to their admin."""

from __future__ import annotations

from datetime import datetime, timedelta

from handlers.context import GempurApp
from services.broadcasts import run_pass

JOB_NAME = "broadcasts"


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

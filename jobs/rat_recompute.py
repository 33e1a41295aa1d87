"""The daily recompute: flags change with the date alone, so every cooperative's stage, flags
and activity status are judged again each night (docs/rules.md#flags)."""

from __future__ import annotations

import logging
from datetime import datetime

from handlers.context import GempurApp
from services.rat_recompute import recompute_daily

logger = logging.getLogger(__name__)

JOB_NAME = "rat_recompute"


async def rat_recompute(app: GempurApp, due: datetime) -> None:
    """Recomputes every cooperative as of the due moment's date, the cycles' rules frozen.

    The day is the due moment's (in WIB), not the clock's: a run caught up just before the
    next moment judges the day it was due for, and the next run judges the next day.
    """
    services = app.bot_data.services
    counts = await recompute_daily(
        lambda: services.uow(background=True),
        services.config.rat.policy(),
        due,
        services.config.region.tz,
        now=services.clock.now(),
    )
    logger.info("daily recompute: %s", counts)

"""The office's weekly roll-up (docs/rules.md#the-weekly-roll-up): due every day at 07:30 WIB,
it queues the roll-up with its chart on the roll-up's weekday (or the first working day after
it), catching up a missed one from the last finished run."""

from __future__ import annotations

import logging
from datetime import datetime

from handlers.context import GempurApp
from services.reminders.rollup import JOB_NAME, plan_rollup

logger = logging.getLogger(__name__)

__all__ = ["JOB_NAME", "weekly_rollup"]


async def weekly_rollup(app: GempurApp, due: datetime) -> None:
    """Plans the roll-up of the due moment's week, if its day is in the span since the last
    finished run."""
    services = app.bot_data.services
    async with services.uow(background=True) as uow:
        previous = await uow.scheduler_runs.previous(JOB_NAME, due)
    report = await plan_rollup(
        lambda **kwargs: services.uow(background=True, **kwargs),
        services.catalogues,
        services.config,
        due,
        now=services.clock.now(),
        previous=previous,
    )
    if report.day is None:
        logger.info("weekly roll-up: not its day")
        return
    logger.info(
        "weekly roll-up of %s: %d messages, %d new", report.day, report.messages, report.written
    )

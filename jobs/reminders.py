"""The reminder planner's daily run (docs/rules.md#the-reminder-calendar): what is due today,
and what the days since its previous run left due, written to the outbox for the sender."""

from __future__ import annotations

import logging
from datetime import datetime

from handlers.context import GempurApp
from services.reminders import ReminderSettings
from services.reminders.run import remind_at

logger = logging.getLogger(__name__)

JOB_NAME = "plan_reminders"


async def plan_reminders(app: GempurApp, due: datetime) -> None:
    """Plans the due moment's day; the previous run's moment bounds the catch-up."""
    services = app.bot_data.services
    async with services.uow(background=True) as uow:
        previous = await uow.scheduler_runs.previous(JOB_NAME, due)
    report = await remind_at(
        lambda: services.uow(background=True),
        services.catalogues,
        ReminderSettings.from_config(services.config),
        due,
        now=services.clock.now(),
        previous=previous,
    )
    if report is None:
        logger.info("reminders: a day off, nothing planned")
        return
    logger.info(
        "reminders %s..%s: %d due, %d messages, %d new",
        report.first,
        report.last,
        sum(report.due.values()),
        len(report.messages),
        report.written,
    )

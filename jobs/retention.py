"""The daily retention of conversations and of sent messages' texts (services.retention,
docs/privacy.md#how-long)."""

from __future__ import annotations

import logging
from datetime import datetime

from handlers.context import GempurApp
from services.retention import THREAD_BATCH, empty_old_messages, purge_old_threads

logger = logging.getLogger(__name__)

THREADS_JOB = "thread_retention"
OUTBOX_JOB = "outbox_retention"


async def thread_retention(app: GempurApp, due: datetime) -> None:
    """Deletes the conversations past `[privacy] thread_retention_days`, a batch per unit of
    work in the background (a short write each: the bot answers in between)."""
    del due  # the rule reads the state at the clock's now
    services = app.bot_data.services
    days, now, total = services.config.privacy.thread_retention_days, services.clock.now(), 0
    while True:
        async with services.uow(background=True) as uow:
            purged = await purge_old_threads(uow, now=now, days=days)
            await uow.commit()
        total += purged
        if purged < THREAD_BATCH:
            break
    if total:
        logger.info("thread retention: %d conversations deleted", total)


async def outbox_retention(app: GempurApp, due: datetime) -> None:
    """Empties the texts of messages settled longer than `[privacy] outbox_retention_days`
    ago, a batch per background unit of work; the rows and their keys stay."""
    del due
    services = app.bot_data.services
    days, now, total = services.config.privacy.outbox_retention_days, services.clock.now(), 0
    after: int | None = 0
    while after is not None:
        async with services.uow(background=True) as uow:
            emptied, after = await empty_old_messages(uow, now=now, days=days, after_id=after)
            await uow.commit()
        total += emptied
    if total:
        logger.info("outbox retention: %d payloads emptied", total)

"""The daily retention of conversations and of sent messages' texts (services.retention,
docs/privacy.md#how-long)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime

from handlers.context import GempurApp
from services.retention import OUTBOX_BATCH, THREAD_BATCH, empty_old_messages, purge_old_threads

logger = logging.getLogger(__name__)

THREADS_JOB = "thread_retention"
OUTBOX_JOB = "outbox_retention"


async def thread_retention(app: GempurApp, due: datetime) -> None:
    """Deletes the conversations past `[privacy] thread_retention_days`, a batch per unit of
    work in the background (a short write each: the bot answers in between)."""
    del due  # the rule reads the state at the clock's now
    days = app.bot_data.services.config.privacy.thread_retention_days
    total = await _in_batches(app, purge_old_threads, days, THREAD_BATCH)
    if total:
        logger.info("thread retention: %d conversations deleted", total)


async def outbox_retention(app: GempurApp, due: datetime) -> None:
    """Empties the texts of messages settled longer than `[privacy] outbox_retention_days`
    ago, a batch per background unit of work; the rows and their keys stay."""
    del due
    days = app.bot_data.services.config.privacy.outbox_retention_days
    total = await _in_batches(app, empty_old_messages, days, OUTBOX_BATCH)
    if total:
        logger.info("outbox retention: %d payloads emptied", total)


async def _in_batches(
    app: GempurApp,
    work: Callable[..., Awaitable[int]],
    days: int,
    batch: int,
) -> int:
    """Runs `work` in its own unit of work until a batch is not whole; the total done."""
    services = app.bot_data.services
    now, total = services.clock.now(), 0
    while True:
        async with services.uow(background=True) as uow:
            done: int = await work(uow, now=now, days=days)
            await uow.commit()
        total += done
        if done < batch:
            return total

"""The daily check of threads waiting for an answer (services.relay_wait)."""

from __future__ import annotations

import logging
from datetime import datetime

from handlers.context import GempurApp
from services.relay_wait import WaitRules, check_waits

logger = logging.getLogger(__name__)


async def thread_waits(app: GempurApp, due: datetime) -> None:
    """Reminds officers of threads waiting too long and escalates the longer waits to admins."""
    del due  # the rules read the state at the clock's now; each note's key keeps it once
    services = app.bot_data.services
    cfg = services.config
    rules = WaitRules(
        remind_after=cfg.relay.remind_after_working_days,
        escalate_after=cfg.relay.escalate_after_working_days,
        tz=cfg.region.tz,
        holidays=frozenset(cfg.calendar.holidays),
    )
    async with services.uow() as uow:
        counts = await check_waits(uow, services.catalogues, rules, services.clock.now())
        await uow.commit()
    if any(counts.values()):
        logger.info("thread waits: %s", {level.value: n for level, n in counts.items()})

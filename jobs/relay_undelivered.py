"""Each minute: senders of relayed messages their recipient never got are told so."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from handlers.context import GempurApp
from services.relay_wait import tell_undelivered

logger = logging.getLogger(__name__)

# The sender settles a copy within seconds; an hour's look-back outlives a long outage of it.
LOOK_BACK = timedelta(hours=1)


async def relay_undelivered(app: GempurApp, due: datetime) -> None:
    """Queues a note to each sender whose copy was refused (blocked recipient)."""
    del due
    services = app.bot_data.services
    now = services.clock.now()
    async with services.uow() as uow:
        told = await tell_undelivered(uow, services.catalogues, since=now - LOOK_BACK, now=now)
        await uow.commit()
    if told:
        logger.info("relay: %d senders told of an undelivered message", told)

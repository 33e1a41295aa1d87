"""The one-minute tick through the real application's services."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from handlers.context import BotContext
from handlers.jobs import PROCESSED_UPDATE_RETENTION, tick
from storage.tables import ProcessedUpdate
from tests.helpers.bot import Conversation
from tests.helpers.clock import FrozenClock


async def test_the_tick_purges_update_ids_past_retention(
    conv: Conversation, clock: FrozenClock
) -> None:
    services = conv.app.bot_data.services
    async with services.uow() as uow:
        old = clock.now() - PROCESSED_UPDATE_RETENTION - timedelta(minutes=1)
        await uow.processed_updates.mark(1, old)
        await uow.processed_updates.mark(2, clock.now())
        await uow.commit()
    # The purge runs in a background unit of work, the WAL checkpoint on the background engine.
    await tick(BotContext(conv.app))
    async with services.uow(write=False) as uow:
        ids = list(await uow.session.scalars(select(ProcessedUpdate.update_id)))
    assert ids == [2]

"""The one-minute scheduler tick: housekeeping that later features hang their work on."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from handlers.context import BotContext, GempurApp
from handlers.forms import AlbumClose, close_album
from storage.engine import checkpoint_wal

logger = logging.getLogger(__name__)

TICK_SECONDS = 60
# Redelivered updates arrive within minutes of a restart; a week of ids is ample.
PROCESSED_UPDATE_RETENTION = timedelta(days=7)


# Coalesce and a misfire grace time: after a pause one tick catches up, it is neither repeated
# for every missed minute nor skipped; one instance at a time.
TICK_JOB_KWARGS = {"coalesce": True, "misfire_grace_time": TICK_SECONDS, "max_instances": 1}


def schedule_tick(app: GempurApp) -> None:
    """Runs `tick` every minute.

    The scheduler's time zone is the region's: PTB takes it from `Defaults(tzinfo=...)`.
    (Re-configuring the scheduler directly would replace PTB's executor and break its stop.)
    """
    job_queue = app.job_queue
    if job_queue is None:  # pragma: no cover - the job-queue extra is a pinned dependency
        return
    job_queue.run_repeating(
        tick, interval=TICK_SECONDS, first=TICK_SECONDS, name="tick", job_kwargs=TICK_JOB_KWARGS
    )


async def tick(context: Any) -> None:
    """Suspends idle forms, erases expired drafts, closes albums whose timer a restart lost.

    The purge of old update ids can meet many rows (after a pause, a busy week): it runs in
    a background unit of work. So does checkpointing SQLite's WAL: the in-loop connections
    never do it on commit, where the copy and the fsync would stall the loop (storage.engine).
    """
    ctx: BotContext = context
    services = ctx.services
    now = services.clock.now()
    async with services.uow() as uow:
        idle, expired = await services.forms.expire(uow, now=now)
        due = await services.forms.albums_due(uow, now=now)
        await uow.commit()
    async with services.uow(background=True) as uow:
        purged = await uow.processed_updates.purge_before(now - PROCESSED_UPDATE_RETENTION)
        await uow.commit()
    if idle or expired or purged:
        logger.info(
            "tick: %d forms idle, %d drafts expired, %d update ids purged", idle, expired, purged
        )
    for session_id in due:
        await _close_lost_album(ctx, session_id)
    await checkpoint_wal(services.background_engine)


async def _close_lost_album(context: BotContext, session_id: int) -> None:
    services = context.services
    async with services.uow(write=False) as uow:
        session = await uow.form_sessions.by_id(session_id)
        person = await uow.people.get_by_telegram_id(session.user_id) if session else None
    if session is None:
        return
    tr = services.catalogues.resolve(person.language if person else None, None)
    await close_album(
        context,
        AlbumClose(session_id, 0, session.chat_id, person.id if person else None, tr.locale),
    )

"""The one-minute tick: housekeeping of forms, old update ids and runs, and SQLite's WAL."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from handlers.context import BotContext, GempurApp
from handlers.forms import AlbumClose, close_album
from storage.engine import checkpoint_wal

logger = logging.getLogger(__name__)

# Redelivered updates arrive within minutes of a restart; a week of ids is ample.
PROCESSED_UPDATE_RETENTION = timedelta(days=7)
# Runs of scheduled jobs, kept to look back at; each job's latest run is always kept.
SCHEDULER_RUN_RETENTION = timedelta(days=7)


async def tick(app: GempurApp, due: datetime) -> None:
    """Suspends idle forms, erases expired drafts, closes albums whose timer a restart lost.

    The purges of old update ids and job runs can meet many rows (after a pause, a busy
    week): they run in a background unit of work. So does checkpointing SQLite's WAL: the
    in-loop connections never do it on commit, where the copy and the fsync would stall the
    loop (storage.engine).
    """
    context = BotContext(app)
    services = context.services
    now = services.clock.now()
    async with services.uow() as uow:
        idle, expired = await services.forms.expire(uow, now=now)
        album_sessions = await services.forms.albums_due(uow, now=now)
        await uow.commit()
    async with services.uow(background=True) as uow:
        purged = await uow.processed_updates.purge_before(now - PROCESSED_UPDATE_RETENTION)
        await uow.scheduler_runs.purge_before(now - SCHEDULER_RUN_RETENTION)
        await uow.commit()
    if idle or expired or purged:
        logger.info(
            "tick: %d forms idle, %d drafts expired, %d update ids purged", idle, expired, purged
        )
    for session_id in album_sessions:
        await _close_lost_album(context, session_id)
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

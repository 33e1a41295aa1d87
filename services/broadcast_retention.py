"""How long a broadcast's text is kept (docs/privacy.md#how-long): `[privacy]
broadcast_retention_days` after it settled (sent, cancelled, expired or discarded; a draft
left undecided that long is discarded), then the text, the attachment and the copies in its
messages and in the notes to its admin are emptied. The counts stay for the reports: the
broadcast row (segment, status, recipients, times) and its messages' statuses.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from storage.uow import UnitOfWork

#: Broadcasts whose notes one statement empties (one LIKE each).
NOTES_BATCH = 100


async def forget_old_texts(uow: UnitOfWork, *, now: datetime, days: int) -> int:
    """Empties what the broadcasts settled more than `days` ago said; returns how many.
    The caller commits."""
    forgotten = await uow.broadcasts.forget_texts(now - timedelta(days=days))
    for start in range(0, len(forgotten), NOTES_BATCH):
        await uow.broadcasts.forget_notes(forgotten[start : start + NOTES_BATCH])
    return len(forgotten)

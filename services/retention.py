"""How long conversations and sent messages are kept (docs/privacy.md#how-long): `[privacy]
thread_retention_days` after their last message, then deleted whole — the thread, its
relayed pairs, its relay sessions and the outbox rows of its copies.

A thread with a message (or a relay session active) within the retention is kept whole, so
the roll-up's "threads waiting" and "median time to answer" of the current season stay as
they were: the minimum retention (366 days, `config.PrivacyConfig`) is longer than a season,
so a thread quiet that long has no message in it. What goes is what the retention says goes:
a thread waiting (unanswered) for longer than the retention stops being counted as waiting.

Messages the outbox has settled keep their text `[privacy] outbox_retention_days`, then their
payload is emptied; the rows stay for their idempotency keys (`storage.repositories.retention`).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from storage.uow import UnitOfWork

#: Threads one unit of work deletes (the first run after an upgrade can meet many).
THREAD_BATCH = 200
#: Outbox rows one unit of work empties.
OUTBOX_BATCH = 1000


async def purge_old_threads(uow: UnitOfWork, *, now: datetime, days: int) -> int:
    """Deletes up to `THREAD_BATCH` threads quiet for more than `days`; returns how many.
    The caller commits, and calls again while a whole batch went."""
    ids = await uow.retention.threads_quiet_since(now - timedelta(days=days), THREAD_BATCH)
    return await uow.retention.delete_threads(ids)


async def empty_old_messages(
    uow: UnitOfWork, *, now: datetime, days: int, after_id: int = 0
) -> tuple[int, int | None]:
    """Empties up to `OUTBOX_BATCH` payloads of rows (ids after `after_id`) settled more than
    `days` ago; returns how many, and the last id looked at — the next batch's `after_id` —
    or None when this was the last batch. The caller commits."""
    before = now - timedelta(days=days)
    ids = await uow.retention.outbox_settled_before(before, OUTBOX_BATCH, after_id=after_id)
    emptied = await uow.retention.empty_outbox(ids)
    return emptied, (ids[-1] if len(ids) == OUTBOX_BATCH else None)

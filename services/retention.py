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
#: Outbox ids one unit of work looks at (a short write each, by the primary key).
OUTBOX_WINDOW = 2000


async def purge_old_threads(uow: UnitOfWork, *, now: datetime, days: int) -> int:
    """Deletes up to `THREAD_BATCH` threads quiet for more than `days`; returns how many.
    The caller commits, and calls again while a whole batch went."""
    before = now - timedelta(days=days)
    ids = await uow.retention.threads_quiet_since(before, THREAD_BATCH)
    return await uow.retention.delete_threads(ids, before)


async def empty_old_messages(
    uow: UnitOfWork, *, now: datetime, days: int, after_id: int = 0
) -> tuple[int, int | None]:
    """Empties the payloads of rows settled more than `days` ago among the next
    `OUTBOX_WINDOW` ids after `after_id`; returns how many, and where the next window starts
    (None after the last). The caller commits."""
    upto = after_id + OUTBOX_WINDOW
    before = now - timedelta(days=days)
    emptied = await uow.retention.empty_settled(before, after_id, upto)
    return emptied, (upto if upto < await uow.retention.last_outbox_id() else None)

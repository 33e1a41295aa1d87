"""What the retention jobs delete or empty (docs/privacy.md#how-long); the caller commits.

Conversations: a thread whose last message (or its opening, when it has none) is older than
the cut-off, and on which no relay session was active since, is deleted with its relayed
pairs, its relay sessions and the outbox rows of its copies. A thread with anything newer is
kept whole: its old pairs still date the waits its season's answers are timed from.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, exists, func, select

from domain.broadcast import UNSETTLED
from storage.repositories.base import Repository, rowcount
from storage.tables import Outbox, RelaySession, Thread, ThreadMessage


class RetentionRepository(Repository):
    """The purges of the retention jobs, each a handful of set-based statements."""

    async def threads_quiet_since(self, before: datetime, limit: int) -> list[int]:
        """Up to `limit` threads (oldest first) with no message, and no relay session
        active, since `before` — open or closed."""
        last = func.coalesce(Thread.last_message_at, Thread.created_at)
        # The pairs themselves too (ix_thread_message_thread_id_created_at), not only the
        # thread's own record of its last message.
        message_since = exists().where(
            ThreadMessage.thread_id == Thread.id, ThreadMessage.created_at >= before
        )
        session_since = exists().where(
            RelaySession.thread_id == Thread.id, RelaySession.last_activity_at >= before
        )
        result = await self.session.scalars(
            select(Thread.id)
            .where(last < before, Thread.created_at < before, ~message_since, ~session_since)
            .order_by(Thread.id)
            .limit(limit)
        )
        return list(result)

    async def delete_threads(self, thread_ids: Sequence[int]) -> int:
        """Deletes these threads, their pairs and relay sessions, and the outbox rows of
        their copies that have left or never will (a copy is only ids: which message went to
        whom); returns how many threads. Evidence taken from a pair loses the link only
        (the foreign key sets it null)."""
        if not thread_ids:
            return 0
        ids = list(thread_ids)
        copies = list(
            await self.session.scalars(
                select(ThreadMessage.outbox_id).where(
                    ThreadMessage.thread_id.in_(ids), ThreadMessage.outbox_id.is_not(None)
                )
            )
        )
        await self.session.execute(delete(RelaySession).where(RelaySession.thread_id.in_(ids)))
        await self.session.execute(delete(ThreadMessage).where(ThreadMessage.thread_id.in_(ids)))
        for start in range(0, len(copies), OUTBOX_BATCH):
            await self.session.execute(
                delete(Outbox).where(
                    Outbox.id.in_(copies[start : start + OUTBOX_BATCH]),
                    Outbox.status.not_in(sorted(UNSETTLED)),
                )
            )
        return rowcount(await self.session.execute(delete(Thread).where(Thread.id.in_(ids))))


#: Outbox rows one statement names by id (well below SQLite's bound-parameter limit).
OUTBOX_BATCH = 500

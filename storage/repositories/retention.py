"""What the retention jobs delete or empty (docs/privacy.md#how-long); the caller commits.

Conversations: a thread whose last message (or its opening, when it has none) is older than
the cut-off, and on which no relay session was active since, is deleted with its relayed
pairs, its relay sessions and the outbox rows of its copies. A thread with anything newer is
kept whole: its old pairs still date the waits its season's answers are timed from.

The outbox: a row settled (sent, failed, expired, cancelled, superseded, in doubt) before the
cut-off has its payload — the rendered text, which can name people — emptied; a broadcast's
row waits until the broadcast has settled (its report counts the rows). The row itself stays:
its idempotency key is what stops a reminder being planned twice for its day, a broadcast
sending twice to a person, a note going twice for its cause; its `telegram_message_id` lets a
reply to a relayed copy find its original; its status is what the reports count.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, String, and_, cast, delete, exists, func, select, update

from domain.broadcast import SETTLED, UNSETTLED
from domain.delivery import OutboxStatus
from storage.repositories.base import Repository, rowcount
from storage.tables import Broadcast, Outbox, RelaySession, Thread, ThreadMessage

#: Outbox rows nothing more will happen to (a pending or claimed row may still leave).
SETTLED_ROWS = sorted(status.value for status in OutboxStatus if status.value not in UNSETTLED)
#: An emptied payload as stored (the JSON text of `{}` on both databases).
EMPTY = "{}"


class RetentionRepository(Repository):
    """The purges of the retention jobs, each a handful of set-based statements."""

    async def threads_quiet_since(self, before: datetime, limit: int) -> list[int]:
        """Up to `limit` threads (oldest first) with no message, and no relay session
        active, since `before` — open or closed."""
        result = await self.session.scalars(
            select(Thread.id).where(_quiet_since(before)).order_by(Thread.id).limit(limit)
        )
        return list(result)

    async def delete_threads(self, thread_ids: Sequence[int], before: datetime) -> int:
        """Deletes those of these threads still quiet since `before` — their pairs and relay
        sessions go with them (ON DELETE CASCADE) — and the outbox rows of their copies that
        have left or never will (a copy is only ids: which message went to whom); returns how
        many threads. Evidence taken from a pair loses the link only (the foreign key sets it
        null).

        The quiet condition is asked again in the DELETE itself: on PostgreSQL a message or
        relay session committed since the threads were read keeps its thread, whole."""
        if not thread_ids:
            return 0
        ids = list(thread_ids)
        copies = list(
            await self.session.execute(
                select(ThreadMessage.thread_id, ThreadMessage.outbox_id).where(
                    ThreadMessage.thread_id.in_(ids), ThreadMessage.outbox_id.is_not(None)
                )
            )
        )
        gone = set(
            await self.session.scalars(
                delete(Thread)
                .where(Thread.id.in_(ids), _quiet_since(before))
                .returning(Thread.id)
                .execution_options(synchronize_session=False)
            )
        )
        left = sorted(copy for thread_id, copy in copies if thread_id in gone and copy is not None)
        for start in range(0, len(left), OUTBOX_BATCH):
            await self.session.execute(
                delete(Outbox).where(
                    Outbox.id.in_(left[start : start + OUTBOX_BATCH]),
                    Outbox.status.not_in(sorted(UNSETTLED)),
                )
            )
        return len(gone)

    async def last_outbox_id(self) -> int:
        """The highest outbox id (0 when empty): where the windows of `empty_settled` end."""
        return int(await self.session.scalar(select(func.max(Outbox.id))) or 0)

    async def empty_settled(self, before: datetime, after_id: int, upto_id: int) -> int:
        """Empties the payloads of the outbox rows with ids in (`after_id`, `upto_id`] settled
        before `before` and not empty yet, outside broadcasts still under way; returns how
        many.

        One window of ids per statement, walked by the primary key: `status || ''` keeps the
        planner off the claim index, which would visit every sent row of the table for
        each window (a first run over a year of reminders grew with the square of the rows).
        """
        # No settled_at column: sent, else last claimed, else due — each at most the row's
        # expiry (hours) before it settled.
        settled_at = func.coalesce(Outbox.sent_at, Outbox.claimed_at, Outbox.not_before)
        broadcast_under_way = exists().where(
            Broadcast.id == Outbox.broadcast_id,
            Broadcast.status.not_in(sorted(status.value for status in SETTLED)),
        )
        result = await self.session.execute(
            update(Outbox)
            .where(
                Outbox.id > after_id,
                Outbox.id <= upto_id,
                Outbox.status.concat("").in_(SETTLED_ROWS),
                settled_at < before,
                cast(Outbox.payload, String) != EMPTY,
                ~broadcast_under_way,
            )
            .values(payload={})
            .execution_options(synchronize_session=False)
        )
        return rowcount(result)


def _quiet_since(before: datetime) -> ColumnElement[bool]:
    """A thread with no message, and no relay session active, since `before`."""
    last = func.coalesce(Thread.last_message_at, Thread.created_at)
    # The pairs themselves too (ix_thread_message_thread_id_created_at), not only the
    # thread's own record of its last message.
    message_since = exists().where(
        ThreadMessage.thread_id == Thread.id, ThreadMessage.created_at >= before
    )
    session_since = exists().where(
        RelaySession.thread_id == Thread.id, RelaySession.last_activity_at >= before
    )
    return and_(last < before, Thread.created_at < before, ~message_since, ~session_since)


#: Outbox rows one statement names by id (well below SQLite's bound-parameter limit).
OUTBOX_BATCH = 500

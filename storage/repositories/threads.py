"""Threads between boards and officers, the relayed message pairs and the relay sessions.

A pair keeps only ids: the original (chat, message) and the outbox row of its copy, whose
``telegram_message_id`` the sender records, so a Telegram reply to a copy finds its original
without a second write after sending.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, insert, or_, select, update

from domain.access import Role
from domain.delivery import OutboxStatus
from domain.relay import Direction, ThreadStatus
from storage.repositories.base import Repository, rowcount
from storage.repositories.privacy import ERASED
from storage.tables import (
    Koperasi,
    Outbox,
    Person,
    RelaySession,
    RoleGrant,
    Thread,
    ThreadMessage,
)


@dataclass(frozen=True)
class InboxLine:
    """One thread as /pesan lists it."""

    thread_id: int
    koperasi_id: int
    nama: str
    kecamatan: str | None
    waiting_since: datetime | None
    claimed_by_person_id: int | None


class ThreadRepository(Repository):
    """Threads, pairs and sessions; the caller commits."""

    async def get(self, thread_id: int) -> Thread | None:
        """The thread, or None."""
        return await self.session.get(Thread, thread_id)

    async def open_for(self, koperasi_id: int) -> Thread | None:
        """The cooperative's open thread, if any."""
        return await self.session.scalar(
            select(Thread)
            .where(Thread.koperasi_id == koperasi_id, Thread.status == ThreadStatus.OPEN.value)
            .order_by(Thread.id)
            .limit(1)
        )

    async def create(
        self, koperasi_id: int, assigned: int | None, now: datetime, *, topic: str | None = None
    ) -> Thread:
        """A new open thread of the cooperative, with its officer (None: the admins' queue)."""
        thread = Thread(
            koperasi_id=koperasi_id,
            status=ThreadStatus.OPEN.value,
            topic=topic,
            assigned_person_id=assigned,
            created_at=now,
        )
        self.session.add(thread)
        await self.session.flush()
        return thread

    async def claim(self, thread_id: int, person_id: int) -> bool:
        """Gives a queued thread to an admin; False when another admin has it already."""
        result = await self.session.execute(
            update(Thread)
            .where(
                Thread.id == thread_id,
                or_(
                    Thread.claimed_by_person_id.is_(None),
                    Thread.claimed_by_person_id == person_id,
                ),
            )
            .values(claimed_by_person_id=person_id)
            .execution_options(synchronize_session="fetch")
        )
        return rowcount(result) == 1

    async def follow_officer(
        self, koperasi_ids: Sequence[int], officer_id: int | None
    ) -> list[int]:
        """Moves every thread of these cooperatives, closed ones too, to their new officer (None:
        the admins' queue, unclaimed); returns the moved threads' ids. A closed thread stays the
        cooperative's: whoever reopens or answers it later must be its officer now."""
        if not koperasi_ids:
            return []
        result = await self.session.scalars(
            update(Thread)
            .where(Thread.koperasi_id.in_(koperasi_ids))
            .values(assigned_person_id=officer_id, claimed_by_person_id=None)
            .returning(Thread.id)
            .execution_options(synchronize_session=False)
        )
        return list(result)

    async def add_pairs(
        self,
        thread: Thread,
        *,
        direction: Direction,
        from_person_id: int | None,
        from_chat_id: int,
        from_message_id: int,
        copies: Sequence[tuple[int, int]],
        now: datetime,
    ) -> None:
        """Records a relayed message's copies, each (recipient chat, outbox row of the copy),
        in one INSERT."""
        if not copies:
            return
        thread.last_message_at = now  # flushed with the thread's other changes, before
        await self.session.execute(
            insert(ThreadMessage),
            [
                {
                    "thread_id": thread.id,
                    "direction": direction.value,
                    "from_person_id": from_person_id,
                    "from_chat_id": from_chat_id,
                    "from_message_id": from_message_id,
                    "to_chat_id": to_chat_id,
                    "outbox_id": outbox_id,
                    "created_at": now,
                }
                for to_chat_id, outbox_id in copies
            ],
        )

    async def pair_of_copy(self, chat_id: int, message_id: int) -> ThreadMessage | None:
        """The pair whose copy is message `message_id` in `chat_id` (a Telegram reply's target)."""
        return await self.session.scalar(
            select(ThreadMessage)
            .join(Outbox, Outbox.id == ThreadMessage.outbox_id)
            .where(
                ThreadMessage.to_chat_id == chat_id,
                Outbox.chat_id == chat_id,
                Outbox.telegram_message_id == message_id,
            )
            .limit(1)
        )

    async def copies_of(
        self, thread_id: int, chat_id: int, message_id: int
    ) -> list[ThreadMessage]:
        """Every pair of one original message (one per recipient)."""
        result = await self.session.scalars(
            select(ThreadMessage).where(
                ThreadMessage.thread_id == thread_id,
                ThreadMessage.from_chat_id == chat_id,
                ThreadMessage.from_message_id == message_id,
            )
        )
        return list(result)

    async def card_facts(
        self, koperasi_id: int, person_id: int
    ) -> tuple[Koperasi | None, str | None, str | None]:
        """What a header card names, in one statement: the cooperative, the writer's name and
        position on its board (None for what is not recorded)."""
        row = (
            await self.session.execute(
                select(Koperasi, Person.full_name, RoleGrant.jabatan)
                .select_from(Koperasi)
                .outerjoin(Person, Person.id == person_id)
                .outerjoin(
                    RoleGrant,
                    and_(
                        RoleGrant.person_id == Person.id,
                        RoleGrant.koperasi_id == Koperasi.id,
                        RoleGrant.role == Role.PENGURUS.value,
                        RoleGrant.active.is_(True),
                    ),
                )
                .where(Koperasi.id == koperasi_id)
                .limit(1)
            )
        ).first()
        if row is None:
            return None, None, None
        return row[0], row[1], row[2]

    async def copy_message_id(self, pair: ThreadMessage) -> int | None:
        """The message id of the pair's copy, once sent."""
        if pair.outbox_id is None:
            return None
        return await self.session.scalar(
            select(Outbox.telegram_message_id).where(Outbox.id == pair.outbox_id)
        )

    async def last_asker(self, thread_id: int) -> int | None:
        """The board member who wrote last in the thread."""
        return await self.session.scalar(
            select(ThreadMessage.from_person_id)
            .where(
                ThreadMessage.thread_id == thread_id,
                ThreadMessage.direction == Direction.TO_OFFICER.value,
                ThreadMessage.from_person_id.is_not(None),
            )
            .order_by(ThreadMessage.id.desc())
            .limit(1)
        )

    async def inbox(self, person_id: int | None, *, admin: bool) -> list[InboxLine]:
        """Open threads of an officer (and, for an admin, the queue), oldest waiting first."""
        query = (
            select(
                Thread.id,
                Thread.koperasi_id,
                Koperasi.nama,
                Koperasi.kecamatan,
                Thread.waiting_since,
                Thread.claimed_by_person_id,
            )
            .join(Koperasi, Koperasi.id == Thread.koperasi_id)
            .where(Thread.status == ThreadStatus.OPEN.value)
        )
        mine = Thread.assigned_person_id == person_id
        if admin:
            query = query.where(or_(mine, Thread.assigned_person_id.is_(None)))
        else:
            query = query.where(mine)
        # Waiting threads first, the longest wait on top; then the latest conversations.
        query = query.order_by(
            Thread.waiting_since.is_(None),
            Thread.waiting_since,
            Thread.last_message_at.desc(),
            Thread.id,
        )
        return [InboxLine(*row) for row in await self.session.execute(query)]

    async def waiting_with_names(self, before: datetime) -> list[tuple[Thread, str | None]]:
        """`waiting`, each thread with its cooperative's name (one statement)."""
        rows = await self.session.execute(
            select(Thread, Koperasi.nama)
            .outerjoin(Koperasi, Koperasi.id == Thread.koperasi_id)
            .where(
                Thread.status == ThreadStatus.OPEN.value,
                Thread.waiting_since.is_not(None),
                Thread.waiting_since < before,
            )
            .order_by(Thread.waiting_since, Thread.id)
        )
        return [(thread, nama) for thread, nama in rows]

    async def waiting(self, before: datetime) -> list[Thread]:
        """Open threads waiting since before `before`, oldest first."""
        result = await self.session.scalars(
            select(Thread)
            .where(
                Thread.status == ThreadStatus.OPEN.value,
                Thread.waiting_since.is_not(None),
                Thread.waiting_since < before,
            )
            .order_by(Thread.waiting_since, Thread.id)
        )
        return list(result)

    async def undelivered_since(self, since: datetime) -> list[tuple[ThreadMessage, int | None]]:
        """Pairs relayed since `since` whose copy the recipient never got (403: blocked), with
        the recipient's person id. Copies an erasure stopped are not among them."""
        rows = await self.session.execute(
            select(ThreadMessage, Outbox.person_id)
            .join(Outbox, Outbox.id == ThreadMessage.outbox_id)
            .where(
                ThreadMessage.created_at >= since,
                Outbox.status == OutboxStatus.CANCELLED.value,
                Outbox.error.is_not(None),
                Outbox.error != ERASED,
            )
            .order_by(ThreadMessage.id)
        )
        return [(pair, person_id) for pair, person_id in rows]

    # --- relay sessions ---------------------------------------------------------------------

    async def live_session_and_thread(self, chat_id: int) -> tuple[RelaySession, Thread] | None:
        """The chat's live relay session with its thread, in one statement."""
        row = (
            await self.session.execute(
                select(RelaySession, Thread)
                .join(Thread, Thread.id == RelaySession.thread_id)
                .where(RelaySession.chat_id == chat_id, RelaySession.ended_at.is_(None))
                .order_by(RelaySession.id.desc())
                .limit(1)
            )
        ).first()
        return None if row is None else (row[0], row[1])

    async def live_session(self, chat_id: int) -> RelaySession | None:
        """The chat's relay session that has not ended (idle time is the caller's rule)."""
        return await self.session.scalar(
            select(RelaySession)
            .where(RelaySession.chat_id == chat_id, RelaySession.ended_at.is_(None))
            .order_by(RelaySession.id.desc())
            .limit(1)
        )

    async def start_session(
        self, chat_id: int, person_id: int, thread_id: int, now: datetime
    ) -> RelaySession:
        """Opens a relay session in the chat, ending the one before."""
        await self.end_sessions(chat_id, now)
        relay = RelaySession(
            chat_id=chat_id,
            person_id=person_id,
            thread_id=thread_id,
            started_at=now,
            last_activity_at=now,
        )
        self.session.add(relay)
        await self.session.flush()
        return relay

    async def end_sessions(
        self, chat_id: int, now: datetime, *, thread_id: int | None = None
    ) -> int:
        """Ends the chat's relay sessions (on `thread_id` only, if given); how many were open."""
        query = update(RelaySession).where(
            RelaySession.chat_id == chat_id, RelaySession.ended_at.is_(None)
        )
        if thread_id is not None:
            query = query.where(RelaySession.thread_id == thread_id)
        result = await self.session.execute(
            query.values(ended_at=now).execution_options(synchronize_session="fetch")
        )
        return rowcount(result)

    async def end_session(self, session_id: int, chat_id: int, now: datetime) -> bool:
        """Ends one relay session of the chat; False when it had ended (or is not the chat's)."""
        result = await self.session.execute(
            update(RelaySession)
            .where(
                RelaySession.id == session_id,
                RelaySession.chat_id == chat_id,
                RelaySession.ended_at.is_(None),
            )
            .values(ended_at=now)
            .execution_options(synchronize_session="fetch")
        )
        return rowcount(result) == 1

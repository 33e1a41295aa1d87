"""Broadcasts (/siaran): the rows, their status changes, the segment's recipients in SQL,
and their outbox rows counted by status.

Every status change is a compare-and-set (``UPDATE … WHERE status IN (…)``): of two taps,
two jobs or two processes exactly one moves a broadcast on, and only that one queues its
messages (whose idempotency keys, one per broadcast and person, are a second guard).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, exists, func, or_, select, text, update

from domain.access import Role
from domain.broadcast import LEFT, SETTLED, UNSETTLED, BroadcastStatus, Segment, SegmentKind
from domain.delivery import OutboxStatus
from domain.koperasi_list import search_key
from domain.rat.activity import BUBAR
from storage.repositories.base import Repository, rowcount
from storage.repositories.koperasi_query import AnySelect, late_expr, squashed
from storage.tables import Broadcast, Koperasi, Outbox, Person, RoleGrant

_FLAG_COLUMNS = {
    "TERLAMBAT_TARGET": Koperasi.flag_terlambat_target,
    "TERLAMBAT_LAPOR": Koperasi.flag_terlambat_lapor,
    "LEWAT_BATAS_UU": Koperasi.flag_lewat_batas_uu,
    "TIDAK_RAT": Koperasi.flag_tidak_rat,
}


def _recipients(segment: Segment) -> AnySelect:
    """(person id, chat id) of everyone the segment reaches now, each person once."""
    role = Role.PENGURUS if segment.boards else Role.PETUGAS
    return (
        select(Person.id, Person.telegram_user_id)
        .where(
            Person.telegram_user_id.is_not(None),
            Person.erased_at.is_(None),
            exists().where(
                RoleGrant.person_id == Person.id,
                RoleGrant.role == role.value,
                RoleGrant.active.is_(True),
                *_koperasi_filter(segment),
            ),
        )
        .order_by(Person.id)
    )


def _koperasi_filter(segment: Segment) -> list[ColumnElement[bool]]:
    """The board's cooperative must match the segment; a dissolved (BUBAR) one never does,
    unless /rekap named it. Nothing for officers."""
    kind = segment.kind
    if kind is SegmentKind.OFFICERS:
        return []
    if kind is SegmentKind.KOPERASI:
        return [RoleGrant.koperasi_id.in_(segment.koperasi_ids or (-1,))]
    matches: list[ColumnElement[bool]] = [
        or_(Koperasi.status_aktivitas.is_(None), Koperasi.status_aktivitas != BUBAR)
    ]
    if kind is SegmentKind.KECAMATAN:
        matches.append(squashed(Koperasi.kecamatan) == search_key(segment.value or ""))
    elif kind is SegmentKind.STAGE:
        matches.append(Koperasi.tahap == segment.value)
    elif kind is SegmentKind.JENIS:
        matches.append(Koperasi.jenis == segment.value)
    elif kind is SegmentKind.FLAG:
        column = _FLAG_COLUMNS.get(segment.value or "")
        matches.append(column.is_(True) if column is not None else late_expr())
    return [exists().where(Koperasi.id == RoleGrant.koperasi_id, *matches)]


class BroadcastRepository(Repository):
    """Broadcast rows and the outbox rows they made."""

    async def add(
        self,
        *,
        created_by: int | None,
        segment: Segment,
        text: str,
        media_kind: str | None,
        media_file_id: str | None,
        now: datetime,
    ) -> Broadcast:
        """A new draft broadcast (previewed, not sent nor scheduled)."""
        row = Broadcast(
            created_by_person_id=created_by,
            segment=segment.to_json(),
            text=text,
            media_kind=media_kind,
            media_file_id=media_file_id,
            status=BroadcastStatus.DRAFT.value,
            created_at=now,
        )
        self.session.add(row)
        await self.session.flush()
        return row

    async def get(self, broadcast_id: int) -> Broadcast | None:
        """The broadcast, if it exists."""
        return await self.session.get(Broadcast, broadcast_id)

    async def move(
        self,
        broadcast_id: int,
        frm: Iterable[BroadcastStatus],
        to: BroadcastStatus,
        **values: Any,
    ) -> bool:
        """Changes the status if it is one of `frm` now; True if this call changed it."""
        result = await self.session.execute(
            update(Broadcast)
            .where(Broadcast.id == broadcast_id, Broadcast.status.in_([s.value for s in frm]))
            .values(status=to.value, **values)
            .execution_options(synchronize_session=False)
        )
        changed = rowcount(result) == 1
        if changed:
            row = await self.session.get(Broadcast, broadcast_id)
            if row is not None:
                await self.session.refresh(row)
        return changed

    async def recipients(self, segment: Segment) -> list[tuple[int, int]]:
        """(person id, chat id) of everyone the segment reaches now."""
        rows = await self.session.execute(_recipients(segment))
        return [(int(person), int(chat)) for person, chat in rows]

    async def count_recipients(self, segment: Segment) -> int:
        """How many people the segment reaches now."""
        stmt = select(func.count()).select_from(_recipients(segment).order_by(None).subquery())
        return int(await self.session.scalar(stmt) or 0)

    async def due(self, now: datetime) -> list[Broadcast]:
        """Scheduled broadcasts whose moment has come, oldest first."""
        rows = await self.session.scalars(
            select(Broadcast)
            .where(
                Broadcast.status == BroadcastStatus.SCHEDULED.value,
                Broadcast.scheduled_at <= now,
            )
            .order_by(Broadcast.scheduled_at, Broadcast.id)
        )
        return list(rows)

    async def with_status(self, statuses: Sequence[BroadcastStatus]) -> list[Broadcast]:
        """Broadcasts in one of these statuses, by id."""
        rows = await self.session.scalars(
            select(Broadcast)
            .where(Broadcast.status.in_([s.value for s in statuses]))
            .order_by(Broadcast.scheduled_at, Broadcast.id)
        )
        return list(rows)

    async def counts(self, broadcast_id: int) -> dict[str, int]:
        """The broadcast's outbox rows by status."""
        rows = await self.session.execute(
            select(Outbox.status, func.count())
            .where(Outbox.broadcast_id == broadcast_id)
            .group_by(Outbox.status)
        )
        return {str(status): int(count) for status, count in rows}

    async def analyze_outbox(self) -> None:
        """PostgreSQL: refresh the outbox's statistics after a large broadcast was queued.

        The sender's claim walks the pending rows in order; with statistics from before
        thousands of rows arrived the planner sorts them all on every claim (seconds each),
        until autovacuum — if it is on at all — analyzes the table. SQLite plans without them.
        """
        if self.session.get_bind().dialect.name == "postgresql":
            await self.session.execute(text("ANALYZE outbox"))

    async def cancel_unsent(self, broadcast_id: int, *, reason: str) -> bool:
        """Cancels the broadcast's pending rows if none has left yet; False (nothing changed)
        once one has. The caller rolls back on False."""
        await self.session.execute(
            update(Outbox)
            .where(
                Outbox.broadcast_id == broadcast_id,
                Outbox.status == OutboxStatus.PENDING.value,
            )
            .values(status=OutboxStatus.CANCELLED.value, error=reason)
            .execution_options(synchronize_session=False)
        )
        gone = await self.session.scalar(
            select(
                exists().where(
                    and_(Outbox.broadcast_id == broadcast_id, Outbox.status.in_(sorted(LEFT)))
                )
            )
        )
        return not gone

    async def forget_texts(self, before: datetime) -> list[int]:
        """Empties the text and attachment of every broadcast settled before ``before`` (a
        draft left undecided since then is discarded), and the payloads of their messages
        that have left or never will; returns their ids.

        What the reports count stays: the broadcast row (segment, status, recipient count,
        times) and its outbox rows with their statuses.
        """
        ended = func.coalesce(Broadcast.finished_at, Broadcast.created_at)
        settled = sorted(status.value for status in SETTLED)  # a stable statement text
        draft = BroadcastStatus.DRAFT.value
        # One statement that checks and writes: a draft scheduled (or a broadcast started)
        # by a transaction committing meanwhile no longer matches and keeps its text.
        ids = sorted(
            await self.session.scalars(
                update(Broadcast)
                .where(
                    or_(
                        and_(Broadcast.status.in_(settled), ended < before),
                        and_(Broadcast.status == draft, Broadcast.created_at < before),
                    ),
                    or_(Broadcast.text.is_not(None), Broadcast.media_file_id.is_not(None)),
                )
                .values(
                    text=None,
                    media_file_id=None,
                    status=case(
                        (Broadcast.status == draft, BroadcastStatus.DISCARDED.value),
                        else_=Broadcast.status,
                    ),
                )
                .returning(Broadcast.id)
                .execution_options(synchronize_session=False)
            )
        )
        if not ids:
            return []
        await self.session.execute(
            update(Outbox)
            .where(Outbox.broadcast_id.in_(ids), Outbox.status.not_in(sorted(UNSETTLED)))
            .values(payload={})
            .execution_options(synchronize_session=False)
        )
        return ids

    async def forget_notes(self, broadcast_ids: Sequence[int]) -> int:
        """Empties the payloads of the notes about these broadcasts that were sent to their
        admins (they quote the text's start); returns how many."""
        if not broadcast_ids:
            return 0
        about = [
            Outbox.idempotency_key.like(f"note:%:siaran:{number}:%") for number in broadcast_ids
        ]
        result = await self.session.execute(
            update(Outbox)
            .where(or_(*about), Outbox.status.not_in(sorted(UNSETTLED)))
            .values(payload={})
            .execution_options(synchronize_session=False)
        )
        return rowcount(result)

"""The outbox: messages waiting for the leader's paced sender (docs/architecture.md#the-outbox).

The sender's protocol, one short transaction each, never around a Bot API call:
``claim`` (pending → claimed, committed before the call), ``finish`` (claimed → sent, pending
again, failed …, right after), ``recover_claimed`` at start-up for rows a dead process left
claimed, ``expire_due`` and ``cancel_pending_for_chat``.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Integer,
    Select,
    Table,
    Text,
    and_,
    bindparam,
    delete,
    exists,
    func,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import aliased
from sqlalchemy.orm.util import AliasedClass

from domain.delivery import (
    BULK_PRIORITY,
    PRIORITY_BULK,
    PRIORITY_INTERACTIVE,
    PRIORITY_REMINDER,
    OutboxStatus,
    is_bulk,
)
from storage.outbox_doorbell import note_interactive_queued
from storage.repositories.base import Repository, _insert_ignoring, insert_or_ignore_id, rowcount
from storage.tables import JsonDict, Outbox, OutboxFile

# The priorities are the domain's; re-exported for the callers that enqueue.
__all__ = [
    "PRIORITY_BULK",
    "PRIORITY_INTERACTIVE",
    "PRIORITY_REMINDER",
    "Finish",
    "OutboxRepository",
]

_TABLE = cast(Table, Outbox.__table__)


@dataclass(frozen=True)
class Finish:
    """The recorded end of one claimed attempt."""

    row_id: int
    status: OutboxStatus
    sent_at: datetime | None = None
    telegram_message_id: int | None = None
    error: str | None = None
    # Only for rows going back to pending: when they may be claimed again.
    not_before: datetime | None = None


# One executemany statement for a whole batch of finished attempts. The guard on status and
# holder means a late answer never overwrites a row that recovery has already settled.
_FINISH = (
    update(_TABLE)
    .where(
        _TABLE.c.id == bindparam("row_id"),
        _TABLE.c.status == OutboxStatus.CLAIMED.value,
        _TABLE.c.claimed_by == bindparam("holder"),
    )
    .values(
        status=bindparam("new_status"),
        sent_at=bindparam("new_sent_at", type_=_TABLE.c.sent_at.type),
        telegram_message_id=bindparam("new_message_id", type_=_TABLE.c.telegram_message_id.type),
        error=bindparam("new_error", type_=_TABLE.c.error.type),
        not_before=func.coalesce(
            bindparam("new_not_before", type_=_TABLE.c.not_before.type), _TABLE.c.not_before
        ),
    )
)


# On every language change: a Core statement built once (the ORM's bulk path costs more).
_SUPERSEDE = (
    update(_TABLE)
    .where(
        _TABLE.c.chat_id == bindparam("the_chat"),
        _TABLE.c.kind == bindparam("the_kind"),
        _TABLE.c.status == OutboxStatus.PENDING.value,
        _TABLE.c.idempotency_key != bindparam("keep_key"),
    )
    .values(status=OutboxStatus.SUPERSEDED.value)
)


# enqueue_bulk's statements: a JSON array of rows unpacked by the database and inserted
# skipping known keys; RETURNING tells inserted from skipped on both (no driver rowcount).
_BULK_INSERT_SQL = {
    "postgresql": """
        INSERT INTO outbox (idempotency_key, chat_id, person_id, payload, priority, kind,
                            method, broadcast_id, status, not_before, expires_at, attempts,
                            created_at)
        SELECT r.k, r.c, r.p, r.m, CAST(:priority AS INTEGER), CAST(:kind AS VARCHAR),
               CAST(:method AS VARCHAR), CAST(:broadcast_id AS INTEGER), CAST(:status AS VARCHAR),
               CAST(:not_before AS TIMESTAMPTZ), CAST(:expires_at AS TIMESTAMPTZ), 0,
               CAST(:created_at AS TIMESTAMPTZ)
        FROM json_to_recordset(CAST(:rows AS JSON)) AS r(k TEXT, c BIGINT, p BIGINT, m JSON)
        ON CONFLICT (idempotency_key) DO NOTHING
        RETURNING idempotency_key
    """,
    # WHERE true: SQLite needs it between an INSERT's SELECT and its ON CONFLICT.
    "sqlite": """
        INSERT INTO outbox (idempotency_key, chat_id, person_id, payload, priority, kind,
                            method, broadcast_id, status, not_before, expires_at, attempts,
                            created_at)
        SELECT json_extract(value, '$.k'), json_extract(value, '$.c'),
               json_extract(value, '$.p'), json_extract(value, '$.m'), :priority, :kind,
               :method, :broadcast_id, :status, :not_before, :expires_at, 0, :created_at
        FROM json_each(:rows) WHERE true
        ON CONFLICT (idempotency_key) DO NOTHING
        RETURNING idempotency_key
    """,
}


@functools.cache
def _bulk_insert(dialect: str) -> Any:
    """``enqueue_bulk``'s statement for the dialect, built once."""
    return text(_BULK_INSERT_SQL[dialect]).bindparams(
        bindparam("rows", type_=Text()),
        bindparam("priority", type_=Integer()),
        bindparam("kind", type_=_TABLE.c.kind.type),
        bindparam("method", type_=_TABLE.c.method.type),
        bindparam("broadcast_id", type_=Integer()),
        bindparam("status", type_=_TABLE.c.status.type),
        bindparam("not_before", type_=_TABLE.c.not_before.type),
        bindparam("expires_at", type_=_TABLE.c.expires_at.type),
        bindparam("created_at", type_=_TABLE.c.created_at.type),
    )


@functools.cache
def _insert_superseding(columns: tuple[str, ...]) -> Any:
    """PostgreSQL: supersede the chat's waiting rows of a kind and queue the new one, in one
    round trip (a data-modifying CTE runs even though nothing reads it). Built once."""
    # Parameters named like columns would also become SET clauses of the CTE's UPDATE.
    values = {name: bindparam(f"v_{name}", type_=_TABLE.c[name].type) for name in columns}
    return (
        postgresql.insert(_TABLE)
        .values(values)
        .on_conflict_do_nothing(index_elements=["idempotency_key"])
        .returning(_TABLE.c.id)
        .add_cte(_SUPERSEDE.cte("superseded"))
    )


def _row_values(
    *,
    idempotency_key: str,
    chat_id: int,
    method: str,
    payload: JsonDict,
    kind: str,
    priority: int,
    now: datetime,
    not_before: datetime | None = None,
    expires_at: datetime | None = None,
    person_id: int | None = None,
    broadcast_id: int | None = None,
) -> dict[str, Any]:
    """The columns of a new pending row."""
    return {
        "idempotency_key": idempotency_key,
        "chat_id": chat_id,
        "person_id": person_id,
        "priority": priority,
        "kind": kind,
        "method": method,
        "payload": payload,
        "status": OutboxStatus.PENDING.value,
        "not_before": not_before or now,
        "expires_at": expires_at,
        "attempts": 0,
        "broadcast_id": broadcast_id,
        "created_at": now,
    }


class OutboxRepository(Repository):
    """Enqueueing (idempotent on ``idempotency_key``) and the paced sender's claims."""

    async def enqueue(
        self,
        *,
        idempotency_key: str,
        chat_id: int,
        method: str,
        payload: JsonDict,
        kind: str,
        priority: int,
        now: datetime,
        not_before: datetime | None = None,
        expires_at: datetime | None = None,
        person_id: int | None = None,
        broadcast_id: int | None = None,
        superseding: bool = False,
    ) -> int:
        """Queue a Bot API call; returns the row's id. The same key again keeps the existing
        row unchanged and returns its id.

        ``superseding``: the chat's pending rows of the same kind will never go, this one
        replaces them (a chat's next command menu). On PostgreSQL both happen in one statement.
        """
        values = _row_values(
            idempotency_key=idempotency_key,
            chat_id=chat_id,
            method=method,
            payload=payload,
            kind=kind,
            priority=priority,
            now=now,
            not_before=not_before,
            expires_at=expires_at,
            person_id=person_id,
            broadcast_id=broadcast_id,
        )
        if superseding and self.session.get_bind().dialect.name == "postgresql":
            params = {f"v_{name}": value for name, value in values.items()}
            params.update(the_chat=chat_id, the_kind=kind, keep_key=idempotency_key)
            found = (
                await self.session.execute(_insert_superseding(tuple(values)), params)
            ).first()
            inserted = int(found[0]) if found is not None else None
        else:
            if superseding:
                await self.supersede_pending(chat_id, kind, keep_key=idempotency_key)
            inserted = await insert_or_ignore_id(self.session, Outbox, values, ["idempotency_key"])
        if inserted is not None:
            # A message someone waits for wakes the sender after the commit. A superseding row
            # (a chat's command menu) is the chat's latest state, not a message: it waits for
            # the sender's next round, so a burst of /bahasa taps costs no claim round each.
            if not is_bulk(priority) and not superseding:
                note_interactive_queued(self.session)
            return inserted
        row = await self.get_by_key(idempotency_key)
        if row is None:  # pragma: no cover - the conflicting row exists
            raise RuntimeError(f"outbox row {idempotency_key!r} vanished after insert")
        return row.id

    async def enqueue_once(
        self,
        *,
        idempotency_key: str,
        chat_id: int,
        method: str,
        payload: JsonDict,
        kind: str,
        priority: int,
        now: datetime,
        person_id: int | None = None,
    ) -> int | None:
        """Queues a Bot API call unless its key is queued already: the new row's id, or None
        for a key seen before (a redelivered update), in one statement either way."""
        values = _row_values(
            idempotency_key=idempotency_key,
            chat_id=chat_id,
            method=method,
            payload=payload,
            kind=kind,
            priority=priority,
            now=now,
            person_id=person_id,
        )
        inserted = await insert_or_ignore_id(self.session, Outbox, values, ["idempotency_key"])
        if inserted is not None and not is_bulk(priority):
            note_interactive_queued(self.session)
        return inserted

    async def enqueue_bulk(self, rows: Sequence[JsonDict], *, now: datetime) -> int:
        """Queues many bulk rows (see ``enqueue_bulk_keys``); returns how many were new."""
        return len(await self.enqueue_bulk_keys(rows, now=now))

    async def enqueue_bulk_keys(self, rows: Sequence[JsonDict], *, now: datetime) -> set[str]:
        """Queues many bulk rows (a reminder pass, a broadcast) in one statement per group of
        rows sharing priority, kind, method, broadcast, ``not_before`` and ``expires_at`` (a
        pass has one or two); rows whose key is there already are kept. Each row gives
        ``idempotency_key``, ``chat_id``, ``person_id``, ``priority`` (bulk), ``kind``,
        ``payload``, ``not_before`` and ``expires_at``, and may give ``method`` (default
        ``sendMessage``) and ``broadcast_id``. Returns the keys of the rows that were new (a
        reminder pass tells by them what really went out). Bulk rows ring no doorbell.

        The varying columns travel as one JSON array parameter and the database unpacks it
        (``INSERT … SELECT … FROM json_each`` / ``json_to_recordset`` ``ON CONFLICT DO
        NOTHING``): no parameter set, type processing or ORM object per row.
        """
        if not rows:
            return set()
        if any(not is_bulk(row["priority"]) for row in rows):
            raise ValueError("enqueue_bulk is for bulk rows only")
        groups: dict[
            tuple[int, str, str, int | None, datetime, datetime | None], list[JsonDict]
        ] = {}
        for row in rows:
            shared = (
                row["priority"],
                row["kind"],
                row.get("method", "sendMessage"),
                row.get("broadcast_id"),
                row["not_before"],
                row["expires_at"],
            )
            groups.setdefault(shared, []).append(
                {
                    "k": row["idempotency_key"],
                    "c": row["chat_id"],
                    "p": row["person_id"],
                    "m": row["payload"],
                }
            )
        stmt = _bulk_insert(self.session.get_bind().dialect.name)
        written: set[str] = set()
        for (
            priority,
            kind,
            method,
            broadcast_id,
            not_before,
            expires_at,
        ), items in groups.items():
            params = {
                "rows": json.dumps(items, ensure_ascii=False, separators=(",", ":")),
                "priority": priority,
                "kind": kind,
                "method": method,
                "broadcast_id": broadcast_id,
                "status": OutboxStatus.PENDING.value,
                "not_before": not_before,
                "expires_at": expires_at,
                "created_at": now,
            }
            written.update(key for (key,) in await self.session.execute(stmt, params))
        return written

    async def store_file(self, key: str, filename: str, content: bytes, *, now: datetime) -> bool:
        """Stores a generated file for rows to upload, unless one is stored under ``key``
        already (that one is kept); returns whether it was new."""
        stmt = _insert_ignoring(
            self.session.get_bind().dialect.name,
            OutboxFile,
            ("key", "filename", "content", "created_at"),
            ("key",),
        )
        values = {"key": key, "filename": filename, "content": content, "created_at": now}
        return bool((await self.session.execute(stmt, [values])).all())

    async def files(self, keys: Collection[str]) -> dict[str, tuple[str, bytes]]:
        """(filename, content) of the stored files among ``keys``."""
        if not keys:
            return {}
        rows = await self.session.execute(
            select(OutboxFile.key, OutboxFile.filename, OutboxFile.content).where(
                OutboxFile.key.in_(sorted(keys))
            )
        )
        return {key: (filename, bytes(content)) for key, filename, content in rows}

    async def purge_files(self, before: datetime) -> int:
        """Deletes the stored files made before ``before`` (their rows have long expired)."""
        result = await self.session.execute(
            delete(OutboxFile).where(OutboxFile.created_at < before)
        )
        return rowcount(result)

    async def existing_keys(self, keys: Collection[str]) -> set[str]:
        """Those of ``keys`` that name a row already (a few hundred per statement)."""
        found: set[str] = set()
        wanted = sorted(keys)
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            stmt = select(Outbox.idempotency_key).where(Outbox.idempotency_key.in_(chunk))
            found.update(await self.session.scalars(stmt))
        return found

    async def get_by_key(self, idempotency_key: str) -> Outbox | None:
        """The row queued under ``idempotency_key``, if any."""
        result = await self.session.scalars(
            select(Outbox).where(Outbox.idempotency_key == idempotency_key)
        )
        return result.one_or_none()

    async def claim(
        self,
        *,
        holder: str,
        now: datetime,
        limit: int,
        chat_interval: timedelta,
        bulk_allowed: bool,
    ) -> list[Outbox]:
        """Claim up to ``limit`` rows that may be sent now; attempts + 1. Commit before sending.

        A row qualifies when it is pending, due and not expired; it is bulk only if
        ``bulk_allowed`` (the sending window is open); no row of its chat that is due or
        retrying comes before it in (priority, id) order, so one chat's messages go out in
        order; and its chat has no claimed row and no row sent less than ``chat_interval``
        ago, which also means one claim holds at most one row per chat. Oldest due first
        within a priority (the claim index's order). PostgreSQL skips rows another claimer
        has locked; SQLite claimers are serialised by ``BEGIN IMMEDIATE``.
        """
        if limit <= 0:
            return []
        postgres = self.session.get_bind().dialect.name == "postgresql"
        params = {"now": now, "recent": now - chat_interval, "limit": limit}
        # Two statements, not UPDATE … WHERE id IN (SELECT … LIMIT): PostgreSQL may re-run
        # such a subquery, and a re-run skips the rows already updated and picks more.
        ids = list(await self.session.scalars(_CLAIMABLE[bulk_allowed, postgres], params))
        if not ids:
            return []
        claimed = {"ids": ids, "now": now, "holder": holder}
        rows = list(await self.session.scalars(_CLAIM, claimed))
        rows.sort(key=lambda row: (row.priority, row.not_before, row.id))
        return rows

    async def finish(self, holder: str, outcomes: Sequence[Finish]) -> None:
        """Record the end of claimed attempts in one statement (rows still claimed by us)."""
        if not outcomes:
            return
        params = [
            {
                "row_id": outcome.row_id,
                "holder": holder,
                "new_status": outcome.status.value,
                "new_sent_at": outcome.sent_at,
                "new_message_id": outcome.telegram_message_id,
                "new_error": outcome.error,
                "new_not_before": outcome.not_before,
            }
            for outcome in outcomes
        ]
        await self.session.execute(_FINISH, params)

    async def expire_due(self, now: datetime) -> int:
        """Pending rows past their expiry become expired (never sent); returns how many."""
        result = await self.session.execute(
            update(Outbox)
            .where(
                Outbox.status == OutboxStatus.PENDING.value,
                Outbox.expires_at.is_not(None),
                Outbox.expires_at <= now,
            )
            .values(status=OutboxStatus.EXPIRED.value)
            .execution_options(synchronize_session=False)
        )
        return rowcount(result)

    async def supersede_pending(self, chat_id: int, kind: str, *, keep_key: str) -> int:
        """Pending rows of this kind for the chat will never go: the row queued under
        `keep_key` replaces them (it is kept if it exists: re-planning must not lose it)."""
        params = {"the_chat": chat_id, "the_kind": kind, "keep_key": keep_key}
        return rowcount(await self.session.execute(_SUPERSEDE, params))

    async def cancel_pending_for_chat(self, chat_id: int, *, reason: str) -> int:
        """Every pending row of an unreachable chat becomes cancelled; returns how many."""
        result = await self.session.execute(
            update(Outbox)
            .where(Outbox.chat_id == chat_id, Outbox.status == OutboxStatus.PENDING.value)
            .values(status=OutboxStatus.CANCELLED.value, error=reason)
            .execution_options(synchronize_session=False)
        )
        return rowcount(result)

    async def recover_claimed(
        self, *, holder: str, requeue_at: datetime, reason: str
    ) -> tuple[int, int]:
        """Settle rows another (dead) sender left claimed: (in doubt, requeued).

        The call may or may not have reached Telegram. Bulk rows become in doubt and are
        never re-sent; interactive rows go back to pending at ``requeue_at``.
        """
        left = (
            update(Outbox)
            .where(
                Outbox.status == OutboxStatus.CLAIMED.value,
                or_(Outbox.claimed_by.is_(None), Outbox.claimed_by != holder),
            )
            .execution_options(synchronize_session=False)
        )
        in_doubt = await self.session.execute(
            left.where(Outbox.priority >= BULK_PRIORITY).values(
                status=OutboxStatus.IN_DOUBT.value, error=reason
            )
        )
        requeued = await self.session.execute(
            left.where(Outbox.priority < BULK_PRIORITY).values(
                status=OutboxStatus.PENDING.value, not_before=requeue_at, error=reason
            )
        )
        return rowcount(in_doubt), rowcount(requeued)


def _claimable(*, bulk_allowed: bool, lock: bool) -> Select[Any]:
    """Ids of the rows that may be claimed, in claim order; binds ``now``, ``recent``, ``limit``.

    Built once per variant: building it costs more than running it.
    """
    now = bindparam("now", type_=_TABLE.c.not_before.type)
    recent = bindparam("recent", type_=_TABLE.c.sent_at.type)
    ahead = aliased(Outbox, name="ahead")
    busy = aliased(Outbox, name="busy")
    # A row due now or waiting for its retry keeps its chat's later rows behind it; a row
    # scheduled for later (never tried) does not hold back what is due today.
    an_earlier_row_waits = exists().where(
        ahead.chat_id == Outbox.chat_id,
        ahead.status == OutboxStatus.PENDING.value,
        or_(
            ahead.priority < Outbox.priority,
            and_(ahead.priority == Outbox.priority, ahead.id < Outbox.id),
        ),
        or_(ahead.not_before <= now, ahead.attempts > 0),
        *_eligible(ahead, now, bulk_allowed),
    )
    chat_is_busy = exists().where(
        busy.chat_id == Outbox.chat_id,
        or_(
            busy.status == OutboxStatus.CLAIMED.value,
            and_(busy.status == OutboxStatus.SENT.value, busy.sent_at > recent),
        ),
    )
    stmt = (
        select(Outbox.id)
        .where(
            Outbox.status == OutboxStatus.PENDING.value,
            Outbox.not_before <= now,
            *_eligible(Outbox, now, bulk_allowed),
            ~an_earlier_row_waits,
            ~chat_is_busy,
        )
        .order_by(Outbox.priority, Outbox.not_before, Outbox.id)
        .limit(bindparam("limit", type_=Integer))
    )
    # PostgreSQL: lock the picked rows until commit and skip rows another claimer holds.
    # SQLite has no row locks: BEGIN IMMEDIATE serialises its claimers instead.
    return stmt.with_for_update(skip_locked=True) if lock else stmt


def _eligible(
    row: type[Outbox] | AliasedClass[Outbox], now: BindParameter[datetime], bulk_allowed: bool
) -> list[ColumnElement[bool]]:
    """Not expired, and not bulk while the sending window is closed."""
    conditions = [or_(row.expires_at.is_(None), row.expires_at > now)]
    if not bulk_allowed:
        conditions.append(row.priority < BULK_PRIORITY)
    return conditions


_CLAIMABLE = {
    (bulk, lock): _claimable(bulk_allowed=bulk, lock=lock)
    for bulk in (False, True)
    for lock in (False, True)
}

_CLAIM = (
    update(Outbox)
    .where(
        Outbox.id.in_(bindparam("ids", expanding=True)),
        Outbox.status == OutboxStatus.PENDING.value,
    )
    .values(
        status=OutboxStatus.CLAIMED.value,
        claimed_at=bindparam("now", type_=_TABLE.c.claimed_at.type),
        claimed_by=bindparam("holder", type_=_TABLE.c.claimed_by.type),
        attempts=Outbox.attempts + 1,
    )
    .returning(Outbox)
    .execution_options(synchronize_session=False)
)

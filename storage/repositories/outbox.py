"""The outbox: messages waiting for the leader's paced sender (SPEC §7)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from storage.repositories.base import Repository, insert_or_ignore
from storage.tables import JsonDict, Outbox

#: Lower is sent sooner: relay copies and notes before reminders before broadcasts.
PRIORITY_INTERACTIVE = 10
PRIORITY_REMINDER = 50
PRIORITY_BULK = 100


class OutboxRepository(Repository):
    """Enqueueing (idempotent on ``idempotency_key``); the sender's claims come later."""

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
    ) -> Outbox:
        """Queue a Bot API call; the same key again returns the existing row unchanged."""
        values: dict[str, Any] = {
            "idempotency_key": idempotency_key,
            "chat_id": chat_id,
            "person_id": person_id,
            "priority": priority,
            "kind": kind,
            "method": method,
            "payload": payload,
            "status": "pending",
            "not_before": not_before or now,
            "expires_at": expires_at,
            "attempts": 0,
            "broadcast_id": broadcast_id,
            "created_at": now,
        }
        await insert_or_ignore(
            self.session,
            Outbox,
            values,
            ["idempotency_key"],
        )
        row = await self.get_by_key(idempotency_key)
        if row is None:  # pragma: no cover - just inserted, or the conflicting row exists
            raise RuntimeError(f"outbox row {idempotency_key!r} vanished after insert")
        return row

    async def get_by_key(self, idempotency_key: str) -> Outbox | None:
        """The row queued under ``idempotency_key``, if any."""
        result = await self.session.scalars(
            select(Outbox).where(Outbox.idempotency_key == idempotency_key)
        )
        return result.one_or_none()

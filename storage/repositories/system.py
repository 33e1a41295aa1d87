"""Processed updates (redelivery guard) and the audit log."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import delete

from storage.repositories.base import Repository, insert_or_ignore, rowcount
from storage.tables import AuditLog, ProcessedUpdate

# Keys that would carry personal data or message text into the audit trail, which must
# survive erasure anonymised (docs/privacy.md). Details hold ids, field names and codes only.
FORBIDDEN_AUDIT_KEYS = frozenset(
    {"full_name", "name", "phone", "username", "text", "caption", "message", "note"}
)


class ProcessedUpdateRepository(Repository):
    """Update ids (and button presses) already acted on; see :class:`ProcessedUpdate`."""

    async def mark(self, update_id: int, now: datetime) -> bool:
        """Mark an update processed; False if it already was (a redelivery: skip it)."""
        return await insert_or_ignore(
            self.session,
            ProcessedUpdate,
            {"update_id": update_id, "processed_at": now},
            ["update_id"],
        )

    async def purge_before(self, instant: datetime) -> int:
        """Forget updates processed before ``instant``; returns how many rows went."""
        result = await self.session.execute(
            delete(ProcessedUpdate)
            .where(ProcessedUpdate.processed_at < instant)
            .execution_options(synchronize_session=False)
        )
        return rowcount(result)


class AuditRepository(Repository):
    """Who changed what; never personal data (see :data:`FORBIDDEN_AUDIT_KEYS`)."""

    async def record(
        self,
        actor_person_id: int | None,
        action: str,
        entity: str,
        entity_id: str | int,
        details: Mapping[str, Any] | None = None,
        *,
        at: datetime,
    ) -> AuditLog:
        """Append an audit entry; refuses details keyed like personal data."""
        payload = dict(details or {})
        _check_audit_details(payload)
        entry = AuditLog(
            at=at,
            actor_person_id=actor_person_id,
            action=action,
            entity=entity,
            entity_id=str(entity_id),
            details=payload,
        )
        self.session.add(entry)
        await self.session.flush()
        return entry


def _check_audit_details(details: Mapping[str, Any]) -> None:
    for key, value in details.items():
        if key in FORBIDDEN_AUDIT_KEYS:
            raise ValueError(f"audit details must not carry personal data or text: {key!r}")
        if isinstance(value, Mapping):
            _check_audit_details(value)

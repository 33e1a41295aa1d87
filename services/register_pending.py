"""Imports waiting for the admin's confirmation, kept in the database across restarts.

A pending import is a `form_session` row of its own form (never an active form, so the form
engine and the gate ignore it; `storage.repositories.pending_imports`) whose answers hold the
uploaded file's Telegram id, its SHA-256 once previewed, and the preview's counts — not the
rows: the file is downloaded again at confirmation and must hash the same. Its id is the
`m:<id>:…` in the confirm button; its status (`domain.forms.FormStatus`) moves received →
pending (previewed) → applied, or cancelled, failed, superseded (a newer upload in the chat).
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from domain.forms import FormStatus
from storage.tables import FormSession
from storage.uow import UnitOfWork

FILE_FIELDS = ("file_id", "file_unique_id", "name", "mime_type")


@dataclass(frozen=True)
class PendingImport:
    """An uploaded register file on its way to being imported."""

    id: int
    chat_id: int
    user_id: int
    status: FormStatus
    file_id: str
    file_unique_id: str
    name: str | None
    mime_type: str | None
    sha256: str | None

    @classmethod
    def of(cls, row: FormSession) -> PendingImport:
        """Reads the stored row."""
        answers: Mapping[str, Any] = row.answers
        return cls(
            id=row.id,
            chat_id=row.chat_id,
            user_id=row.user_id,
            status=FormStatus(row.status),
            file_id=answers["file_id"],
            file_unique_id=answers["file_unique_id"],
            name=answers.get("name"),
            mime_type=answers.get("mime_type"),
            sha256=answers.get("sha256"),
        )


async def receive(
    uow: UnitOfWork, *, chat_id: int, user_id: int, file: Mapping[str, Any], now: datetime
) -> PendingImport:
    """Records an uploaded file; earlier uploads of the chat still waiting are superseded."""
    await uow.pending_imports.supersede_waiting(chat_id, now=now)
    row = await uow.pending_imports.add(
        chat_id=chat_id,
        user_id=user_id,
        subject=secrets.token_hex(8),
        file={key: file.get(key) for key in FILE_FIELDS},
        now=now,
    )
    return PendingImport.of(row)


async def get(uow: UnitOfWork, import_id: int) -> PendingImport | None:
    """The pending import with this id (None if the id is not one)."""
    row = await uow.pending_imports.get(import_id)
    return PendingImport.of(row) if row is not None else None


async def settle(
    uow: UnitOfWork,
    import_id: int,
    status: FormStatus,
    *,
    now: datetime,
    expected: FormStatus,
    details: Mapping[str, Any] | None = None,
) -> bool:
    """Moves the import from `expected` to `status`, adding `details` to its record.

    Conditional on the status, so of two confirmations only one succeeds: the other finds the
    row already moved and gets False.
    """
    row = await uow.pending_imports.get(import_id)
    if row is None or row.status != expected:
        return False
    return await uow.pending_imports.move(
        row, status, expected=expected, details=details or {}, now=now
    )

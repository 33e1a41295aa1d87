"""Imports waiting for the admin's confirmation, kept in the database across restarts.

A pending import is a `form_session` row of its own form (`impor_berkas`, never an active
form, so the form engine and the gate ignore it) whose answers hold the uploaded file's
Telegram id, its SHA-256 once previewed, and the preview's counts — not the rows: the file is
downloaded again at confirmation and must hash the same. Its id is the `m:<id>:…` in the
confirm button; its status moves received → pending (previewed) → applied, or cancelled,
failed, superseded (a newer upload in the same chat).
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update

from storage.repositories.base import rowcount
from storage.tables import FormSession
from storage.uow import UnitOfWork
from storage.viewer_changes import touches_viewers

FORM = "impor_berkas"
RECEIVED, PENDING, APPLIED = "received", "pending", "applied"
CANCELLED, FAILED, SUPERSEDED = "cancelled", "failed", "superseded"


@dataclass(frozen=True)
class PendingImport:
    """An uploaded register file on its way to being imported."""

    id: int
    chat_id: int
    user_id: int
    status: str
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
            status=row.status,
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
    await uow.session.execute(
        update(FormSession)
        .where(
            FormSession.chat_id == chat_id,
            FormSession.form == FORM,
            FormSession.status.in_((RECEIVED, PENDING)),
        )
        .values(status=SUPERSEDED, updated_at=now, version=FormSession.version + 1)
        .execution_options(synchronize_session=False, **touches_viewers(chat_ids=[chat_id]))
    )
    row = FormSession(
        chat_id=chat_id,
        user_id=user_id,
        form=FORM,
        subject=secrets.token_hex(8),
        step=RECEIVED,
        status=RECEIVED,
        answers={key: file.get(key) for key in ("file_id", "file_unique_id", "name", "mime_type")},
        created_at=now,
        updated_at=now,
    )
    await uow.form_sessions.save(row)
    return PendingImport.of(row)


async def received_upload(
    uow: UnitOfWork, chat_id: int, file_unique_id: str
) -> PendingImport | None:
    """The chat's upload of this file still waiting for its preview, if any."""
    rows = await uow.session.scalars(
        select(FormSession)
        .where(
            FormSession.chat_id == chat_id,
            FormSession.form == FORM,
            FormSession.status == RECEIVED,
        )
        .order_by(FormSession.id.desc())
    )
    for row in rows:
        if row.answers.get("file_unique_id") == file_unique_id:
            return PendingImport.of(row)
    return None


async def get(uow: UnitOfWork, import_id: int) -> PendingImport | None:
    """The pending import with this id (None if the id is not one)."""
    row = await uow.form_sessions.by_id(import_id)
    if row is None or row.form != FORM:
        return None
    return PendingImport.of(row)


async def settle(
    uow: UnitOfWork,
    import_id: int,
    status: str,
    *,
    now: datetime,
    expected: str,
    details: Mapping[str, Any] | None = None,
) -> bool:
    """Moves the import from `expected` to `status`, adding `details` to its record.

    Conditional on the status, so of two confirmations only one succeeds: the other finds the
    row already moved and gets False.
    """
    row = await uow.form_sessions.by_id(import_id)
    if row is None or row.form != FORM or row.status != expected:
        return False
    result = await uow.session.execute(
        update(FormSession)
        .where(FormSession.id == import_id, FormSession.status == expected)
        .values(
            status=status,
            step=status,
            answers={**row.answers, **(details or {})},
            updated_at=now,
            version=FormSession.version + 1,
        )
        .execution_options(synchronize_session=False, **touches_viewers(chat_ids=[row.chat_id]))
    )
    return rowcount(result) == 1

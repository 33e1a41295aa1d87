"""Register uploads waiting for the admin's decision: `form_session` rows of their own form."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select, update

from domain.forms import FormStatus
from storage.repositories.base import Repository, rowcount
from storage.tables import FormSession
from storage.viewer_changes import touches_viewers

#: The form name of an upload's row (never active: the engine and the gate ignore it).
PENDING_IMPORT_FORM = "impor_berkas"
WAITING = (FormStatus.RECEIVED, FormStatus.PENDING)


class PendingImportRepository(Repository):
    """Stores uploads and moves them from one status to the next, at most once."""

    async def supersede_waiting(self, chat_id: int, *, now: datetime) -> None:
        """Marks the chat's uploads still waiting as superseded by a newer one."""
        await self.session.execute(
            update(FormSession)
            .where(
                FormSession.chat_id == chat_id,
                FormSession.form == PENDING_IMPORT_FORM,
                FormSession.status.in_(WAITING),
            )
            .values(status=FormStatus.SUPERSEDED, updated_at=now, version=FormSession.version + 1)
            .execution_options(synchronize_session=False, **touches_viewers(chat_ids=[chat_id]))
        )

    async def add(
        self, *, chat_id: int, user_id: int, subject: str, file: Mapping[str, Any], now: datetime
    ) -> FormSession:
        """A new upload, received and not previewed yet."""
        row = FormSession(
            chat_id=chat_id,
            user_id=user_id,
            form=PENDING_IMPORT_FORM,
            subject=subject,
            step=FormStatus.RECEIVED,
            status=FormStatus.RECEIVED,
            answers=dict(file),
            created_at=now,
            updated_at=now,
        )
        self.session.add(row)
        await self.session.flush()
        return row

    async def get(self, import_id: int) -> FormSession | None:
        """The upload with this id (None if the id is another kind of row)."""
        row = await self.session.get(FormSession, import_id)
        return row if row is not None and row.form == PENDING_IMPORT_FORM else None

    async def with_status(self, *statuses: FormStatus) -> list[FormSession]:
        """The uploads in any of `statuses`, oldest first (a register is imported rarely)."""
        rows = await self.session.scalars(
            select(FormSession)
            .where(FormSession.form == PENDING_IMPORT_FORM, FormSession.status.in_(statuses))
            .order_by(FormSession.id)
        )
        return list(rows)

    async def move(
        self,
        row: FormSession,
        status: FormStatus,
        *,
        expected: FormStatus,
        details: Mapping[str, Any],
        now: datetime,
    ) -> bool:
        """Moves the upload from `expected` to `status`; False if another move came first."""
        result = await self.session.execute(
            update(FormSession)
            .where(FormSession.id == row.id, FormSession.status == expected)
            .values(
                status=status,
                step=status,
                answers={**row.answers, **details},
                updated_at=now,
                version=FormSession.version + 1,
            )
            .execution_options(
                synchronize_session=False, **touches_viewers(chat_ids=[row.chat_id])
            )
        )
        return rowcount(result) == 1

"""Join requests: a stranger asks for access; the first admin to decide wins."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update

from storage.repositories.base import Repository, rowcount
from storage.tables import JoinRequest

DRAFT, PENDING, APPROVED, REFUSED = "draft", "pending", "approved", "refused"


class JoinRequestRepository(Repository):
    """:class:`JoinRequest` rows and the admins who decide them."""

    async def get(self, request_id: int) -> JoinRequest | None:
        return await self.session.get(JoinRequest, request_id)

    async def open_for(self, telegram_user_id: int) -> JoinRequest | None:
        """The person's request still being written or waiting for an admin, if any."""
        result = await self.session.scalars(
            select(JoinRequest)
            .where(
                JoinRequest.telegram_user_id == telegram_user_id,
                JoinRequest.status.in_((DRAFT, PENDING)),
            )
            .order_by(JoinRequest.id.desc())
            .limit(1)
        )
        return result.first()

    async def last_refused_for(self, telegram_user_id: int) -> JoinRequest | None:
        """The person's most recently refused request, if any."""
        result = await self.session.scalars(
            select(JoinRequest)
            .where(
                JoinRequest.telegram_user_id == telegram_user_id,
                JoinRequest.status == REFUSED,
            )
            .order_by(JoinRequest.decided_at.desc(), JoinRequest.id.desc())
            .limit(1)
        )
        return result.first()

    async def pending(self, *, limit: int) -> list[JoinRequest]:
        """Requests waiting for a decision, oldest first."""
        result = await self.session.scalars(
            select(JoinRequest)
            .where(JoinRequest.status == PENDING)
            .order_by(JoinRequest.created_at, JoinRequest.id)
            .limit(limit)
        )
        return list(result)

    async def count_pending(self) -> int:
        """How many requests wait for a decision."""
        stmt = select(func.count()).select_from(JoinRequest).where(JoinRequest.status == PENDING)
        return int((await self.session.execute(stmt)).scalar_one())

    async def add_draft(
        self, *, telegram_user_id: int, chat_id: int, display_name: str | None, now: datetime
    ) -> JoinRequest:
        """A request the person is still writing (the note comes next); flushed."""
        request = JoinRequest(
            telegram_user_id=telegram_user_id,
            chat_id=chat_id,
            display_name=display_name,
            status=DRAFT,
            created_at=now,
        )
        self.session.add(request)
        await self.session.flush()
        return request

    async def submit(self, request_id: int, note: str | None, now: datetime) -> bool:
        """Draft → pending with the note; False if it was not a draft any more."""
        result = await self.session.execute(
            update(JoinRequest)
            .where(JoinRequest.id == request_id, JoinRequest.status == DRAFT)
            .values(status=PENDING, note=note, created_at=now)
            .execution_options(synchronize_session="fetch")
        )
        return rowcount(result) == 1

    async def decide(self, request_id: int, status: str, person_id: int, now: datetime) -> bool:
        """Pending → `status` by one admin; False if someone decided first (one UPDATE)."""
        result = await self.session.execute(
            update(JoinRequest)
            .where(JoinRequest.id == request_id, JoinRequest.status == PENDING)
            .values(status=status, decided_by_person_id=person_id, decided_at=now)
            .execution_options(synchronize_session="fetch")
        )
        return rowcount(result) == 1

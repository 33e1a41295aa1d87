"""The officer's worklist: counts from storage, ordered by the pure rules of domain.worklist."""

from __future__ import annotations

from datetime import datetime, tzinfo

from domain.worklist import WorkLine, worklist
from storage.uow import UnitOfWork


async def officer_worklist(
    uow: UnitOfWork, petugas_id: int, now: datetime, tz: tzinfo
) -> list[WorkLine]:
    """The cooperatives `petugas_id` mentors that need action, in worklist order."""
    today = now.astimezone(tz).date()
    return worklist(await uow.worklist.counts(petugas_id, today, tz), today)

"""Reads and writes of one cooperative's current RAT cycle for /status and /lapor.

Plain reads without row locks (the status card); a change locks the cooperative first
through `uow.rat_cycles.lock_koperasi`, then writes here, then recomputes.
"""

from __future__ import annotations

from sqlalchemy import select

from storage.repositories.base import Repository
from storage.tables import ChecklistEntry, Koperasi, RatCycle


class RatReportRepository(Repository):
    """The current cycle of a cooperative and its checklist entries."""

    async def current_cycle(self, koperasi_id: int) -> RatCycle | None:
        """The cooperative's current cycle as the last recompute set it (None: none yet)."""
        stmt = (
            select(RatCycle)
            .join(Koperasi, Koperasi.current_rat_cycle_id == RatCycle.id)
            .where(Koperasi.id == koperasi_id)
        )
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def entries(self, cycle_id: int) -> dict[str, ChecklistEntry]:
        """The cycle's checklist entries by item code (an item without one is `belum`)."""
        stmt = select(ChecklistEntry).where(ChecklistEntry.rat_cycle_id == cycle_id)
        return {entry.item_code: entry for entry in (await self.session.scalars(stmt))}

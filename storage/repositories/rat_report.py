"""Reads and writes of one cooperative's current RAT cycle for /status and /lapor.

Plain reads without row locks (the status card); a change locks the cooperative first
through `uow.rat_cycles.lock_koperasi`, then writes here, then recomputes.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from domain.rat.checklist import BELUM
from storage.repositories.base import Repository
from storage.tables import ChecklistEntry, CycleChange, Evidence, Koperasi, RatCycle


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

    async def add_entry(self, cycle_id: int, code: str, now: datetime) -> ChecklistEntry:
        """A new checklist entry (state `belum`) for an item that had none."""
        entry = ChecklistEntry(rat_cycle_id=cycle_id, item_code=code, status=BELUM, updated_at=now)
        self.session.add(entry)
        return entry

    def add(self, row: CycleChange | Evidence) -> None:
        """A history row or a piece of evidence."""
        self.session.add(row)

    async def last_changes(self, koperasi_id: int, person_id: int) -> list[CycleChange]:
        """The person's last change to this cooperative's cycles: every row it wrote."""
        mine = (
            select(CycleChange)
            .join(RatCycle, RatCycle.id == CycleChange.rat_cycle_id)
            .where(RatCycle.koperasi_id == koperasi_id)
            .where(CycleChange.changed_by_person_id == person_id)
        )
        last = (
            await self.session.execute(mine.order_by(CycleChange.id.desc()).limit(1))
        ).scalar_one_or_none()
        if last is None:
            return []
        same = mine.where(CycleChange.changed_at == last.changed_at).order_by(CycleChange.id)
        return list(await self.session.scalars(same))

    async def cycle(self, cycle_id: int) -> RatCycle | None:
        """A cycle by id."""
        return await self.session.get(RatCycle, cycle_id)

"""What the reminder planner reads: cooperatives with their current cycle, and the people to
remind, in batches by id (never every row at once)."""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import Row, Select, func, select

from domain.access import Role
from domain.rat.calendar import FiscalYearEnd
from domain.rat.checklist import SATISFIED
from domain.reminders import CycleState, KoperasiState
from storage.repositories.base import Repository
from storage.tables import ChecklistEntry, CycleChange, Koperasi, Person, RatCycle, RoleGrant

_K, _C = Koperasi, RatCycle
_COLUMNS = (
    *(_K.id, _K.nama, _K.fye_month, _K.fye_day, _K.tahap, _K.status_aktivitas),
    *(_K.nik_berlaku_sampai, _K.petugas_id, _K.flag_terlambat_target),
    *(_K.flag_terlambat_lapor, _K.flag_lewat_batas_uu, _K.flag_tidak_rat),
    *(_C.id.label("cycle_id"), _C.fiscal_year_end, _C.target_date, _C.report_deadline),
    *(_C.statutory_limit, _C.planned_date, _C.held_date, _C.reported_date),
    _C.minutes_uploaded_at,
)


@dataclass(frozen=True, slots=True)
class Recipient:
    """A person a reminder can reach: their chat and language."""

    person_id: int
    chat_id: int
    language: str | None
    telegram_language_code: str | None


class ReminderReadRepository(Repository):
    """Batches of cooperatives as the planner sees them, and their recipients."""

    async def koperasi_batch(
        self, after_id: int, limit: int, tz: ZoneInfo
    ) -> list[tuple[KoperasiState, str]]:
        """Up to `limit` cooperatives with id > `after_id` by id, with their names."""
        rows = (
            await self.session.execute(
                select(*_COLUMNS)
                .outerjoin(_C, _C.id == _K.current_rat_cycle_id)
                .where(_K.id > after_id)
                .order_by(_K.id)
                .limit(limit)
            )
        ).all()
        cycle_ids = [row.cycle_id for row in rows if row.cycle_id is not None]
        done = await self._done_items(cycle_ids)
        set_on = await self._planned_set_on(cycle_ids, tz)
        result = []
        for row in rows:
            cycle = None
            if row.cycle_id is not None:
                cycle = CycleState(
                    cycle_id=row.cycle_id,
                    fiscal_year_end=row.fiscal_year_end,
                    target_date=row.target_date,
                    report_deadline=row.report_deadline,
                    statutory_limit=row.statutory_limit,
                    planned_date=row.planned_date,
                    held_date=row.held_date,
                    reported_date=row.reported_date,
                    minutes_uploaded=row.minutes_uploaded_at is not None,
                    planned_set_on=set_on.get(row.cycle_id),
                    done=frozenset(done.get(row.cycle_id, ())),
                )
            late = (
                row.flag_terlambat_target
                or row.flag_terlambat_lapor
                or row.flag_lewat_batas_uu
                or row.flag_tidak_rat
            )
            state = KoperasiState(
                koperasi_id=row.id,
                fye=_fiscal_year_end(row.fye_month, row.fye_day),
                tahap=row.tahap,
                status_aktivitas=row.status_aktivitas,
                late=bool(late),
                nik_valid_until=row.nik_berlaku_sampai,
                petugas_id=row.petugas_id,
                cycle=cycle,
            )
            result.append((state, row.nama))
        return result

    async def _done_items(self, cycle_ids: Sequence[int]) -> dict[int, list[str]]:
        done: dict[int, list[str]] = defaultdict(list)
        if cycle_ids:
            rows = await self.session.execute(
                select(ChecklistEntry.rat_cycle_id, ChecklistEntry.item_code).where(
                    ChecklistEntry.rat_cycle_id.in_(cycle_ids),
                    ChecklistEntry.status.in_(sorted(SATISFIED)),
                )
            )
            for cycle_id, item in rows:
                done[cycle_id].append(item)
        return done

    async def _planned_set_on(self, cycle_ids: Sequence[int], tz: ZoneInfo) -> dict[int, date]:
        """The day (in the region's time zone) each cycle's planned date was last recorded."""
        if not cycle_ids:
            return {}
        rows = await self.session.execute(
            select(CycleChange.rat_cycle_id, func.max(CycleChange.changed_at))
            .where(
                CycleChange.rat_cycle_id.in_(cycle_ids),
                CycleChange.item_code.is_(None),
                CycleChange.field == "planned_date",
            )
            .group_by(CycleChange.rat_cycle_id)
        )
        return {cycle_id: at.astimezone(tz).date() for cycle_id, at in rows if at is not None}

    async def boards(self, koperasi_ids: Sequence[int]) -> dict[int, list[Recipient]]:
        """The reachable board members (pengurus) of these cooperatives."""
        rows = await self.session.execute(
            _recipients()
            .join(RoleGrant, RoleGrant.person_id == Person.id)
            .add_columns(RoleGrant.koperasi_id)
            .where(
                RoleGrant.role == Role.PENGURUS,
                RoleGrant.active.is_(True),
                RoleGrant.koperasi_id.in_(koperasi_ids),
            )
        )
        found: dict[int, list[Recipient]] = defaultdict(list)
        for row in rows:
            found[row.koperasi_id].append(_recipient(row))
        return found

    async def people(self, person_ids: Sequence[int]) -> dict[int, Recipient]:
        """These people, where reachable (the officers of a batch)."""
        rows = await self.session.execute(_recipients().where(Person.id.in_(person_ids)))
        return {row.id: _recipient(row) for row in rows}

    async def office(self, *roles: Role) -> list[Recipient]:
        """The reachable holders of these region-wide roles (admin, pimpinan)."""
        rows = await self.session.execute(
            _recipients()
            .join(RoleGrant, RoleGrant.person_id == Person.id)
            .where(RoleGrant.role.in_([role.value for role in roles]), RoleGrant.active.is_(True))
            .distinct()
        )
        return [_recipient(row) for row in rows]


@functools.cache
def _fiscal_year_end(month: int, day: int) -> FiscalYearEnd:
    """Few distinct fiscal-year ends exist: one object each (and one planner cache entry)."""
    return FiscalYearEnd(month, day)


def _recipients() -> Select[int, int | None, str | None, str | None]:
    return select(
        Person.id, Person.telegram_user_id, Person.language, Person.telegram_language_code
    ).where(
        Person.telegram_user_id.is_not(None),
        Person.reachable.is_(True),
        Person.erased_at.is_(None),
    )


def _recipient(row: Row[int, int | None, str | None, str | None]) -> Recipient:
    return Recipient(row.id, row.telegram_user_id, row.language, row.telegram_language_code)

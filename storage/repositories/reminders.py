"""What the reminder planner reads: cooperatives with their current cycle, and the people to
remind, in batches by id (never every row at once)."""

from __future__ import annotations

import functools
import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Row,
    Select,
    String,
    any_,
    bindparam,
    func,
    literal_column,
    or_,
    select,
)
from sqlalchemy.dialects import postgresql

from domain.access import Role
from domain.rat.calendar import FiscalYearEnd
from domain.rat.checklist import SATISFIED, evidence_requested, reporting_system
from domain.reminders import CycleState, KoperasiState
from storage.repositories.base import Repository
from storage.tables import ChecklistEntry, CycleChange, Koperasi, Person, RatCycle, RoleGrant

_K, _C = Koperasi, RatCycle
# Late (any lateness flag) and minutes uploaded are worked out by the database: fewer values
# to carry and convert per row.
_LATE = or_(
    _K.flag_terlambat_target, _K.flag_terlambat_lapor, _K.flag_lewat_batas_uu, _K.flag_tidak_rat
)
_COLUMNS = (
    *(_K.id, _K.nama, _K.fye_month, _K.fye_day, _K.tahap, _K.status_aktivitas),
    *(_K.nik_berlaku_sampai, _K.petugas_id, _LATE.label("late")),
    *(_C.id.label("cycle_id"), _C.fiscal_year_end, _C.target_date, _C.report_deadline),
    *(_C.statutory_limit, _C.planned_date, _C.held_date, _C.reported_date),
    _C.minutes_uploaded_at.is_not(None).label("minutes_uploaded"),
    # A village cooperative (KDKMP) reports in SIMKOPDES: asked for no uploads, its reminders
    # name SIMKOPDES where the others' name ODS.
    _K.segmen,
)


_BATCH = (
    select(*_COLUMNS)
    .outerjoin(_C, _C.id == _K.current_rat_cycle_id)
    .where(_K.id > bindparam("after_id"))
    .order_by(_K.id)
    .limit(bindparam("limit"))
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
        """Up to `limit` cooperatives with id > `after_id` by id, with their names.

        Three statements per batch, none with a list of ids: the cooperatives and their
        current cycles, then the done checklist items and planned-date changes of the same id
        range. Rows are unpacked as tuples (a named attribute costs more than the rest).
        """
        # Core, not the ORM's execution: columns only, and its row loading costs more.
        connection = await self.session.connection()
        rows = (await connection.execute(_BATCH, {"after_id": after_id, "limit": limit})).all()
        if not rows:
            return []
        last_id = rows[-1][0]
        done = await self._done_items(after_id, last_id)
        set_on = await self._planned_set_on(after_id, last_id, tz)
        empty: frozenset[str] = frozenset()
        result = []
        for (
            koperasi_id,
            nama,
            fye_month,
            fye_day,
            tahap,
            status_aktivitas,
            nik_valid_until,
            petugas_id,
            late,
            cycle_id,
            fiscal_year_end,
            target_date,
            report_deadline,
            statutory_limit,
            planned_date,
            held_date,
            reported_date,
            minutes_uploaded,
            segmen,
        ) in rows:
            # Positional, in the fields' order (a keyword call costs a third more, 100,000
            # times a pass); tests/storage/test_reminder_batch.py checks each field's place.
            cycle = None
            if cycle_id is not None:
                cycle = CycleState(
                    cycle_id,
                    fiscal_year_end,
                    target_date,
                    report_deadline,
                    statutory_limit,
                    planned_date,
                    held_date,
                    reported_date,
                    # Asked for no uploads (KDKMP): its minutes count as uploaded.
                    bool(minutes_uploaded) or not evidence_requested(segmen),
                    set_on.get(cycle_id),
                    done.get(cycle_id, empty),
                )
            state = KoperasiState(
                koperasi_id,
                _fiscal_year_end(fye_month, fye_day),
                tahap,
                status_aktivitas,
                bool(late),
                nik_valid_until,
                petugas_id,
                cycle,
                reporting_system(segmen),
            )
            result.append((state, nama))
        return result

    async def _done_items(self, after_id: int, last_id: int) -> dict[int, frozenset[str]]:
        """The done (or not applicable) checklist items of the current cycles of the
        cooperatives with ids in (after_id, last_id]."""
        rows = await self.session.execute(
            select(ChecklistEntry.rat_cycle_id, ChecklistEntry.item_code)
            .join(_K, _K.current_rat_cycle_id == ChecklistEntry.rat_cycle_id)
            .where(
                _K.id > after_id,
                _K.id <= last_id,
                ChecklistEntry.status.in_(sorted(SATISFIED)),
            )
        )
        done: dict[int, list[str]] = defaultdict(list)
        for cycle_id, item in rows:
            done[cycle_id].append(item)
        return {cycle_id: _items(tuple(sorted(items))) for cycle_id, items in done.items()}

    async def _planned_set_on(self, after_id: int, last_id: int, tz: ZoneInfo) -> dict[int, date]:
        """The day (in the region's time zone) each current cycle's planned date was last
        recorded, for the cooperatives with ids in (after_id, last_id]."""
        rows = await self.session.execute(
            select(CycleChange.rat_cycle_id, func.max(CycleChange.changed_at))
            .join(_K, _K.current_rat_cycle_id == CycleChange.rat_cycle_id)
            .where(
                _K.id > after_id,
                _K.id <= last_id,
                CycleChange.item_code.is_(None),
                CycleChange.field == "planned_date",
            )
            .group_by(CycleChange.rat_cycle_id)
        )
        return {cycle_id: at.astimezone(tz).date() for cycle_id, at in rows if at is not None}

    async def boards(self, koperasi_ids: Sequence[int]) -> dict[int, list[Recipient]]:
        """The reachable board members (pengurus) of these cooperatives."""
        stmt = _BOARDS.where(_among(self._dialect(), RoleGrant.koperasi_id, koperasi_ids))
        found: dict[int, list[Recipient]] = defaultdict(list)
        for person_id, chat_id, language, telegram_language, koperasi_id in await self._rows(stmt):
            found[koperasi_id].append(Recipient(person_id, chat_id, language, telegram_language))
        return found

    async def people(self, person_ids: Sequence[int]) -> dict[int, Recipient]:
        """These people, where reachable (the officers of a batch)."""
        stmt = _recipients().where(_among(self._dialect(), Person.id, person_ids))
        return {row[0]: Recipient(*row) for row in await self._rows(stmt)}

    def _dialect(self) -> str:
        return self.session.get_bind().dialect.name

    async def _rows(self, stmt: Any) -> list[Any]:
        """Core execution: columns only (the ORM's row loading costs more than the query)."""
        result = await (await self.session.connection()).execute(stmt)
        return list(result.all())

    async def office(self, *roles: Role) -> list[Recipient]:
        """The reachable holders of these region-wide roles (admin, pimpinan)."""
        rows = await self.session.execute(
            _recipients()
            .join(RoleGrant, RoleGrant.person_id == Person.id)
            .where(RoleGrant.role.in_([role.value for role in roles]), RoleGrant.active.is_(True))
            .distinct()
        )
        return [_recipient(row) for row in rows]


def _among(dialect: str, column: Any, ids: Sequence[int]) -> ColumnElement[bool]:
    """`column IN ids` with the ids as one parameter (an array; a JSON array unpacked by
    SQLite): a batch's 2,000 ids are not 2,000 bound parameters to render and bind."""
    if dialect == "postgresql":
        ids_array = bindparam("ids", list(ids), type_=postgresql.ARRAY(BigInteger))
        return cast("ColumnElement[bool]", column == any_(ids_array))
    unpacked: Select[Any] = select(literal_column("value")).select_from(
        func.json_each(bindparam("ids", json.dumps(list(ids)), type_=String))
    )
    return cast("ColumnElement[bool]", column.in_(unpacked.scalar_subquery()))


@functools.lru_cache(maxsize=4096)
def _items(codes: tuple[str, ...]) -> frozenset[str]:
    """Checklists repeat: one frozen set per combination of done items."""
    return frozenset(codes)


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


_BOARDS = (
    _recipients()
    .join(RoleGrant, RoleGrant.person_id == Person.id)
    .add_columns(RoleGrant.koperasi_id)
    .where(RoleGrant.role == Role.PENGURUS, RoleGrant.active.is_(True))
)

"""Reads and writes of one cooperative's current RAT cycle for /status and /lapor.

Plain reads without row locks (the status card); a change locks the cooperative first
through `uow.rat_cycles.lock_koperasi`, then writes here, then recomputes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import fields
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Row,
    Text,
    and_,
    bindparam,
    case,
    cast,
    func,
    insert,
    or_,
    select,
    true,
)

from domain.rat.checklist import BELUM
from domain.rat.report import HistoryRow, Unchecked, late_target
from domain.rat.validation import MilestoneDates
from storage.repositories.base import Repository
from storage.repositories.rat_cycle import DEADLINE_COLUMNS, MILESTONE_COLUMNS
from storage.tables import ChecklistEntry, CycleChange, Evidence, Koperasi, Person, RatCycle

UNCHECKED = "none"


# What /lapor's menu and sub-flows read of a cooperative and its current cycle, in one row.
# These statements are built once on the tables (plain columns, no ORM compile step) with the
# key as a bound parameter: one built per call would compute its cache key every time.
_K, _C, _E = Koperasi.__table__, RatCycle.__table__, ChecklistEntry.__table__
_REPORT = (
    select(
        _K.c.id,
        _K.c.nama,
        _K.c.petugas_id,
        _K.c.quorum_rule,
        _K.c.segmen,
        _K.c.bentuk,
        _K.c.fye_month,
        _K.c.fye_day,
        _K.c.wajib_audit,
        _K.c.tgl_badan_hukum,
        _C.c.id.label("cycle_id"),
        _C.c.tahun_buku,
        # As text: the reader builds the rules once per distinct spec, not decoded per read.
        cast(_C.c.checklist_spec, Text).label("checklist_spec"),
        _C.c.minutes_uploaded_at,
        *(_C.c[name] for name in DEADLINE_COLUMNS),
        *(_C.c[f.name] for f in fields(MilestoneDates)),
    )
    .select_from(_K)
    .join(_C, _C.c.id == _K.c.current_rat_cycle_id)
    .where(_K.c.id == bindparam("koperasi_id"))
)
# The same row with its cycle's checklist states in one column (the menu): "code␟state"
# pairs joined by "␞" (control characters: no item code holds them), or NULL for none.
_PAIR, _PAIRS = "\x1f", "\x1e"
_REPORT_STATES = _REPORT.add_columns(
    select(func.aggregate_strings(_E.c.item_code + _PAIR + _E.c.status, _PAIRS))
    .where(_E.c.rat_cycle_id == _C.c.id)
    .scalar_subquery()
    .label("states")
)
_OFFICER = Person.__table__.alias("officer")
# What the status card reads: the cooperative's stored standing, its officer's name and its
# current cycle (columns None when it has none), in one row.
_STATUS = (
    select(
        _K.c.id,
        _K.c.nama,
        _K.c.tahap,
        _K.c.flag_terlambat_target,
        _K.c.flag_terlambat_lapor,
        _K.c.flag_lewat_batas_uu,
        _K.c.flag_tidak_rat,
        _K.c.status_aktivitas,
        _K.c.petugas_id,
        _K.c.last_rat_tahun_buku,
        _K.c.last_rat_date,
        _K.c.segmen,
        _OFFICER.c.full_name.label("officer_name"),
        _C.c.id.label("cycle_id"),
        _C.c.tahun_buku,
        _C.c.checklist_spec,
        _C.c.mode,
        _C.c.ods_confirmed_by_person_id,
        *(_C.c[name] for name in DEADLINE_COLUMNS),
        *(_C.c[name] for name in MILESTONE_COLUMNS),
    )
    .select_from(_K)
    .outerjoin(_OFFICER, _OFFICER.c.id == _K.c.petugas_id)
    .outerjoin(_C, _C.c.id == _K.c.current_rat_cycle_id)
    .where(_K.c.id == bindparam("koperasi_id"))
)
_STATES = select(_E.c.item_code, _E.c.status).where(_E.c.rat_cycle_id == bindparam("cycle_id"))
_HISTORY_INSERT = insert(CycleChange.metadata.tables[CycleChange.__tablename__])


class RatReportRepository(Repository):
    """The current cycle of a cooperative and its checklist entries."""

    async def report_row(self, koperasi_id: int) -> Row[*tuple[Any, ...]] | None:
        """The cooperative's columns /lapor uses with its current cycle's, in one row (None:
        no such cooperative, or no current cycle). Plain columns: no ORM objects built."""
        return (await self.session.execute(_REPORT, {"koperasi_id": koperasi_id})).one_or_none()

    async def report_with_states(
        self, koperasi_id: int
    ) -> tuple[Row[*tuple[Any, ...]], dict[str, str]] | None:
        """`report_row` and its cycle's `states`, read in one statement."""
        params = {"koperasi_id": koperasi_id}
        row = (await self.session.execute(_REPORT_STATES, params)).one_or_none()
        if row is None:
            return None
        pairs = row.states.split(_PAIRS) if row.states else ()
        return row, dict(pair.split(_PAIR, 1) for pair in pairs)

    async def status_row(self, koperasi_id: int) -> Row[*tuple[Any, ...]] | None:
        """The status card's columns of a cooperative, its officer's name and its current
        cycle (`cycle_id` None: none yet), in one row; None when it does not exist."""
        return (await self.session.execute(_STATUS, {"koperasi_id": koperasi_id})).first()

    async def states(self, cycle_id: int) -> dict[str, str]:
        """The state of each of the cycle's checklist entries, by item code."""
        rows = await self.session.execute(_STATES, {"cycle_id": cycle_id})
        return {str(code): str(state) for code, state in rows}

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
        entry = ChecklistEntry(
            rat_cycle_id=cycle_id,
            item_code=code,
            status=BELUM,
            verification=UNCHECKED,
            recorded_by_officer=False,
            updated_at=now,
        )
        self.session.add(entry)
        return entry

    def add(self, row: CycleChange | Evidence) -> None:
        """A history row or a piece of evidence."""
        self.session.add(row)

    async def add_history(self, rows: Sequence[Mapping[str, object]]) -> None:
        """History rows (their columns), inserted now in this order: one plain executemany."""
        if rows:
            await self.session.execute(_HISTORY_INSERT, list(rows))

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

    async def year_cycle(self, koperasi_id: int, tahun_buku: int) -> RatCycle | None:
        """The cooperative's cycle of that fiscal year, if stored."""
        stmt = select(RatCycle).where(
            RatCycle.koperasi_id == koperasi_id, RatCycle.tahun_buku == tahun_buku
        )
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def cycle(self, cycle_id: int) -> RatCycle | None:
        """A cycle by id."""
        return await self.session.get(RatCycle, cycle_id)

    async def unchecked(self, petugas_id: int | None, limit: int) -> list[Unchecked]:
        """What boards reported and nobody checked, oldest first (`petugas_id`: only the
        cooperatives of that officer; None: all)."""
        items = (
            select(ChecklistEntry, Koperasi.id, Koperasi.nama)
            .join(RatCycle, RatCycle.id == ChecklistEntry.rat_cycle_id)
            .join(Koperasi, Koperasi.current_rat_cycle_id == RatCycle.id)
            .where(ChecklistEntry.verification == UNCHECKED, ~ChecklistEntry.recorded_by_officer)
            .where(ChecklistEntry.status != BELUM)
            .order_by(ChecklistEntry.updated_at, ChecklistEntry.id)
            .limit(limit)
        )
        found = [
            Unchecked("item", e.id, kid, nama, e.item_code, e.status, e.updated_at)
            for e, kid, nama in await self.session.execute(items.where(_in_scope(petugas_id)))
        ]
        for kind in ("held", "reported"):
            column = f"{kind}_date"
            # The current cycle's, or a missed year's late RAT a board reported (its date has
            # history); a past year's RAT seeded from the register is no report to check.
            reported = (
                select(CycleChange.id)
                .where(CycleChange.rat_cycle_id == RatCycle.id, CycleChange.field == column)
                .exists()
            )
            cycles = (
                select(RatCycle, Koperasi.nama, Koperasi.current_rat_cycle_id)
                .join(Koperasi, Koperasi.id == RatCycle.koperasi_id)
                .where(or_(Koperasi.current_rat_cycle_id == RatCycle.id, reported))
                .where(getattr(RatCycle, column).is_not(None))
                .where(getattr(RatCycle, f"{kind}_verification") == UNCHECKED)
                .where(~getattr(RatCycle, f"{kind}_recorded_by_officer"))
                .order_by(RatCycle.updated_at, RatCycle.id)
                .limit(limit)
            )
            found += [
                # A missed year's late RAT is named as such, not as this year's milestone.
                Unchecked(
                    kind,
                    c.id,
                    c.koperasi_id,
                    nama,
                    kind if current == c.id else late_target(c.tahun_buku),
                    "",
                    c.updated_at,
                )
                for c, nama, current in await self.session.execute(
                    cycles.where(_in_scope(petugas_id))
                )
            ]
        return sorted(found, key=lambda u: (u.since, u.kind, u.row_id))[:limit]

    async def history(self, koperasi_id: int, limit: int) -> list[HistoryRow]:
        """The cooperative's last history rows, newest first; a return with the note stored
        on its item or milestone (joined here, not read per line)."""
        returned = CycleChange.new_value == "returned"
        note = case(
            (and_(returned, CycleChange.item_code.is_not(None)), ChecklistEntry.return_note),
            (and_(returned, CycleChange.field == "held_verification"), RatCycle.held_return_note),
            (
                and_(returned, CycleChange.field == "reported_verification"),
                RatCycle.reported_return_note,
            ),
            else_=None,
        )
        stmt = (
            select(
                CycleChange,
                RatCycle.tahun_buku,
                RatCycle.id == Koperasi.current_rat_cycle_id,
                Person.full_name,
                note,
            )
            .join(RatCycle, RatCycle.id == CycleChange.rat_cycle_id)
            .join(Koperasi, Koperasi.id == RatCycle.koperasi_id)
            .outerjoin(Person, Person.id == CycleChange.changed_by_person_id)
            .outerjoin(
                ChecklistEntry,
                and_(
                    ChecklistEntry.rat_cycle_id == CycleChange.rat_cycle_id,
                    ChecklistEntry.item_code == CycleChange.item_code,
                ),
            )
            .where(RatCycle.koperasi_id == koperasi_id)
            .order_by(CycleChange.id.desc())
            .limit(limit)
        )
        return [
            HistoryRow(
                change.changed_at,
                name,
                change.item_code,
                change.field,
                change.old_value,
                change.new_value,
                change.on_behalf,
                year,
                bool(current),
                note_text,
            )
            for change, year, current, name, note_text in await self.session.execute(stmt)
        ]

    async def entry(self, entry_id: int) -> tuple[ChecklistEntry, RatCycle] | None:
        """A checklist entry and its cycle."""
        stmt = (
            select(ChecklistEntry, RatCycle)
            .join(RatCycle, RatCycle.id == ChecklistEntry.rat_cycle_id)
            .where(ChecklistEntry.id == entry_id)
        )
        row = (await self.session.execute(stmt)).first()
        return None if row is None else (row[0], row[1])


def _in_scope(petugas_id: int | None) -> ColumnElement[bool]:
    """The officer's cooperatives, or every one (an admin)."""
    return true() if petugas_id is None else Koperasi.petugas_id == petugas_id

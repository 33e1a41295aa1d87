"""RAT cycles as the recompute reads and writes them, a batch of cooperatives at a time.

A batch is read in three queries (the cooperatives, their cycles, the cycles' checklist
states) and written with executemany Core statements, never a round trip per row; the daily
recompute walks the register by id (`next_batch`), so memory stays that of one batch.
"""

from __future__ import annotations

import functools
import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from types import SimpleNamespace
from typing import Any, NamedTuple

from sqlalchemy import (
    ColumnElement,
    Row,
    String,
    Table,
    Text,
    bindparam,
    cast,
    exists,
    func,
    insert,
    literal,
    select,
    update,
)
from sqlalchemy.orm.util import identity_key

from domain.kunjungan import OwnerKind
from domain.rat.calendar import FiscalYearEnd
from domain.rat.koperasi import KoperasiFacts
from domain.rat.policy import CycleRules
from domain.rat.recompute import KOPERASI_FIELDS, StoredCycle, StoredRat
from domain.stages import CycleFacts
from storage.repositories.base import Repository, update_rows_by_id
from storage.tables import (
    ChecklistEntry,
    Koperasi,
    Outbox,
    Person,
    RatCycle,
    TermSeen,
    TindakLanjut,
)

DEADLINE_COLUMNS = (
    "fiscal_year_end",
    "target_date",
    "report_deadline",
    "statutory_limit",
    "tidak_rat_date",
)
MILESTONE_COLUMNS = (
    "planned_date",
    "invitation_sent_date",
    "held_date",
    "reported_date",
    "ods_date",
)
CYCLE_STATE_COLUMNS = (
    "tahap",
    "flag_terlambat_target",
    "flag_terlambat_lapor",
    "flag_lewat_batas_uu",
    "flag_tidak_rat",
)
_KOPERASI_STORED = (*KOPERASI_FIELDS, "current_rat_cycle_id")


class Locked(NamedTuple):
    """What a change reads with the cooperative's lock."""

    petugas_id: int | None
    nama: str
    segmen: str | None  # names the reporting system on the card after the change
    # Built from the lock's row, not in the session: only read (`notify_officer`).
    officer: Person | None
    row: Row[*tuple[Any, ...]]  # the cooperative's columns the recompute reads (`load_locked`)
    # The official terms the changing person has had explained (the card after the change).
    terms_seen: frozenset[str] = frozenset()
    # Whether the board owes follow-ups of visits (else the card after the change reads none).
    owes_follow_ups: bool = True
    # Whether the officer's note with the key tail the lock was given is queued already.
    note_queued: bool = False

    @property
    def officer_name(self) -> str | None:
        """The officer's name, as the status card shows it."""
        return self.officer.full_name if self.officer is not None else None


# What the recompute reads of a cooperative (`load`, and with a change's lock).
_KOPERASI_COLUMNS = (
    Koperasi.id,
    Koperasi.bentuk,
    Koperasi.fye_month,
    Koperasi.fye_day,
    Koperasi.wajib_audit,
    Koperasi.tgl_badan_hukum,
    Koperasi.rat_history_from,
    *(getattr(Koperasi, name) for name in _KOPERASI_STORED),
)
_KOPERASI_TABLE = Koperasi.metadata.tables[Koperasi.__tablename__]
_PERSON_TABLE = Person.metadata.tables[Person.__tablename__]
_TERM_TABLE = TermSeen.metadata.tables[TermSeen.__tablename__]
# The officer's columns a change uses (`Locked.officer`), read with the lock.
_OFFICER_COLUMNS = (
    "id",
    "full_name",
    "telegram_user_id",
    "reachable",
    "language",
    "telegram_language_code",
)
# The terms a person has had explained, space-separated (codes: `domain.rat.terms`).
_TERMS_SEEN = (
    select(func.aggregate_strings(_TERM_TABLE.c.term, " "))
    .where(_TERM_TABLE.c.person_id == bindparam("person_id"))
    .scalar_subquery()
)
# Whether the cooperative's board owes open follow-ups (`services.tindak_lanjut`).
_FOLLOW_UP_TABLE = TindakLanjut.metadata.tables[TindakLanjut.__tablename__]
_OWES_FOLLOW_UPS = exists().where(
    _FOLLOW_UP_TABLE.c.koperasi_id == _KOPERASI_TABLE.c.id,
    _FOLLOW_UP_TABLE.c.done_at.is_(None),
    _FOLLOW_UP_TABLE.c.owner_kind == OwnerKind.PENGURUS.value,
)
# Whether the officer's note about this board's report is queued already (its idempotency
# key is `note:`, the officer's id, then `services.rat_verify.officer_note_key_tail`): its
# INSERT would be ignored, so it is not made.
_NOTE_QUEUED = exists().where(
    Outbox.metadata.tables[Outbox.__tablename__].c.idempotency_key
    == literal("note:")
    + cast(_KOPERASI_TABLE.c.petugas_id, String)
    + bindparam("note_key_tail", type_=String)
)
# A change's lock reads what the recompute after it reads of the cooperative (a change
# writes only cycles and entries: the row is still what is stored), and the officer's
# columns: telling the officer of a board's report (`services.rat_verify.notify_officer`)
# then reads nobody again. The card after the change needs the terms its reader has seen
# and whether follow-ups are owed, the note whether it is queued: read with the lock too
# (no statements of their own). Plain Core: no ORM objects, no autoflush.
_LOCK = (
    select(
        *(_KOPERASI_TABLE.c[column.key] for column in _KOPERASI_COLUMNS),
        _KOPERASI_TABLE.c.petugas_id,
        _KOPERASI_TABLE.c.nama,
        _KOPERASI_TABLE.c.segmen,
        _TERMS_SEEN.label("terms_seen"),
        _OWES_FOLLOW_UPS.label("owes_follow_ups"),
        _NOTE_QUEUED.label("note_queued"),
        *(_PERSON_TABLE.c[name].label(f"officer_{name}") for name in _OFFICER_COLUMNS),
    )
    .select_from(_KOPERASI_TABLE)
    .outerjoin(_PERSON_TABLE, _PERSON_TABLE.c.id == _KOPERASI_TABLE.c.petugas_id)
    .where(_KOPERASI_TABLE.c.id == bindparam("koperasi_id"))
    # Only the cooperative's row (PostgreSQL refuses to lock the outer join's nullable side).
    .with_for_update(key_share=True, of=_KOPERASI_TABLE)
)


def _table(entity: type[Koperasi] | type[RatCycle] | type[ChecklistEntry]) -> Table:
    """The Core table of a mapped class, for executemany statements."""
    return entity.metadata.tables[entity.__tablename__]


class RatCycleRepository(Repository):
    """Cycles, their checklist states and the cooperative's stored copy of its standing."""

    async def lock_koperasi(self, koperasi_id: int) -> None:
        """Locks the cooperative's row until the transaction ends (PostgreSQL; SQLite's
        writers are serialised anyway).

        A change that will recompute a cooperative takes this lock before touching its
        cycles, so it and the daily recompute (which locks a batch of cooperatives, then
        writes their cycles) always lock in the same order and never deadlock.
        """
        await self.session.execute(
            select(Koperasi.id).where(Koperasi.id == koperasi_id).with_for_update(key_share=True)
        )

    async def last_rat_had_elections(self, koperasi_id: int) -> bool:
        """Whether the cooperative's latest RAT held (by its date) recorded elections: a
        board member takes a colleague off the board only after one."""
        held = await self.session.scalar(
            select(RatCycle.elections_held)
            .where(RatCycle.koperasi_id == koperasi_id, RatCycle.held_date.is_not(None))
            .order_by(RatCycle.held_date.desc(), RatCycle.tahun_buku.desc())
            .limit(1)
        )
        return held is True

    async def lock_for_change(
        self, koperasi_id: int, person_id: int | None = None, note_key_tail: str | None = None
    ) -> Locked | None:
        """`lock_koperasi`, reading the cooperative's officer (the person too), name, segment and
        officer's name with the lock (one statement for what a change checks, tells and
        shows), the terms `person_id` has seen, whether the board owes follow-ups and
        whether the officer's note `note_key_tail` is queued; None when it does not exist."""
        params = {
            "koperasi_id": koperasi_id,
            "person_id": person_id,
            "note_key_tail": note_key_tail,
        }
        row = (await self.session.execute(_LOCK, params)).one_or_none()
        if row is None:
            return None
        officer = None
        if row.officer_id is not None:
            officer = Person(
                **{name: getattr(row, f"officer_{name}") for name in _OFFICER_COLUMNS}
            )
        return Locked(
            row.petugas_id,
            row.nama,
            row.segmen,
            officer,
            row,
            frozenset(row.terms_seen.split()) if row.terms_seen else frozenset(),
            bool(row.owes_follow_ups),
            bool(row.note_queued),
        )

    async def next_batch(self, *, after: int, limit: int) -> list[StoredRat]:
        """The next `limit` cooperatives by id above `after`, as `load` reads them.

        Their cycles are read by id range: the batch is every cooperative in it.
        """
        rows = (
            await self.session.execute(
                _KOPERASI.where(Koperasi.id > after).order_by(Koperasi.id).limit(limit)
            )
        ).all()
        if not rows:
            return []
        in_batch = RatCycle.koperasi_id.between(rows[0].id, rows[-1].id)
        return await self._with_cycles(rows, in_batch)

    async def load(self, ids: Sequence[int]) -> list[StoredRat]:
        """These cooperatives with their cycles and checklist states, in id order.

        The cooperatives' rows are locked first (PostgreSQL; `FOR NO KEY UPDATE`, which
        leaves rows referring to them free to be added), so what is read stays what is
        written over until the commit: a change committed meanwhile waits, then sees the
        recomputed values.
        """
        if not ids:
            return []
        query = _KOPERASI.where(Koperasi.id.in_(ids)).order_by(Koperasi.id)
        rows = (await self.session.execute(query)).all()
        return await self._with_cycles(rows, RatCycle.koperasi_id.in_(ids))

    async def load_locked(self, locked: Locked) -> StoredRat:
        """`load` of the cooperative a change locked (`lock_for_change`), its row as the lock
        read it: its cycles and checklist states only, read now (after the change, flushed:
        plain Core statements do not flush the session)."""
        await self.session.flush()
        read = await self.read_for_change(locked)
        return read.stored_rat()

    async def read_for_change(self, locked: Locked) -> ChangeRead:
        """The cycles (every column) and checklist states of the cooperative a change locked,
        in one statement: a milestone's change is made on this copy and written with explicit
        statements (`update_cycle`), and the recompute plans from the copy
        (`ChangeRead.stored_rat`)."""
        states: dict[int, dict[str, str]] = {}
        cycles: dict[int, SimpleNamespace] = {}
        rows = await self.session.execute(_KOPERASI_CYCLES, {"koperasi_id": locked.row.id})
        for row in rows:
            values = dict(row._mapping)
            packed = values.pop("checklist_states")
            states[row.id] = _unpacked_states(packed)
            cycles[row.tahun_buku] = SimpleNamespace(**values)
        return ChangeRead(locked.row, cycles, states)

    async def update_cycle(self, cycle_id: int, changed: Mapping[str, object]) -> None:
        """Sets these columns of one cycle (only them: `updated_at` is the recompute's)."""
        if not changed:
            return
        params = {f"v_{name}": value for name, value in changed.items()}
        await self.session.execute(
            _cycle_update(tuple(sorted(changed))), {"v_id": cycle_id, **params}
        )

    async def _with_cycles(
        self, koperasi: Sequence[Row[Any]], in_batch: ColumnElement[bool]
    ) -> list[StoredRat]:
        """The cooperatives' rows with their cycles (`in_batch`) and checklist states."""
        states: dict[int, dict[str, str]] = defaultdict(dict)
        entries = select(
            ChecklistEntry.rat_cycle_id, ChecklistEntry.item_code, ChecklistEntry.status
        ).join(RatCycle, RatCycle.id == ChecklistEntry.rat_cycle_id)
        for cycle_id, code, status in await self.session.execute(entries.where(in_batch)):
            states[cycle_id][code] = status
        cycles: dict[int, dict[int, StoredCycle]] = defaultdict(dict)
        for row in await self.session.execute(_CYCLES.where(in_batch)):
            cycles[row.koperasi_id][row.tahun_buku] = _stored_cycle(row, states.get(row.id, {}))
        return [_stored_rat(row, cycles[row.id]) for row in koperasi]

    async def petugas_ids(self, ids: Sequence[int]) -> dict[int, int | None]:
        """The officer of each of these cooperatives (None: the admins' queue)."""
        rows = await self.session.execute(
            select(Koperasi.id, Koperasi.petugas_id).where(Koperasi.id.in_(ids))
        )
        return {int(koperasi_id): petugas_id for koperasi_id, petugas_id in rows}

    async def insert_cycles(
        self, cycles: Sequence[tuple[int, Mapping[str, object]]], *, now: datetime
    ) -> list[int]:
        """Inserts cycles as (koperasi id, columns) pairs, all with the same columns; their ids.

        A plain executemany and one SELECT for the ids: with RETURNING in parameter order,
        SQLite (whose integer keys SQLAlchemy cannot sort batches by) inserts row by row.
        """
        if not cycles:
            return []
        params = [
            {**values, "koperasi_id": koperasi_id, "created_at": now, "updated_at": now}
            for koperasi_id, values in cycles
        ]
        connection = await self.session.connection()
        await connection.execute(insert(_table(RatCycle)), params)
        keys = [(koperasi_id, values["tahun_buku"]) for koperasi_id, values in cycles]
        rows = await connection.execute(
            select(RatCycle.koperasi_id, RatCycle.tahun_buku, RatCycle.id).where(
                RatCycle.koperasi_id.in_({koperasi_id for koperasi_id, _ in keys}),
                RatCycle.tahun_buku.in_({year for _, year in keys}),
            )
        )
        ids: dict[tuple[int, object], int] = {
            (koperasi_id, year): cycle_id for koperasi_id, year, cycle_id in rows
        }
        return [ids[key] for key in keys]

    async def update_cycles(
        self, changes: Sequence[tuple[int, Mapping[str, object]]], *, now: datetime
    ) -> None:
        """Sets changed columns of cycles, as (cycle id, columns) pairs."""
        await self._update_by_id(RatCycle, changes, now)

    async def update_koperasi(
        self, changes: Sequence[tuple[int, Mapping[str, object]]], *, now: datetime
    ) -> None:
        """Sets the recomputed columns of cooperatives, as (koperasi id, columns) pairs."""
        await self._update_by_id(Koperasi, changes, now)

    async def set_checklist_states(
        self, entries: Sequence[tuple[int, str, str]], *, now: datetime
    ) -> None:
        """Adds checklist entries as (cycle id, item code, state) to cycles that have none."""
        if not entries:
            return
        params = [
            {"rat_cycle_id": cycle_id, "item_code": code, "status": state, "updated_at": now}
            for cycle_id, code, state in entries
        ]
        connection = await self.session.connection()
        await connection.execute(insert(_table(ChecklistEntry)), params)

    async def _update_by_id(
        self,
        entity: type[Koperasi] | type[RatCycle],
        changes: Sequence[tuple[int, Mapping[str, object]]],
        now: datetime,
    ) -> None:
        """One executemany UPDATE per set of changed columns.

        Objects of these rows the session already holds (a change's own transaction) are
        refreshed, so what the caller renders next is what was stored.
        """
        if not changes:  # nothing to write (a change's recompute mostly): no connection asked
            return
        await update_rows_by_id(self.session, entity, changes, now)
        for row_id, changed in changes:
            held = self.session.identity_map.get(identity_key(entity, row_id))
            if held is not None:
                await self.session.refresh(held, [*changed, "updated_at"])


_KOPERASI = (
    select(*_KOPERASI_COLUMNS)
    # FOR NO KEY UPDATE (PostgreSQL): rows referring to the cooperative can still be added.
    .with_for_update(key_share=True)
)
_CYCLE_TABLE = _table(RatCycle)
_ENTRY_TABLE = _table(ChecklistEntry)
# A change's read of the cooperative's cycles (plain Core: no ORM objects), every column
# (the change edits the current one), the spec as text as in `_CYCLES`, and each cycle's
# checklist states as one string: code, unit separator, state; record separator between.
_STATE_SEPARATOR, _ENTRY_SEPARATOR = "\x1f", "\x1e"
_CYCLE_STATES = (
    select(
        func.aggregate_strings(
            _ENTRY_TABLE.c.item_code + literal(_STATE_SEPARATOR) + _ENTRY_TABLE.c.status,
            _ENTRY_SEPARATOR,
        )
    )
    .where(_ENTRY_TABLE.c.rat_cycle_id == _CYCLE_TABLE.c.id)
    .scalar_subquery()
)
_KOPERASI_CYCLES = select(
    *(column for column in _CYCLE_TABLE.c if column.name != "checklist_spec"),
    cast(_CYCLE_TABLE.c.checklist_spec, Text).label("checklist_spec"),
    _CYCLE_STATES.label("checklist_states"),
).where(_CYCLE_TABLE.c.koperasi_id == bindparam("koperasi_id"))


def _unpacked_states(packed: str | None) -> dict[str, str]:
    """A cycle's checklist states as `_CYCLE_STATES` packs them (None: no entries)."""
    states: dict[str, str] = {}
    for entry in packed.split(_ENTRY_SEPARATOR) if packed else ():
        code, _, state = entry.rpartition(_STATE_SEPARATOR)
        states[code] = state
    return states


@functools.lru_cache(maxsize=64)
def _cycle_update(names: tuple[str, ...]) -> Any:
    """UPDATE of these columns of one cycle, built once per set of columns."""
    values: dict[str, Any] = {name: bindparam(f"v_{name}") for name in names}
    return update(_CYCLE_TABLE).where(_CYCLE_TABLE.c.id == bindparam("v_id")).values(**values)


@dataclass(frozen=True)
class ChangeRead:
    """A locked cooperative's row, its cycles (every column, by tahun buku) and their
    checklist states (by cycle id), as `read_for_change` read them; a change edits a cycle
    of this copy in place before the recompute plans from it."""

    koperasi: Row[Any]
    cycles: Mapping[int, SimpleNamespace]
    states: Mapping[int, Mapping[str, str]]

    def cycle(self, cycle_id: int | None) -> SimpleNamespace | None:
        """The cycle with this id, if read."""
        return next((c for c in self.cycles.values() if c.id == cycle_id), None)

    def rules(self, cycle: SimpleNamespace) -> CycleRules:
        """The frozen rules of a cycle of this copy."""
        dates = tuple(getattr(cycle, name) for name in DEADLINE_COLUMNS)
        return stored_rules(cycle.tahun_buku, dates, cycle.checklist_spec or "{}")

    def stored_rat(self) -> StoredRat:
        """The cooperative as the recompute reads it, its cycles as this copy holds them."""
        cycles = {
            year: _stored_cycle(row, self.states.get(row.id, {}))
            for year, row in self.cycles.items()
        }
        return _stored_rat(self.koperasi, cycles)


_CYCLES = select(
    RatCycle.id,
    RatCycle.koperasi_id,
    RatCycle.tahun_buku,
    # As text: the rules are built once per distinct spec (`stored_rules`), not decoded per row.
    cast(RatCycle.checklist_spec, Text).label("checklist_spec"),
    RatCycle.ods_confirmed_by_person_id,
    RatCycle.mode,
    *(getattr(RatCycle, name) for name in DEADLINE_COLUMNS),
    *(getattr(RatCycle, name) for name in MILESTONE_COLUMNS),
    *(getattr(RatCycle, name) for name in CYCLE_STATE_COLUMNS),
)


# Cycles share a handful of rules (fiscal year, fiscal-year end, bentuk, checklist): build
# each once, not per row; a shared checklist also keeps its cached item codes.
@functools.lru_cache(maxsize=4096)
def stored_rules(tahun_buku: int, dates: tuple[date, ...], checklist_spec: str) -> CycleRules:
    """A cycle's rules from its stored deadlines (in `DEADLINE_COLUMNS` order) and checklist
    (JSON text), built once per distinct set (the menu, the item and the recompute read them)."""
    named = dict(zip(DEADLINE_COLUMNS, dates, strict=True))
    return CycleRules.from_stored(tahun_buku, named, json.loads(checklist_spec))


@functools.lru_cache(maxsize=256)
def fiscal_year_end(month: int, day: int) -> FiscalYearEnd:
    """A stored fiscal-year end, one object per (month, day)."""
    return FiscalYearEnd(month, day)


def _stored_cycle(row: Row[Any] | SimpleNamespace, states: Mapping[str, str]) -> StoredCycle:
    """A cycle row as the domain reads it."""
    dates = tuple(getattr(row, name) for name in DEADLINE_COLUMNS)
    rules = stored_rules(row.tahun_buku, dates, row.checklist_spec or "{}")
    facts = CycleFacts(
        states=states,
        planned_date=row.planned_date,
        invitation_sent_date=row.invitation_sent_date,
        held_date=row.held_date,
        reported_date=row.reported_date,
        ods_date=row.ods_date,
        ods_confirmed=row.ods_confirmed_by_person_id is not None,
    )
    stored = {name: getattr(row, name) for name in CYCLE_STATE_COLUMNS}
    return StoredCycle(row.id, rules, facts, stored, row.mode)


def _stored_rat(row: Row[Any], cycles: Mapping[int, StoredCycle]) -> StoredRat:
    """A cooperative row and its cycles (its RAT history is their held dates)."""
    facts = KoperasiFacts(
        bentuk=row.bentuk,
        fye=fiscal_year_end(row.fye_month, row.fye_day),
        wajib_audit=row.wajib_audit,
        tgl_badan_hukum=row.tgl_badan_hukum,
        status_aktivitas=row.status_aktivitas,
        history_from=row.rat_history_from,
    )
    stored = {name: getattr(row, name) for name in _KOPERASI_STORED}
    return StoredRat(row.id, facts, stored, cycles)

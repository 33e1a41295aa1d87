"""Reads for the XLSX export: each sheet in batches of key ranges, scoped in SQL.

A batch is a range of the sheet's key (the id of its driving table): first the range's end,
the `n`-th key after the last batch's (an index-only read of that table alone), then the
sheet's rows `WHERE key > :after AND key <= :upto`, every join bounded by the same range.
So each batch costs the same wherever it falls: with only `key > :after … LIMIT n` the
planners read from the start again each time — PostgreSQL merge-joined the period's cycles
from the first one and hash-joined every cooperative, SQLite sorted the whole checklist —
which made an export of a million visits quadratic. An export never holds more than one
batch; the scope (kecamatan, an officer's own cooperatives, the period) is part of each
statement, so a range may hold fewer rows than `n`, or none. Rows are Core rows (no ORM
objects) in the order of the sheet's columns in `domain.export`; the service turns them into
cells.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    DateTime,
    FromClause,
    Join,
    Select,
    and_,
    func,
    or_,
    select,
    true,
    type_coerce,
)

from domain.export import ExportScope
from domain.relay import Direction
from storage.repositories.base import Repository
from storage.repositories.rollup import spec_items
from storage.tables import (
    ChecklistEntry,
    Koperasi,
    Kunjungan,
    Person,
    RatCycle,
    Thread,
    ThreadMessage,
    TindakLanjut,
)

SUBMITTED = "submitted"
_Officer = Person.__table__.alias("export_officer")


@dataclass(frozen=True)
class Window:
    """The period's season as UTC instants, [start, end)."""

    start: datetime
    end: datetime


@dataclass(frozen=True)
class Keys:
    """A batch: the keys over `after` up to `upto` (None: to the last)."""

    after: int
    upto: int | None


@dataclass(frozen=True)
class Batch:
    """A batch's rows and where the next one starts (None: this was the last)."""

    rows: Sequence[Sequence[Any]]
    next_after: int | None


def _in_range(column: Any, keys: Keys | None) -> list[ColumnElement[bool]]:
    if keys is None:
        return []
    where = [column > keys.after]
    if keys.upto is not None:
        where.append(column <= keys.upto)
    return where


@dataclass(frozen=True)
class _Query:
    """One sheet's statement parts: its columns (the key first), joins and conditions."""

    columns: tuple[Any, ...]
    source: FromClause
    where: tuple[ColumnElement[bool], ...]


def _koperasi_scope(scope: ExportScope, keys: Keys | None) -> list[ColumnElement[bool]]:
    """The scope's conditions on the cooperative. In a batch, as expressions no index serves
    (`kecamatan || ''`, `petugas_id + 0`): the batch's key range must lead — SQLite, knowing
    no row counts, would otherwise start from every cooperative of the kecamatan, each batch."""
    where: list[ColumnElement[bool]] = []
    kecamatan: Any = Koperasi.kecamatan
    petugas: Any = Koperasi.petugas_id
    if keys is not None:
        kecamatan, petugas = kecamatan + "", petugas + 0
    if scope.kecamatan is not None:
        where.append(kecamatan == scope.kecamatan)
    if scope.petugas_id is not None:
        where.append(petugas == scope.petugas_id)
    return where


def _instant(column: Any) -> ColumnElement[datetime]:
    """An instant as the driver reads it: aware in UTC (PostgreSQL) or naive in UTC (SQLite).

    Without the column type's own conversion to an aware UTC datetime, a Python call per
    value: the writer takes both (a million visits have two instants each).
    """
    return type_coerce(column, DateTime())


_REF = (Koperasi.id, Koperasi.nama, Koperasi.kecamatan)


def _koperasi(scope: ExportScope, _window: Window, keys: Keys | None, dialect: str) -> _Query:
    # The cycles' range too: a planner does not carry koperasi.id's range over the join.
    cycle = and_(
        RatCycle.koperasi_id == Koperasi.id,
        RatCycle.tahun_buku == scope.tahun_buku,
        *_in_range(RatCycle.koperasi_id, keys),
    )
    source = Koperasi.__table__.outerjoin(_Officer, _Officer.c.id == Koperasi.petugas_id)
    source = source.outerjoin(RatCycle.__table__, cycle)
    columns = (
        *_REF,
        Koperasi.desa,
        Koperasi.alamat,
        Koperasi.bentuk,
        Koperasi.jenis,
        Koperasi.kelompok,
        Koperasi.pola,
        Koperasi.segmen,
        Koperasi.no_badan_hukum,
        Koperasi.tgl_badan_hukum,
        Koperasi.nik_koperasi,
        Koperasi.nik_berlaku_sampai,
        Koperasi.nib,
        Koperasi.anggota_pria,
        Koperasi.anggota_wanita,
        Koperasi.anggota_per_tanggal,
        Koperasi.fye_day,
        Koperasi.fye_month,
        Koperasi.modal_sendiri,
        Koperasi.modal_luar,
        Koperasi.aset,
        Koperasi.volume_usaha,
        Koperasi.shu,
        Koperasi.wajib_audit,
        Koperasi.predikat_kesehatan,
        Koperasi.predikat_tahun,
        _Officer.c.full_name,
        Koperasi.sumber_data,
        Koperasi.status_aktivitas,
        Koperasi.tahap,
        Koperasi.flag_terlambat_target,
        Koperasi.flag_terlambat_lapor,
        Koperasi.flag_lewat_batas_uu,
        Koperasi.flag_tidak_rat,
        Koperasi.last_rat_date,
        Koperasi.last_rat_tahun_buku,
        RatCycle.tahap,
        RatCycle.target_date,
        RatCycle.planned_date,
        RatCycle.held_date,
        RatCycle.reported_date,
        RatCycle.ods_date,
        # The items of the period's checklist (0 without a cycle): /rekap's mean completion
        # divides the items done (the Checklist sheet) by their sum.
        spec_items(dialect),
    )
    return _Query(columns, source, (*_koperasi_scope(scope, keys), *_in_range(Koperasi.id, keys)))


def _checklist(scope: ExportScope, _window: Window, keys: Keys | None, _dialect: str) -> _Query:
    source = ChecklistEntry.__table__.join(
        RatCycle.__table__, RatCycle.id == ChecklistEntry.rat_cycle_id
    ).join(Koperasi.__table__, Koperasi.id == RatCycle.koperasi_id)
    columns = (
        ChecklistEntry.id,
        *_REF,
        RatCycle.tahun_buku,
        ChecklistEntry.item_code,
        ChecklistEntry.status,
        ChecklistEntry.recorded_by_officer,
        ChecklistEntry.verification,
        _instant(ChecklistEntry.updated_at),
    )
    period = RatCycle.tahun_buku == scope.tahun_buku
    if keys is not None:  # no index for the period: SQLite would list all its cycles first
        period = RatCycle.tahun_buku + 0 == scope.tahun_buku
    where = (period, *_koperasi_scope(scope, keys), *_in_range(ChecklistEntry.id, keys))
    return _Query(columns, source, where)


def _kunjungan(scope: ExportScope, window: Window, keys: Keys | None, _dialect: str) -> _Query:
    source = Kunjungan.__table__.join(Koperasi.__table__, Koperasi.id == Kunjungan.koperasi_id)
    source = source.outerjoin(_Officer, _Officer.c.id == Kunjungan.petugas_id)
    columns = (
        Kunjungan.id,
        *_REF,
        _Officer.c.full_name,
        _instant(Kunjungan.visited_at),
        Kunjungan.jenis,
        Kunjungan.poac,
        Kunjungan.verdict,
        Kunjungan.current_version,
        _instant(Kunjungan.submitted_at),
    )
    where = (
        Kunjungan.status == SUBMITTED,
        Kunjungan.visited_at >= window.start,
        Kunjungan.visited_at < window.end,
        *_koperasi_scope(scope, keys),
        *_in_range(Kunjungan.id, keys),
    )
    return _Query(columns, source, where)


def _tindak_lanjut(scope: ExportScope, window: Window, keys: Keys | None, _dialect: str) -> _Query:
    source = TindakLanjut.__table__.join(
        Koperasi.__table__, Koperasi.id == TindakLanjut.koperasi_id
    )
    columns = (
        TindakLanjut.id,
        *_REF,
        TindakLanjut.kunjungan_id,
        TindakLanjut.description,
        TindakLanjut.owner_kind,
        TindakLanjut.due_date,
        _instant(TindakLanjut.created_at),
        _instant(TindakLanjut.done_at),
        TindakLanjut.done_note,
    )
    where = (
        TindakLanjut.created_at >= window.start,
        TindakLanjut.created_at < window.end,
        *_koperasi_scope(scope, keys),
        *_in_range(TindakLanjut.id, keys),
    )
    return _Query(columns, source, where)


def _threads(scope: ExportScope, window: Window, keys: Keys | None, _dialect: str) -> _Query:
    source = Thread.__table__.join(Koperasi.__table__, Koperasi.id == Thread.koperasi_id)
    source = source.outerjoin(_Officer, _Officer.c.id == Thread.assigned_person_id)
    columns = (
        Thread.id,
        *_REF,
        Thread.topic,
        Thread.status,
        _Officer.c.full_name,
        _instant(Thread.created_at),
        _instant(Thread.last_message_at),
        _instant(Thread.waiting_since),
        _instant(Thread.closed_at),
    )
    where = (
        Thread.created_at < window.end,
        or_(
            Thread.created_at >= window.start,
            Thread.last_message_at >= window.start,
        ),
        *_koperasi_scope(scope, keys),
        *_in_range(Thread.id, keys),
    )
    return _Query(columns, source, where)


class ExportRepository(Repository):
    """Counts and batches of each export sheet, within a scope and the period's season."""

    async def counts(self, scope: ExportScope, window: Window) -> list[int]:
        """The rows of each sheet, in the order of `domain.export.SHEETS`."""
        connection = await self.session.connection()
        return [
            int((await connection.execute(stmt)).scalar_one())
            for stmt in _counts(scope, window, connection.dialect.name)
        ]

    async def batch(
        self, sheet: int, scope: ExportScope, window: Window, after: int, size: int
    ) -> Batch:
        """The rows of sheet number `sheet` among the next `size` keys over `after`.

        Each *Pesan* row ends with the messages from the board and from the officer.
        """
        connection = await self.session.connection()
        if connection.dialect.name == "postgresql":
            await connection.execute(_PLAN_BY_KEYS)
        key = _KEYS[sheet]
        upto = (
            await connection.execute(
                select(key).where(key > after).order_by(key).offset(size - 1).limit(1)
            )
        ).scalar_one_or_none()
        query = _query(sheet, scope, window, Keys(after, upto), connection.dialect.name)
        stmt = (
            select(*query.columns)
            .select_from(query.source)
            .where(*query.where)
            .order_by(query.columns[0])
        )
        rows: Sequence[Sequence[Any]] = (await connection.execute(stmt)).all()
        if sheet == PESAN_INDEX and rows:
            counts = await self._message_counts([row[0] for row in rows])
            rows = [
                (
                    *row,
                    counts.get((row[0], Direction.TO_OFFICER.value), 0),
                    counts.get((row[0], Direction.TO_BOARD.value), 0),
                )
                for row in rows
            ]
        return Batch(rows, upto)

    async def _message_counts(self, thread_ids: Sequence[int]) -> dict[tuple[int, str], int]:
        stmt = (
            select(ThreadMessage.thread_id, ThreadMessage.direction, func.count())
            .where(ThreadMessage.thread_id.in_(thread_ids))
            .group_by(ThreadMessage.thread_id, ThreadMessage.direction)
        )
        return {
            (thread_id, direction): int(count)
            for thread_id, direction, count in await self.session.execute(stmt)
        }


PESAN_INDEX = 4
# For this transaction (PostgreSQL): a batch reads some thousands of rows through primary
# keys. At the default cost of a random read (4, a spinning disk's) the planner scans every
# cooperative into a hash instead of looking up the batch's: 40 ms a batch of 100,000
# cooperatives against 4 ms (1.1 is the usual value for an SSD). And a plan for the batch's
# own key range: after five executions of a prepared statement (asyncpg prepares each)
# PostgreSQL may switch to a generic plan, which, not knowing the range, also read the
# whole period index of the visits, 300 ms a batch.
_PLAN_BY_KEYS = select(
    func.set_config("random_page_cost", "1.1", true()),
    func.set_config("plan_cache_mode", "force_custom_plan", true()),
)
# Each sheet's key, the id of the table it lists (the batches are ranges of it), and its
# statement, in the order of domain.export.SHEETS.
_KEYS = (Koperasi.id, ChecklistEntry.id, Kunjungan.id, TindakLanjut.id, Thread.id)
_BUILDERS: tuple[Callable[[ExportScope, Window, Keys | None, str], _Query], ...] = (
    _koperasi,
    _checklist,
    _kunjungan,
    _tindak_lanjut,
    _threads,
)


def _query(
    sheet: int, scope: ExportScope, window: Window, keys: Keys | None, dialect: str
) -> _Query:
    """Sheet number `sheet`'s statement parts (built per batch: only the one needed)."""
    return _BUILDERS[sheet](scope, window, keys, dialect)


def _counts(scope: ExportScope, window: Window, dialect: str) -> list[Select[int]]:
    """Each sheet's row count, from its own table: the outer joins that only add columns
    (an officer's name, the period's cycle: at most one row each) are left out."""
    statements = []
    for sheet in range(len(_KEYS)):
        query = _query(sheet, scope, window, None, dialect)
        source = query.source
        while isinstance(source, Join) and source.isouter:
            source = source.left
        statements.append(select(func.count()).select_from(source).where(*query.where))
    return statements

"""Reads for the XLSX export: each sheet in batches (keyset pagination), scoped in SQL.

Every sheet is one query per batch, `WHERE key > :after ORDER BY key LIMIT :n`, so an export
of a million visits never holds more than one batch; the scope (kecamatan, an officer's own
cooperatives, the period) is part of each statement. Rows are plain tuples in the order of
the sheet's columns in `domain.export` (the service turns codes and instants into cells).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, FromClause, and_, func, or_, select

from domain.export import ExportScope
from domain.relay import Direction
from storage.repositories.base import Repository
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
class _Query:
    """One sheet's statement parts: its columns (the key first), joins and conditions."""

    columns: tuple[Any, ...]
    source: FromClause
    where: tuple[ColumnElement[bool], ...]


def _koperasi_scope(scope: ExportScope) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if scope.kecamatan is not None:
        where.append(Koperasi.kecamatan == scope.kecamatan)
    if scope.petugas_id is not None:
        where.append(Koperasi.petugas_id == scope.petugas_id)
    return where


_REF = (Koperasi.id, Koperasi.nama, Koperasi.kecamatan)


def _koperasi(scope: ExportScope) -> _Query:
    cycle = and_(RatCycle.koperasi_id == Koperasi.id, RatCycle.tahun_buku == scope.tahun_buku)
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
    )
    return _Query(columns, source, tuple(_koperasi_scope(scope)))


def _checklist(scope: ExportScope) -> _Query:
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
        ChecklistEntry.updated_at,
    )
    where = (RatCycle.tahun_buku == scope.tahun_buku, *_koperasi_scope(scope))
    return _Query(columns, source, where)


def _kunjungan(scope: ExportScope, window: Window) -> _Query:
    source = Kunjungan.__table__.join(Koperasi.__table__, Koperasi.id == Kunjungan.koperasi_id)
    source = source.outerjoin(_Officer, _Officer.c.id == Kunjungan.petugas_id)
    columns = (
        Kunjungan.id,
        *_REF,
        _Officer.c.full_name,
        Kunjungan.visited_at,
        Kunjungan.jenis,
        Kunjungan.poac,
        Kunjungan.verdict,
        Kunjungan.current_version,
        Kunjungan.submitted_at,
    )
    where = (
        Kunjungan.status == SUBMITTED,
        Kunjungan.visited_at >= window.start,
        Kunjungan.visited_at < window.end,
        *_koperasi_scope(scope),
    )
    return _Query(columns, source, where)


def _tindak_lanjut(scope: ExportScope, window: Window) -> _Query:
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
        TindakLanjut.created_at,
        TindakLanjut.done_at,
        TindakLanjut.done_note,
    )
    where = (
        TindakLanjut.created_at >= window.start,
        TindakLanjut.created_at < window.end,
        *_koperasi_scope(scope),
    )
    return _Query(columns, source, where)


def _threads(scope: ExportScope, window: Window) -> _Query:
    source = Thread.__table__.join(Koperasi.__table__, Koperasi.id == Thread.koperasi_id)
    source = source.outerjoin(_Officer, _Officer.c.id == Thread.assigned_person_id)
    columns = (
        Thread.id,
        *_REF,
        Thread.topic,
        Thread.status,
        _Officer.c.full_name,
        Thread.created_at,
        Thread.last_message_at,
        Thread.waiting_since,
        Thread.closed_at,
    )
    where = (
        Thread.created_at < window.end,
        or_(
            Thread.created_at >= window.start,
            Thread.last_message_at >= window.start,
        ),
        *_koperasi_scope(scope),
    )
    return _Query(columns, source, where)


class ExportRepository(Repository):
    """Counts and batches of each export sheet, within a scope and the period's season."""

    async def _count(self, query: _Query) -> int:
        stmt = select(func.count()).select_from(query.source).where(*query.where)
        return int((await self.session.execute(stmt)).scalar_one())

    async def _batch(self, query: _Query, after: int, limit: int) -> list[tuple[Any, ...]]:
        key = query.columns[0]
        stmt = (
            select(*query.columns)
            .select_from(query.source)
            .where(*query.where, key > after)
            .order_by(key)
            .limit(limit)
        )
        return [tuple(row) for row in await self.session.execute(stmt)]

    async def counts(self, scope: ExportScope, window: Window) -> list[int]:
        """The rows of each sheet, in the order of `domain.export.SHEETS`."""
        return [await self._count(query) for query in _queries(scope, window)]

    async def batch(
        self, sheet: int, scope: ExportScope, window: Window, after: int, limit: int
    ) -> list[tuple[Any, ...]]:
        """Up to `limit` rows of sheet number `sheet` whose key (first column) is over `after`.

        Each *Pesan* row ends with the messages from the board and from the officer.
        """
        query = _queries(scope, window)[sheet]
        rows = await self._batch(query, after, limit)
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
        return rows

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


def _queries(scope: ExportScope, window: Window) -> tuple[_Query, ...]:
    return (
        _koperasi(scope),
        _checklist(scope),
        _kunjungan(scope, window),
        _tindak_lanjut(scope, window),
        _threads(scope, window),
    )

"""Cooperatives: lookup, creation, the simplest roll-up, and the register import's bulk writes.

The import works in batches inside one transaction: the keys of the whole register are loaded
once (`key_index`), each batch's stored values in one query (`import_state`), and its writes
are executemany Core statements, never a round trip per row.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Table, bindparam, func, insert, or_, select, update

from domain.register_match import (
    HISTORY_FROM,
    KOPERASI_FIELDS,
    LAST_RAT_FIELDS,
    StoredCycle,
    StoredKoperasi,
)
from storage.repositories.base import Repository, rowcount, update_rows_by_id
from storage.tables import Koperasi, RatCycle

# What a RAT cycle seeded from the register's history records about its checklist.
HISTORY_CHECKLIST: dict[str, Any] = {"source": "impor"}
_IMPORT_COLUMNS = (*KOPERASI_FIELDS, *LAST_RAT_FIELDS, HISTORY_FROM)


def _table(entity: type[Koperasi] | type[RatCycle]) -> Table:
    """The Core table of a mapped class, for executemany statements."""
    return entity.metadata.tables[entity.__tablename__]


class KoperasiRepository(Repository):
    """Access to :class:`Koperasi` rows; aggregates are computed in SQL, not in Python."""

    async def get(self, koperasi_id: int) -> Koperasi | None:
        return await self.session.get(Koperasi, koperasi_id)

    async def add(self, koperasi: Koperasi) -> Koperasi:
        """Stage a new cooperative and flush, so its ``id`` is known."""
        self.session.add(koperasi)
        await self.session.flush()
        return koperasi

    async def count(self) -> int:
        """How many cooperatives the register holds."""
        return int(await self.session.scalar(select(func.count()).select_from(Koperasi)) or 0)

    async def key_index(self) -> tuple[dict[str, int], dict[str, int]]:
        """Every stored NIK koperasi and legal number, each to its cooperative's id."""
        rows = await self.session.execute(
            select(Koperasi.id, Koperasi.nik_koperasi, Koperasi.no_badan_hukum).where(
                or_(Koperasi.nik_koperasi.is_not(None), Koperasi.no_badan_hukum.is_not(None))
            )
        )
        by_nik: dict[str, int] = {}
        by_badan_hukum: dict[str, int] = {}
        for koperasi_id, nik, badan_hukum in rows:
            if nik is not None:
                by_nik[nik] = koperasi_id
            if badan_hukum is not None:
                by_badan_hukum[badan_hukum] = koperasi_id
        return by_nik, by_badan_hukum

    async def import_state(self, ids: Sequence[int]) -> dict[int, StoredKoperasi]:
        """The importable values and RAT cycles of these cooperatives, in two queries."""
        if not ids:
            return {}
        columns = [getattr(Koperasi, name) for name in _IMPORT_COLUMNS]
        rows = await self.session.execute(
            select(Koperasi.id, *columns).where(Koperasi.id.in_(ids))
        )
        values = {row[0]: dict(zip(_IMPORT_COLUMNS, row[1:], strict=True)) for row in rows}
        cycles: dict[int, dict[int, StoredCycle]] = defaultdict(dict)
        cycle_rows = await self.session.execute(
            select(
                RatCycle.koperasi_id,
                RatCycle.tahun_buku,
                RatCycle.id,
                RatCycle.held_date,
                RatCycle.tahap,
            ).where(RatCycle.koperasi_id.in_(ids))
        )
        for koperasi_id, tahun_buku, cycle_id, held_date, tahap in cycle_rows:
            cycles[koperasi_id][tahun_buku] = StoredCycle(cycle_id, held_date, tahap)
        return {
            koperasi_id: StoredKoperasi(koperasi_id, stored, dict(cycles[koperasi_id]))
            for koperasi_id, stored in values.items()
        }

    async def insert_many(
        self, rows: Sequence[Mapping[str, object]], *, source: str, now: datetime
    ) -> list[int]:
        """Inserts new cooperatives (every row with the same keys); their ids, in row order."""
        if not rows:
            return []
        params = [
            {**row, "sumber_data": source, "created_at": now, "updated_at": now} for row in rows
        ]
        table = _table(Koperasi)
        # Core, not the ORM's bulk insert: ten times faster and RETURNING keeps the row order.
        connection = await self.session.connection()
        result = await connection.execute(
            insert(table).returning(table.c.id, sort_by_parameter_order=True), params
        )
        return list(result.scalars())

    async def update_many(
        self, changes: Sequence[tuple[int, Mapping[str, object]]], *, now: datetime
    ) -> None:
        """Updates changed columns, one executemany per set of changed columns."""
        await update_rows_by_id(self.session, Koperasi, changes, now)

    async def insert_cycles(
        self, cycles: Sequence[tuple[int, Mapping[str, object]]], *, now: datetime
    ) -> None:
        """Inserts past RAT cycles, as (koperasi id, cycle values) pairs."""
        if not cycles:
            return
        params = [
            {
                **values,
                "koperasi_id": koperasi_id,
                "checklist_spec": HISTORY_CHECKLIST,
                "held_recorded_by_officer": True,  # the office's register: no report to check
                "created_at": now,
                "updated_at": now,
            }
            for koperasi_id, values in cycles
        ]
        connection = await self.session.connection()
        await connection.execute(insert(_table(RatCycle)), params)

    async def set_held_dates(
        self, changes: Sequence[tuple[int, date, str]], *, now: datetime
    ) -> None:
        """Sets the held date (and stage) of stored cycles, as (cycle id, date, tahap)."""
        if not changes:
            return
        table = _table(RatCycle)
        stmt = (
            update(table)
            .where(table.c.id == bindparam("v_id"))
            .values(
                held_date=bindparam("v_held"),
                tahap=bindparam("v_tahap"),
                # The office's register, not a board's report waiting in /verifikasi.
                held_recorded_by_officer=True,
                updated_at=now,
            )
        )
        params = [{"v_id": cid, "v_held": held, "v_tahap": tahap} for cid, held, tahap in changes]
        connection = await self.session.connection()
        await connection.execute(stmt, params)

    async def assign_petugas_where_unassigned(
        self, kecamatan: str, petugas_id: int, *, now: datetime
    ) -> int:
        """Gives the kecamatan's cooperatives without an officer to `petugas_id`; how many."""
        result = await self.session.execute(
            update(Koperasi)
            .where(Koperasi.kecamatan == kecamatan, Koperasi.petugas_id.is_(None))
            .values(petugas_id=petugas_id, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        return rowcount(result)

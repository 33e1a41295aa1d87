"""Cooperatives: lookup, creation and the simplest roll-up."""

from __future__ import annotations

from sqlalchemy import func, select

from storage.repositories.base import Repository
from storage.tables import Koperasi


class KoperasiRepository(Repository):
    """Access to :class:`Koperasi` rows; aggregates are computed in SQL, not in Python."""

    async def get(self, koperasi_id: int) -> Koperasi | None:
        return await self.session.get(Koperasi, koperasi_id)

    async def add(self, koperasi: Koperasi) -> Koperasi:
        """Stage a new cooperative and flush, so its ``id`` is known."""
        self.session.add(koperasi)
        await self.session.flush()
        return koperasi

    async def count_by_kecamatan(self, *, segmen: str | None = None) -> dict[str | None, int]:
        """Number of cooperatives per kecamatan (None: kecamatan unknown).

        Ordered by name in Python: SQLite and PostgreSQL sort NULLs and collate differently.
        """
        stmt = select(Koperasi.kecamatan, func.count()).group_by(Koperasi.kecamatan)
        if segmen is not None:
            stmt = stmt.where(Koperasi.segmen == segmen)
        rows = (await self.session.execute(stmt)).all()
        ordered = sorted(rows, key=lambda row: (row[0] is None, row[0] or ""))
        return {kecamatan: int(total) for kecamatan, total in ordered}

"""What the roll-up charts count (docs/rules.md#charts): grouped SQL counts, never a row per
cooperative in Python.

Progress: the obliged cooperatives (activity status not BARU, DALAM_PEMBUBARAN nor BUBAR) per
kecamatan and stage — the stored current stage, or the stage of a given fiscal year's cycle
(a cooperative without a cycle of that year counts as held when the register's imported last
RAT is of that year, else as BELUM_MULAI). Trend: per season, the cooperatives obliged for the
fiscal year (not dissolving, and a legal entity for the whole year: formed by the day after the
previous year's end, or with no founding date recorded) and those of them with a RAT held for
it (a held cycle of that year, or the imported last RAT of that year), in one query; the
share active now from the stored activity status, and for past seasons from the season-end
snapshot where one is stored.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, case, exists, func, literal, or_, select

from domain.koperasi_list import KoperasiScope
from domain.rat.activity import ACTIVE, BARU, BUBAR, DALAM_PEMBUBARAN, NOT_OBLIGED
from domain.rollup import TOTAL
from domain.stages import BELUM_MULAI, RAT_TERLAKSANA
from storage.repositories.base import Repository
from storage.tables import Koperasi, RatCycle, RollupSnapshot

_DISSOLVING = (DALAM_PEMBUBARAN, BUBAR)
#: The snapshot cut-off taken at a season's end, and the keys of its activity figures.
SEASON_END = "season_end"
# The keys of `domain.rollup.Counts.to_json()` the trend reads (what /rekap's job stores).
ACTIVE_KEY, ACTIVE_BASE_KEY = "active", "base"
#: The regency-wide snapshot's segment.
ALL_SEGMENTS = TOTAL


@dataclass(frozen=True, slots=True)
class SeasonRow:
    """One fiscal year's counts as the trend needs them."""

    tahun_buku: int
    obliged: int
    held: int
    recorded: int  # cooperatives with any RAT record of that year (0: no data at all)


def _status_in(values: Sequence[str]) -> ColumnElement[bool]:
    return Koperasi.status_aktivitas.in_(values)


def _not_status(values: Sequence[str]) -> ColumnElement[bool]:
    # A status not yet computed (NULL) is neither of them: NOT IN alone would drop it.
    return or_(Koperasi.status_aktivitas.is_(None), Koperasi.status_aktivitas.not_in(values))


def _scoped(scope: KoperasiScope, kecamatan: str | None) -> list[ColumnElement[bool]]:
    where = []
    if not scope.region:
        where.append(Koperasi.petugas_id == scope.petugas_id)
    if kecamatan is not None:
        where.append(Koperasi.kecamatan == kecamatan)
    return where


def _held_in(tahun_buku: int) -> ColumnElement[bool]:
    """A RAT held for `tahun_buku`: its cycle's held date, or the imported last RAT."""
    held_cycle = exists().where(
        RatCycle.koperasi_id == Koperasi.id,
        RatCycle.tahun_buku == tahun_buku,
        RatCycle.held_date.is_not(None),
    )
    return or_(Koperasi.last_rat_tahun_buku == tahun_buku, held_cycle)


def _recorded_in(tahun_buku: int) -> ColumnElement[bool]:
    """Any record of `tahun_buku`: its cycle, or the imported last RAT."""
    cycle = exists().where(RatCycle.koperasi_id == Koperasi.id, RatCycle.tahun_buku == tahun_buku)
    return or_(Koperasi.last_rat_tahun_buku == tahun_buku, cycle)


def _count(condition: ColumnElement[bool]) -> ColumnElement[Any]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


class ChartRepository(Repository):
    """The charts' counts, within a viewer's scope and optionally one kecamatan."""

    async def progress(
        self, scope: KoperasiScope, kecamatan: str | None, tahun_buku: int | None
    ) -> list[tuple[str | None, str, int]]:
        """(kecamatan, stage, count) of the obliged cooperatives: one grouped query."""
        where = [_not_status(tuple(NOT_OBLIGED)), *_scoped(scope, kecamatan)]
        if tahun_buku is None:
            stage: Any = Koperasi.tahap
            stmt = select(Koperasi.kecamatan, stage, func.count())
        else:
            fallback = case(
                (Koperasi.last_rat_tahun_buku == tahun_buku, literal(RAT_TERLAKSANA)),
                else_=literal(BELUM_MULAI),
            )
            stage = func.coalesce(RatCycle.tahap, fallback)
            stmt = select(Koperasi.kecamatan, stage, func.count()).outerjoin(
                RatCycle,
                and_(RatCycle.koperasi_id == Koperasi.id, RatCycle.tahun_buku == tahun_buku),
            )
        stmt = stmt.where(*where).group_by(Koperasi.kecamatan, stage)
        rows = await self.session.execute(stmt)
        return [(kecamatan_, str(stage_), int(count)) for kecamatan_, stage_, count in rows]

    async def registered(self, scope: KoperasiScope, kecamatan: str | None) -> int:
        """The cooperatives in the register within the scope, the dissolved left out."""
        stmt = select(func.count()).where(_not_status((BUBAR,)), *_scoped(scope, kecamatan))
        return int(await self.session.scalar(stmt) or 0)

    async def seasons(
        self, scope: KoperasiScope, kecamatan: str | None, years: Sequence[int], fye: date
    ) -> list[SeasonRow]:
        """Per fiscal year (ending on `fye`'s month and day): obliged, held, recorded — one
        query with a conditional count per year."""
        columns: list[ColumnElement[Any]] = []
        for year in years:
            # Owed only for a year the legal entity existed for in full (rules.md): formed by
            # the day after the previous year's end.
            year_start = fye.replace(year=year - 1) + timedelta(days=1)
            obliged = or_(
                Koperasi.tgl_badan_hukum.is_(None), Koperasi.tgl_badan_hukum <= year_start
            )
            columns += [
                _count(obliged),
                _count(and_(obliged, _held_in(year))),
                _count(_recorded_in(year)),
            ]
        stmt = select(*columns).where(_not_status(_DISSOLVING), *_scoped(scope, kecamatan))
        row = (await self.session.execute(stmt)).one()
        return [
            SeasonRow(year, int(row[3 * n]), int(row[3 * n + 1]), int(row[3 * n + 2]))
            for n, year in enumerate(years)
        ]

    async def active_now(self, scope: KoperasiScope, kecamatan: str | None) -> tuple[int, int]:
        """(active, counted): AKTIF_RAT, AKTIF_BELUM_RAT and RAWAN, of all but BARU and the
        dissolving."""
        stmt = select(
            _count(_status_in(tuple(ACTIVE))), _count(_not_status((BARU, *_DISSOLVING)))
        ).where(*_scoped(scope, kecamatan))
        active, counted = (await self.session.execute(stmt)).one()
        return int(active), int(counted)

    async def season_end_active(
        self, years: Sequence[int], kecamatan: str | None
    ) -> dict[int, tuple[int, int]]:
        """Per fiscal year with a stored season-end snapshot: (active, counted) from it."""
        stmt = (
            select(RollupSnapshot.tahun_buku, RollupSnapshot.data)
            .where(
                RollupSnapshot.tahun_buku.in_(list(years)),
                RollupSnapshot.cutoff == SEASON_END,
                RollupSnapshot.segmen == ALL_SEGMENTS,
                RollupSnapshot.scope == "regency"
                if kecamatan is None
                else and_(
                    RollupSnapshot.scope == "kecamatan", RollupSnapshot.kecamatan == kecamatan
                ),
            )
            .order_by(RollupSnapshot.taken_at)
        )
        found: dict[int, tuple[int, int]] = {}
        for year, data in await self.session.execute(stmt):
            active, base = data.get(ACTIVE_KEY), data.get(ACTIVE_BASE_KEY)
            if isinstance(active, int) and isinstance(base, int):
                found[year] = (active, base)  # the latest snapshot wins
        return found

"""The cooperatives behind a /rekap number (a drill-down page, or every id for a reminder),
and the snapshots of the roll-up taken at each cut-off."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, select

from domain.rollup.counts import Counts
from domain.rollup.period import Period
from domain.rollup.split import DrillLine, Measure, RollupFilter, stage_of
from domain.stages import BELUM_MULAI
from storage.repositories.base import Repository
from storage.repositories.rollup import (
    held_by,
    in_base,
    is_active,
    obliged_at,
    recent_visits,
    scope_conditions,
    with_cycle,
)
from storage.tables import Koperasi, Person, RatCycle, RollupSnapshot

PAGE_SIZE = 10


@dataclass(frozen=True)
class StoredSnapshot:
    """One stored snapshot row: its group and the counts frozen in it."""

    cutoff: str
    scope: str
    key: str | None
    segmen: str
    taken_at: datetime
    counts: Counts


def measure_condition(measure: Measure, period: Period, recent: Any) -> ColumnElement[bool]:
    """The cooperatives a measure counts (the same conditions as the card's counts)."""
    held = RatCycle.held_date.is_not(None)
    reported = RatCycle.reported_date.is_not(None)
    stage = stage_of(measure)
    if stage is not None:
        return and_(in_base(), func.coalesce(RatCycle.tahap, BELUM_MULAI) == stage)
    conditions: dict[Measure, ColumnElement[bool]] = {
        Measure.REGISTERED: Koperasi.id.is_not(None),
        Measure.ACTIVE: is_active(),
        Measure.NOT_ACTIVE: and_(in_base(), ~is_active()),
        Measure.HELD: held,
        Measure.MISSED_TARGET: and_(obliged_at("target", period), ~held_by("target", period)),
        Measure.MISSED_REPORT: and_(obliged_at("report", period), ~held_by("report", period)),
        Measure.MISSED_STATUTORY: and_(
            obliged_at("statutory", period), ~held_by("statutory", period)
        ),
        Measure.NOT_REPORTED: and_(held, ~reported),
        Measure.NOT_ODS: and_(reported, RatCycle.ods_date.is_(None)),
        Measure.NIK_MISSING: and_(
            is_active(),
            func.coalesce(Koperasi.nik_berlaku_sampai < period.today, True),
        ),
        Measure.NOT_VISITED: and_(in_base(), recent.c.kid.is_(None)),
    }
    return conditions[measure]


def _behind(where: RollupFilter, measure: Measure, period: Period) -> Any:
    recent = recent_visits(period)
    stmt = (
        select(Koperasi.id, Koperasi.nama, Koperasi.kecamatan)
        .select_from(Koperasi)
        .outerjoin(RatCycle, with_cycle(period))
    )
    if measure is Measure.NOT_VISITED:  # the only list that needs the visits
        stmt = stmt.outerjoin(recent, recent.c.kid == Koperasi.id)
    return stmt.where(measure_condition(measure, period, recent), *scope_conditions(where))


class RollupListRepository(Repository):
    """Drill-down lists and snapshots."""

    async def page(
        self, where: RollupFilter, measure: Measure, period: Period, page: int
    ) -> tuple[int, list[DrillLine]]:
        """How many cooperatives a measure counts, and page `page` of them (by name, id)."""
        behind = _behind(where, measure, period).subquery()
        total = int(
            (await self.session.execute(select(func.count()).select_from(behind))).one()[0]
        )
        stmt = (
            select(behind.c.id, behind.c.nama, behind.c.kecamatan)
            .order_by(func.lower(behind.c.nama), behind.c.id)
            .limit(PAGE_SIZE)
            .offset(page * PAGE_SIZE)
        )
        lines = [DrillLine(*row) for row in (await self.session.execute(stmt)).all()]
        return total, lines

    async def ids(self, where: RollupFilter, measure: Measure, period: Period) -> list[int]:
        """Every cooperative a measure counts (for a reminder to exactly them)."""
        stmt = _behind(where, measure, period).order_by(Koperasi.id)
        return [int(row[0]) for row in (await self.session.execute(stmt)).all()]

    async def snapshots_taken(self, years: Sequence[int]) -> set[tuple[int, str]]:
        """The (tahun buku, cut-off) already snapshotted among `years`."""
        stmt = (
            select(RollupSnapshot.tahun_buku, RollupSnapshot.cutoff)
            .where(RollupSnapshot.tahun_buku.in_(list(years)))
            .distinct()
        )
        return {(int(y), str(c)) for y, c in (await self.session.execute(stmt)).all()}

    async def add_snapshot(
        self,
        tahun_buku: int,
        cutoff: str,
        taken_at: datetime,
        rows: Sequence[tuple[str, str | None, str, Counts]],
    ) -> None:
        """Stores one cut-off's roll-up: (scope, key, segment, counts) per row."""
        for scope, key, segmen, counts in rows:
            self.session.add(
                RollupSnapshot(
                    tahun_buku=tahun_buku,
                    cutoff=cutoff,
                    taken_at=taken_at,
                    scope=scope,
                    kecamatan=key if scope == "kecamatan" else None,
                    petugas_id=int(key) if scope == "petugas" and key not in (None, "0") else None,
                    segmen=segmen,
                    data=counts.to_json(),
                )
            )
        await self.session.flush()

    async def snapshots(
        self, tahun_buku: int, scope: str, key: str | None
    ) -> list[StoredSnapshot]:
        """Every snapshot of one group of a year (scope regency, kecamatan or petugas)."""
        stmt = select(RollupSnapshot).where(
            RollupSnapshot.tahun_buku == tahun_buku, RollupSnapshot.scope == scope
        )
        if scope == "kecamatan":
            stmt = stmt.where(RollupSnapshot.kecamatan == key)
        elif scope == "petugas":
            stmt = stmt.where(RollupSnapshot.petugas_id == (int(key) if key else None))
        rows = (await self.session.execute(stmt.order_by(RollupSnapshot.id))).scalars().all()
        return [
            StoredSnapshot(
                cutoff=row.cutoff,
                scope=row.scope,
                key=key,
                segmen=row.segmen,
                taken_at=row.taken_at,
                counts=Counts.from_json(row.data),
            )
            for row in rows
        ]

    async def officer_names(self, ids: Sequence[int]) -> dict[int, str | None]:
        """The names of officers (a split's rows), by person id."""
        if not ids:
            return {}
        stmt = select(Person.id, Person.full_name).where(Person.id.in_(list(ids)))
        return {int(i): name for i, name in (await self.session.execute(stmt)).all()}

"""The roll-up's counts (docs/rules.md#roll-ups): one grouped query per kind of count.

Each query groups by the split's column and the segment, so a split over 24 kecamatan or 40
officers is the same handful of queries as the headline (never one per cooperative or group).
Counts are SUM(CASE …) over the stored stage, flag, activity and date columns; only the
answer times of threads come back as rows (one per answered message of the season), for the
median the domain computes.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, literal_column, null, or_, select

from domain.access import Role
from domain.rat.activity import ACTIVE, NOT_OBLIGED
from domain.rat.checklist import SATISFIED
from domain.relay import Direction, ThreadStatus
from domain.rollup.counts import KDKMP, REGULER, Counts
from domain.rollup.period import Cutoffs, Period
from domain.rollup.split import RollupFilter, Split
from domain.stages import BELUM_MULAI, STAGES
from storage.repositories.base import Repository
from storage.tables import (
    ChecklistEntry,
    Koperasi,
    Kunjungan,
    Person,
    RatCycle,
    RoleGrant,
    Thread,
    ThreadMessage,
    TindakLanjut,
)

SUBMITTED = "submitted"
VERIFIED = "verified"
Key = tuple[Any, str]  # (the split's value, the segment)


def split_column(split: Split) -> ColumnElement[Any]:
    """The stored column a split groups by (a constant for no split)."""
    columns: dict[Split, Any] = {
        Split.KECAMATAN: Koperasi.kecamatan,
        Split.JENIS: Koperasi.jenis,
        Split.KELOMPOK: Koperasi.kelompok,
        Split.PETUGAS: func.coalesce(Koperasi.petugas_id, literal_column("0")),
    }
    # Constants are inlined, never bound: PostgreSQL matches GROUP BY to the selected
    # expression textually, and two bound parameters ($1, $9) are not the same text.
    column: ColumnElement[Any] = columns.get(split, literal_column("'-'"))
    return column


def segment_column() -> ColumnElement[str]:
    """The segment: KDKMP, or reguler for anything else (constants inlined, as above)."""
    kdkmp: ColumnElement[str] = literal_column(f"'{KDKMP}'")
    reguler: ColumnElement[str] = literal_column(f"'{REGULER}'")
    return case((Koperasi.segmen == kdkmp, kdkmp), else_=reguler)


def scope_conditions(where: RollupFilter) -> list[ColumnElement[bool]]:
    """The cooperatives `where` counts."""
    conditions: list[ColumnElement[bool]] = []
    if where.petugas_id is not None:
        conditions.append(Koperasi.petugas_id == where.petugas_id)
    if where.kecamatan is not None:
        conditions.append(Koperasi.kecamatan == where.kecamatan)
    if where.split is not Split.NONE:
        conditions.append(split_column(where.split) == where.key)
    if where.segment == KDKMP:
        conditions.append(Koperasi.segmen == KDKMP)
    elif where.segment == REGULER:
        conditions.append(Koperasi.segmen != KDKMP)
    return conditions


def group_by(split: Split) -> list[ColumnElement[Any]]:
    """What a grouped count groups by: the segment, and the split's column if any."""
    columns = [segment_column()]
    if split is not Split.NONE:
        columns.append(split_column(split))
    return columns


def in_base() -> ColumnElement[bool]:
    """Not BARU, DALAM_PEMBUBARAN or BUBAR (not yet computed counts as obliged)."""
    return func.coalesce(Koperasi.status_aktivitas, "").not_in(sorted(NOT_OBLIGED))


def is_active() -> ColumnElement[bool]:
    return Koperasi.status_aktivitas.in_(sorted(ACTIVE))


def cutoff_column(kind: str, cutoffs: Cutoffs) -> ColumnElement[date]:
    """The cycle's own date of a cut-off; the regency's when the cooperative has no cycle."""
    column = {
        "target": RatCycle.target_date,
        "report": RatCycle.report_deadline,
        "statutory": RatCycle.statutory_limit,
    }[kind]
    return func.coalesce(column, cutoffs.date_of(kind))


def owes_period(period: Period) -> ColumnElement[bool]:
    """Owes the period's RAT: a cycle of that year exists (one is made only for a year owed),
    or the legal entity existed for the whole fiscal year (rules.md: one formed in the middle
    of a year owes its first RAT for the next), by the regency's year (from 1 January) when
    there is no cycle."""
    first_day = date(period.tahun_buku, 1, 1)
    return or_(
        RatCycle.id.is_not(None),
        Koperasi.tgl_badan_hukum.is_(None),
        Koperasi.tgl_badan_hukum <= first_day,
    )


def obliged_at(kind: str, period: Period) -> ColumnElement[bool]:
    """Obliged at a cut-off: in the ratio base, owing the period's RAT and past the cycle's
    own date."""
    return and_(in_base(), owes_period(period), cutoff_column(kind, period.cutoffs) < period.today)


def held_by(kind: str, period: Period) -> ColumnElement[bool]:
    """Obliged at the cut-off, with the RAT held on or before its date."""
    return and_(
        obliged_at(kind, period),
        RatCycle.held_date.is_not(None),
        RatCycle.held_date <= cutoff_column(kind, period.cutoffs),
    )


def recent_visits(period: Period) -> Any:
    """The cooperatives with a submitted visit in the activity window (a subquery)."""
    return (
        select(Kunjungan.koperasi_id.label("kid"))
        .where(
            Kunjungan.visited_at >= period.activity_from,
            Kunjungan.visited_at < period.activity_until,
            Kunjungan.status == SUBMITTED,
        )
        .group_by(Kunjungan.koperasi_id)
        .subquery()
    )


def with_cycle(period: Period) -> ColumnElement[bool]:
    return and_(RatCycle.koperasi_id == Koperasi.id, RatCycle.tahun_buku == period.tahun_buku)


def _count(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


class RollupRepository(Repository):
    """Grouped counts for /rekap, its snapshots and its drill-downs."""

    async def counts(self, where: RollupFilter, split: Split, period: Period) -> dict[Key, Counts]:
        """Per (split value, segment): every count of `domain.rollup.Counts`."""
        found: dict[Key, dict[str, Any]] = defaultdict(dict)
        for rows in (
            await self._register(where, split, period),
            await self._checklist(where, split, period),
            await self._visits(where, split, period),
            await self._per_cooperative(where, split, period),
            await self._answers(where, split, period),
        ):
            for key, values in rows:
                _merge(found[key], values)
        return {key: Counts(**values) for key, values in found.items()}

    async def _register(
        self, where: RollupFilter, split: Split, period: Period
    ) -> list[tuple[Key, dict[str, Any]]]:
        recent = recent_visits(period)
        held = RatCycle.held_date.is_not(None)
        reported = RatCycle.reported_date.is_not(None)
        stage = func.coalesce(RatCycle.tahap, BELUM_MULAI)
        figures: dict[str, ColumnElement[bool]] = {
            "base": in_base(),
            "active": is_active(),
            "held": held,
            "reported": reported,
            "ods": and_(reported, RatCycle.ods_date.is_not(None)),
            "held_verified": and_(held, RatCycle.held_verification == VERIFIED),
            "reported_verified": and_(reported, RatCycle.reported_verification == VERIFIED),
            "active_nik_valid": and_(is_active(), Koperasi.nik_berlaku_sampai >= period.today),
            "not_visited": and_(in_base(), recent.c.kid.is_(None)),
        }
        for kind in ("target", "report", "statutory"):
            figures[f"obliged_{kind}"] = obliged_at(kind, period)
            figures[f"held_{kind}"] = held_by(kind, period)
        for code in STAGES:
            figures[f"stage:{code}"] = and_(in_base(), stage == code)
        # Every item of the period's checklists (the mean completion's denominator), in the
        # same scan: an entry is only stored once an item is first recorded.
        items = spec_items(self.session.get_bind().dialect.name)
        checklist_total = func.coalesce(func.sum(case((in_base(), items), else_=0)), 0)
        stmt = (
            select(
                split_column(split),
                segment_column(),
                func.count(),
                checklist_total,
                *(_count(condition) for condition in figures.values()),
            )
            .select_from(Koperasi)
            .outerjoin(RatCycle, with_cycle(period))
            .outerjoin(recent, recent.c.kid == Koperasi.id)
            .where(*scope_conditions(where))
            .group_by(*group_by(split))
        )
        out = []
        for row in (await self.session.execute(stmt)).all():
            values: dict[str, Any] = {
                "registered": int(row[2]),
                "checklist_total": int(row[3]),
                "stages": {},
            }
            for name, value in zip(figures, row[4:], strict=True):
                if name.startswith("stage:"):
                    values["stages"][name.removeprefix("stage:")] = int(value)
                else:
                    values[name] = int(value)
            out.append(((row[0], row[1]), values))
        return out

    async def _checklist(
        self, where: RollupFilter, split: Split, period: Period
    ) -> list[tuple[Key, dict[str, Any]]]:
        """Checklist items done (their total comes from the cycles' checklists, `_register`)."""
        stmt = (
            select(
                split_column(split),
                segment_column(),
                _count(ChecklistEntry.status.in_(sorted(SATISFIED))),
            )
            .select_from(ChecklistEntry)
            .join(RatCycle, RatCycle.id == ChecklistEntry.rat_cycle_id)
            .join(Koperasi, Koperasi.id == RatCycle.koperasi_id)
            .where(RatCycle.tahun_buku == period.tahun_buku, in_base(), *scope_conditions(where))
            .group_by(*group_by(split))
        )
        return [
            ((r[0], r[1]), {"checklist_done": int(r[2])})
            for r in (await self.session.execute(stmt)).all()
        ]

    async def _visits(
        self, where: RollupFilter, split: Split, period: Period
    ) -> list[tuple[Key, dict[str, Any]]]:
        stmt = (
            select(
                split_column(split),
                segment_column(),
                Kunjungan.jenis,
                Kunjungan.poac,
                func.count(),
            )
            .select_from(Kunjungan)
            .join(Koperasi, Koperasi.id == Kunjungan.koperasi_id)
            .where(
                Kunjungan.visited_at >= period.activity_from,
                Kunjungan.visited_at < period.activity_until,
                Kunjungan.status == SUBMITTED,
                *scope_conditions(where),
            )
            .group_by(*group_by(split), Kunjungan.jenis, Kunjungan.poac)
        )
        out = []
        for key, segment, jenis, poac, n in (await self.session.execute(stmt)).all():
            count = int(n)
            values = {
                "visits": count,
                "visits_by_jenis": {jenis or "-": count},
                "visits_by_poac": {poac or "-": count},
            }
            out.append(((key, segment), values))
        return out

    async def _per_cooperative(
        self, where: RollupFilter, split: Split, period: Period
    ) -> list[tuple[Key, dict[str, Any]]]:
        """Overdue follow-ups, threads waiting and unreachable board members (as of now)."""
        sources: list[tuple[str, Any, Any, list[ColumnElement[bool]]]] = [
            (
                "overdue_follow_ups",
                TindakLanjut,
                TindakLanjut.koperasi_id,
                [TindakLanjut.done_at.is_(None), TindakLanjut.due_date < period.today],
            ),
            (
                "threads_waiting",
                Thread,
                Thread.koperasi_id,
                [Thread.status == ThreadStatus.OPEN.value, Thread.waiting_since.is_not(None)],
            ),
        ]
        out: list[tuple[Key, dict[str, Any]]] = []
        for name, table, koperasi_id, conditions in sources:
            stmt = (
                select(split_column(split), segment_column(), func.count())
                .select_from(table)
                .join(Koperasi, Koperasi.id == koperasi_id)
                .where(*conditions, *scope_conditions(where))
                .group_by(*group_by(split))
            )
            out.extend(
                ((r[0], r[1]), {name: int(r[2])}) for r in (await self.session.execute(stmt)).all()
            )
        stmt = (
            select(split_column(split), segment_column(), func.count())
            .select_from(RoleGrant)
            .join(Person, Person.id == RoleGrant.person_id)
            .join(Koperasi, Koperasi.id == RoleGrant.koperasi_id)
            .where(
                RoleGrant.role == Role.PENGURUS.value,
                RoleGrant.active,
                ~Person.reachable,
                Person.erased_at.is_(None),
                *scope_conditions(where),
            )
            .group_by(*group_by(split))
        )
        out.extend(
            ((r[0], r[1]), {"unreachable_board": int(r[2])})
            for r in (await self.session.execute(stmt)).all()
        )
        return out

    async def _answers(
        self, where: RollupFilter, split: Split, period: Period
    ) -> list[tuple[Key, dict[str, Any]]]:
        """Seconds from the first of a board's unanswered messages to the answer, per answer
        given in the season (window functions: the same SQL on both databases)."""
        order = (ThreadMessage.created_at, ThreadMessage.id)
        to_officer = Direction.TO_OFFICER.value
        steps = select(
            ThreadMessage.thread_id,
            ThreadMessage.direction,
            ThreadMessage.created_at,
            ThreadMessage.id,
            func.lag(ThreadMessage.direction)
            .over(partition_by=ThreadMessage.thread_id, order_by=order)
            .label("previous"),
        ).subquery()
        starts = select(
            steps.c.thread_id,
            steps.c.direction,
            steps.c.previous,
            steps.c.created_at,
            func.max(
                case(
                    (
                        and_(
                            steps.c.direction == to_officer,
                            or_(steps.c.previous.is_(None), steps.c.previous != to_officer),
                        ),
                        steps.c.created_at,
                    ),
                    else_=null(),
                )
            )
            .over(
                partition_by=steps.c.thread_id,
                order_by=(steps.c.created_at, steps.c.id),
                rows=(None, 0),
            )
            .label("waiting_since"),
        ).subquery()
        stmt = (
            select(
                split_column(split), segment_column(), starts.c.waiting_since, starts.c.created_at
            )
            .select_from(starts)
            .join(Thread, Thread.id == starts.c.thread_id)
            .join(Koperasi, Koperasi.id == Thread.koperasi_id)
            .where(
                starts.c.direction == Direction.TO_BOARD.value,
                starts.c.previous == to_officer,
                starts.c.created_at >= period.season_from,
                starts.c.created_at < period.season_until,
                *scope_conditions(where),
            )
        )
        found: dict[Key, list[float]] = defaultdict(list)
        for key, segment, since, answered in (await self.session.execute(stmt)).all():
            if since is not None and answered is not None:
                found[(key, segment)].append((_aware(answered) - _aware(since)).total_seconds())
        return [(key, {"answer_seconds": tuple(sorted(v))}) for key, v in found.items()]


def spec_items(dialect: str) -> ColumnElement[int]:
    """How many items a cycle's stored checklist has (`checklist_spec` → `items`; a cycle
    seeded from the register's history has none)."""
    if dialect == "postgresql":
        items = RatCycle.checklist_spec.op("->")(literal_column("'items'"))
        length = func.json_array_length(items)
    else:
        length = func.json_array_length(RatCycle.checklist_spec, literal_column("'$.items'"))
    return func.coalesce(length, 0)


def _aware(moment: object) -> datetime:
    """A window function's result: SQLite hands back the stored text, PostgreSQL a datetime."""
    value = datetime.fromisoformat(moment) if isinstance(moment, str) else moment
    if not isinstance(value, datetime):
        msg = f"not an instant: {type(moment).__name__}"
        raise TypeError(msg)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _merge(into: dict[str, Any], values: dict[str, Any]) -> None:
    for name, value in values.items():
        if isinstance(value, dict):
            bucket = into.setdefault(name, {})
            for code, n in value.items():
                bucket[code] = bucket.get(code, 0) + n
        elif name in into:
            into[name] = into[name] + value
        else:
            into[name] = value

"""Scoped reads of the register for /koperasi: counts, pages, the card, the board.

Counts and pages are SQL (COUNT, GROUP BY, LIMIT/OFFSET), never every row in Python. Names
sort case-insensitively by code point on both databases (PostgreSQL's locale collation would
otherwise order them differently from SQLite), ties broken by id.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, TypeAlias

from sqlalchemy import ColumnElement, Select, and_, func, or_, select

from domain.access import Role
from domain.koperasi_list import (
    ACTIVITY_RAWAN,
    STAGES_BEFORE_SIAP_RAT,
    BoardMember,
    KoperasiScope,
    ListCriteria,
    at_risk_until,
    flags_of,
    search_key,
)
from storage.repositories.base import Repository
from storage.tables import Koperasi, Person, RatCycle, RoleGrant

_Officer = Person.__table__.alias("officer")
# A select of any columns (Select is generic over the tuple of its column types).
AnySelect: TypeAlias = Select[*tuple[Any, ...]]


@dataclass(frozen=True)
class KoperasiLine:
    """One cooperative in a list, with its officer's name (None: the admins' queue)."""

    id: int
    nama: str
    kecamatan: str | None
    tahap: str
    flags: tuple[str, ...]
    petugas_id: int | None
    petugas_name: str | None


def squashed(expr: Any) -> ColumnElement[Any]:
    """`expr` lower-cased without spaces, underscores or hyphens (as `normalise_code`)."""
    for char in (" ", "_", "-"):
        expr = func.replace(expr, char, "")
    return func.lower(expr)


def late_expr() -> ColumnElement[bool]:
    """Any of the four stored flags."""
    return or_(
        Koperasi.flag_terlambat_target,
        Koperasi.flag_terlambat_lapor,
        Koperasi.flag_lewat_batas_uu,
        Koperasi.flag_tidak_rat,
    )


def at_risk_expr(today: date) -> ColumnElement[bool]:
    """`domain.koperasi_list.is_at_risk` in SQL; needs `rat_cycle` joined as the current cycle."""
    return or_(
        Koperasi.status_aktivitas == ACTIVITY_RAWAN,
        and_(
            Koperasi.tahap.in_(STAGES_BEFORE_SIAP_RAT),
            RatCycle.target_date >= today,
            RatCycle.target_date <= at_risk_until(today),
        ),
    )


def with_current_cycle(stmt: AnySelect) -> AnySelect:
    return stmt.outerjoin(RatCycle, RatCycle.id == Koperasi.current_rat_cycle_id)


def _filtered(stmt: AnySelect, scope: KoperasiScope, criteria: ListCriteria) -> AnySelect:
    if not scope.region:
        stmt = stmt.where(Koperasi.petugas_id == scope.petugas_id)
    if criteria.kecamatan is not None:
        stmt = stmt.where(squashed(Koperasi.kecamatan) == search_key(criteria.kecamatan))
    if criteria.stage is not None:
        stmt = stmt.where(Koperasi.tahap == criteria.stage)
    if criteria.late:
        stmt = stmt.where(late_expr())
    if criteria.at_risk:
        stmt = with_current_cycle(stmt).where(at_risk_expr(criteria.today))
    if criteria.search:
        key = criteria.search
        pattern = "%" + key.replace("\\", "\\\\").replace("%", "\\%") + "%"
        stmt = stmt.where(
            or_(
                squashed(Koperasi.nama).like(pattern, escape="\\"),
                squashed(Koperasi.nik_koperasi) == key,
                squashed(Koperasi.kecamatan) == key,
            )
        )
    return stmt


def by_name(dialect: str, expr: Any) -> ColumnElement[Any]:
    """`expr` as a case-insensitive sort key ordered by code point on both databases."""
    lowered = func.lower(expr)
    if dialect == "postgresql":
        return lowered.collate("C")
    return lowered  # SQLite compares code points (BINARY) already


class KoperasiQueryRepository(Repository):
    """Read the register within a scope; move cooperatives between officers."""

    def _by_name(self, expr: Any) -> ColumnElement[Any]:
        return by_name(self.session.get_bind().dialect.name, expr)

    async def count(self, scope: KoperasiScope, criteria: ListCriteria) -> int:
        """How many cooperatives the list has."""
        stmt = _filtered(select(func.count()).select_from(Koperasi), scope, criteria)
        return int((await self.session.execute(stmt)).scalar_one())

    async def page(
        self, scope: KoperasiScope, criteria: ListCriteria, *, offset: int, limit: int
    ) -> list[KoperasiLine]:
        """One page of the list, ordered by name."""
        stmt = _filtered(
            select(
                Koperasi.id,
                Koperasi.nama,
                Koperasi.kecamatan,
                Koperasi.tahap,
                Koperasi.flag_terlambat_target,
                Koperasi.flag_terlambat_lapor,
                Koperasi.flag_lewat_batas_uu,
                Koperasi.flag_tidak_rat,
                Koperasi.petugas_id,
                _Officer.c.full_name,
            ).outerjoin(_Officer, _Officer.c.id == Koperasi.petugas_id),
            scope,
            criteria,
        )
        stmt = stmt.order_by(self._by_name(Koperasi.nama), Koperasi.id)
        rows = await self.session.execute(stmt.offset(offset).limit(limit))
        return [
            KoperasiLine(
                id=row[0],
                nama=row[1],
                kecamatan=row[2],
                tahap=row[3],
                flags=flags_of(row[4], row[5], row[6], row[7]),
                petugas_id=row[8],
                petugas_name=row[9],
            )
            for row in rows
        ]

    async def with_officer_name(self, koperasi_id: int) -> tuple[Koperasi, str | None] | None:
        """A cooperative and its officer's name."""
        stmt = (
            select(Koperasi, _Officer.c.full_name)
            .outerjoin(_Officer, _Officer.c.id == Koperasi.petugas_id)
            .where(Koperasi.id == koperasi_id)
        )
        row = (await self.session.execute(stmt)).first()
        return None if row is None else (row[0], row[1])

    async def board(self, koperasi_id: int) -> list[BoardMember]:
        """The active board members of a cooperative (names and jabatan only)."""
        rows = await self.session.execute(
            select(RoleGrant.person_id, Person.full_name, RoleGrant.jabatan)
            .join(Person, Person.id == RoleGrant.person_id)
            .where(
                RoleGrant.koperasi_id == koperasi_id,
                RoleGrant.role == Role.PENGURUS.value,
                RoleGrant.active.is_(True),
            )
            .order_by(RoleGrant.granted_at, RoleGrant.id)
        )
        return [BoardMember(person_id, name, jabatan) for person_id, name, jabatan in rows]

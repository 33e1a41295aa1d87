"""Officers (people with an active petugas role): their workload and the assignment writes.

Every workload number is one GROUP BY in SQL; `domain.workload.tally` is the same rule in
Python, and the storage tests hold the two together.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import case, func, select, update

from domain.access import Role
from domain.koperasi_list import search_key
from domain.workload import Workload
from storage.repositories.base import Repository, rowcount
from storage.repositories.koperasi_query import (
    at_risk_expr,
    by_name,
    late_expr,
    squashed,
    with_current_cycle,
)
from storage.tables import Koperasi, Person, RoleGrant


def _officer_ids() -> Any:
    """People with an active petugas role."""
    return (
        select(RoleGrant.person_id)
        .where(RoleGrant.role == Role.PETUGAS.value, RoleGrant.active.is_(True))
        .distinct()
        .subquery("officers")
    )


def _per_officer(today: date) -> Any:
    """Per officer: cooperatives, late ones, at-risk ones."""
    return (
        with_current_cycle(
            select(
                Koperasi.petugas_id.label("pid"),
                func.count().label("n"),
                func.sum(case((late_expr(), 1), else_=0)).label("late"),
                func.sum(case((at_risk_expr(today), 1), else_=0)).label("risk"),
            ).select_from(Koperasi)
        )
        .where(Koperasi.petugas_id.is_not(None))
        .group_by(Koperasi.petugas_id)
        .subquery("per_officer")
    )


def _unreachable_board() -> Any:
    """Per officer: distinct board members of their cooperatives the bot cannot reach."""
    return (
        select(
            Koperasi.petugas_id.label("pid"),
            func.count(func.distinct(RoleGrant.person_id)).label("n"),
        )
        .join(RoleGrant, RoleGrant.koperasi_id == Koperasi.id)
        .join(Person, Person.id == RoleGrant.person_id)
        .where(
            Koperasi.petugas_id.is_not(None),
            RoleGrant.role == Role.PENGURUS.value,
            RoleGrant.active.is_(True),
            Person.reachable.is_(False),
        )
        .group_by(Koperasi.petugas_id)
        .subquery("unreachable")
    )


class PetugasRepository(Repository):
    """Officers, their workload, and moving cooperatives between them."""

    async def count_officers(self, *, exclude: int | None = None) -> int:
        """How many people hold an active petugas role."""
        officers = _officer_ids()
        stmt = select(func.count()).select_from(officers)
        if exclude is not None:
            stmt = stmt.where(officers.c.person_id != exclude)
        return int((await self.session.execute(stmt)).scalar_one())

    async def active_officer(self, person_id: int) -> Person | None:
        """The person, if they hold an active petugas role (one statement)."""
        officers = _officer_ids()
        return await self.session.scalar(
            select(Person)
            .join(officers, officers.c.person_id == Person.id)
            .where(Person.id == person_id)
        )

    async def is_officer(self, person_id: int) -> bool:
        """Whether the person holds an active petugas role."""
        officers = _officer_ids()
        stmt = select(officers.c.person_id).where(officers.c.person_id == person_id)
        return (await self.session.execute(stmt)).first() is not None

    async def workloads(
        self,
        today: date,
        *,
        offset: int = 0,
        limit: int | None = None,
        person_id: int | None = None,
        exclude: int | None = None,
    ) -> list[Workload]:
        """Officers by name with their workload, each number one GROUP BY in SQL."""
        per_officer, board, officers = _per_officer(today), _unreachable_board(), _officer_ids()
        stmt = (
            select(
                Person.id,
                Person.full_name,
                func.coalesce(per_officer.c.n, 0),
                func.coalesce(per_officer.c.late, 0),
                func.coalesce(per_officer.c.risk, 0),
                func.coalesce(board.c.n, 0),
            )
            .join(officers, officers.c.person_id == Person.id)
            .outerjoin(per_officer, per_officer.c.pid == Person.id)
            .outerjoin(board, board.c.pid == Person.id)
        )
        if person_id is not None:
            stmt = stmt.where(Person.id == person_id)
        if exclude is not None:
            stmt = stmt.where(Person.id != exclude)
        # NULL names last on both databases (they disagree on where NULLs sort by default).
        stmt = stmt.order_by(
            case((Person.full_name.is_(None), 1), else_=0),
            by_name(self.session.get_bind().dialect.name, Person.full_name),
            Person.id,
        ).offset(offset)
        if limit is not None:
            stmt = stmt.limit(limit)
        rows = await self.session.execute(stmt)
        return [Workload(r[0], r[1], int(r[2]), int(r[3]), int(r[4]), int(r[5])) for r in rows]

    async def queue_count(self) -> int:
        """Cooperatives without an officer: the admins' queue."""
        stmt = select(func.count()).select_from(Koperasi).where(Koperasi.petugas_id.is_(None))
        return int((await self.session.execute(stmt)).scalar_one())

    # --- assignment ------------------------------------------------------------------------

    async def count_in_kecamatan(self, kecamatan: str) -> tuple[int, int]:
        """(all, without an officer) cooperatives of a kecamatan."""
        stmt = select(
            func.count(), func.sum(case((Koperasi.petugas_id.is_(None), 1), else_=0))
        ).where(squashed(Koperasi.kecamatan) == search_key(kecamatan))
        total, unassigned = (await self.session.execute(stmt)).one()
        return int(total), int(unassigned or 0)

    async def officers_of(
        self,
        *,
        koperasi_ids: Sequence[int] | None = None,
        kecamatan: str | None = None,
        unassigned_only: bool = False,
        petugas_id: int | None = None,
    ) -> dict[int, int | None]:
        """Current officer of each selected cooperative, locked for the change that follows."""
        stmt = select(Koperasi.id, Koperasi.petugas_id)
        if koperasi_ids is not None:
            stmt = stmt.where(Koperasi.id.in_(list(koperasi_ids)))
        if kecamatan is not None:
            stmt = stmt.where(squashed(Koperasi.kecamatan) == search_key(kecamatan))
        if unassigned_only:
            stmt = stmt.where(Koperasi.petugas_id.is_(None))
        if petugas_id is not None:
            stmt = stmt.where(Koperasi.petugas_id == petugas_id)
        # PostgreSQL locks the rows; SQLite's writer already holds the database lock.
        rows = await self.session.execute(stmt.with_for_update())
        return {row[0]: row[1] for row in rows}

    async def set_officer(
        self, koperasi_ids: Sequence[int], petugas_id: int | None, *, now: datetime
    ) -> int:
        """Gives the cooperatives an officer (None: the admins' queue); returns how many."""
        if not koperasi_ids:
            return 0
        result = await self.session.execute(
            update(Koperasi)
            .where(Koperasi.id.in_(list(koperasi_ids)))
            .values(petugas_id=petugas_id, updated_at=now)
            .execution_options(synchronize_session="fetch")
        )
        return rowcount(result)

    async def board_people(self, koperasi_id: int) -> list[Person]:
        """The cooperative's active board members who can be written to (a Telegram account)."""
        result = await self.session.scalars(
            select(Person)
            .join(RoleGrant, RoleGrant.person_id == Person.id)
            .where(
                RoleGrant.koperasi_id == koperasi_id,
                RoleGrant.role == Role.PENGURUS.value,
                RoleGrant.active.is_(True),
                Person.telegram_user_id.is_not(None),
            )
            .distinct()
            .order_by(Person.id)
        )
        return list(result)

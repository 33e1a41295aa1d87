"""The officer's worklist counts: one row per cooperative they mentor, counted in SQL.

Each count is a grouped subquery joined to the officer's cooperatives, so the database does
the counting (no rows per follow-up, item or board member reach Python).
"""

from __future__ import annotations

from datetime import date, datetime, tzinfo

from sqlalchemy import Subquery, func, select, union_all

from domain.access import Role
from domain.worklist import WorkCounts
from storage.repositories.base import Repository
from storage.tables import (
    ChecklistEntry,
    Koperasi,
    Kunjungan,
    Person,
    RatCycle,
    RoleGrant,
    TindakLanjut,
)

SUBMITTED = "submitted"
RETURNED = "returned"


def _local_date(moment: datetime | None, tz: tzinfo) -> date | None:
    if moment is None:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=tz)).astimezone(tz).date()


class WorklistRepository(Repository):
    """Counts behind the worklist of one officer."""

    @staticmethod
    def _returned(petugas_id: int) -> Subquery:
        """Per cooperative of the officer: what verification returned and the board has not
        fixed yet on the current cycle — checklist items and the two milestones (RAT held,
        reported to the office) — and when the longest-waiting one was returned."""
        items = (
            select(Koperasi.id.label("kid"), ChecklistEntry.verified_at.label("at"))
            .join(ChecklistEntry, ChecklistEntry.rat_cycle_id == Koperasi.current_rat_cycle_id)
            .where(ChecklistEntry.verification == RETURNED, Koperasi.petugas_id == petugas_id)
        )
        milestones = [
            select(Koperasi.id.label("kid"), getattr(RatCycle, f"{kind}_verified_at").label("at"))
            .join(RatCycle, RatCycle.id == Koperasi.current_rat_cycle_id)
            .where(
                getattr(RatCycle, f"{kind}_verification") == RETURNED,
                Koperasi.petugas_id == petugas_id,
            )
            for kind in ("held", "reported")
        ]
        every = union_all(items, *milestones).subquery()
        return (
            select(
                every.c.kid.label("kid"),
                func.count().label("n"),
                func.min(every.c.at).label("oldest"),
            )
            .group_by(every.c.kid)
            .subquery()
        )

    async def counts(self, petugas_id: int, today: date, tz: tzinfo) -> list[WorkCounts]:
        """Per cooperative of `petugas_id`: overdue follow-ups, returned items and milestones,
        last visit, unreachable board members (today and tz: the region's calendar)."""
        overdue = (
            select(
                TindakLanjut.koperasi_id.label("kid"),
                func.count().label("n"),
                func.min(TindakLanjut.due_date).label("oldest"),
            )
            .where(TindakLanjut.done_at.is_(None), TindakLanjut.due_date < today)
            .group_by(TindakLanjut.koperasi_id)
            .subquery()
        )
        returned = self._returned(petugas_id)
        visits = (
            select(Kunjungan.koperasi_id.label("kid"), func.max(Kunjungan.visited_at).label("at"))
            .where(Kunjungan.status == SUBMITTED)
            .group_by(Kunjungan.koperasi_id)
            .subquery()
        )
        unreachable = (
            select(RoleGrant.koperasi_id.label("kid"), func.count().label("n"))
            .join(Person, Person.id == RoleGrant.person_id)
            .where(
                RoleGrant.role == Role.PENGURUS.value,
                RoleGrant.active,
                ~Person.reachable,
                Person.erased_at.is_(None),
            )
            .group_by(RoleGrant.koperasi_id)
            .subquery()
        )
        stmt = (
            select(
                Koperasi.id,
                Koperasi.nama,
                Koperasi.status_aktivitas,
                func.coalesce(overdue.c.n, 0),
                overdue.c.oldest,
                func.coalesce(returned.c.n, 0),
                returned.c.oldest,
                visits.c.at,
                func.coalesce(unreachable.c.n, 0),
            )
            .outerjoin(overdue, overdue.c.kid == Koperasi.id)
            .outerjoin(returned, returned.c.kid == Koperasi.id)
            .outerjoin(visits, visits.c.kid == Koperasi.id)
            .outerjoin(unreachable, unreachable.c.kid == Koperasi.id)
            .where(Koperasi.petugas_id == petugas_id)
        )
        return [
            WorkCounts(
                koperasi_id=row[0],
                nama=row[1],
                status_aktivitas=row[2],
                overdue_follow_ups=row[3],
                oldest_due=row[4],
                returned=row[5],
                oldest_return=_local_date(row[6], tz),
                last_visit=_local_date(row[7], tz),
                unreachable_board=row[8],
            )
            for row in (await self.session.execute(stmt)).all()
        ]

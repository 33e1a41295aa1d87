"""Visits, their versions and follow-ups (docs/rules.md#visits)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import String, cast, delete, func, or_, select, update

from domain.forms import FormStatus
from domain.rat.checklist import SELESAI
from domain.reminders.follow_ups import DISSOLVING, REMINDED_OWNERS, FollowUpState
from storage.repositories.base import Repository
from storage.tables import (
    ChecklistEntry,
    FormSession,
    Koperasi,
    Kunjungan,
    KunjunganVersion,
    TindakLanjut,
)

VERIFIED = "verified"


@dataclass(frozen=True)
class OpenFollowUp:
    """An open follow-up with its cooperative's name."""

    id: int
    koperasi_id: int
    koperasi_nama: str
    description: str
    owner_kind: str
    due_date: date


class KunjunganRepository(Repository):
    """Visits and follow-ups; the caller commits."""

    async def add_visit(self, visit: Kunjungan, version: KunjunganVersion) -> Kunjungan:
        """Stores a visit with its first version."""
        self.session.add(visit)
        await self.session.flush()
        version.kunjungan_id = visit.id
        self.session.add(version)
        await self.session.flush()
        return visit

    async def get(self, kunjungan_id: int) -> Kunjungan | None:
        """A visit by id."""
        return await self.session.get(Kunjungan, kunjungan_id)

    async def versions(self, kunjungan_id: int) -> list[KunjunganVersion]:
        """Every version of a visit, oldest first."""
        rows = await self.session.scalars(
            select(KunjunganVersion)
            .where(KunjunganVersion.kunjungan_id == kunjungan_id)
            .order_by(KunjunganVersion.version)
        )
        return list(rows)

    async def add_version(self, visit: Kunjungan, version: KunjunganVersion) -> None:
        """A correction: a new version becomes the visit's current one; older ones are kept."""
        version.kunjungan_id, version.version = visit.id, visit.current_version + 1
        self.session.add(version)
        visit.current_version = version.version
        visit.jenis, visit.poac, visit.verdict = version.jenis, version.poac, version.verdict
        visit.visited_at, visit.updated_at = version.visited_at, version.created_at
        await self.session.flush()

    async def last_by_officer(self, petugas_id: int, koperasi_id: int) -> Kunjungan | None:
        """The officer's latest submitted visit to a cooperative."""
        stmt = (
            select(Kunjungan)
            .where(Kunjungan.petugas_id == petugas_id, Kunjungan.koperasi_id == koperasi_id)
            .order_by(Kunjungan.submitted_at.desc(), Kunjungan.id.desc())
            .limit(1)
        )
        return (await self.session.scalars(stmt)).first()

    async def picker_rows(
        self,
        petugas_id: int,
        koperasi_ids: list[int],
        *,
        chat_id: int,
        user_id: int,
        form: str,
    ) -> dict[int, tuple[dict[str, object] | None, datetime | None]]:
        """In one query, per cooperative: the answers of the officer's suspended draft of
        `form` for it (None: none) and when the officer last submitted a visit to it."""
        draft = (
            select(FormSession.answers)
            .where(
                FormSession.chat_id == chat_id,
                FormSession.user_id == user_id,
                FormSession.form == form,
                FormSession.subject == cast(Koperasi.id, String),
                FormSession.status == FormStatus.SUSPENDED.value,
            )
            .limit(1)
            .scalar_subquery()
        )
        last = (
            select(func.max(Kunjungan.submitted_at))
            .where(Kunjungan.koperasi_id == Koperasi.id, Kunjungan.petugas_id == petugas_id)
            .scalar_subquery()
        )
        stmt = select(Koperasi.id, draft, last).where(Koperasi.id.in_(koperasi_ids))
        return {row[0]: (row[1], row[2]) for row in await self.session.execute(stmt)}

    async def add_follow_ups(self, items: list[TindakLanjut]) -> None:
        """Stores follow-ups."""
        self.session.add_all(items)
        await self.session.flush()

    async def drop_open_follow_ups(self, kunjungan_id: int) -> None:
        """Removes a visit's follow-ups not yet done (a correction states them again)."""
        await self.session.execute(
            delete(TindakLanjut).where(
                TindakLanjut.kunjungan_id == kunjungan_id, TindakLanjut.done_at.is_(None)
            )
        )

    async def current_cycle_id(self, koperasi_id: int) -> int | None:
        """The cooperative's current RAT cycle."""
        return await self.session.scalar(
            select(Koperasi.current_rat_cycle_id).where(Koperasi.id == koperasi_id)
        )

    async def checklist_states(self, cycle_id: int) -> dict[str, str]:
        """The cycle's checklist: item code → state."""
        rows = await self.session.execute(
            select(ChecklistEntry.item_code, ChecklistEntry.status).where(
                ChecklistEntry.rat_cycle_id == cycle_id
            )
        )
        return {row[0]: row[1] for row in rows}

    async def record_checklist(
        self, cycle_id: int, codes: list[str], person_id: int, now: datetime
    ) -> None:
        """Marks the items done, as recorded by the officer (it counts as verified); an item
        already done and counting as verified is left as it is (nothing would change)."""
        entries = await self.session.scalars(
            select(ChecklistEntry).where(
                ChecklistEntry.rat_cycle_id == cycle_id, ChecklistEntry.item_code.in_(codes)
            )
        )
        found = {entry.item_code: entry for entry in entries}
        for code in codes:
            entry = found.get(code) or ChecklistEntry(rat_cycle_id=cycle_id, item_code=code)
            if entry.status == SELESAI and (
                entry.recorded_by_officer or entry.verification == VERIFIED
            ):
                continue
            entry.status, entry.recorded_by_officer = SELESAI, True
            entry.updated_by_person_id, entry.updated_at = person_id, now
            self.session.add(entry)
        await self.session.flush()

    async def follow_up(self, follow_up_id: int) -> TindakLanjut | None:
        """A follow-up by id."""
        return await self.session.get(TindakLanjut, follow_up_id)

    async def open_follow_ups(
        self,
        *,
        petugas_id: int | None = None,
        koperasi_id: int | None = None,
        owner_kind: str | None = None,
        due_by: date | None = None,
        limit: int = 50,
    ) -> list[OpenFollowUp]:
        """Open follow-ups of an officer's cooperatives or of one cooperative, earliest due
        first; `due_by`: only those due by then."""
        stmt = (
            select(
                TindakLanjut.id,
                TindakLanjut.koperasi_id,
                Koperasi.nama,
                TindakLanjut.description,
                TindakLanjut.owner_kind,
                TindakLanjut.due_date,
            )
            .join(Koperasi, Koperasi.id == TindakLanjut.koperasi_id)
            .where(TindakLanjut.done_at.is_(None))
        )
        if petugas_id is not None:
            stmt = stmt.where(Koperasi.petugas_id == petugas_id)
        if koperasi_id is not None:
            stmt = stmt.where(TindakLanjut.koperasi_id == koperasi_id)
        if owner_kind is not None:
            stmt = stmt.where(TindakLanjut.owner_kind == owner_kind)
        if due_by is not None:
            stmt = stmt.where(TindakLanjut.due_date <= due_by)
        stmt = stmt.order_by(TindakLanjut.due_date, TindakLanjut.id).limit(limit)
        return [OpenFollowUp(*row) for row in await self.session.execute(stmt)]

    async def mark_done(
        self, item: TindakLanjut, person_id: int, note: str | None, now: datetime
    ) -> None:
        """Closes a follow-up (`note`: how it was done)."""
        item.done_at, item.done_by_person_id, item.done_note = now, person_id, note
        await self.session.flush()

    async def follow_ups_to_remind(
        self, first: date, last: date
    ) -> list[tuple[FollowUpState, str, str, int | None]]:
        """Open follow-ups a pass covering [first, last] may remind (due in it, or overdue and
        not reminded since), with their cooperative's name, description and officer. Those
        nobody is reminded of (the office's own, a dissolving cooperative's) are left out here:
        never reminded, they would otherwise be read again every day."""
        stmt = (
            select(
                TindakLanjut.id,
                TindakLanjut.koperasi_id,
                TindakLanjut.owner_kind,
                TindakLanjut.due_date,
                TindakLanjut.last_reminded_on,
                Koperasi.nama,
                TindakLanjut.description,
                Koperasi.petugas_id,
                Koperasi.status_aktivitas,
            )
            .join(Koperasi, Koperasi.id == TindakLanjut.koperasi_id)
            .where(
                TindakLanjut.done_at.is_(None),
                TindakLanjut.owner_kind.in_(REMINDED_OWNERS),
                TindakLanjut.due_date <= last,
                or_(
                    Koperasi.status_aktivitas.is_(None),
                    Koperasi.status_aktivitas.not_in(DISSOLVING),
                ),
                or_(
                    TindakLanjut.due_date >= first,
                    TindakLanjut.last_reminded_on.is_(None),
                    TindakLanjut.last_reminded_on >= last,
                ),
            )
            .order_by(TindakLanjut.due_date, TindakLanjut.id)
        )
        return [
            (FollowUpState(*row[:4], last_reminded_on=row[4], status_aktivitas=row[8]), *row[5:8])
            for row in await self.session.execute(stmt)
        ]

    async def mark_reminded(self, follow_up_ids: list[int], day: date) -> None:
        """Records the day the follow-ups were reminded."""
        await self.session.execute(
            update(TindakLanjut)
            .where(TindakLanjut.id.in_(follow_up_ids))
            .values(last_reminded_on=day)
        )

    async def overdue_per_officer(self, petugas_ids: list[int], today: date) -> dict[int, int]:
        """Per officer: the open follow-ups of their cooperatives due before `today` (those
        being dissolved left out, as in the rest of the digest)."""
        stmt = (
            select(Koperasi.petugas_id, func.count(TindakLanjut.id))
            .join(Koperasi, Koperasi.id == TindakLanjut.koperasi_id)
            .where(
                TindakLanjut.done_at.is_(None),
                TindakLanjut.due_date < today,
                Koperasi.petugas_id.in_(petugas_ids),
                or_(
                    Koperasi.status_aktivitas.is_(None),
                    Koperasi.status_aktivitas.not_in(DISSOLVING),
                ),
            )
            .group_by(Koperasi.petugas_id)
        )
        return {row[0]: row[1] for row in await self.session.execute(stmt) if row[0] is not None}

"""Visits and follow-ups in storage, on SQLite and PostgreSQL: versions kept on correction,
open follow-ups by officer, cooperative, owner and due date, closing one, sample visits."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domain.access import Role
from sample.visits import seed_visits
from services.tindak_lanjut import due_for_officer, mark_done, owed_by_koperasi
from storage.tables import Kunjungan, KunjunganVersion, TindakLanjut
from storage.uow import UnitOfWork
from tests.helpers.seed import NOW, add_koperasi, add_person

TODAY = date(2027, 1, 4)


def _visit(koperasi_id: int, petugas_id: int, verdict: str) -> tuple[Kunjungan, KunjunganVersion]:
    visited = NOW - timedelta(hours=3)
    visit = Kunjungan(
        koperasi_id=koperasi_id,
        petugas_id=petugas_id,
        status="submitted",
        jenis="monev",
        poac="C",
        verdict=verdict,
        visited_at=visited,
        created_at=NOW,
        updated_at=NOW,
        submitted_at=NOW,
    )
    version = KunjunganVersion(
        version=1,
        jenis="monev",
        visited_at=visited,
        verdict=verdict,
        poac="C",
        data={"orang": ["Bu Sri, bendahara"], "verdict": verdict},
        created_by_person_id=petugas_id,
        created_at=NOW,
    )
    return visit, version


def _follow_up(koperasi_id: int, what: str, owner: str, due: date) -> TindakLanjut:
    return TindakLanjut(
        koperasi_id=koperasi_id, description=what, owner_kind=owner, due_date=due, created_at=NOW
    )


async def test_visits_keep_every_version_and_follow_ups_are_found_by_scope(
    factory: async_sessionmaker[AsyncSession],
) -> None:
    async with UnitOfWork(factory) as uow:
        ani = await add_person(uow, None, "Ani (storage)", roles=[Role.PETUGAS])
        budi = await add_person(uow, None, "Budi (storage)", roles=[Role.PETUGAS])
        maju = await add_koperasi(uow, "Maju (storage)", petugas_id=ani.id)
        lain = await add_koperasi(uow, "Lain (storage)", petugas_id=budi.id)
        visit, version = _visit(maju.id, ani.id, "siap")
        await uow.kunjungan.add_visit(visit, version)
        corrected, _ = _visit(maju.id, ani.id, "belum_siap")
        _, second = _visit(maju.id, ani.id, "belum_siap")
        second.created_at = NOW + timedelta(days=1)
        await uow.kunjungan.add_version(visit, second)
        await uow.kunjungan.add_follow_ups(
            [
                _follow_up(maju.id, "Tutup buku", "pengurus", TODAY - timedelta(days=1)),
                _follow_up(maju.id, "Cek ODS", "petugas", TODAY + timedelta(days=3)),
                _follow_up(maju.id, "Nanti", "pengurus", TODAY + timedelta(days=60)),
                _follow_up(lain.id, "Milik Budi", "pengurus", TODAY),
            ]
        )
        await uow.commit()
        ids = (ani.id, maju.id, visit.id)
        del corrected
    ani_id, maju_id, visit_id = ids
    async with UnitOfWork(factory) as uow:
        versions = await uow.kunjungan.versions(visit_id)
        assert [(v.version, v.verdict) for v in versions] == [(1, "siap"), (2, "belum_siap")]
        stored = await uow.kunjungan.get(visit_id)
        assert stored is not None
        assert (stored.current_version, stored.verdict) == (2, "belum_siap")
        assert await uow.kunjungan.last_by_officer(ani_id, maju_id) == stored
        due = await due_for_officer(uow, ani_id, TODAY)
        assert [item.description for item in due] == ["Tutup buku", "Cek ODS"]
        owed = await owed_by_koperasi(uow, maju_id, TODAY)
        assert [item.description for item in owed] == ["Tutup buku", "Nanti"]
        assert await mark_done(uow, ani_id, owed[0].id, "Sudah", NOW)
        assert not await mark_done(uow, ani_id, owed[0].id, "Lagi", NOW)  # already done
        foreign = await uow.kunjungan.open_follow_ups(koperasi_id=maju_id + 1)
        for item in foreign:
            assert not await mark_done(uow, ani_id, item.id, None, NOW)  # not hers
        await uow.commit()
    async with UnitOfWork(factory) as uow:
        owed = await owed_by_koperasi(uow, maju_id, TODAY)
        assert [item.description for item in owed] == ["Nanti"]


async def test_sample_visits_are_deterministic_and_submitted(
    factory: async_sessionmaker[AsyncSession],
) -> None:
    async with UnitOfWork(factory) as uow:
        officer = await add_person(uow, None, "Petugas contoh", roles=[Role.PETUGAS])
        for number in range(12):
            await add_koperasi(uow, f"Contoh {number:02}", petugas_id=officer.id)
        before = await uow.session.scalar(select(func.count()).select_from(Kunjungan))
        seeded = await seed_visits(uow, now=datetime(2027, 1, 4, 2, tzinfo=UTC), seed=3)
        after = await uow.session.scalar(select(func.count()).select_from(Kunjungan))
        assert seeded.visits > 0
        assert (after or 0) - (before or 0) == seeded.visits
        await uow.rollback()
    async with UnitOfWork(factory) as uow:
        officer = await add_person(uow, None, "Petugas contoh", roles=[Role.PETUGAS])
        for number in range(12):
            await add_koperasi(uow, f"Contoh {number:02}", petugas_id=officer.id)
        again = await seed_visits(uow, now=datetime(2027, 1, 4, 2, tzinfo=UTC), seed=3)
        await uow.rollback()
    assert again == seeded

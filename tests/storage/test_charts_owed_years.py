"""The trend's % RAT counts a cooperative as obliged for a fiscal year only if it existed for the
whole year (rules.md: one formed during year N owes its first RAT for N+1), as /rekap does
(found by QA: a cooperative formed in March 2024 lowered 2024's % RAT), on both databases."""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domain.koperasi_list import KoperasiScope
from storage.uow import UnitOfWork
from tests.helpers.seed import add_koperasi


async def test_a_cooperative_formed_during_a_year_owes_from_the_next(
    factory: async_sessionmaker[AsyncSession],
) -> None:
    async with UnitOfWork(factory) as uow:
        await add_koperasi(
            uow, "KDKMP Muda", status_aktivitas="AKTIF_BELUM_RAT", tgl_badan_hukum=date(2024, 3, 1)
        )
        await add_koperasi(
            uow, "KUD Lama", status_aktivitas="AKTIF_BELUM_RAT", tgl_badan_hukum=date(2010, 1, 5)
        )
        await add_koperasi(
            uow,
            "KUD Awal Tahun",
            status_aktivitas="AKTIF_BELUM_RAT",
            tgl_badan_hukum=date(2024, 1, 1),
        )
        await uow.commit()
    async with UnitOfWork(factory, write=False) as uow:
        rows = await uow.charts.seasons(KoperasiScope(), None, (2024, 2025), date(2025, 12, 31))
    assert [(r.tahun_buku, r.obliged) for r in rows] == [(2024, 2), (2025, 3)]

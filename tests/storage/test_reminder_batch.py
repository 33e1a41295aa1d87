"""The planner's batch read: every column of a cooperative and its current cycle lands in its
field of the state (the batch builds the states positionally, for speed)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domain.rat.calendar import FiscalYearEnd
from domain.rat.checklist import BELUM, SELESAI, TIDAK_BERLAKU
from domain.reminders import CycleState, KoperasiState
from storage.tables import ChecklistEntry, CycleChange, RatCycle
from storage.uow import UnitOfWork
from tests.helpers.seed import add_koperasi, add_person

WIB = ZoneInfo("Asia/Jakarta")
NOW = datetime(2027, 1, 1, tzinfo=UTC)


async def test_the_batch_reads_each_field_into_its_place(
    factory: async_sessionmaker[AsyncSession],
) -> None:
    async with UnitOfWork(factory) as uow:
        officer = await add_person(uow, 601, "Petugas")
        plain = await add_koperasi(uow, "KSU Tanpa Siklus")
        koperasi = await add_koperasi(
            uow,
            "KSU Lengkap",
            petugas_id=officer.id,
            tahap="PERSIAPAN",
            target_date=date(2027, 3, 30),
            flags=["TERLAMBAT_LAPOR"],
            fye_month=6,
            fye_day=30,
            status_aktivitas="RAWAN",
            nik_berlaku_sampai=date(2028, 2, 3),
        )
        cycle = await uow.session.get(RatCycle, koperasi.current_rat_cycle_id)
        assert cycle is not None
        cycle.fiscal_year_end = date(2026, 12, 30)
        cycle.report_deadline = date(2027, 4, 29)
        cycle.statutory_limit = date(2027, 6, 29)
        cycle.planned_date = date(2027, 3, 20)
        cycle.held_date = date(2027, 3, 21)
        cycle.reported_date = date(2027, 3, 22)
        cycle.minutes_uploaded_at = NOW
        for code, status in (("A1", SELESAI), ("A2", TIDAK_BERLAKU), ("A3", BELUM)):
            uow.session.add(
                ChecklistEntry(
                    rat_cycle_id=cycle.id, item_code=code, status=status, updated_at=NOW
                )
            )
        for at in (datetime(2027, 2, 1, 3, tzinfo=UTC), datetime(2027, 2, 5, 20, tzinfo=UTC)):
            uow.session.add(
                CycleChange(rat_cycle_id=cycle.id, field="planned_date", changed_at=at)
            )
        await uow.commit()
        plain_id, koperasi_id, cycle_id = plain.id, koperasi.id, cycle.id

    async with UnitOfWork(factory, write=False) as uow:
        batch = await uow.reminders.koperasi_batch(0, 10, WIB)

    assert batch == [
        (
            KoperasiState(koperasi_id=plain_id, fye=FiscalYearEnd(12, 31), tahap="BELUM_MULAI"),
            "KSU Tanpa Siklus",
        ),
        (
            KoperasiState(
                koperasi_id=koperasi_id,
                fye=FiscalYearEnd(6, 30),
                tahap="PERSIAPAN",
                status_aktivitas="RAWAN",
                late=True,
                nik_valid_until=date(2028, 2, 3),
                petugas_id=officer.id,
                cycle=CycleState(
                    cycle_id=cycle_id,
                    fiscal_year_end=date(2026, 12, 30),
                    target_date=date(2027, 3, 30),
                    report_deadline=date(2027, 4, 29),
                    statutory_limit=date(2027, 6, 29),
                    planned_date=date(2027, 3, 20),
                    held_date=date(2027, 3, 21),
                    reported_date=date(2027, 3, 22),
                    minutes_uploaded=True,
                    planned_set_on=date(2027, 2, 6),  # 20:00 UTC is the next day in WIB
                    done=frozenset({"A1", "A2"}),
                ),
            ),
            "KSU Lengkap",
        ),
    ]

"""/rekap's "mean checklist completion" counts every item of each cycle's checklist, not only the
items someone has touched (found by QA: a board that ticked A1 alone showed 100 %, since a
checklist entry is only stored once an item is first recorded), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from config import RatConfig
from domain.rat.calendar import FiscalYearEnd
from domain.rat.policy import KoperasiRules, new_cycle_rules
from domain.rollup import metrics_of
from domain.rollup.split import RollupFilter
from services.rollup import headline, period_of
from storage.tables import ChecklistEntry, RatCycle
from storage.uow import UnitOfWork
from tests.helpers.rollup import AT
from tests.helpers.seed import add_koperasi

TZ = ZoneInfo("Asia/Jakarta")
POLICY = RatConfig().policy()
ITEMS = len(POLICY.checklist_spec(False).items)


async def test_the_mean_is_over_every_item_of_each_checklist(
    factory: async_sessionmaker[AsyncSession],
) -> None:
    async with UnitOfWork(factory) as uow:
        for nama, done in (("KSU Satu Centang", ("A1",)), ("KSU Belum Apa-apa", ())):
            koperasi = await add_koperasi(uow, nama, status_aktivitas="AKTIF_RAT", now=AT)
            rules = KoperasiRules("primer", FiscalYearEnd(), wajib_audit=False)
            cycle = RatCycle(
                koperasi_id=koperasi.id,
                created_at=AT,
                updated_at=AT,
                **new_cycle_rules(POLICY, rules, 2026).stored_fields(),
            )
            uow.session.add(cycle)
            await uow.session.flush()
            for code in done:
                uow.session.add(
                    ChecklistEntry(
                        rat_cycle_id=cycle.id, item_code=code, status="selesai", updated_at=AT
                    )
                )
        await uow.commit()
    period = period_of(2026, POLICY, AT.replace(year=2027), TZ)
    assert period.today == date(2027, 7, 15)
    async with UnitOfWork(factory, write=False) as uow:
        counts = await headline(uow, RollupFilter(), period)
    total = counts["total"]
    assert (total.checklist_done, total.checklist_total) == (1, 2 * ITEMS)
    assert metrics_of(total).checklist == Fraction(1, 2 * ITEMS)

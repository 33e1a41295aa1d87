"""The status card of a village cooperative (KDKMP) names SIMKOPDES where others name ODS, from
the card's one read (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from config import AppConfig
from handlers.status_views import status_lines
from locales import Catalogues
from services.rat_status import load_status
from storage.uow import UnitOfWork
from tests.helpers.seed import add_koperasi

CFG = AppConfig()
CATALOGUES = Catalogues(["id", "en"], "id", CFG.region.tz)


async def test_the_stage_entered_names_the_cooperatives_reporting_system(
    factory: async_sessionmaker[AsyncSession],
) -> None:
    async with UnitOfWork(factory) as uow:
        village = await add_koperasi(uow, "KDKMP Desa Maju", segmen="kdkmp", tahap="TERINPUT_ODS")
        other = await add_koperasi(uow, "KSU Mawar", tahap="TERINPUT_ODS")
        await uow.commit()
    tr = CATALOGUES.get("en")
    async with UnitOfWork(factory, write=False) as uow:
        village_card = await load_status(uow, village.id, CFG.rat.policy(), date(2027, 5, 1))
        other_card = await load_status(uow, other.id, CFG.rat.policy(), date(2027, 5, 1))
    assert village_card is not None
    assert other_card is not None
    assert "Entered in SIMKOPDES" in "\n".join(status_lines(tr, village_card))
    assert "Entered in ODS" in "\n".join(status_lines(tr, other_card))

"""A board member takes a colleague off only when the latest RAT held recorded elections,
under the cooperative's lock (SQLite and PostgreSQL); never the last linked member."""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from config import AppConfig
from locales import Catalogues
from services.onboarding import BoardRemoval, remove_board_member
from services.rat_recompute import recompute_koperasi
from services.roles import viewer_of
from storage.uow import UnitOfWork
from tests.helpers.seed import NOW, add_board_member, add_koperasi, add_person

CFG = AppConfig()
CATALOGUES = Catalogues(["id", "en"], "id", CFG.region.tz)
TODAY = date(2027, 1, 4)


async def test_removal_by_the_board_needs_a_rat_with_elections(
    factory: async_sessionmaker[AsyncSession],
) -> None:
    async with UnitOfWork(factory) as uow:
        made = await add_koperasi(uow, "KSP Pilih", tgl_badan_hukum=date(2020, 1, 1))
        await recompute_koperasi(uow, made.id, CFG.rat.policy(), TODAY, now=NOW)
        rina = await add_person(uow, 7_400_001, "Rina")
        siti = await add_person(uow, 7_400_002, "Siti")
        for person in (rina, siti):
            await add_board_member(uow, person, made.id)
        await uow.commit()
        viewer = await viewer_of(uow, rina, 7_400_001)

    async def remove(person_id: int) -> BoardRemoval:
        async with UnitOfWork(factory) as uow:
            done = await remove_board_member(
                uow, viewer, made.id, person_id, NOW, catalogues=CATALOGUES, by_board=True
            )
            await uow.commit()
        return done

    assert await remove(siti.id) is BoardRemoval.NOT_ALLOWED  # no RAT held yet
    async with UnitOfWork(factory) as uow:
        cycle = await uow.rat_report.current_cycle(made.id)
        assert cycle is not None
        cycle.held_date, cycle.elections_held = date(2027, 1, 3), False
        await uow.commit()
    assert await remove(siti.id) is BoardRemoval.NOT_ALLOWED  # held without elections
    async with UnitOfWork(factory, write=False) as uow:
        assert len(await uow.koperasi_query.board(made.id)) == 2
    async with UnitOfWork(factory) as uow:
        cycle = await uow.rat_report.current_cycle(made.id)
        assert cycle is not None
        cycle.elections_held = True
        await uow.commit()
    assert await remove(siti.id) is BoardRemoval.REMOVED
    assert await remove(rina.id) is BoardRemoval.LAST_MEMBER
    async with UnitOfWork(factory, write=False) as uow:
        assert [m.name for m in await uow.koperasi_query.board(made.id)] == ["Rina"]

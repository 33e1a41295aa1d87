"""Two changes of one board member to one cooperative at once (two chats, or an album closed
by its job while a text is answered): the second waits for the first's lock and is saved too.

On PostgreSQL the lock statement's side reads (the terms seen among them) come from before
the wait; both changes may then record the same term as seen, which must not undo the second.
"""

from __future__ import annotations

import asyncio
from datetime import date
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from config import RatConfig
from locales import Catalogues
from services.rat_recompute import recompute_koperasi
from services.rat_report import Context, ReportChange, Saved, record
from services.rat_status import first_seen_terms, status_after
from services.roles import viewer_of
from storage.tables import RatCycle, TermSeen
from storage.uow import UnitOfWork
from tests.helpers.seed import NOW, add_board_member, add_koperasi, add_person
from tests.storage.test_rat_recompute import _until_waiting_for_a_lock

TODAY = date(2027, 1, 4)
POLICY = RatConfig().policy()
CATALOGUES = Catalogues(["id", "en"], "id", ZoneInfo("Asia/Jakarta"))
BOARD = 7_300_012


async def test_two_changes_at_once_are_both_saved_and_each_term_recorded_once(
    factory: async_sessionmaker[AsyncSession], backend: str
) -> None:
    if backend != "postgres":
        pytest.skip("SQLite serialises writers: the second change starts after the first")
    async with UnitOfWork(factory) as uow:
        made = await add_koperasi(uow, "KSP Kunci", tgl_badan_hukum=date(2020, 1, 1))
        await recompute_koperasi(uow, made.id, POLICY, TODAY, now=NOW)
        board = await add_person(uow, BOARD, "Pak Pengurus")
        await add_board_member(uow, board, made.id)
        await uow.commit()
        viewer = await viewer_of(uow, board, BOARD)
    context = Context(POLICY, TODAY, NOW, CATALOGUES)
    first_locked = asyncio.Event()
    release = asyncio.Event()

    async def change(day: date, *, first: bool) -> tuple[Saved, tuple[str, ...]]:
        async with UnitOfWork(factory) as uow:
            if not first:
                await first_locked.wait()
            recorded = await record(
                uow, viewer, ReportChange(made.id, "plan", False, {"planned_date": day}), context
            )
            if first:
                first_locked.set()
                await release.wait()  # holds the lock until the second waits for it
            assert recorded.after is not None
            card = await status_after(uow, recorded.after, POLICY, TODAY)
            assert card is not None
            terms = await first_seen_terms(uow, board.id, card, NOW, recorded.after.terms_seen)
            await uow.commit()
            return recorded.saved, terms

    one = asyncio.create_task(change(date(2027, 3, 1), first=True))
    await first_locked.wait()
    two = asyncio.create_task(change(date(2027, 3, 2), first=False))
    await _until_waiting_for_a_lock(factory)
    release.set()
    (saved_one, terms_one), (saved_two, _) = await asyncio.gather(one, two)
    assert (saved_one, saved_two) == (Saved.SAVED, Saved.SAVED)
    assert terms_one  # the first card explains its terms
    async with UnitOfWork(factory, write=False) as uow:
        planned = await uow.session.scalar(
            select(RatCycle.planned_date).where(RatCycle.koperasi_id == made.id)
        )
        recorded_terms = await uow.session.scalar(
            select(func.count()).select_from(TermSeen).where(TermSeen.person_id == board.id)
        )
    assert planned == date(2027, 3, 2)  # the second change, saved after the first
    assert recorded_terms == len(terms_one)  # each term once

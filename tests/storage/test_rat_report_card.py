"""A saved /lapor change hands the status card its own reads (the lock's row with the
officer, the recompute's read and plan): the card must be the one read afresh, on both
databases (the lock's outer join locks only the cooperative's row on PostgreSQL)."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from config import RatConfig
from domain.access import Role
from domain.rat.checklist import reporting_system
from locales import Catalogues
from services.rat_recompute import recompute_koperasi
from services.rat_report import Context, ReportChange, Saved, record
from services.rat_status import load_status, status_after
from services.roles import viewer_of
from storage.tables import Outbox, TindakLanjut
from storage.uow import UnitOfWork
from tests.helpers.seed import NOW, add_board_member, add_koperasi, add_person

TODAY = date(2027, 1, 4)
POLICY = RatConfig().policy()
CATALOGUES = Catalogues(["id", "en"], "id", ZoneInfo("Asia/Jakarta"))


@pytest.mark.parametrize("segmen", ["reguler", "kdkmp"])
async def test_the_card_after_a_change_is_the_card_read_afresh(
    factory: async_sessionmaker[AsyncSession], segmen: str
) -> None:
    async with UnitOfWork(factory) as uow:
        officer = await add_person(uow, 7_300_001, "Bu Petugas", roles=[Role.PETUGAS])
        made = await add_koperasi(
            uow,
            "KSP Kartu",
            petugas_id=officer.id,
            tgl_badan_hukum=date(2020, 1, 1),
            segmen=segmen,
        )
        await recompute_koperasi(uow, made.id, POLICY, TODAY, now=NOW)
        board = await add_person(uow, 7_300_002, "Pak Pengurus")
        await add_board_member(uow, board, made.id)
        await uow.commit()
        viewer = await viewer_of(uow, board, 7_300_002)
    changes = [
        ReportChange(made.id, "plan", False, {"planned_date": date(2027, 3, 1), "mode": "daring"}),
        ReportChange(made.id, "A1", True, {"status": "selesai"}),
    ]
    for change in changes:
        async with UnitOfWork(factory) as uow:
            recorded = await record(uow, viewer, change, Context(POLICY, TODAY, NOW))
            assert recorded.saved is Saved.SAVED
            assert recorded.after is not None
            card = await status_after(uow, recorded.after, POLICY, TODAY)
            await uow.commit()
        async with UnitOfWork(factory, write=False) as uow:
            afresh = await load_status(uow, made.id, POLICY, TODAY)
        assert card is not None
        assert card == afresh
        assert card.petugas_name == "Bu Petugas"
    assert card is not None
    assert card.cycle is not None
    # A village cooperative's card names SIMKOPDES after a change too, not ODS.
    assert card.reporting_system == reporting_system(segmen)
    assert (card.cycle.planned_date, card.cycle.mode) == (date(2027, 3, 1), "daring")


async def test_the_lock_reads_the_terms_seen_the_follow_ups_owed_and_the_queued_note(
    factory: async_sessionmaker[AsyncSession],
) -> None:
    """What a change reads with its lock instead of statements of their own: the terms the
    changer has seen, whether the board owes follow-ups (the card then lists them, as read
    afresh) and whether this hour's note to the officer is queued (once an hour: the second
    change queues nothing, the first queued one row)."""
    async with UnitOfWork(factory) as uow:
        officer = await add_person(uow, 7_300_011, "Bu Petugas", roles=[Role.PETUGAS])
        made = await add_koperasi(
            uow, "KSP Kunci", petugas_id=officer.id, tgl_badan_hukum=date(2020, 1, 1)
        )
        await recompute_koperasi(uow, made.id, POLICY, TODAY, now=NOW)
        board = await add_person(uow, 7_300_012, "Pak Pengurus")
        await add_board_member(uow, board, made.id)
        await uow.people.add_terms_seen(board.id, ["rat", "tahap"], NOW)
        await uow.kunjungan.add_follow_ups(
            [
                TindakLanjut(
                    koperasi_id=made.id,
                    description="Tutup buku",
                    owner_kind="pengurus",
                    due_date=TODAY,
                    created_at=NOW,
                )
            ]
        )
        await uow.commit()
        viewer = await viewer_of(uow, board, 7_300_012)
    context = Context(POLICY, TODAY, NOW, CATALOGUES)
    for day in (date(2027, 3, 1), date(2027, 3, 2)):
        change = ReportChange(made.id, "plan", False, {"planned_date": day})
        async with UnitOfWork(factory) as uow:
            recorded = await record(uow, viewer, change, context)
            assert recorded.after is not None
            assert recorded.after.terms_seen == frozenset({"rat", "tahap"})
            assert recorded.after.owes_follow_ups
            card = await status_after(uow, recorded.after, POLICY, TODAY)
            await uow.commit()
        async with UnitOfWork(factory, write=False) as uow:
            afresh = await load_status(uow, made.id, POLICY, TODAY)
        assert card == afresh
        assert card is not None
        assert card.follow_ups
    async with UnitOfWork(factory, write=False) as uow:
        notes = await uow.session.scalars(select(Outbox).where(Outbox.chat_id == 7_300_011))
        assert [note.idempotency_key for note in notes] == [
            f"note:{officer.id}:verifikasi.notify:lapor:{made.id}:{NOW:%Y%m%d%H}"
        ]
    async with UnitOfWork(factory) as uow:
        locked = await uow.rat_cycles.lock_for_change(made.id)
        assert locked is not None
        assert (locked.terms_seen, locked.note_queued) == (frozenset(), False)

"""The worklist counts (storage.repositories.worklist), on SQLite and PostgreSQL: only the
officer's cooperatives, open overdue follow-ups, returned items of the current cycle, the last
submitted visit, unreachable active board members."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domain.access import Role
from storage.tables import ChecklistEntry, Kunjungan, RatCycle, TindakLanjut
from storage.uow import UnitOfWork
from tests.helpers.seed import NOW, add_board_member, add_koperasi, add_person

TZ = ZoneInfo("Asia/Jakarta")
TODAY = NOW.astimezone(TZ).date()


def _follow_up(koperasi_id: int, due: date, *, done: bool = False) -> TindakLanjut:
    return TindakLanjut(
        koperasi_id=koperasi_id,
        description="x",
        owner_kind="pengurus",
        due_date=due,
        done_at=NOW if done else None,
        created_at=NOW,
    )


def _visit(koperasi_id: int, days_ago: int, status: str = "submitted") -> Kunjungan:
    when = NOW - timedelta(days=days_ago)
    return Kunjungan(
        koperasi_id=koperasi_id,
        status=status,
        visited_at=when,
        created_at=when,
        updated_at=when,
    )


async def test_counts_per_cooperative_of_one_officer(
    factory: async_sessionmaker[AsyncSession],
) -> None:
    async with UnitOfWork(factory) as uow:
        ani = await add_person(uow, 7001, "Ani", roles=[Role.PETUGAS])
        budi = await add_person(uow, 7002, "Budi", roles=[Role.PETUGAS])
        busy = await add_koperasi(
            uow,
            "Sibuk",
            petugas_id=ani.id,
            target_date=date(2027, 3, 31),
            status_aktivitas="RAWAN",
        )
        quiet = await add_koperasi(uow, "Tenang", petugas_id=ani.id)
        other = await add_koperasi(uow, "Milik Budi", petugas_id=budi.id)
        uow.session.add_all(
            [
                _follow_up(busy.id, TODAY - timedelta(days=9)),
                _follow_up(busy.id, TODAY - timedelta(days=2)),
                _follow_up(busy.id, TODAY - timedelta(days=20), done=True),
                _follow_up(busy.id, TODAY),  # due today: not overdue yet
                _follow_up(other.id, TODAY - timedelta(days=30)),
                _visit(busy.id, 40),
                _visit(busy.id, 3, status="draft"),  # a draft is not a visit
                _visit(quiet.id, 10),
            ]
        )
        assert busy.current_rat_cycle_id is not None
        for code, verification in (("A1", "returned"), ("A2", "returned"), ("A3", "verified")):
            uow.session.add(
                ChecklistEntry(
                    rat_cycle_id=busy.current_rat_cycle_id,
                    item_code=code,
                    status="selesai",
                    verification=verification,
                    verified_at=NOW - timedelta(days=4),
                    updated_at=NOW,
                )
            )
        gone = await add_person(uow, 7003, "Hilang", reachable=False)
        here = await add_person(uow, 7004, "Ada")
        await add_board_member(uow, gone, busy.id)
        await add_board_member(uow, here, busy.id, "sekretaris")
        await uow.commit()
    async with UnitOfWork(factory, write=False) as uow:
        rows = {row.nama: row for row in await uow.worklist.counts(ani.id, TODAY, TZ)}
    assert set(rows) == {"Sibuk", "Tenang"}
    sibuk, tenang = rows["Sibuk"], rows["Tenang"]
    assert (sibuk.overdue_follow_ups, sibuk.oldest_due) == (2, TODAY - timedelta(days=9))
    assert sibuk.returned == 2
    assert sibuk.oldest_return == TODAY - timedelta(days=4)
    assert sibuk.last_visit == TODAY - timedelta(days=40)
    assert sibuk.unreachable_board == 1
    assert sibuk.status_aktivitas == "RAWAN"
    assert (tenang.overdue_follow_ups, tenang.returned, tenang.unreachable_board) == (0, 0, 0)
    assert tenang.last_visit == TODAY - timedelta(days=10)


async def test_returned_milestones_count_as_returned_items_not_yet_fixed(
    factory: async_sessionmaker[AsyncSession],
) -> None:
    async with UnitOfWork(factory) as uow:
        ani = await add_person(uow, 7001, "Ani", roles=[Role.PETUGAS])
        held = await add_koperasi(
            uow, "RAT dikembalikan", petugas_id=ani.id, target_date=date(2027, 3, 31)
        )
        both = await add_koperasi(
            uow, "Dua dikembalikan", petugas_id=ani.id, target_date=date(2027, 3, 31)
        )
        fixed = await add_koperasi(
            uow, "Sudah diperbaiki", petugas_id=ani.id, target_date=date(2027, 3, 31)
        )
        cycles: dict[str, RatCycle] = {}
        for koperasi in (held, both, fixed):
            assert koperasi.current_rat_cycle_id is not None
            cycle = await uow.session.get(RatCycle, koperasi.current_rat_cycle_id)
            assert cycle is not None
            cycles[koperasi.nama] = cycle
        cycles["RAT dikembalikan"].held_verification = "returned"
        cycles["RAT dikembalikan"].held_verified_at = NOW - timedelta(days=6)
        cycles["Dua dikembalikan"].held_verification = "returned"
        cycles["Dua dikembalikan"].held_verified_at = NOW - timedelta(days=3)
        cycles["Dua dikembalikan"].reported_verification = "returned"
        cycles["Dua dikembalikan"].reported_verified_at = NOW - timedelta(days=1)
        uow.session.add(
            ChecklistEntry(
                rat_cycle_id=both.current_rat_cycle_id,
                item_code="A1",
                status="selesai",
                verification="returned",
                verified_at=NOW - timedelta(days=8),
                updated_at=NOW,
            )
        )
        # Fixed by the board: waiting for the check again, no longer returned.
        cycles["Sudah diperbaiki"].reported_verification = "none"
        await uow.commit()
    async with UnitOfWork(factory, write=False) as uow:
        rows = {row.nama: row for row in await uow.worklist.counts(ani.id, TODAY, TZ)}
    assert (rows["RAT dikembalikan"].returned, rows["RAT dikembalikan"].oldest_return) == (
        1,
        TODAY - timedelta(days=6),
    )
    assert (rows["Dua dikembalikan"].returned, rows["Dua dikembalikan"].oldest_return) == (
        3,
        TODAY - timedelta(days=8),
    )
    assert rows["Sudah diperbaiki"].returned == 0

"""The /koperasi and /petugas queries and the assignment writes, on SQLite and PostgreSQL.

One small register, counted by hand: pages, filters, search and workloads must come out the
same on both databases, and the SQL must agree with `domain.workload.tally`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domain.access import Role
from domain.errors import InputError
from domain.koperasi_list import KoperasiScope, ListCriteria, ListFilter, criteria_for
from domain.workload import AssignMode, KoperasiFacts, Workload, tally
from locales import Catalogues
from services import assignment
from services.koperasi_query import list_page, load_card
from storage.tables import AuditLog, Koperasi, RoleGrant
from storage.uow import UnitOfWork
from tests.helpers.seed import NOW, add_board_member, add_koperasi, add_person

CATALOGUES = Catalogues(["id", "en"], "id", ZoneInfo("Asia/Jakarta"))

TODAY = date(2027, 3, 1)
SOON, PASSED = date(2027, 3, 20), date(2027, 2, 1)
HTML_NAME = 'KSU "Maju & Jaya" <Sejahtera>'


@dataclass(frozen=True)
class Row:
    nama: str
    kecamatan: str
    officer: str | None
    tahap: str = "BELUM_MULAI"
    flags: tuple[str, ...] = ()
    target: date | None = None
    aktivitas: str | None = None
    nik: str | None = None


REGISTER = [
    Row("koperasi Alpha", "Maron", "ani", "PERSIAPAN", target=SOON, nik="35.13-001"),
    Row("KSU Beta", "Maron", "ani", "SIAP_RAT", ("TERLAMBAT_LAPOR",), SOON),
    Row(HTML_NAME, "Kota Anyar", "ani", flags=("TIDAK_RAT",), aktivitas="RAWAN"),
    Row("Koperasi Charlie", "Kotaanyar", "budi", flags=("TERLAMBAT_TARGET",), target=PASSED),
    Row("kud delta", "Tongas", "budi", "DILAPORKAN"),
    Row("Koperasi Echo", "Tongas", None, aktivitas="RAWAN"),
    Row("KSP 100% Untung", "Maron", None),
]
# Sorted case-insensitively by code point: the same order on both databases.
BY_NAME = [
    "koperasi Alpha",
    "Koperasi Charlie",
    "Koperasi Echo",
    "KSP 100% Untung",
    HTML_NAME,
    "KSU Beta",
    "kud delta",
]


@dataclass
class Seeded:
    officers: dict[str, int]
    koperasi: dict[str, int]
    admin: int


async def _seed(factory: async_sessionmaker[AsyncSession]) -> Seeded:
    async with UnitOfWork(factory) as uow:
        officers = {
            key: (await add_person(uow, tg, name, roles=[Role.PETUGAS])).id
            for key, tg, name in [
                ("ani", 501, "Ani"),
                ("budi", 502, "Budi"),
                ("citra", 503, "citra"),
                ("eko", 504, None),
            ]
        }
        admin = (await add_person(uow, 509, "Dedi", roles=[Role.ADMIN])).id
        koperasi = {}
        for row in REGISTER:
            made = await add_koperasi(
                uow,
                row.nama,
                kecamatan=row.kecamatan,
                petugas_id=officers[row.officer] if row.officer else None,
                tahap=row.tahap,
                flags=row.flags,
                target_date=row.target,
                status_aktivitas=row.aktivitas,
                nik_koperasi=row.nik,
            )
            koperasi[row.nama] = made.id
        await _seed_board(uow, koperasi)
        await uow.commit()
    return Seeded(officers, koperasi, admin)


async def _seed_board(uow: UnitOfWork, koperasi: dict[str, int]) -> None:
    board = [
        ("Siti", False, ["koperasi Alpha", HTML_NAME]),  # unreachable, twice for Ani
        ("Joko", False, ["Koperasi Charlie"]),
        ("Rina", True, ["koperasi Alpha"]),
        ("Tono", False, ["Koperasi Echo"]),  # the queue's: counts for nobody
    ]
    for name, reachable, seats in board:
        person = await add_person(uow, None, name, reachable=reachable, phone="+6281234")
        for nama in seats:
            await add_board_member(uow, person, koperasi[nama])
    gone = await add_person(uow, None, "Wati", reachable=False)  # a former member
    await add_board_member(uow, gone, koperasi["kud delta"])
    await uow.roles.revoke(
        gone.id, Role.PENGURUS.value, now=NOW, koperasi_id=koperasi["kud delta"]
    )


async def _names(
    factory: async_sessionmaker[AsyncSession],
    scope: KoperasiScope,
    criteria: ListCriteria,
    offset: int = 0,
    limit: int = 10,
) -> tuple[int, list[str]]:
    async with UnitOfWork(factory, write=False) as uow:
        repo = uow.koperasi_query
        total = await repo.count(scope, criteria)
        lines = await repo.page(scope, criteria, offset=offset, limit=limit)
    return total, [line.nama for line in lines]


async def test_pages_are_ordered_by_name_and_counted_in_sql(
    factory: async_sessionmaker[AsyncSession],
) -> None:
    await _seed(factory)
    region, plain = KoperasiScope(), ListCriteria(TODAY)
    assert await _names(factory, region, plain) == (7, BY_NAME)
    assert await _names(factory, region, plain, offset=3, limit=3) == (7, BY_NAME[3:6])
    async with UnitOfWork(factory, write=False) as uow:
        last = await list_page(uow, region, plain, 99)  # clamped to the last page
    assert (last.window.page, last.window.pages) == (0, 1)


async def test_an_officer_sees_only_their_cooperatives(
    factory: async_sessionmaker[AsyncSession],
) -> None:
    seeded = await _seed(factory)
    ani = KoperasiScope(seeded.officers["ani"])
    assert await _names(factory, ani, ListCriteria(TODAY)) == (
        3,
        ["koperasi Alpha", HTML_NAME, "KSU Beta"],
    )
    citra = KoperasiScope(seeded.officers["citra"])
    assert await _names(factory, citra, ListCriteria(TODAY)) == (0, [])
    async with UnitOfWork(factory, write=False) as uow:
        assert await load_card(uow, ani, seeded.koperasi["kud delta"]) is None
        card = await load_card(uow, ani, seeded.koperasi[HTML_NAME])
    assert card is not None
    assert card.nama == HTML_NAME
    assert card.petugas_name == "Ani"
    assert card.flags == ("TIDAK_RAT",)
    assert [member.name for member in card.board] == ["Siti"]


@pytest.mark.parametrize(
    ("criteria", "expected"),
    [
        (ListCriteria(TODAY, kecamatan="Kotaanyar"), ["Koperasi Charlie", HTML_NAME]),
        (
            ListCriteria(TODAY, stage="BELUM_MULAI"),
            ["Koperasi Charlie", "Koperasi Echo", "KSP 100% Untung", HTML_NAME],
        ),
        (ListCriteria(TODAY, late=True), ["Koperasi Charlie", HTML_NAME, "KSU Beta"]),
        (ListCriteria(TODAY, at_risk=True), ["koperasi Alpha", "Koperasi Echo", HTML_NAME]),
        (ListCriteria(TODAY, kecamatan="Maron", late=True), ["KSU Beta"]),
    ],
)
async def test_filters(
    factory: async_sessionmaker[AsyncSession], criteria: ListCriteria, expected: list[str]
) -> None:
    await _seed(factory)
    assert await _names(factory, KoperasiScope(), criteria) == (len(expected), expected)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("maju", [HTML_NAME]),  # a name fragment
        ("MAJU &JAYA", [HTML_NAME]),  # case and spaces ignored
        ("KSU", [HTML_NAME, "KSU Beta"]),
        ("35.13 001", ["koperasi Alpha"]),  # a NIK koperasi as typed, hyphen or space
        ("TONGAS", ["Koperasi Echo", "kud delta"]),  # a kecamatan
        ("kota anyar", ["Koperasi Charlie", HTML_NAME]),
        ("100%", ["KSP 100% Untung"]),  # LIKE wildcards are matched literally
        ("%%", []),
    ],
)
async def test_search(
    factory: async_sessionmaker[AsyncSession], typed: str, expected: list[str]
) -> None:
    await _seed(factory)
    criteria = criteria_for(ListFilter(search=True), [], typed, TODAY)
    assert await _names(factory, KoperasiScope(), criteria) == (len(expected), expected)


async def test_workloads_match_the_hand_count_and_the_domain_rule(
    factory: async_sessionmaker[AsyncSession],
) -> None:
    seeded = await _seed(factory)
    ids = seeded.officers
    async with UnitOfWork(factory, write=False) as uow:
        repo = uow.petugas
        loads = await repo.workloads(TODAY)
        second_page = await repo.workloads(TODAY, offset=1, limit=2)
        queue = await repo.queue_count()
        assert await repo.count_officers() == 4
        assert await repo.is_officer(ids["ani"])
        assert not await repo.is_officer(seeded.admin)
    assert loads == [
        Workload(ids["ani"], "Ani", koperasi=3, late=2, at_risk=2, unreachable=1),
        Workload(ids["budi"], "Budi", koperasi=2, late=1, at_risk=0, unreachable=1),
        Workload(ids["citra"], "citra"),
        Workload(ids["eko"], None),  # no name sorts last on both databases
    ]
    assert second_page == loads[1:3]
    assert queue == 2
    facts = [
        KoperasiFacts(
            ids[row.officer] if row.officer else None,
            row.tahap,
            row.aktivitas,
            row.target,
            row.flags,
        )
        for row in REGISTER
    ]
    by_domain = tally([(load.person_id, load.name) for load in loads], facts, TODAY)
    for load in loads:  # unreachable board members are people, not in the facts above
        assert by_domain[load.person_id].koperasi == load.koperasi
        assert by_domain[load.person_id].late == load.late
        assert by_domain[load.person_id].at_risk == load.at_risk


async def _officers_of(factory: async_sessionmaker[AsyncSession]) -> dict[str, int | None]:
    async with UnitOfWork(factory, write=False) as uow:
        rows = await uow.session.execute(select(Koperasi.nama, Koperasi.petugas_id))
        return {row[0]: row[1] for row in rows}


async def _audit(factory: async_sessionmaker[AsyncSession]) -> list[AuditLog]:
    async with UnitOfWork(factory, write=False) as uow:
        return list(await uow.session.scalars(select(AuditLog).order_by(AuditLog.id)))


async def test_assign_by_kecamatan_only_unassigned_or_all(
    factory: async_sessionmaker[AsyncSession],
) -> None:
    seeded = await _seed(factory)
    citra, ani = seeded.officers["citra"], seeded.officers["ani"]
    async with UnitOfWork(factory) as uow:
        first = await assignment.assign_kecamatan(
            uow, seeded.admin, citra, "maron", AssignMode.UNASSIGNED, NOW
        )
        await uow.commit()
    assert [c.koperasi_id for c in first] == [seeded.koperasi["KSP 100% Untung"]]
    async with UnitOfWork(factory) as uow:
        second = await assignment.assign_kecamatan(
            uow, seeded.admin, citra, "Maron", AssignMode.ALL, NOW
        )
        await uow.commit()
    assert {(c.koperasi_id, c.old_petugas_id) for c in second} == {
        (seeded.koperasi["koperasi Alpha"], ani),
        (seeded.koperasi["KSU Beta"], ani),
    }
    officers = await _officers_of(factory)
    assert (
        officers["koperasi Alpha"] == officers["KSU Beta"] == officers["KSP 100% Untung"] == citra
    )
    assert officers[HTML_NAME] == ani  # another kecamatan
    audit = await _audit(factory)
    assert [(a.action, a.entity, a.actor_person_id) for a in audit] == [
        ("koperasi.petugas", "koperasi", seeded.admin)
    ] * 3
    assert audit[1].details == {"old_petugas_id": ani, "new_petugas_id": citra, "via": "kecamatan"}


async def test_move_all_then_deactivate_sends_them_to_the_queue(
    factory: async_sessionmaker[AsyncSession],
) -> None:
    seeded = await _seed(factory)
    budi, citra = seeded.officers["budi"], seeded.officers["citra"]
    async with UnitOfWork(factory) as uow:
        moved = await assignment.move_all(uow, seeded.admin, budi, citra, NOW)
        await uow.commit()
    assert len(moved) == 2
    async with UnitOfWork(factory) as uow:
        gone = await assignment.deactivate_officer(
            uow, seeded.admin, citra, NOW, catalogues=CATALOGUES, cause="test"
        )
        await uow.commit()
    assert sorted(c.koperasi_id for c in gone) == sorted(
        [seeded.koperasi["Koperasi Charlie"], seeded.koperasi["kud delta"]]
    )
    officers = await _officers_of(factory)
    assert officers["Koperasi Charlie"] is None
    assert officers["kud delta"] is None
    async with UnitOfWork(factory, write=False) as uow:
        assert not await uow.petugas.is_officer(citra)
        grant = (
            await uow.session.scalars(select(RoleGrant).where(RoleGrant.person_id == citra))
        ).one()
    assert (grant.active, grant.revoked_at) == (False, NOW)
    revoke = (await _audit(factory))[-1]
    assert (revoke.action, revoke.entity_id) == ("role.revoke", str(citra))
    assert sorted(revoke.details["koperasi_ids"]) == sorted(c.koperasi_id for c in gone)


async def test_assigning_to_someone_who_is_not_an_officer_changes_nothing(
    factory: async_sessionmaker[AsyncSession],
) -> None:
    seeded = await _seed(factory)
    before = await _officers_of(factory)
    async with UnitOfWork(factory) as uow:
        with pytest.raises(InputError):
            await assignment.assign_one(
                uow, seeded.admin, seeded.koperasi["Koperasi Echo"], seeded.admin, NOW
            )
        with pytest.raises(InputError):
            await assignment.assign_one(uow, seeded.admin, 987_654, seeded.officers["ani"], NOW)
        again = await assignment.assign_one(
            uow, seeded.admin, seeded.koperasi["KSU Beta"], seeded.officers["ani"], NOW
        )
        await uow.commit()
    assert again == []  # already hers: nothing changes, nothing audited
    assert await _officers_of(factory) == before
    assert await _audit(factory) == []

"""A small world for the export tests: four cooperatives in two kecamatan, two officers, and
rows of every sheet inside and outside period 2026 (whose season is the year 2027)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from domain.access import Role
from storage.tables import (
    ChecklistEntry,
    Kunjungan,
    RatCycle,
    Thread,
    ThreadMessage,
    TindakLanjut,
)
from storage.uow import UnitOfWork
from tests.helpers.seed import NOW, add_board_member, add_koperasi, add_person

IN_SEASON = datetime(2027, 1, 3, 3, 0, tzinfo=UTC)
BEFORE_SEASON = datetime(2026, 6, 1, 3, 0, tzinfo=UTC)
SHEET_NAMES = ["Koperasi", "Checklist", "Kunjungan", "Tindak lanjut", "Pesan"]
# Rows per sheet for period 2026 (SHEET_NAMES order).
ALL_ROWS = [4, 3, 2, 2, 2]
MARON_ROWS = [2, 3, 2, 2, 1]
BUDI_ROWS = [2, 2, 1, 1, 1]


@dataclass(frozen=True)
class ExportWorld:
    """Telegram ids of the people, and the cooperatives' ids by name."""

    admin: int
    pimpinan: int
    budi: int
    sari: int
    board: int
    koperasi: dict[str, int]


async def _cycle(uow: UnitOfWork, koperasi_id: int, tahun_buku: int, items: list[str]) -> int:
    cycle = RatCycle(
        koperasi_id=koperasi_id,
        tahun_buku=tahun_buku,
        fiscal_year_end=date(tahun_buku, 12, 31),
        target_date=date(tahun_buku + 1, 3, 31),
        report_deadline=date(tahun_buku + 1, 4, 30),
        statutory_limit=date(tahun_buku + 1, 6, 30),
        tidak_rat_date=date(tahun_buku + 1, 12, 31),
        checklist_spec={},
        tahap="PERSIAPAN",
        held_date=date(tahun_buku + 1, 2, 20) if tahun_buku < 2026 else None,
        planned_date=date(tahun_buku + 1, 3, 15),
        created_at=NOW,
        updated_at=NOW,
    )
    uow.session.add(cycle)
    await uow.session.flush()
    for code in items:
        uow.session.add(
            ChecklistEntry(
                rat_cycle_id=cycle.id,
                item_code=code,
                status="selesai",
                recorded_by_officer=code == "A1",
                updated_at=IN_SEASON,
            )
        )
    return cycle.id


def _visit(koperasi_id: int, petugas_id: int, at: datetime, status: str) -> Kunjungan:
    return Kunjungan(
        koperasi_id=koperasi_id,
        petugas_id=petugas_id,
        status=status,
        jenis="identifikasi",
        poac="P",
        verdict="siap",
        visited_at=at,
        created_at=at,
        updated_at=at,
        submitted_at=at if status == "submitted" else None,
    )


def _follow_up(koperasi_id: int, created: datetime) -> TindakLanjut:
    return TindakLanjut(
        koperasi_id=koperasi_id,
        description="=SUM(A1) Susun LPJ",  # a formula-looking text stays text
        owner_kind="pengurus",
        due_date=date(2027, 2, 1),
        created_at=created,
    )


async def seed_export_world(uow: UnitOfWork) -> ExportWorld:
    """The world; the caller commits."""
    await add_person(uow, 9001, "Admin Dinas", roles=[Role.ADMIN])
    await add_person(uow, 9002, "Kepala Dinas", roles=[Role.PIMPINAN])
    budi = await add_person(
        uow, 9003, "Budi Petugas", roles=[Role.PETUGAS], phone="+628111", username="budi_p"
    )
    sari = await add_person(uow, 9004, "Sari Petugas", roles=[Role.PETUGAS])
    k1 = await add_koperasi(uow, "KUD Maju", kecamatan="Maron", petugas_id=budi.id)
    k2 = await add_koperasi(uow, "KSP Dringu", kecamatan="Dringu", petugas_id=budi.id)
    k3 = await add_koperasi(
        uow,
        "Kopwan Sari",
        kecamatan="Maron",
        petugas_id=sari.id,
        tgl_badan_hukum=date(2016, 3, 14),
        modal_sendiri=250_000_000,
    )
    k4 = await add_koperasi(uow, "Kopma Tanpa Petugas", kecamatan="Dringu")
    board = await add_person(uow, 9005, "Ani Pengurus", roles=[], phone="+628222")
    await add_board_member(uow, board, k1.id)
    await _cycle(uow, k1.id, 2026, ["A1", "A2"])
    await _cycle(uow, k1.id, 2025, ["A1"])  # another period
    await _cycle(uow, k3.id, 2026, ["A3"])
    uow.session.add_all(
        [
            _visit(k1.id, budi.id, IN_SEASON, "submitted"),
            _visit(k3.id, sari.id, IN_SEASON, "submitted"),
            _visit(k2.id, budi.id, IN_SEASON, "draft"),  # not submitted
            _visit(k1.id, budi.id, BEFORE_SEASON, "submitted"),  # another season
            _follow_up(k1.id, IN_SEASON),
            _follow_up(k3.id, IN_SEASON),
            _follow_up(k2.id, BEFORE_SEASON),
        ]
    )
    t1 = Thread(koperasi_id=k1.id, assigned_person_id=budi.id, created_at=IN_SEASON)
    t4 = Thread(koperasi_id=k4.id, created_at=IN_SEASON, last_message_at=IN_SEASON)
    old = Thread(koperasi_id=k3.id, created_at=BEFORE_SEASON, last_message_at=BEFORE_SEASON)
    uow.session.add_all([t1, t4, old])
    await uow.session.flush()
    for number, direction in enumerate(["to_officer", "to_officer", "to_board"], start=1):
        uow.session.add(
            ThreadMessage(
                thread_id=t1.id,
                direction=direction,
                from_chat_id=9005,
                from_message_id=number,
                to_chat_id=9003,
                created_at=IN_SEASON,
            )
        )
    await uow.session.flush()
    return ExportWorld(
        admin=9001,
        pimpinan=9002,
        budi=9003,
        sari=9004,
        board=9005,
        koperasi={k.nama: k.id for k in (k1, k2, k3, k4)},
    )

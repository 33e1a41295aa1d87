"""A register the office might bring, unlike the sample: fiscal years ending 30 June beside
31 December, a secondary cooperative, KDKMP and reguler mixed, a BUBAR and a BARU one, a
kecamatan whose name holds HTML characters, a kecamatan with no cooperative, an officer with
none. Stages, flags and activity are left to the real recompute.

Counted on 15 July 2026 (10:00 WIB), tahun buku 2025:

| # | segmen | kecamatan | year ends | bentuk | officer | RAT 2025 held | reported | ODS |
|---|---|---|---|---|---|---|---|---|
| 1 | reguler | Kraksaan | 31 Dec | primer | Ani | 20 Mar 2026 | 10 Apr | 20 Apr |
| 2 | reguler | Kraksaan | 31 Dec | primer | Ani | 15 Apr 2026 | 5 May | — |
| 3 | kdkmp | Kraksaan | 31 Dec | primer | — | 20 Jun 2026 | — | — |
| 4 | reguler | Sumber & <Rejo> | 30 Jun | primer | Ani | 15 Sep 2025 | 20 Sep 2025 | — |
| 5 | reguler | Sumber & <Rejo> | 30 Jun | primer | — | — | — | — |
| 6 | kdkmp | Sumber & <Rejo> | 31 Dec | primer | — | BUBAR | | |
| 7 | reguler | Kraksaan | 31 Dec | sekunder | — | 20 May 2026 | — | — |
| 8 | reguler | Kraksaan | 31 Dec | primer | — | BARU (legal entity 1 Feb 2026) | | |
| 9 | reguler | Kraksaan | 31 Dec | primer | — | — (2023 and 2024 held) | | |
| 10 | kdkmp | Kraksaan | 31 Dec | primer | — | 10 Mar 2026 (formed 1 Mar 2024: owes 2025 on) | | |
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from config import AppConfig
from domain.access import Role
from domain.rat.calendar import FiscalYearEnd
from domain.rat.policy import KoperasiRules, new_cycle_rules
from services.rat_recompute import recompute_all
from storage.engine import create_engine, session_factory
from storage.tables import ChecklistEntry, Koperasi, RatCycle
from storage.uow import UnitOfWork
from tests.helpers.seed import add_person

AT = datetime(2026, 7, 15, 3, 0, tzinfo=UTC)  # Wednesday 10:00 WIB
TODAY = date(2026, 7, 15)
YEAR = 2025
HTML_KECAMATAN = "Sumber & <Rejo>"
EMPTY_KECAMATAN = "Tiris"
KECAMATAN = ["Kraksaan", HTML_KECAMATAN, EMPTY_KECAMATAN]
ADMIN, PIMPINAN, ANI, BUDI = 9401, 9402, 9403, 9404


@dataclass(frozen=True)
class Row:
    nama: str
    segmen: str
    kecamatan: str
    fye: tuple[int, int]
    bentuk: str = "primer"
    officer: bool = False
    status: str | None = None
    tgl_badan_hukum: date = date(2010, 1, 5)
    held: date | None = None
    reported: date | None = None
    ods: date | None = None
    history: tuple[tuple[int, date], ...] = ()
    checklist: tuple[tuple[str, str], ...] = ()  # the 2025 cycle's entries (item, status)


ROWS = (
    Row("KUD Sumber Makmur", "reguler", "Kraksaan", (12, 31), officer=True,
        held=date(2026, 3, 20), reported=date(2026, 4, 10), ods=date(2026, 4, 20),
        checklist=(("A1", "selesai"), ("A2", "tidak_berlaku"), ("A3", "proses"))),
    Row("KSP Dana & Karya", "reguler", "Kraksaan", (12, 31), officer=True,
        held=date(2026, 4, 15), reported=date(2026, 5, 5), checklist=(("A1", "selesai"),)),
    Row("Kop Desa Merah Putih Alas", "kdkmp", "Kraksaan", (12, 31),
        held=date(2026, 6, 20)),
    Row("KPRI <Guru> Sejahtera", "reguler", HTML_KECAMATAN, (6, 30), officer=True,
        held=date(2025, 9, 15), reported=date(2025, 9, 20)),
    Row("Kopwan Melati", "reguler", HTML_KECAMATAN, (6, 30)),
    Row("Kop Desa Merah Putih Bubar", "kdkmp", HTML_KECAMATAN, (12, 31), status="BUBAR"),
    Row("Puskud Sekunder", "reguler", "Kraksaan", (12, 31), bentuk="sekunder",
        held=date(2026, 5, 20)),
    Row("Koperasi Baru", "reguler", "Kraksaan", (12, 31), tgl_badan_hukum=date(2026, 2, 1)),
    Row("KUD Lupa RAT", "reguler", "Kraksaan", (12, 31),
        history=((2023, date(2024, 3, 1)), (2024, date(2025, 3, 1)))),
    Row("Kop Desa Merah Putih Muda", "kdkmp", "Kraksaan", (12, 31),
        tgl_badan_hukum=date(2024, 3, 1), held=date(2026, 3, 10)),
)  # fmt: skip


def office_config_sections() -> dict[str, dict[str, object]]:
    """The regency's kecamatan for these tests."""
    return {"region": {"kecamatan": KECAMATAN}}


async def seed_office(url: str, cfg: AppConfig) -> dict[str, int]:
    """The register above, its people, then the real recompute; returns ids by name."""
    policy = cfg.rat.policy()
    engine = create_engine(url)
    ids: dict[str, int] = {}
    try:
        async with UnitOfWork(session_factory(engine)) as uow:
            await add_person(uow, ADMIN, "Dedi", roles=[Role.ADMIN], now=AT)
            await add_person(uow, PIMPINAN, "Bu Kepala", roles=[Role.PIMPINAN], now=AT)
            ani = await add_person(uow, ANI, "Ani", roles=[Role.PETUGAS], now=AT)
            await add_person(uow, BUDI, "Budi", roles=[Role.PETUGAS], now=AT)
            for row in ROWS:
                koperasi = Koperasi(
                    nama=row.nama,
                    kecamatan=row.kecamatan,
                    segmen=row.segmen,
                    kelompok="KDKMP" if row.segmen == "kdkmp" else "KUD",
                    jenis="serba_usaha",
                    bentuk=row.bentuk,
                    fye_month=row.fye[0],
                    fye_day=row.fye[1],
                    tgl_badan_hukum=row.tgl_badan_hukum,
                    petugas_id=ani.id if row.officer else None,
                    status_aktivitas=row.status,
                    created_at=AT,
                    updated_at=AT,
                )
                await uow.koperasi.add(koperasi)
                ids[row.nama] = koperasi.id
                rules = KoperasiRules(row.bentuk, FiscalYearEnd(*row.fye), wajib_audit=False)
                years = [(YEAR, row.held, row.reported, row.ods)] if row.held else []
                years += [(y, held, held, None) for y, held in row.history]
                for tahun_buku, held, reported, ods in years:
                    stored = new_cycle_rules(policy, rules, tahun_buku).stored_fields()
                    cycle = RatCycle(
                        koperasi_id=koperasi.id,
                        held_date=held,
                        reported_date=reported,
                        ods_date=ods,
                        ods_confirmed_by_person_id=ani.id if ods else None,
                        created_at=AT,
                        updated_at=AT,
                        **stored,
                    )
                    uow.session.add(cycle)
                    if tahun_buku == YEAR and row.checklist:
                        await uow.session.flush()
                        uow.session.add_all(
                            ChecklistEntry(
                                rat_cycle_id=cycle.id, item_code=item, status=status, updated_at=AT
                            )
                            for item, status in row.checklist
                        )
            await uow.commit()
        await recompute_all(lambda: UnitOfWork(session_factory(engine)), policy, TODAY, now=AT)
    finally:
        await engine.dispose()
    return ids

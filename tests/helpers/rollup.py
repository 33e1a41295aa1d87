"""A small register for the roll-up tests, whose figures are worked out by hand below.

Tahun buku 2025 (cut-offs 31 Mar, 30 Apr, 30 Jun 2026), counted on 15 July 2026:

| koperasi | segmen | kecamatan | officer | status | held | reported | ods | stage |
|---|---|---|---|---|---|---|---|---|
| A | reguler | Maron | Ani | AKTIF_RAT | 20 Mar | 10 Apr | 20 Apr | TERINPUT_ODS |
| B | reguler | Maron | Ani | AKTIF_RAT | 15 Apr | 5 May | — | DILAPORKAN |
| C | reguler | Kraksaan | Budi | AKTIF_BELUM_RAT | 20 Jun | — | — | RAT_TERLAKSANA |
| D | reguler | Kraksaan | Budi | RAWAN | — | — | — | PERSIAPAN (3 of 4 items) |
| E | reguler | Kraksaan | — | BARU | no cycle |
| F | reguler | Maron | Ani | TIDAK_AKTIF | no cycle |
| G | kdkmp | Maron | Ani | AKTIF_RAT | 1 Mar | — | — | RAT_TERLAKSANA |
| H | kdkmp | Kraksaan | Budi | BUBAR | no cycle |

A's held and reported dates are verified, A has a valid NIK certificate; visits: A on 10 Jul
(monev, C), D on 1 Feb (identifikasi, P: past the 30 days counted), a draft for B; C has an
overdue follow-up and an unreachable board member, D a thread waiting; A's thread was answered
after 2 h and 30 min.
"""

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
from tests.helpers.seed import add_board_member, add_koperasi, add_person

TODAY = date(2026, 7, 15)
AT = datetime(2026, 7, 15, 3, 0, tzinfo=UTC)  # 10:00 WIB
YEAR = 2025
# D's checklist: four items (the others' cycles have none, like those seeded from history).
D_CHECKLIST = {"version": 1, "items": [{"code": f"A{n}", "mandatory": True} for n in (1, 2, 3, 4)]}


@dataclass(frozen=True)
class Register:
    """The ids of the fixture: cooperatives by letter, and the two officers."""

    koperasi: dict[str, int]
    ani: int
    budi: int
    ani_telegram: int = 8101
    budi_telegram: int = 8102


def _cycle(koperasi_id: int, tahap: str, **fields: object) -> RatCycle:
    return RatCycle(
        koperasi_id=koperasi_id,
        tahun_buku=YEAR,
        fiscal_year_end=date(2025, 12, 31),
        target_date=date(2026, 3, 31),
        report_deadline=date(2026, 4, 30),
        statutory_limit=date(2026, 6, 30),
        tidak_rat_date=date(2026, 12, 31),
        checklist_spec=fields.pop("checklist_spec", {}),
        tahap=tahap,
        created_at=AT,
        updated_at=AT,
        **fields,
    )


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


async def seed_register(uow: UnitOfWork) -> Register:
    """Adds the register of the module docstring (the caller commits)."""
    ani = await add_person(uow, 8101, "Ani", roles=[Role.PETUGAS], now=AT)
    budi = await add_person(uow, 8102, "Budi", roles=[Role.PETUGAS], now=AT)
    rows = {
        "A": ("reguler", "Maron", ani.id, "AKTIF_RAT", "konsumen", "KUD"),
        "B": ("reguler", "Maron", ani.id, "AKTIF_RAT", "simpan_pinjam", "KSP"),
        "C": ("reguler", "Kraksaan", budi.id, "AKTIF_BELUM_RAT", "konsumen", "KUD"),
        "D": ("reguler", "Kraksaan", budi.id, "RAWAN", "jasa", "Kopwan"),
        "E": ("reguler", "Kraksaan", None, "BARU", "konsumen", "KUD"),
        "F": ("reguler", "Maron", ani.id, "TIDAK_AKTIF", "konsumen", "KUD"),
        "G": ("kdkmp", "Maron", ani.id, "AKTIF_RAT", "serba_usaha", "KDKMP"),
        "H": ("kdkmp", "Kraksaan", budi.id, "BUBAR", "serba_usaha", "KDKMP"),
    }
    ids: dict[str, int] = {}
    for letter, (segmen, kecamatan, petugas, status, jenis, kelompok) in rows.items():
        koperasi = await add_koperasi(
            uow,
            f"Koperasi {letter}",
            kecamatan=kecamatan,
            petugas_id=petugas,
            status_aktivitas=status,
            segmen=segmen,
            jenis=jenis,
            kelompok=kelompok,
            nik_berlaku_sampai=date(2027, 1, 1) if letter == "A" else None,
            now=AT,
        )
        ids[letter] = koperasi.id
    k = ids
    cycles = [
        _cycle(
            k["A"],
            "TERINPUT_ODS",
            held_date=date(2026, 3, 20),
            reported_date=date(2026, 4, 10),
            ods_date=date(2026, 4, 20),
            held_verification="verified",
            reported_verification="verified",
        ),
        _cycle(k["B"], "DILAPORKAN", held_date=date(2026, 4, 15), reported_date=date(2026, 5, 5)),
        _cycle(k["C"], "RAT_TERLAKSANA", held_date=date(2026, 6, 20)),
        _cycle(k["D"], "PERSIAPAN", checklist_spec=D_CHECKLIST),
        _cycle(k["G"], "RAT_TERLAKSANA", held_date=date(2026, 3, 1)),
    ]
    uow.session.add_all(cycles)
    await uow.session.flush()
    d_cycle = cycles[3].id
    for code, status in (("A1", "selesai"), ("A2", "selesai"), ("A3", "tidak_berlaku")):
        uow.session.add(
            ChecklistEntry(rat_cycle_id=d_cycle, item_code=code, status=status, updated_at=AT)
        )
    uow.session.add(ChecklistEntry(rat_cycle_id=d_cycle, item_code="A4", updated_at=AT))
    for koperasi_id, when, jenis, poac, status in (
        (k["A"], _at(date(2026, 7, 10), 2), "monev", "C", "submitted"),
        (k["D"], _at(date(2026, 2, 1), 2), "identifikasi", "P", "submitted"),
        (k["B"], _at(date(2026, 7, 11), 2), "usaha", "A", "draft"),
    ):
        uow.session.add(
            Kunjungan(
                koperasi_id=koperasi_id,
                petugas_id=ani.id,
                status=status,
                jenis=jenis,
                poac=poac,
                visited_at=when,
                created_at=when,
                updated_at=when,
            )
        )
    for due, done in ((date(2026, 7, 1), None), (date(2026, 7, 2), AT)):
        uow.session.add(
            TindakLanjut(
                koperasi_id=k["C"],
                description="x",
                owner_kind="pengurus",
                due_date=due,
                done_at=done,
                created_at=AT,
            )
        )
    waiting = Thread(koperasi_id=k["D"], status="open", waiting_since=AT, created_at=AT)
    answered = Thread(koperasi_id=k["A"], status="open", created_at=AT)
    uow.session.add_all([waiting, answered])
    await uow.session.flush()
    day = date(2026, 7, 1)
    for minute, direction in ((0, "to_officer"), (30, "to_officer"), (120, "to_board")):
        _message(uow, answered.id, direction, _at(day, 3 + minute // 60, minute % 60))
    for minute, direction in ((180, "to_officer"), (210, "to_board")):
        _message(uow, answered.id, direction, _at(day, 3 + minute // 60, minute % 60))
    quiet = await add_person(uow, 8103, "Pak C", reachable=False, now=AT)
    await add_board_member(uow, quiet, k["C"])
    await uow.session.flush()
    return Register(ids, ani.id, budi.id)


_message_ids = iter(range(1, 10_000))


def _message(uow: UnitOfWork, thread_id: int, direction: str, when: datetime) -> None:
    number = next(_message_ids)
    uow.session.add(
        ThreadMessage(
            thread_id=thread_id,
            direction=direction,
            from_chat_id=1,
            from_message_id=number,
            to_chat_id=2,
            created_at=when,
        )
    )

"""Sample visits and follow-ups for tests and the sandbox.

`seed_visits` gives each cooperative that has an officer a few submitted visit reports in the
last `days` days (type, POAC tag, verdict, made-up persons met, findings, a note) and, for
some, follow-ups owed by the board or the officer — a share overdue, some done. The same
register and seed always give the same visits; every name is made up.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from domain.kunjungan import SUGGESTED_POAC, Jenis, OwnerKind, Verdict
from sample.names import person_name
from storage.tables import Koperasi, Kunjungan, KunjunganVersion, TindakLanjut
from storage.uow import UnitOfWork

WIB = ZoneInfo("Asia/Jakarta")
ROLES = ("ketua", "sekretaris", "bendahara", "manajer", "pengawas")
FINDINGS = (
    "Pembukuan tertinggal dua bulan",
    "Daftar anggota belum diperbarui",
    "Unit usaha simpan pinjam aktif",
    "Rapat pengurus rutin setiap bulan",
    "Laporan keuangan 2026 sedang disusun",
)
ACTIONS = (
    ("Tutup buku tahun buku berjalan", OwnerKind.PENGURUS),
    ("Susun LPJ pengurus", OwnerKind.PENGURUS),
    ("Perbarui daftar anggota", OwnerKind.PENGURUS),
    ("Dampingi penyusunan RAPB", OwnerKind.PETUGAS),
)


@dataclass(frozen=True)
class SeededVisits:
    """How many rows `seed_visits` added."""

    visits: int
    follow_ups: int


async def seed_visits(
    uow: UnitOfWork, *, now: datetime, seed: int = 7, days: int = 60, most: int = 3
) -> SeededVisits:
    """Adds up to `most` visits per cooperative with an officer (none for about a fifth)."""
    rng = random.Random(seed)  # noqa: S311 - sample data, not secrets
    rows = await uow.session.execute(
        select(Koperasi.id, Koperasi.petugas_id)
        .where(Koperasi.petugas_id.is_not(None))
        .order_by(Koperasi.id)
    )
    visits = follow_ups = 0
    for koperasi_id, petugas_id in rows.all():
        if petugas_id is None:  # excluded by the query; narrows the type
            continue
        for _ in range(rng.choice((0, 1, 1, 2, most))):
            visit, items = _visit(rng, koperasi_id, petugas_id, now, days)
            version = _version(rng, visit, now)
            await uow.kunjungan.add_visit(visit, version)
            for item in items:
                item.kunjungan_id = visit.id
            await uow.kunjungan.add_follow_ups(items)
            visits, follow_ups = visits + 1, follow_ups + len(items)
    return SeededVisits(visits, follow_ups)


def _visit(
    rng: random.Random, koperasi_id: int, petugas_id: int, now: datetime, days: int
) -> tuple[Kunjungan, list[TindakLanjut]]:
    jenis = rng.choice(list(Jenis))
    local = now.astimezone(WIB) - timedelta(days=rng.randrange(days), hours=rng.randrange(6))
    visited_at = local.replace(minute=0, second=0, microsecond=0)
    visit = Kunjungan(
        koperasi_id=koperasi_id,
        petugas_id=petugas_id,
        status="submitted",
        jenis=jenis.value,
        poac=SUGGESTED_POAC[jenis].value,
        verdict=rng.choice(list(Verdict)).value,
        visited_at=visited_at,
        created_at=visited_at,
        updated_at=visited_at,
        submitted_at=visited_at,
    )
    items = [
        TindakLanjut(
            koperasi_id=koperasi_id,
            description=what,
            owner_kind=owner.value,
            owner_person_id=petugas_id if owner is OwnerKind.PETUGAS else None,
            due_date=(visited_at + timedelta(days=rng.randrange(7, 45))).date(),
            done_at=visited_at + timedelta(days=3) if rng.random() < 0.25 else None,
            created_by_person_id=petugas_id,
            created_at=visited_at,
        )
        for what, owner in rng.sample(ACTIONS, rng.randrange(3))
    ]
    return visit, items


def _version(rng: random.Random, visit: Kunjungan, now: datetime) -> KunjunganVersion:
    visited_at, jenis = visit.visited_at or now, visit.jenis or Jenis.LAINNYA.value
    met = [f"{person_name(rng)}, {rng.choice(ROLES)}" for _ in range(rng.randrange(1, 3))]
    data = {
        "panjang": "lengkap",
        "jenis": jenis,
        "poac": visit.poac,
        "waktu": visited_at.isoformat(),
        "verdict": visit.verdict,
        "orang": met,
        "temuan_organisasi": rng.choice(FINDINGS),
        "temuan_keuangan": rng.choice(FINDINGS),
        "catatan": "Contoh laporan kunjungan (data contoh).",
    }
    return KunjunganVersion(
        version=1,
        jenis=jenis,
        visited_at=visited_at,
        verdict=visit.verdict,
        poac=visit.poac,
        data=data,
        created_by_person_id=visit.petugas_id,
        created_at=visited_at,
    )

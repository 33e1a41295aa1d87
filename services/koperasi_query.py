"""Scoped queries behind /koperasi and /petugas: a page of the list, the card, the last search.

Every function takes the caller's scope (`domain.koperasi_list.list_scope`); a cooperative
outside it is "not found", so a forged id learns nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from domain.koperasi_list import (
    KoperasiCard,
    KoperasiScope,
    ListCriteria,
    PageWindow,
    flags_of,
    page_window,
    stage_of,
)
from domain.workload import Workload, named
from storage.repositories.koperasi_query import KoperasiLine
from storage.tables import Koperasi
from storage.uow import UnitOfWork

# The search form (conversations/cari_koperasi.py) keeps the typed text in its answers: the
# list's "search" filter reads it back from there instead of carrying it in callback data.
SEARCH_FORM = "cari_koperasi"
SEARCH_ANSWER = "query"


@dataclass(frozen=True)
class ListPage:
    """One page of a list and where it sits among the others."""

    lines: list[KoperasiLine]
    window: PageWindow


async def list_page(
    uow: UnitOfWork, scope: KoperasiScope, criteria: ListCriteria, page: int
) -> ListPage:
    """The requested page (clamped), counted and fetched in SQL."""
    repo = uow.koperasi_query
    total = await repo.count(scope, criteria)
    window = page_window(total, page)
    if not total:
        return ListPage([], window)
    lines = await repo.page(scope, criteria, offset=window.offset, limit=window.size)
    return ListPage(lines, window)


async def load_card(
    uow: UnitOfWork, scope: KoperasiScope, koperasi_id: int
) -> KoperasiCard | None:
    """The card of a cooperative inside `scope`; None when missing or out of scope."""
    repo = uow.koperasi_query
    found = await repo.with_officer_name(koperasi_id)
    if found is None or not scope.covers(found[0].petugas_id):
        return None
    koperasi, officer_name = found
    return KoperasiCard(
        id=koperasi.id,
        nama=koperasi.nama,
        profile=_profile(koperasi),
        kecamatan=koperasi.kecamatan,
        tahap=stage_of(koperasi.tahap),
        flags=flags_of(
            koperasi.flag_terlambat_target,
            koperasi.flag_terlambat_lapor,
            koperasi.flag_lewat_batas_uu,
            koperasi.flag_tidak_rat,
        ),
        petugas_id=koperasi.petugas_id,
        petugas_name=officer_name,
        board=tuple(await repo.board(koperasi.id)),
    )


def _profile(koperasi: Koperasi) -> dict[str, object]:
    """The card's profile fields in display order (docs/rules.md#columns)."""
    return {
        "bentuk": koperasi.bentuk,
        "jenis": koperasi.jenis,
        "kelompok": koperasi.kelompok,
        "pola": koperasi.pola,
        "no_badan_hukum": koperasi.no_badan_hukum,
        "nik_koperasi": koperasi.nik_koperasi,
        "alamat": koperasi.alamat,
        "desa": koperasi.desa,
        "kecamatan": koperasi.kecamatan,
        "anggota": (koperasi.anggota_pria, koperasi.anggota_wanita),
        "fye": (koperasi.fye_month, koperasi.fye_day),
        "segmen": koperasi.segmen,
        "status_aktivitas": koperasi.status_aktivitas,
    }


async def last_search(uow: UnitOfWork, chat_id: int, user_id: int, subject: str) -> str | None:
    """The text of the person's last search for `subject` ('' = their /koperasi list)."""
    session = await uow.form_sessions.get(chat_id, user_id, SEARCH_FORM, subject)
    if session is None:
        return None
    query = session.answers.get(SEARCH_ANSWER)
    return query if isinstance(query, str) else None


@dataclass(frozen=True)
class OfficerPage:
    """A page of officers with their workload, and the admins' queue."""

    officers: list[Workload]
    window: PageWindow
    queue: int


async def officer_page(
    uow: UnitOfWork, today: date, page: int, *, exclude: int | None = None
) -> OfficerPage:
    """Officers by name with their workload (`exclude`: an officer not to offer)."""
    repo = uow.petugas
    window = page_window(await repo.count_officers(exclude=exclude), page)
    officers = await repo.workloads(
        today, offset=window.offset, limit=window.size, exclude=exclude
    )
    return OfficerPage(officers, window, await repo.queue_count())


async def officer_workload(uow: UnitOfWork, today: date, person_id: int) -> Workload | None:
    """One officer's workload; None when the person is not an active officer."""
    found = await uow.petugas.workloads(today, person_id=person_id)
    return found[0] if found else None


async def officers_named(uow: UnitOfWork, today: date, query: str) -> list[Workload]:
    """The active officers whose name contains `query`, with their workload."""
    # A region has tens of officers: read them all and match in domain, like the list does.
    return named(await uow.petugas.workloads(today), query)

"""Follow-ups (*tindak lanjut*) of visits: what is due for an officer, what a board owes,
and closing one with a note."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from domain.kunjungan import OwnerKind
from storage.repositories.kunjungan import OpenFollowUp
from storage.uow import UnitOfWork

# Follow-ups due within this many days are listed beside the overdue ones.
DUE_SOON_DAYS = 7


async def owed_by_koperasi(uow: UnitOfWork, koperasi_id: int, today: date) -> list[OpenFollowUp]:
    """The open follow-ups a cooperative's board owes, earliest due first (for /status).

    `today` is kept in the signature so callers can mark overdue ones (`due_date < today`).
    """
    del today
    return await uow.kunjungan.open_follow_ups(
        koperasi_id=koperasi_id, owner_kind=OwnerKind.PENGURUS.value
    )


async def due_for_officer(
    uow: UnitOfWork,
    petugas_id: int,
    today: date,
    *,
    within_days: int = DUE_SOON_DAYS,
    limit: int = 50,
) -> list[OpenFollowUp]:
    """Open follow-ups of the officer's cooperatives due by `today + within_days`, earliest
    first (overdue ones first of all)."""
    return await uow.kunjungan.open_follow_ups(
        petugas_id=petugas_id,
        due_by=today + timedelta(days=within_days),
        limit=limit,
    )


async def mark_done(
    uow: UnitOfWork, petugas_id: int, follow_up_id: int, note: str | None, now: datetime
) -> bool:
    """Closes a follow-up of one of the officer's cooperatives; False if it is not theirs or
    already done."""
    item = await uow.kunjungan.follow_up(follow_up_id)
    if item is None or item.done_at is not None:
        return False
    koperasi = await uow.koperasi.get(item.koperasi_id)
    if koperasi is None or koperasi.petugas_id != petugas_id:
        return False
    await uow.kunjungan.mark_done(item, petugas_id, note, now)
    await uow.audit.record(petugas_id, "tindak_lanjut.done", "tindak_lanjut", item.id, at=now)
    return True

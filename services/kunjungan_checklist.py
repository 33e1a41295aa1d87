"""Checklist changes an officer records in a visit: items marked done on the cooperative's
current RAT cycle, as recorded by the officer, and the cooperative recomputed — in the
transaction that stores the visit."""

from __future__ import annotations

from datetime import datetime

from config import AppConfig
from services.rat_recompute import recompute_koperasi
from storage.uow import UnitOfWork


async def record_checklist(
    uow: UnitOfWork,
    koperasi_id: int,
    codes: list[str],
    person_id: int,
    cfg: AppConfig,
    now: datetime,
) -> dict[str, str]:
    """Marks `codes` done on the current cycle (made first if missing) as the officer's,
    recomputes the cooperative's stage and flags, and returns the checklist after it."""
    policy, today = cfg.rat.policy(), now.astimezone(cfg.region.tz).date()
    await uow.rat_cycles.lock_koperasi(koperasi_id)
    cycle_id = await uow.kunjungan.current_cycle_id(koperasi_id)
    if cycle_id is None:  # a cooperative the recompute has not given a cycle yet
        await recompute_koperasi(uow, koperasi_id, policy, today, now=now)
        cycle_id = await uow.kunjungan.current_cycle_id(koperasi_id)
    if cycle_id is None:
        return {}
    if codes:
        await uow.kunjungan.record_checklist(cycle_id, codes, person_id, now)
        await recompute_koperasi(uow, koperasi_id, policy, today, now=now)
    return await uow.kunjungan.checklist_states(cycle_id)

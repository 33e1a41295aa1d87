"""The status card's data: a cooperative, its current cycle and checklist, read in one go.

Two callers: /status (and the board's home) and the cooperative card of the office.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime
from typing import Any

from sqlalchemy import Row

from domain.koperasi_list import flags_of, shorten, stage_of
from domain.rat.checklist import reporting_system
from domain.rat.policy import CycleRules, RatPolicy
from domain.rat.status import CycleStatus, StatusCard, cycle_status, facts_of, with_follow_ups
from domain.rat.terms import card_terms, to_explain
from services.rat_report import After
from services.tindak_lanjut import owed_by_koperasi
from storage.repositories.rat_cycle import DEADLINE_COLUMNS, MILESTONE_COLUMNS
from storage.uow import UnitOfWork

# A card fits a phone's screen: the oldest few, the rest are in the officer's /tindaklanjut.
MAX_FOLLOW_UPS = 5


async def load_status(
    uow: UnitOfWork, koperasi_id: int, policy: RatPolicy, today: date
) -> StatusCard | None:
    """The card of a cooperative today; None when it does not exist.

    The caller checks the reader's right to see it (board seat or office scope).
    """
    row = await uow.rat_report.status_row(koperasi_id)  # cooperative, officer, cycle
    if row is None:
        return None
    current = None
    if row.cycle_id is not None:
        current = await _cycle_status(uow, row, policy, today)
    card = StatusCard(
        koperasi_id=row.id,
        nama=row.nama,
        tahap=stage_of(row.tahap),
        flags=flags_of(
            row.flag_terlambat_target,
            row.flag_terlambat_lapor,
            row.flag_lewat_batas_uu,
            row.flag_tidak_rat,
        ),
        status_aktivitas=row.status_aktivitas,
        petugas_id=row.petugas_id,
        petugas_name=row.officer_name,
        last_rat_tahun_buku=row.last_rat_tahun_buku,
        last_rat_date=row.last_rat_date,
        cycle=current,
        reporting_system=reporting_system(row.segmen),
    )
    return await _with_owed(uow, card, today)


async def status_after(
    uow: UnitOfWork, after: After, policy: RatPolicy, today: date
) -> StatusCard | None:
    """The card as a saved change left the cooperative, from the change's own reads (the
    lock's row, the recompute's read and plan): only the follow-ups owed are read, when the
    lock saw any. None when the recompute made the current cycle just now (the caller reads
    the card instead)."""
    values = after.plan.koperasi_values
    current = after.plan.state.current_tahun_buku
    cycle = None
    if current is not None:
        stored = after.rat.cycles.get(current)
        if stored is None:
            return None
        cycle = cycle_status(
            stored.rules,
            stored.facts,
            stored.mode,
            today,
            activity=_text(values.get("status_aktivitas")),
            policy=policy,
        )
    last_year, last_date = values.get("last_rat_tahun_buku"), values.get("last_rat_date")
    card = StatusCard(
        koperasi_id=after.rat.koperasi_id,
        nama=after.nama,
        tahap=stage_of(_text(values.get("tahap"))),
        flags=flags_of(
            bool(values.get("flag_terlambat_target")),
            bool(values.get("flag_terlambat_lapor")),
            bool(values.get("flag_lewat_batas_uu")),
            bool(values.get("flag_tidak_rat")),
        ),
        status_aktivitas=_text(values.get("status_aktivitas")),
        petugas_id=after.petugas_id,
        petugas_name=after.officer_name,
        last_rat_tahun_buku=last_year if isinstance(last_year, int) else None,
        last_rat_date=last_date if isinstance(last_date, date) else None,
        cycle=cycle,
        reporting_system=reporting_system(after.segmen),
    )
    if not after.owes_follow_ups:
        return with_follow_ups(card, [])
    return await _with_owed(uow, card, today)


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


async def _with_owed(uow: UnitOfWork, card: StatusCard, today: date) -> StatusCard:
    """The card with the follow-ups from officers' visits the board owes, earliest due
    first; the date in digits reads the same in every language."""
    owed = await owed_by_koperasi(uow, card.koperasi_id, today)
    lines = [
        f"{shorten(item.description, 150)} ({item.due_date:%d-%m-%Y})"
        for item in owed[:MAX_FOLLOW_UPS]
    ]
    return with_follow_ups(card, lines)


async def _cycle_status(
    uow: UnitOfWork, row: Row[*tuple[Any, ...]], policy: RatPolicy, today: date
) -> CycleStatus:
    """The current cycle's progress and next deadline, from its stored rules and entries."""
    rules = CycleRules.from_stored(
        row.tahun_buku, {name: getattr(row, name) for name in DEADLINE_COLUMNS}, row.checklist_spec
    )
    facts = facts_of(
        await uow.rat_report.states(row.cycle_id),
        {name: getattr(row, name) for name in MILESTONE_COLUMNS},
        row.ods_confirmed_by_person_id is not None,
    )
    return cycle_status(
        rules, facts, row.mode, today, activity=row.status_aktivitas, policy=policy
    )


async def new_terms(
    uow: UnitOfWork, person_id: int, card: StatusCard, seen: Collection[str] | None = None
) -> tuple[str, ...]:
    """The card's official terms this person has not had explained yet (reads only);
    `seen`: the terms they have seen, read already in this transaction (nothing read)."""
    if seen is None:
        seen = await uow.people.terms_seen(person_id)
    return to_explain(card_terms(card), seen)


async def first_seen_terms(
    uow: UnitOfWork,
    person_id: int,
    card: StatusCard,
    now: datetime,
    seen: Collection[str] | None = None,
) -> tuple[str, ...]:
    """The card's official terms this person sees for the first time, recorded as seen now
    (the caller commits before showing the card: each is explained once); `seen` as for
    `new_terms`."""
    new = await new_terms(uow, person_id, card, seen)
    if new:
        await uow.people.add_terms_seen(person_id, new, now)
    return new

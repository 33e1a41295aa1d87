"""The status card's data: a cooperative, its current cycle and checklist, read in one go.

Two callers: /status (and the board's home) and the cooperative card of the office.
"""

from __future__ import annotations

from datetime import date, datetime

from domain.koperasi_list import flags_of, shorten, stage_of
from domain.rat.policy import CycleRules, RatPolicy
from domain.rat.status import CycleStatus, StatusCard, cycle_status, facts_of, with_follow_ups
from domain.rat.terms import card_terms, to_explain
from services.tindak_lanjut import owed_by_koperasi
from storage.repositories.rat_cycle import DEADLINE_COLUMNS, MILESTONE_COLUMNS
from storage.tables import RatCycle
from storage.uow import UnitOfWork

# A card fits a phone's screen: the oldest few, the rest are in the officer's /tindaklanjut.
MAX_FOLLOW_UPS = 5


async def load_status(
    uow: UnitOfWork, koperasi_id: int, policy: RatPolicy, today: date
) -> StatusCard | None:
    """The card of a cooperative today; None when it does not exist.

    The caller checks the reader's right to see it (board seat or office scope).
    """
    found = await uow.koperasi_query.with_officer_name(koperasi_id)
    if found is None:
        return None
    koperasi, officer = found
    cycle = await uow.rat_report.current_cycle(koperasi_id)
    current = None
    if cycle is not None:
        current = await _cycle_status(uow, cycle, policy, today, koperasi.status_aktivitas)
    card = StatusCard(
        koperasi_id=koperasi.id,
        nama=koperasi.nama,
        tahap=stage_of(koperasi.tahap),
        flags=flags_of(
            koperasi.flag_terlambat_target,
            koperasi.flag_terlambat_lapor,
            koperasi.flag_lewat_batas_uu,
            koperasi.flag_tidak_rat,
        ),
        status_aktivitas=koperasi.status_aktivitas,
        petugas_id=koperasi.petugas_id,
        petugas_name=officer,
        last_rat_tahun_buku=koperasi.last_rat_tahun_buku,
        last_rat_date=koperasi.last_rat_date,
        cycle=current,
    )
    # The follow-ups from officers' visits that the board owes, earliest due first; the date
    # in digits reads the same in every language.
    owed = await owed_by_koperasi(uow, koperasi_id, today)
    lines = [
        f"{shorten(item.description, 150)} ({item.due_date:%d-%m-%Y})"
        for item in owed[:MAX_FOLLOW_UPS]
    ]
    return with_follow_ups(card, lines)


async def _cycle_status(
    uow: UnitOfWork, cycle: RatCycle, policy: RatPolicy, today: date, activity: str | None
) -> CycleStatus:
    """The current cycle's progress and next deadline, from its stored rules and entries."""
    rules = CycleRules.from_stored(
        cycle.tahun_buku,
        {name: getattr(cycle, name) for name in DEADLINE_COLUMNS},
        cycle.checklist_spec,
    )
    entries = await uow.rat_report.entries(cycle.id)
    facts = facts_of(
        {code: entry.status for code, entry in entries.items()},
        {name: getattr(cycle, name) for name in MILESTONE_COLUMNS},
        cycle.ods_confirmed_by_person_id is not None,
    )
    return cycle_status(rules, facts, cycle.mode, today, activity=activity, policy=policy)


async def new_terms(uow: UnitOfWork, person_id: int, card: StatusCard) -> tuple[str, ...]:
    """The card's official terms this person has not had explained yet (reads only)."""
    return to_explain(card_terms(card), await uow.people.terms_seen(person_id))


async def first_seen_terms(
    uow: UnitOfWork, person_id: int, card: StatusCard, now: datetime
) -> tuple[str, ...]:
    """The card's official terms this person sees for the first time, recorded as seen now
    (the caller commits before showing the card: each is explained once)."""
    new = await new_terms(uow, person_id, card)
    if new:
        uow.people.add_terms_seen(person_id, new, now)
    return new

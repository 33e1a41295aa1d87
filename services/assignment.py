"""Assigning cooperatives to officers, moving them between officers, deactivating an officer.

Every change is audited (ids only); the caller authorises, commits, then talks to Telegram.
Cooperatives without an officer are the admins' queue (`petugas_id` NULL). Removing a board
member is `services.onboarding.remove_board_member`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from domain.access import Role
from domain.errors import InputError
from domain.workload import AssignMode, AssignVia, Reassignment, reassignments
from locales import N_, Catalogues
from services.onboarding import refresh_chat_menu
from storage.repositories.outbox import PRIORITY_INTERACTIVE
from storage.repositories.petugas import PetugasRepository
from storage.uow import UnitOfWork


async def _require_officer(repo: PetugasRepository, person_id: int) -> None:
    if not await repo.is_officer(person_id):
        raise InputError(N_("petugas.error.not_officer"))


async def _apply(
    uow: UnitOfWork,
    actor_person_id: int | None,
    current: Mapping[int, int | None],
    new_petugas_id: int | None,
    via: AssignVia,
    now: datetime,
) -> list[Reassignment]:
    """Gives every cooperative in `current` the new officer and audits each change."""
    changes = reassignments(current, new_petugas_id)
    repo = PetugasRepository(uow.session)
    await repo.set_officer([c.koperasi_id for c in changes], new_petugas_id, now=now)
    for change in changes:
        await uow.audit.record(
            actor_person_id,
            "koperasi.petugas",
            "koperasi",
            change.koperasi_id,
            change.audit_details(via),
            at=now,
        )
    return changes


async def assign_kecamatan(
    uow: UnitOfWork,
    actor_person_id: int | None,
    officer_id: int,
    kecamatan: str,
    mode: AssignMode,
    now: datetime,
) -> list[Reassignment]:
    """Assigns the kecamatan's cooperatives (those without an officer, or all) to an officer."""
    repo = PetugasRepository(uow.session)
    await _require_officer(repo, officer_id)
    current = await repo.officers_of(
        kecamatan=kecamatan, unassigned_only=mode is AssignMode.UNASSIGNED
    )
    return await _apply(uow, actor_person_id, current, officer_id, AssignVia.KECAMATAN, now)


async def assign_one(
    uow: UnitOfWork,
    actor_person_id: int | None,
    koperasi_id: int,
    officer_id: int | None,
    now: datetime,
) -> list[Reassignment]:
    """Gives one cooperative an officer (None: back to the admins' queue)."""
    repo = PetugasRepository(uow.session)
    if officer_id is not None:
        await _require_officer(repo, officer_id)
    current = await repo.officers_of(koperasi_ids=[koperasi_id])
    if not current:
        raise InputError(N_("koperasi.error.not_found"))
    return await _apply(uow, actor_person_id, current, officer_id, AssignVia.ONE, now)


async def move_all(
    uow: UnitOfWork, actor_person_id: int | None, from_id: int, to_id: int, now: datetime
) -> list[Reassignment]:
    """Moves every cooperative of one officer to another."""
    repo = PetugasRepository(uow.session)
    await _require_officer(repo, to_id)
    current = await repo.officers_of(petugas_id=from_id)
    return await _apply(uow, actor_person_id, current, to_id, AssignVia.MOVE_ALL, now)


async def deactivate_officer(
    uow: UnitOfWork, actor_person_id: int | None, officer_id: int, now: datetime
) -> list[Reassignment]:
    """Revokes the petugas role; their cooperatives go to the admins' queue until reassigned."""
    repo = PetugasRepository(uow.session)
    await _require_officer(repo, officer_id)
    current = await repo.officers_of(petugas_id=officer_id)
    changes = await _apply(uow, actor_person_id, current, None, AssignVia.DEACTIVATE, now)
    await uow.roles.revoke(officer_id, Role.PETUGAS.value, now=now)
    await uow.audit.record(
        actor_person_id,
        "role.revoke",
        "person",
        officer_id,
        {"role": Role.PETUGAS.value, "koperasi_ids": [c.koperasi_id for c in changes]},
        at=now,
    )
    return changes


async def notify_assigned(
    uow: UnitOfWork,
    catalogues: Catalogues,
    officer_id: int,
    count: int,
    *,
    cause: str,
    now: datetime,
) -> bool:
    """Queues "N koperasi ditugaskan kepada Anda" for the officer, in their language.

    `cause` (e.g. the update id) makes the key: a redelivered update queues nothing twice.
    """
    person = await uow.people.get(officer_id)
    if count <= 0 or person is None or person.telegram_user_id is None:
        return False
    tr = catalogues.resolve(person.language, person.telegram_language_code)
    chat_id = person.telegram_user_id
    await uow.outbox.enqueue(
        idempotency_key=f"assigned:{officer_id}:{cause}",
        chat_id=chat_id,
        method="sendMessage",
        payload={
            "chat_id": chat_id,
            "text": tr.t("petugas.note.assigned", count=count),
            "parse_mode": "HTML",
        },
        kind="note",
        priority=PRIORITY_INTERACTIVE,
        now=now,
        person_id=officer_id,
    )
    return True


async def refresh_officer_menu(
    uow: UnitOfWork, catalogues: Catalogues, person_id: int, *, cause: str, now: datetime
) -> bool:
    """After a deactivation: the chat menu for the roles left, or none (docs/rules.md)."""
    person = await uow.people.get(person_id)
    if person is None or person.telegram_user_id is None:
        return False
    tr = catalogues.resolve(person.language, person.telegram_language_code)
    return await refresh_chat_menu(uow, person, person.telegram_user_id, tr, cause=cause, now=now)

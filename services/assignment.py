"""Assigning cooperatives to officers, moving them between officers, deactivating an officer.

Every change is audited (ids only); the caller authorises, commits, then talks to Telegram.
Cooperatives without an officer are the admins' queue (`petugas_id` NULL). Removing a board
member is `services.onboarding.remove_board_member`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import datetime

from domain.access import Role
from domain.errors import InputError
from domain.workload import AssignMode, AssignVia, Reassignment, reassignments
from locales import N_, Catalogues
from services.notes import queue_note
from services.roles import revoke_role
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
    repo = uow.petugas
    await repo.set_officer([c.koperasi_id for c in changes], new_petugas_id, now=now)
    # Open threads follow their cooperative to the new officer (or to the admins' queue).
    await uow.threads.follow_officer([c.koperasi_id for c in changes], new_petugas_id)
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
    repo = uow.petugas
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
    repo = uow.petugas
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
    repo = uow.petugas
    await _require_officer(repo, to_id)
    current = await repo.officers_of(petugas_id=from_id)
    return await _apply(uow, actor_person_id, current, to_id, AssignVia.MOVE_ALL, now)


async def deactivate_officer(
    uow: UnitOfWork,
    actor_person_id: int | None,
    officer_id: int,
    now: datetime,
    *,
    catalogues: Catalogues,
    cause: str,
) -> list[Reassignment]:
    """Revokes the petugas role; their cooperatives go to the admins' queue until reassigned.

    The officer is told, and so are the boards of her cooperatives (`notify_reassigned`); her
    chat menu follows her roles.
    """
    repo = uow.petugas
    await _require_officer(repo, officer_id)
    current = await repo.officers_of(petugas_id=officer_id)
    changes = await _apply(uow, actor_person_id, current, None, AssignVia.DEACTIVATE, now)
    await revoke_role(uow, officer_id, Role.PETUGAS, catalogues=catalogues, cause=cause, now=now)
    await uow.audit.record(
        actor_person_id,
        "role.revoke",
        "person",
        officer_id,
        {"role": Role.PETUGAS.value, "koperasi_ids": [c.koperasi_id for c in changes]},
        at=now,
    )
    officer = await uow.people.get(officer_id)
    await queue_note(
        uow, catalogues, officer, N_("petugas.note.deactivated"), cause=cause, now=now
    )
    await notify_reassigned(uow, catalogues, changes, cause=cause, now=now)
    return changes


async def notify_reassigned(
    uow: UnitOfWork,
    catalogues: Catalogues,
    changes: list[Reassignment],
    *,
    cause: str,
    now: datetime,
) -> None:
    """Tells everyone a change of officer concerns, each in their language (outbox).

    The new officer: how many cooperatives she was given; the previous one: how many were
    moved away (not when she was deactivated: she is told that); each cooperative's board:
    who their officer is now. `cause` (e.g. the update id) makes the keys: a redelivered
    update queues nothing twice.
    """
    gained = Counter(c.new_petugas_id for c in changes if c.new_petugas_id is not None)
    lost = Counter(c.old_petugas_id for c in changes if c.old_petugas_id is not None)
    for officer_id, count in gained.items():
        officer = await uow.people.get(officer_id)
        await queue_note(
            uow,
            catalogues,
            officer,
            N_("petugas.note.assigned"),
            cause=cause,
            now=now,
            count=count,
        )
    for officer_id, count in lost.items():
        if await uow.petugas.is_officer(officer_id):
            officer = await uow.people.get(officer_id)
            await queue_note(
                uow,
                catalogues,
                officer,
                N_("petugas.note.moved_away"),
                cause=cause,
                now=now,
                count=count,
            )
    for change in changes:
        await _tell_board(uow, catalogues, change, cause=cause, now=now)


async def _tell_board(
    uow: UnitOfWork, catalogues: Catalogues, change: Reassignment, *, cause: str, now: datetime
) -> None:
    """The board of one cooperative learns who their officer is now (or that none is yet)."""
    koperasi = await uow.koperasi.get(change.koperasi_id)
    if koperasi is None:
        return
    officer = await uow.people.get(change.new_petugas_id or 0)
    members = await uow.petugas.board_people(change.koperasi_id)
    for member in members:
        if officer is None:
            key, params = N_("board.note.no_officer"), {}
        else:
            tr = catalogues.resolve(member.language, member.telegram_language_code)
            name = officer.full_name or tr.t("koperasi.person.no_name")
            key, params = N_("board.note.new_officer"), {"name": name}
        await queue_note(
            uow,
            catalogues,
            member,
            key,
            cause=f"{cause}:{change.koperasi_id}",
            now=now,
            about=officer.id if officer is not None else None,
            koperasi=koperasi.nama,
            **params,
        )

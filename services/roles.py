"""A person's roles change here, whatever the path (command line, configured admins, invites,
officer deactivation, board removal): the grant or revocation, then what must follow it.

What follows is `roles_changed`: the chat's command menu for the roles held now (deleted once
none is left), and for a new admin every access request still waiting for a decision —
requests made while there was no admin reach the first one. All through the outbox.
"""

from __future__ import annotations

from datetime import datetime

from domain.access import Role, RoleGrant, Viewer
from locales import Catalogues
from services.join_requests import forward_pending_requests
from services.menus import delete_chat_menu, enqueue_chat_menu, menu_entries
from storage.tables import Person
from storage.tables import RoleGrant as RoleGrantRow
from storage.uow import UnitOfWork


async def viewer_of(uow: UnitOfWork, person: Person, chat_id: int) -> Viewer:
    """The person with their active roles, as the gate would load them."""
    grants = await uow.roles.active_roles(person.id)
    return Viewer(
        telegram_user_id=person.telegram_user_id or 0,
        chat_id=chat_id,
        person_id=person.id,
        grants=frozenset(RoleGrant(Role(g.role), g.koperasi_id) for g in grants),
        language=person.language,
    )


async def roles_changed(
    uow: UnitOfWork, person: Person, catalogues: Catalogues, *, cause: str, now: datetime
) -> Viewer | None:
    """Everything that follows a change of the person's roles; their viewer now (None when
    they have no Telegram account any more).

    `cause` makes the outbox keys: re-planning the same change queues nothing twice.
    """
    chat_id = person.telegram_user_id
    if chat_id is None:
        return None
    viewer = await viewer_of(uow, person, chat_id)
    if not viewer.is_known:
        await delete_chat_menu(uow, person, chat_id, cause=cause, now=now)
        return viewer
    tr = catalogues.resolve(person.language, person.telegram_language_code)
    entries = menu_entries(viewer, tr)
    await enqueue_chat_menu(uow, person, chat_id, entries, cause=cause, now=now)
    if viewer.has(Role.ADMIN):
        await forward_pending_requests(uow, person, catalogues, now)
    return viewer


async def grant_role(
    uow: UnitOfWork,
    person: Person,
    role: Role,
    *,
    catalogues: Catalogues,
    cause: str,
    now: datetime,
    koperasi_id: int | None = None,
    granted_by_person_id: int | None = None,
) -> RoleGrantRow:
    """Grants a role (an active identical grant is kept), then `roles_changed`."""
    grant = await uow.roles.grant(
        person.id,
        role,
        koperasi_id=koperasi_id,
        granted_by_person_id=granted_by_person_id,
        now=now,
    )
    await roles_changed(uow, person, catalogues, cause=cause, now=now)
    return grant


async def revoke_role(
    uow: UnitOfWork,
    person_id: int,
    role: Role,
    *,
    catalogues: Catalogues,
    cause: str,
    now: datetime,
    koperasi_id: int | None = None,
) -> int:
    """Revokes a role (for a board seat: of one cooperative); how many grants it ended.

    `roles_changed` follows when anything was revoked.
    """
    revoked = await uow.roles.revoke(person_id, role, koperasi_id=koperasi_id, now=now)
    person = await uow.people.get(person_id) if revoked else None
    if person is not None:
        await roles_changed(uow, person, catalogues, cause=cause, now=now)
    return revoked

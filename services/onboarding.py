"""Linking a person after consent (docs/rules.md): person row, role grant, invite use, audit, menu.

Also the other half: removing a board member. Both change roles through `services.roles`, so
the chat's command menu follows (set, or deleted once no role is left) through the outbox.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from domain.access import Role, Viewer
from domain.invites import BOARD_POSITIONS, InviteProblem, invite_problem, may_manage_board
from locales import N_, Catalogues
from services.consent import Newcomer
from services.invites import seat_conflict, state_of
from services.notes import queue_note
from services.roles import grant_role, revoke_role, viewer_of
from storage.repositories.invites import UseTaken
from storage.tables import Person
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class Redemption:
    """The result of using an invite: a problem, or the person's roles now."""

    problem: InviteProblem | None
    viewer: Viewer | None = None
    newly_linked: bool = False


async def redeem_invite(
    uow: UnitOfWork,
    invite_id: int,
    newcomer: Newcomer,
    catalogues: Catalogues,
    now: datetime,
) -> Redemption:
    """Links the newcomer through the invite they consented to; commit only without a problem.

    Creates or reuses the person (by Telegram id), records consent and the Telegram name,
    counts the use (never beyond `max_uses`), grants the role (`services.roles`: the chat's
    menu follows), audits. The same person again is not an error and grants nothing.
    """
    repo = uow.invites
    invite = await repo.get(invite_id)
    person = await uow.people.get_by_telegram_id(newcomer.telegram_user_id)
    if invite is not None and person is not None and await repo.used_by(invite.id, person.id):
        return Redemption(None, await viewer_of(uow, person, newcomer.chat_id))
    problem = invite_problem(state_of(invite), now)
    if invite is None or problem is not None:
        return Redemption(problem or InviteProblem.UNKNOWN)
    if person is None:
        person = await uow.people.add(telegram_user_id=newcomer.telegram_user_id, now=now)
    koperasi = await uow.koperasi.get(invite.koperasi_id) if invite.koperasi_id else None
    if await seat_conflict(uow, person.id, koperasi):
        return Redemption(InviteProblem.SUPERVISES)
    taken = await repo.take_use(invite.id, person.id, now)
    if taken is UseTaken.REFUSED:  # someone took the last use since the check above
        await uow.session.refresh(invite)
        return Redemption(invite_problem(state_of(invite), now) or InviteProblem.USED_UP)
    _record_consent(person, newcomer, now)
    role = Role(invite.role)
    await grant_role(
        uow,
        person,
        role,
        catalogues=catalogues,
        cause=f"invite:{invite.id}",
        now=now,
        koperasi_id=invite.koperasi_id,
        granted_by_person_id=invite.created_by_person_id,
    )
    details = {"invite_id": invite.id, "role": role.value, "koperasi_id": invite.koperasi_id}
    await uow.audit.record(person.id, "invite.redeem", "person", person.id, details, at=now)
    viewer = await viewer_of(uow, person, newcomer.chat_id)
    return Redemption(None, viewer, newly_linked=taken is UseTaken.TAKEN)


def _record_consent(person: Person, newcomer: Newcomer, now: datetime) -> None:
    """Consent given: its time, and the Telegram name and language, unless already known."""
    person.consent_at = person.consent_at or now
    if person.full_name is None and newcomer.full_name:
        person.full_name = newcomer.full_name
    if person.telegram_language_code is None:
        person.telegram_language_code = newcomer.language_code
    person.updated_at = now


class BoardRemoval(StrEnum):
    """The result of removing someone from a cooperative's board."""

    REMOVED = "removed"
    NOT_MEMBER = "not_member"
    NOT_ALLOWED = "not_allowed"
    # A board member may not take the last linked member off (the office may).
    LAST_MEMBER = "last_member"


async def remove_board_member(
    uow: UnitOfWork,
    actor: Viewer,
    koperasi_id: int,
    person_id: int,
    now: datetime,
    *,
    catalogues: Catalogues,
    by_board: bool = False,
) -> BoardRemoval:
    """Takes a person off a cooperative's board (an admin, or the cooperative's officer;
    with `by_board`, when the latest RAT held recorded elections, also a member of that board —
    never the last linked member, who would leave the cooperative with no board on Gempur).

    Audited; the person is told (in their language), their chat menu follows (deleted when no
    role is left), and a remembered choice of that cooperative is forgotten.
    """
    koperasi = await uow.koperasi.get(koperasi_id)
    if koperasi is None:
        return BoardRemoval.NOT_ALLOWED
    if not may_manage_board(actor, koperasi.petugas_id):
        if not by_board or koperasi_id not in actor.board_koperasi_ids():
            return BoardRemoval.NOT_ALLOWED
        # Locked before counting: two members taking each other off at once are serialised,
        # so the second sees one member left and the cooperative keeps a board.
        await uow.rat_cycles.lock_koperasi(koperasi_id)
        if not await uow.rat_cycles.last_rat_had_elections(koperasi_id):
            return BoardRemoval.NOT_ALLOWED  # an old or made-up button, not the check after one
        if len(await uow.koperasi_query.board(koperasi_id)) <= 1:
            return BoardRemoval.LAST_MEMBER
    cause = f"board-removed:{koperasi_id}:{now.isoformat()}"
    if not await revoke_role(
        uow,
        person_id,
        Role.PENGURUS,
        catalogues=catalogues,
        cause=cause,
        now=now,
        koperasi_id=koperasi_id,
    ):
        return BoardRemoval.NOT_MEMBER
    person = await uow.people.get(person_id)
    if person is not None and person.selected_koperasi_id == koperasi_id:
        person.selected_koperasi_id = None
    details = {"koperasi_id": koperasi_id, "role": Role.PENGURUS.value}
    await uow.audit.record(actor.person_id, "board.remove", "person", person_id, details, at=now)
    await queue_note(
        uow,
        catalogues,
        person,
        N_("board.note.removed"),
        cause=cause,
        now=now,
        koperasi=koperasi.nama,
    )
    return BoardRemoval.REMOVED


async def set_board_position(
    uow: UnitOfWork, person_id: int, koperasi_id: int, jabatan: str, now: datetime
) -> bool:
    """Records the person's position on a board they sit on; False if they do not sit on it
    (removed meanwhile, or a made-up button). Audited with the code only."""
    if jabatan not in BOARD_POSITIONS or not await uow.roles.has_role(
        person_id, Role.PENGURUS, koperasi_id=koperasi_id
    ):
        return False
    await uow.roles.grant(
        person_id, Role.PENGURUS, koperasi_id=koperasi_id, jabatan=jabatan, now=now
    )
    details = {"koperasi_id": koperasi_id, "jabatan": jabatan}
    await uow.audit.record(person_id, "board.jabatan", "person", person_id, details, at=now)
    return True


async def correct_board_position(
    uow: UnitOfWork, person_id: int, jabatan: str, now: datetime
) -> bool:
    """A correction from /privasi: the position on the board the person chose last (home
    menu's *Ganti koperasi*), or on their only board; False when neither is known."""
    seats = [
        grant.koperasi_id
        for grant in await uow.roles.active_roles(person_id)
        if grant.role == Role.PENGURUS.value and grant.koperasi_id is not None
    ]
    person = await uow.people.get(person_id)
    chosen = person.selected_koperasi_id if person is not None else None
    if chosen not in seats:
        chosen = seats[0] if len(seats) == 1 else None
    if chosen is None:
        return False
    return await set_board_position(uow, person_id, chosen, jabatan, now)

"""Linking a person after consent (docs/rules.md): person row, role grant, invite use, audit, menu.

Also the other half of a person's roles changing: removing a board member, and the chat's
command menu that follows the roles (set, or deleted once no role is left), through the outbox.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from config import AppConfig
from domain.access import Role, RoleGrant, Viewer
from domain.callbacks import ConsentButton, ConsentDecline
from domain.invites import InviteProblem, consent_tag, invite_problem, may_manage_board
from locales import N_, Catalogues, Translator
from services.invites import invites_of, state_of
from services.menus import MENU_KIND, enqueue_chat_menu, menu_entries
from storage.repositories.invites import UseTaken
from storage.repositories.outbox import PRIORITY_INTERACTIVE
from storage.tables import Person
from storage.uow import UnitOfWork

ROLE_NAME_KEYS = {
    Role.ADMIN: N_("role.admin"),
    Role.PIMPINAN: N_("role.pimpinan"),
    Role.PETUGAS: N_("role.petugas"),
    Role.PENGURUS: N_("role.pengurus"),
}
Buttons = Sequence[tuple[str, str]]  # (label, callback data), one button per row


def role_names(tr: Translator, roles: frozenset[Role]) -> str:
    """The roles held, in a fixed order, as one comma-separated phrase."""
    return ", ".join(tr.t(key) for role, key in ROLE_NAME_KEYS.items() if role in roles)


def inline_keyboard(buttons: Buttons) -> dict[str, Any]:
    """Bot API reply markup (JSON) for an outbox payload."""
    return {"inline_keyboard": [[{"text": text, "callback_data": data}] for text, data in buttons]}


def privacy_notice(tr: Translator, cfg: AppConfig) -> str:
    """The privacy notice of /privasi: what is stored, why, who sees it, for how long."""
    return tr.t(
        "privacy.notice",
        office=cfg.region.office,
        thread_days=cfg.privacy.thread_retention_days,
        draft_days=cfg.forms.draft_retention_days,
        contact=cfg.privacy.contact,
    )


def consent_request(
    tr: Translator,
    cfg: AppConfig,
    *,
    role: Role,
    koperasi_nama: str | None,
    invite_id: int,
    code_hash: str,
    telegram_user_id: int,
) -> tuple[str, Buttons]:
    """What the invited person reads before anything is stored, and the two buttons."""
    if koperasi_nama is not None:
        invited = tr.t("onboarding.invited_board", koperasi=koperasi_nama)
    else:
        invited = tr.t("onboarding.invited_as", role=tr.t(ROLE_NAME_KEYS[role]))
    question = tr.t("onboarding.consent_question")
    text = "\n\n".join([invited, privacy_notice(tr, cfg), question])
    tag = consent_tag(code_hash, invite_id, telegram_user_id)
    buttons = [
        (tr.t("onboarding.button.agree"), ConsentButton(invite_id, tag).encode()),
        (tr.t("onboarding.button.disagree"), ConsentDecline().encode()),
    ]
    return text, buttons


@dataclass(frozen=True)
class Newcomer:
    """The person consenting, as Telegram describes them; nothing of it is stored before."""

    telegram_user_id: int
    chat_id: int
    full_name: str | None
    language_code: str | None


@dataclass(frozen=True)
class Redemption:
    """The result of using an invite: a problem, or the person's roles now."""

    problem: InviteProblem | None
    viewer: Viewer | None = None
    newly_linked: bool = False


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


async def redeem_invite(
    uow: UnitOfWork, invite_id: int, newcomer: Newcomer, tr: Translator, now: datetime
) -> Redemption:
    """Links the newcomer through the invite they consented to; commit only without a problem.

    Creates or reuses the person (by Telegram id), records consent and the Telegram name,
    counts the use (never beyond `max_uses`), grants the role, audits, and queues the chat's
    command menu in `tr`'s language. The same person again is not an error and grants nothing.
    """
    repo = invites_of(uow)
    invite = await repo.get(invite_id)
    person = await uow.people.get_by_telegram_id(newcomer.telegram_user_id)
    if invite is not None and person is not None and await repo.used_by(invite.id, person.id):
        return Redemption(None, await viewer_of(uow, person, newcomer.chat_id))
    problem = invite_problem(state_of(invite), now)
    if invite is None or problem is not None:
        return Redemption(problem or InviteProblem.UNKNOWN)
    if person is None:
        person = await uow.people.add(telegram_user_id=newcomer.telegram_user_id, now=now)
    taken = await repo.take_use(invite.id, person.id, now)
    if taken is UseTaken.REFUSED:  # someone took the last use since the check above
        await uow.session.refresh(invite)
        return Redemption(invite_problem(state_of(invite), now) or InviteProblem.USED_UP)
    _record_consent(person, newcomer, now)
    role = Role(invite.role)
    await uow.roles.grant(
        person.id,
        role,
        koperasi_id=invite.koperasi_id,
        granted_by_person_id=invite.created_by_person_id,
        now=now,
    )
    details = {"invite_id": invite.id, "role": role.value, "koperasi_id": invite.koperasi_id}
    await uow.audit.record(person.id, "invite.redeem", "person", person.id, details, at=now)
    await refresh_chat_menu(
        uow, person, newcomer.chat_id, tr, cause=f"invite:{invite.id}", now=now
    )
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


async def refresh_chat_menu(
    uow: UnitOfWork, person: Person, chat_id: int, tr: Translator, *, cause: str, now: datetime
) -> bool:
    """Queues the chat's command menu for the person's roles now, or its removal if none.

    `cause` makes the outbox key (see `enqueue_chat_menu`). Returns whether a row was queued.
    """
    viewer = await viewer_of(uow, person, chat_id)
    if viewer.is_known:
        entries = menu_entries(viewer, tr)
        return await enqueue_chat_menu(uow, person, chat_id, entries, cause=cause, now=now)
    if person.menu_state is None:
        return False  # no menu of its own was ever set: the public one already applies
    await uow.outbox.enqueue(
        idempotency_key=f"menu:{chat_id}:{cause}",
        chat_id=chat_id,
        method="deleteMyCommands",
        payload={"scope": {"type": "chat", "chat_id": chat_id}},
        kind=MENU_KIND,
        priority=PRIORITY_INTERACTIVE,
        now=now,
        person_id=person.id,
        superseding=True,
    )
    person.menu_state = None
    return True


class BoardRemoval(StrEnum):
    """The result of removing someone from a cooperative's board."""

    REMOVED = "removed"
    NOT_MEMBER = "not_member"
    NOT_ALLOWED = "not_allowed"


async def remove_board_member(
    uow: UnitOfWork,
    actor: Viewer,
    koperasi_id: int,
    person_id: int,
    now: datetime,
    *,
    catalogues: Catalogues,
) -> BoardRemoval:
    """Takes a person off a cooperative's board (an admin, or the cooperative's officer).

    Audited; the person's chat menu follows (deleted when no role is left), and a remembered
    choice of that cooperative is forgotten.
    """
    koperasi = await uow.koperasi.get(koperasi_id)
    if koperasi is None or not may_manage_board(actor, koperasi.petugas_id):
        return BoardRemoval.NOT_ALLOWED
    if not await uow.roles.revoke(person_id, Role.PENGURUS, koperasi_id=koperasi_id, now=now):
        return BoardRemoval.NOT_MEMBER
    details = {"koperasi_id": koperasi_id, "role": Role.PENGURUS.value}
    await uow.audit.record(actor.person_id, "board.remove", "person", person_id, details, at=now)
    person = await uow.people.get(person_id)
    if person is None:
        return BoardRemoval.REMOVED
    if person.selected_koperasi_id == koperasi_id:
        person.selected_koperasi_id = None
    if person.telegram_user_id is not None:
        tr = catalogues.resolve(person.language, person.telegram_language_code)
        cause = f"board-removed:{koperasi_id}:{now.isoformat()}"
        await refresh_chat_menu(uow, person, person.telegram_user_id, tr, cause=cause, now=now)
    return BoardRemoval.REMOVED

"""Join requests (docs/rules.md): a stranger asks, every admin is told, the first decision wins.

Approval works like an invite: it makes a single-use invite for the chosen role whose code
nobody ever sees, and sends the requester the privacy notice with consent buttons bound to
them. Messages to the requester and the admins go through the outbox.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from config import AppConfig
from domain.access import Role, Viewer
from domain.callbacks import JoinButton
from domain.invites import JOIN_ROLES, ask_again_at, hash_code
from locales import Catalogues, Translator
from services.consent import (
    ROLE_NAME_KEYS,
    Buttons,
    Newcomer,
    consent_request,
    inline_keyboard,
)
from services.invites import create_invite
from storage.repositories.join_requests import (
    APPROVED,
    DRAFT,
    PENDING,
    REFUSED,
)
from storage.repositories.outbox import PRIORITY_INTERACTIVE
from storage.tables import JoinRequest, Person
from storage.uow import UnitOfWork

# Texts people may type into a request are short: it is a note, not a letter.
NOTE_MAX_LENGTH = 300
# How many waiting requests one admin's list (or a new admin's catch-up) shows at once.
PENDING_SHOWN = 5


@dataclass(frozen=True)
class Asked:
    """What *Minta akses* found: the open request (draft or pending), or when a person whose
    last request was refused may ask again."""

    request: JoinRequest | None
    ask_again_at: datetime | None = None


async def open_join_request(
    uow: UnitOfWork, newcomer: Newcomer, cooldown_days: int, now: datetime
) -> Asked:
    """The newcomer's open request, or a new draft holding the Telegram name they asked with;
    nothing new within `cooldown_days` of a refusal.

    A stranger's person row is made with only the Telegram id and app language (as /bahasa
    does), so the answer later reaches them in their language.
    """
    repo = uow.join_requests
    existing = await repo.open_for(newcomer.telegram_user_id)
    if existing is not None:
        return Asked(existing)
    refused = await repo.last_refused_for(newcomer.telegram_user_id)
    again = ask_again_at(refused.decided_at if refused else None, cooldown_days, now)
    if again is not None:
        return Asked(None, again)
    if await uow.people.get_by_telegram_id(newcomer.telegram_user_id) is None:
        await uow.people.add(
            telegram_user_id=newcomer.telegram_user_id,
            telegram_language_code=newcomer.language_code,
            now=now,
        )
    draft = await repo.add_draft(
        telegram_user_id=newcomer.telegram_user_id,
        chat_id=newcomer.chat_id,
        display_name=newcomer.full_name,
        now=now,
    )
    return Asked(draft)


def awaits_decision(request: JoinRequest) -> bool:
    """Whether the request reached the admins and none of them has decided yet."""
    return request.status == PENDING


def _language(catalogues: Catalogues, person: Person | None) -> Translator:
    if person is None:
        return catalogues.get(None)
    return catalogues.resolve(person.language, person.telegram_language_code)


async def submit_join_request(
    uow: UnitOfWork,
    request_id: int,
    telegram_user_id: int,
    note: str | None,
    catalogues: Catalogues,
    now: datetime,
) -> bool:
    """Sends a drafted request to every admin; False if it is not this person's draft."""
    repo = uow.join_requests
    request = await repo.get(request_id)
    if request is None or request.telegram_user_id != telegram_user_id:
        return False
    if not await repo.submit(request_id, note, now):
        return False
    for admin in await uow.people.reachable_admins():
        await _tell_admin(uow, request, admin, catalogues, now)
    requester = await uow.people.get_by_telegram_id(telegram_user_id)
    actor = requester.id if requester is not None else None
    await uow.audit.record(actor, "join.request", "join_request", request_id, at=now)
    return True


async def forward_pending_requests(
    uow: UnitOfWork, admin: Person, catalogues: Catalogues, now: datetime
) -> int:
    """Queues the requests still waiting for a decision for one (new) admin; how many.

    The outbox key is the one `submit_join_request` uses, so an admin who was told of a
    request already is not told again: requests made while nobody was admin reach the first.
    """
    if admin.telegram_user_id is None or not admin.reachable:
        return 0
    waiting = await uow.join_requests.pending(limit=PENDING_SHOWN)
    for request in waiting:
        await _tell_admin(uow, request, admin, catalogues, now)
    return len(waiting)


async def _tell_admin(
    uow: UnitOfWork, request: JoinRequest, admin: Person, catalogues: Catalogues, now: datetime
) -> None:
    text, buttons = request_card(_language(catalogues, admin), request)
    key = f"join:{request.id}:admin:{admin.id}"
    await _send(uow, admin.telegram_user_id, key, now, text, buttons, admin.id)


def request_card(tr: Translator, request: JoinRequest) -> tuple[str, Buttons]:
    """A request as an admin reads it, with *Setujui sebagai …* and *Tolak*."""
    name = request.display_name or tr.t("join.no_name")
    lines = [tr.t("join.admin_request", number=str(request.id), name=name)]
    if request.note:
        lines.append(tr.t("join.admin_note", note=request.note))
    lines.append(tr.t("join.admin_instruction"))
    return "\n".join(lines), _decision_buttons(tr, request.id)


async def pending_requests(uow: UnitOfWork) -> tuple[list[JoinRequest], int]:
    """The oldest requests waiting for a decision (a few), and how many wait in all."""
    repo = uow.join_requests
    return await repo.pending(limit=PENDING_SHOWN), await repo.count_pending()


def _decision_buttons(tr: Translator, request_id: int) -> Buttons:
    approve = [
        (
            tr.t("join.button.approve", role=tr.t(ROLE_NAME_KEYS[role])),
            JoinButton(request_id, role).encode(),
        )
        for role in JOIN_ROLES
    ]
    return [*approve, (tr.t("join.button.refuse"), JoinButton(request_id, None).encode())]


async def _send(
    uow: UnitOfWork,
    chat_id: int | None,
    key: str,
    now: datetime,
    text: str,
    buttons: Buttons,
    person_id: int | None,
) -> None:
    if chat_id is None:
        return
    payload: dict[str, object] = {"chat_id": chat_id, "text": text, "parse_mode": "HTML"}
    if buttons:
        payload["reply_markup"] = inline_keyboard(buttons)
    await uow.outbox.enqueue(
        idempotency_key=key,
        chat_id=chat_id,
        method="sendMessage",
        payload=payload,
        kind="join_request",
        priority=PRIORITY_INTERACTIVE,
        now=now,
        person_id=person_id,
    )


class Decided(StrEnum):
    """What became of an admin's decision."""

    DECIDED = "decided"
    ALREADY = "already"  # another admin decided first
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class JoinDecision:
    """The outcome, and who decided first when it was someone else."""

    outcome: Decided
    approved: bool = False
    decided_by: str | None = None  # the other admin's name, when known
    requester: str | None = None


async def decide_join_request(
    uow: UnitOfWork,
    request_id: int,
    admin: Viewer,
    role: Role | None,
    *,
    cfg: AppConfig,
    catalogues: Catalogues,
    now: datetime,
) -> JoinDecision:
    """Approves (`role`) or refuses (None) a pending request; one UPDATE picks the first admin.

    Approval makes a hidden single-use invite for `role` and sends the requester the privacy
    notice with consent buttons; refusal tells them so. Commit after a DECIDED outcome.
    """
    repo = uow.join_requests
    request = await repo.get(request_id)
    if request is None or request.status == DRAFT or admin.person_id is None:
        return JoinDecision(Decided.UNKNOWN)
    status = APPROVED if role is not None else REFUSED
    if request.status != PENDING or not await repo.decide(
        request_id, status, admin.person_id, now
    ):
        await uow.session.refresh(request)
        decider = await uow.people.get(request.decided_by_person_id or 0)
        name = decider.full_name if decider is not None else None
        return JoinDecision(Decided.ALREADY, request.status == APPROVED, name)
    details: dict[str, object] = {"request_id": request_id, "role": role and role.value}
    invite_id = await _answer_requester(uow, request, role, admin, cfg, catalogues, now)
    if invite_id is not None:
        details["invite_id"] = invite_id
    action = "join.approve" if role is not None else "join.refuse"
    await uow.audit.record(admin.person_id, action, "join_request", request_id, details, at=now)
    return JoinDecision(Decided.DECIDED, role is not None, requester=request.display_name)


async def _answer_requester(
    uow: UnitOfWork,
    request: JoinRequest,
    role: Role | None,
    admin: Viewer,
    cfg: AppConfig,
    catalogues: Catalogues,
    now: datetime,
) -> int | None:
    """Queues the decision for the requester; returns the hidden invite's id on approval."""
    requester = await uow.people.get_by_telegram_id(request.telegram_user_id or 0)
    tr = _language(catalogues, requester)
    key, person_id = f"join:{request.id}:outcome", requester.id if requester else None
    if role is None:
        await _send(uow, request.chat_id, key, now, tr.t("join.refused"), [], person_id)
        return None
    invite = await create_invite(
        uow, actor_person_id=admin.person_id, role=role, cfg=cfg.access, now=now
    )
    if invite is None:  # pragma: no cover - a role without a cooperative is always valid
        raise RuntimeError("invite for a join request refused")
    text, buttons = consent_request(
        tr,
        cfg,
        role=role,
        koperasi_nama=None,
        invite_id=invite.invite_id,
        code_hash=hash_code(invite.code),
        telegram_user_id=request.telegram_user_id or 0,
    )
    approved = tr.t("join.approved", role=tr.t(ROLE_NAME_KEYS[role]))
    await _send(uow, request.chat_id, key, now, f"{approved}\n\n{text}", buttons, person_id)
    return invite.invite_id

"""A person's rights over their data (UU 27/2022): see it, correct it, take it, erase it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update

from storage.tables import AuditLog, FormSession, JoinRequest, Outbox, Person, RoleGrant
from storage.uow import UnitOfWork
from storage.viewer_changes import touches_viewers

# Outbox rows not yet handed to Telegram; erasing a person cancels them (no message after it).
_UNSENT = ("pending",)


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


async def export_personal_data(uow: UnitOfWork, person_id: int) -> dict[str, Any]:
    """Everything stored about the person, as JSON-ready data."""
    person = await uow.people.get(person_id)
    if person is None:
        return {}
    grants = await uow.session.scalars(select(RoleGrant).where(RoleGrant.person_id == person_id))
    forms = await uow.session.scalars(
        select(FormSession).where(FormSession.user_id == person.telegram_user_id)
    )
    audit = await uow.session.scalars(
        select(AuditLog)
        .where(
            (AuditLog.actor_person_id == person_id)
            | ((AuditLog.entity == "person") & (AuditLog.entity_id == str(person_id)))
        )
        .order_by(AuditLog.at)
    )
    return {
        "person": {
            "telegram_user_id": person.telegram_user_id,
            "full_name": person.full_name,
            "phone": person.phone,
            "username": person.username,
            "language": person.language,
            "consent_at": _when(person.consent_at),
            "reachable": person.reachable,
            "created_at": _when(person.created_at),
        },
        "roles": [
            {
                "role": grant.role,
                "koperasi_id": grant.koperasi_id,
                "jabatan": grant.jabatan,
                "active": grant.active,
                "granted_at": _when(grant.granted_at),
                "revoked_at": _when(grant.revoked_at),
            }
            for grant in grants
        ],
        "forms": [
            {"form": form.form, "status": form.status, "step": form.step, "answers": form.answers}
            for form in forms
        ],
        "activity": [
            {"at": _when(entry.at), "action": entry.action, "entity": entry.entity}
            for entry in audit
        ],
    }


async def correct_personal_data(
    uow: UnitOfWork,
    person_id: int,
    *,
    now: datetime,
    full_name: str | None = None,
    phone: str | None = None,
    clear_phone: bool = False,
) -> None:
    """Stores a correction the person made themselves, and audits which field changed."""
    values: dict[str, Any] = {"updated_at": now}
    if full_name is not None:
        values["full_name"] = full_name
    if phone is not None or clear_phone:
        values["phone"] = phone
    await uow.session.execute(
        update(Person)
        .where(Person.id == person_id)
        .values(**values)
        .execution_options(**touches_viewers(person_ids=[person_id]))
    )
    fields = sorted(key for key in values if key != "updated_at")
    await uow.audit.record(
        person_id, "person.correct", "person", person_id, {"fields": fields}, at=now
    )


async def erase_person(uow: UnitOfWork, person_id: int, *, now: datetime) -> None:
    """Withdrawn consent: unlink and erase at once, stop every message, keep an anonymous trail.

    The person row stays (ids in the audit trail and reports still point at something) but
    holds nothing that identifies anyone.
    """
    person = await uow.people.get(person_id)
    if person is None or person.erased_at is not None:
        return
    chat_id = person.telegram_user_id
    await uow.session.execute(
        update(RoleGrant)
        .where(RoleGrant.person_id == person_id, RoleGrant.active.is_(True))
        .values(active=False, revoked_at=now)
        .execution_options(**touches_viewers(person_ids=[person_id]))
    )
    if chat_id is not None:
        # Their forms: the bot serves private chats only, whose id is the user's id.
        await uow.session.execute(
            delete(FormSession)
            .where(FormSession.user_id == chat_id)
            .execution_options(**touches_viewers(telegram_user_ids=[chat_id], chat_ids=[chat_id]))
        )
        await uow.session.execute(
            update(Outbox)
            .where(Outbox.chat_id == chat_id, Outbox.status.in_(_UNSENT))
            .values(status="cancelled", error="erased")
        )
        await uow.session.execute(
            delete(JoinRequest).where(JoinRequest.telegram_user_id == chat_id)
        )
    await uow.session.execute(
        update(Person)
        .where(Person.id == person_id)
        .values(
            telegram_user_id=None,
            full_name=None,
            phone=None,
            username=None,
            language=None,
            telegram_language_code=None,
            consent_at=None,
            menu_state=None,
            selected_koperasi_id=None,
            erased_at=now,
            updated_at=now,
        )
        .execution_options(
            synchronize_session="fetch",
            **touches_viewers(telegram_user_ids=[chat_id], person_ids=[person_id]),
        )
    )
    await uow.audit.record(person_id, "person.erase", "person", person_id, {}, at=now)

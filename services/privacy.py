"""A person's rights over their data (UU 27/2022): see it, correct it, take it, erase it."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.engine import purge_wal
from storage.uow import UnitOfWork

logger = logging.getLogger(__name__)


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


async def export_personal_data(uow: UnitOfWork, person_id: int) -> dict[str, Any]:
    """Everything stored about the person, as JSON-ready data."""
    person = await uow.people.get(person_id)
    if person is None:
        return {}
    grants = await uow.privacy.grants(person_id)
    forms = (
        await uow.privacy.forms(person.telegram_user_id)
        if person.telegram_user_id is not None
        else []
    )
    audit = await uow.privacy.activity(person_id)
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
        "terms_explained": sorted(await uow.people.terms_seen(person_id)),
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
    await uow.privacy.correct(person_id, values)
    fields = sorted(key for key in values if key != "updated_at")
    await uow.audit.record(
        person_id, "person.correct", "person", person_id, {"fields": fields}, at=now
    )


async def erase_person(uow: UnitOfWork, person_id: int, *, now: datetime) -> None:
    """Withdrawn consent: unlink and erase at once, stop every message, keep an anonymous trail.

    The person row stays (ids in the audit trail and reports still point at something) but
    holds nothing that identifies anyone; so do the rows that held their Telegram id or were
    written about them (`storage.repositories.privacy`). Commit, then :func:`purge_erased`.
    """
    person = await uow.people.get(person_id)
    if person is None or person.erased_at is not None:
        return
    await uow.privacy.erase(person, now)
    await uow.audit.record(person_id, "person.erase", "person", person_id, {}, at=now)


async def purge_erased(engine: AsyncEngine) -> None:
    """After an erasure's commit: no older copy of the erased rows stays in the database files.

    SQLite overwrites freed content with zeros (``secure_delete``, set on every connection);
    older versions of the changed pages still sit in the write-ahead log until it is copied
    into the database and emptied. Give it the background engine (the copy runs on a thread).
    The erasure itself is committed already: a failure here is logged, not raised.
    """
    try:
        emptied = await purge_wal(engine)
    except SQLAlchemyError as error:
        logger.warning("WAL not emptied after an erasure: %s", type(error).__name__)
        return
    if emptied is False:
        logger.warning("WAL not emptied after an erasure: the database was busy")

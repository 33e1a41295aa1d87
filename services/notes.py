"""Short notes to someone other than the sender of the update: in their language, through the
outbox (officers told of a reassignment, a board member told they were removed, …)."""

from __future__ import annotations

from datetime import datetime

from locales import Catalogues
from storage.repositories.outbox import PRIORITY_INTERACTIVE
from storage.repositories.privacy import about_key
from storage.tables import Person
from storage.uow import UnitOfWork

NOTE_KIND = "note"


async def queue_note(
    uow: UnitOfWork,
    catalogues: Catalogues,
    person: Person | None,
    key: str,
    *,
    cause: str,
    now: datetime,
    about: int | None = None,
    **params: object,
) -> bool:
    """Queues message `key` (with `params`) for the person, in their language.

    `cause` makes the idempotency key with the person's id and the message key: planning the
    same note again queues nothing. `about`: the person the note names (e.g. the new officer),
    so that erasing that person empties it. False when the recipient has no Telegram account
    any more, or blocked the bot (the sender would only cancel it).
    """
    if person is None or person.telegram_user_id is None or not person.reachable:
        return False
    tr = catalogues.resolve(person.language, person.telegram_language_code)
    chat_id = person.telegram_user_id
    idempotency_key = f"note:{person.id}:{key}:{cause}"
    if about is not None:
        idempotency_key = about_key(about, idempotency_key)
    # Once per key: the same note again is one ignored INSERT (no read of the queued row).
    await uow.outbox.enqueue_once(
        idempotency_key=idempotency_key,
        chat_id=chat_id,
        method="sendMessage",
        payload={"chat_id": chat_id, "text": tr.t(key, **params), "parse_mode": "HTML"},
        kind=NOTE_KIND,
        priority=PRIORITY_INTERACTIVE,
        now=now,
        person_id=person.id,
    )
    return True

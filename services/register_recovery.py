"""After a restart: tell the admin what became of an import a crash interrupted.

A confirmed import is committed as `applying` before its transaction begins, and that
transaction's first statement moves it to `applied`. So at start-up (on the leader, before
any update is handled) an import still `applying` was never applied — all or nothing — and is
closed as failed; one `applied` whose result the admin was never shown (no `reported` mark)
was applied. Either way the admin hears it through the outbox.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from domain.forms import FormStatus
from locales import Catalogues, Translator
from services.outbox.enqueue import enqueue_message
from services.register_chat import APPLYING
from services.register_pending import settle
from storage.repositories.outbox import PRIORITY_INTERACTIVE
from storage.uow import UnitOfWork


async def report_interrupted_imports(
    uow: UnitOfWork, catalogues: Catalogues, now: datetime
) -> int:
    """Closes imports a crash left `applying` and queues each admin's answer; the caller
    commits. Returns how many imports were reported.
    """
    rows = await uow.pending_imports.with_status(APPLYING, FormStatus.APPLIED)
    reported = 0
    for row in rows:
        answers: Mapping[str, Any] = row.answers
        if "applying_at" not in answers or answers.get("reported"):
            continue  # applied before this check existed, or the admin saw the result
        tr = await _translator(uow, catalogues, row.user_id)
        name = answers.get("name") or ""
        if row.status == APPLYING:
            text = tr.t("impor.interrupted.not_applied", name=name)
            status = FormStatus.FAILED
        else:
            counts: Mapping[str, int] = answers.get("result") or {}
            text = tr.t(
                "impor.interrupted.applied",
                name=name,
                added=counts.get("added", 0),
                updated=counts.get("updated", 0),
            )
            status = FormStatus.APPLIED
        await settle(
            uow,
            row.id,
            status,
            now=now,
            expected=FormStatus(row.status),
            details={"reported": True},
        )
        await enqueue_message(
            uow,
            key=f"impor-interrupted:{row.id}",
            chat_id=row.chat_id,
            text=text,
            priority=PRIORITY_INTERACTIVE,
            kind="notice",
            now=now,
        )
        reported += 1
    return reported


async def _translator(uow: UnitOfWork, catalogues: Catalogues, user_id: int) -> Translator:
    person = await uow.people.get_by_telegram_id(user_id)
    if person is None:
        return catalogues.get(None)
    return catalogues.resolve(person.language, person.telegram_language_code)

"""/impor: the admin sends the register as a CSV or XLSX file. Admins only.

One step: the document. A file of another kind gets the reason and the same question; a file
over Telegram's 20 MB download limit is refused by the engine. Completing the form records the
upload as a pending import (`services.register_pending`); the Telegram side then downloads it
and shows the preview with the buttons to import or cancel (`handlers.register_import`).
"""

from __future__ import annotations

from typing import Any

from conversations.spec import Answers, FormRun, FormSpec, InputKind, Reply, Step, steps
from domain.access import Role
from domain.errors import InputError
from domain.register import file_kind
from locales import N_
from services.register_pending import receive
from storage.uow import UnitOfWork

NAME = "impor"


def _csv_or_xlsx(value: Any, answers: Answers) -> None:
    """Raises InputError unless the document is a CSV or XLSX file."""
    del answers
    if file_kind(value.get("name"), value.get("mime_type")) is None:
        raise InputError(N_("impor.file.wrong_type"))


async def _complete(uow: UnitOfWork, run: FormRun) -> Reply:
    """Records the upload for its preview, if the sender is (still) an admin."""
    if run.person_id is None or not await uow.roles.has_role(run.person_id, Role.ADMIN):
        return Reply(N_("auth.not_allowed"))
    await receive(
        uow, chat_id=run.chat_id, user_id=run.user_id, file=run.answers["berkas"], now=run.now
    )
    return Reply(N_("impor.received"))


def impor_form() -> FormSpec:
    """The upload form."""
    return FormSpec(
        name=NAME,
        code="m",
        steps=steps(Step("berkas", N_("impor.prompt"), InputKind.DOCUMENT, validate=_csv_or_xlsx)),
        first_step="berkas",
        complete=_complete,
    )

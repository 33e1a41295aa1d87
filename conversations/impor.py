"""/impor: the admin sends the register as a CSV or XLSX file. Admins only.

The intro explains the file and offers the template; one step: the document. A file of
another kind gets the reason and the same question; a file over Telegram's 20 MB download
limit is refused by the engine. Completing the form records the upload as a pending import
(`services.register_pending`); its result has the Telegram side download it and show the
preview with the buttons to import or cancel (`handlers.register_import`). A file that
cannot be read there puts the form back on this step, so the next file is taken.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from config import AppConfig
from conversations.spec import (
    Answers,
    FormResult,
    FormRun,
    FormSpec,
    InputKind,
    Intro,
    IntroButton,
    Reply,
    ShowImportPreview,
    Step,
    steps,
)
from domain.access import Role
from domain.callbacks import ImportAction, ImportButton
from domain.commands import ADMINS, CommandSpec
from domain.errors import InputError
from domain.register import file_kind
from locales import N_, Catalogues
from services.register_pending import receive
from storage.uow import UnitOfWork

NAME = "impor"
COMMAND = CommandSpec(NAME, N_("cmd.impor"), 90, {"en": "import"}, ADMINS)
FILE_STEP = "berkas"
# The template button's callback data (import 0: no pending import yet).
TEMPLATE_DATA = ImportButton(0, ImportAction.TEMPLATE).encode()


def _csv_or_xlsx(value: Any, answers: Answers) -> None:
    """Raises InputError unless the document is a CSV or XLSX file."""
    del answers
    if file_kind(value.get("name"), value.get("mime_type")) is None:
        raise InputError(N_("impor.file.wrong_type"))


def _intro_params(cfg: AppConfig) -> Mapping[str, object]:
    return {"count": len(cfg.region.kecamatan)}


async def _complete(uow: UnitOfWork, run: FormRun) -> FormResult:
    """Records the upload for its preview, if the sender is (still) an admin."""
    if run.person_id is None or not await uow.roles.has_role(run.person_id, Role.ADMIN):
        return Reply(N_("auth.not_allowed"))
    pending = await receive(
        uow, chat_id=run.chat_id, user_id=run.user_id, file=run.answers[FILE_STEP], now=run.now
    )
    return ShowImportPreview(Reply(N_("impor.received")), pending.id)


def form(catalogues: Catalogues) -> FormSpec:
    """The upload form."""
    del catalogues
    return FormSpec(
        name=NAME,
        code="m",
        command=COMMAND,
        intro=Intro(
            N_("impor.intro"),
            _intro_params,
            [IntroButton(N_("impor.button.template"), TEMPLATE_DATA)],
        ),
        steps=steps(
            Step(FILE_STEP, N_("impor.prompt"), InputKind.DOCUMENT, validate=_csv_or_xlsx)
        ),
        first_step=FILE_STEP,
        complete=_complete,
    )

"""/impor (admins): import the register in chat — template, upload, preview, confirm.

/impor (the `impor` form, `conversations/impor.py`) explains the file and waits for it; its
result, once the engine took the document, has `show_preview` download it and show the
preview with *Impor N baris valid* / *Batal*, plus the invalid rows as a file when the
message cannot list them all; a file that cannot be read puts the form back on its step. The
buttons carry `m:<import id>:<action>` and are re-checked on the server: the admin role, the
import belonging to this admin, not applied yet. Every Bot API call happens after the
transaction's commit. The file is read in a worker process (services.register_chat), and the
preview and the import read (and write) the whole register in background units of work, off
the event loop's thread on SQLite, so other chats are served meanwhile. A file the worker
cannot read within its limits or budget fails the import with the reason.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update
from telegram.error import BadRequest

from conversations.impor import NAME as IMPORT_FORM
from domain.access import Role
from domain.callbacks import ImportAction, ImportButton
from domain.forms import FormStatus
from handlers.auth import refuse, requires
from handlers.callbacks import answer_callback
from handlers.context import BotContext
from handlers.forms import begin_form, close_keyboard, render_prompt
from handlers.replies import reply
from locales import N_
from runtime.offload import OffloadError
from services.register_chat import (
    APPLYING,
    ImportJob,
    apply_upload,
    begin_apply,
    failure_reason,
    mark_reported,
    preview_upload,
)
from services.register_files import Table, open_table, template_xlsx
from services.register_import import ImportPreview
from services.register_pending import PendingImport, get, settle
from services.register_read import UnreadableFileError
from services.register_report import preview_text, result_text

TEMPLATE_FILE = "template-impor-koperasi.xlsx"
INVALID_FILE = "baris-tidak-valid.xlsx"


async def show_preview(update: Update, context: BotContext, import_id: int) -> None:
    """The `impor` form's result: the file just taken, read and shown as a preview."""
    async with context.services.uow(write=False) as uow:
        pending = await get(uow, import_id)
    if pending is not None and pending.status is FormStatus.RECEIVED:
        await _preview(update, context, pending)


async def _preview(update: Update, context: BotContext, pending: PendingImport) -> None:
    """Reads the file against the register, stores the preview, shows it with the buttons."""
    services, tr = context.services, context.tr
    table = await _table(update, context, pending)
    if table is None:
        return
    now = services.clock.now()
    try:
        # In a worker process: the file is read once, the file of invalid rows built with it.
        preview = await preview_upload(services.uow, table, _job(context, now))
    except (UnreadableFileError, OffloadError) as error:
        await _fail(update, context, pending, failure_reason(error))
        return
    async with services.uow() as uow:
        details = {"sha256": preview.sha256, "counts": preview.counts()}
        # False when a newer upload superseded this one meanwhile: no buttons then.
        ready = await settle(
            uow,
            pending.id,
            FormStatus.PENDING,
            now=now,
            expected=FormStatus.RECEIVED,
            details=details,
        )
        await uow.commit()
    text, left_out = preview_text(tr, preview)
    title = tr.t("impor.preview.title", name=pending.name or "")
    markup = _confirm_markup(context, pending, preview) if ready else None
    await reply(update, context, f"{title}\n\n{text}", markup=markup)
    if left_out and preview.invalid_file is not None:
        caption = tr.t("impor.invalid.caption", count=preview.invalid_rows)
        await context.bot.send_document(
            chat_id=context.viewer.chat_id,
            document=InputFile(preview.invalid_file, filename=INVALID_FILE),
            caption=caption,
        )


def _job(context: BotContext, now: datetime) -> ImportJob:
    return ImportJob.of(context.services.config, now, context.tr.locale)


def _confirm_markup(
    context: BotContext, pending: PendingImport, preview: ImportPreview
) -> InlineKeyboardMarkup | None:
    """*Impor N baris valid* and *Batal*; none when the file changes nothing."""
    if not preview.changes:
        return None
    tr = context.tr
    confirm = tr.t("impor.button.confirm", count=preview.valid_rows)
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(confirm, callback_data=_data(pending, ImportAction.CONFIRM))],
            [
                InlineKeyboardButton(
                    tr.t("impor.button.cancel"), callback_data=_data(pending, ImportAction.CANCEL)
                )
            ],
        ]
    )


def _data(pending: PendingImport, action: ImportAction) -> str:
    return ImportButton(pending.id, action).encode()


async def _table(update: Update, context: BotContext, pending: PendingImport) -> Table | None:
    """The uploaded file, downloaded again; None (the admin told why) when unusable."""
    try:
        file = await context.bot.get_file(pending.file_id)
        data = bytes(await file.download_as_bytearray())
    except BadRequest:
        # Too big for the Bot API to hand over, or no longer on Telegram's servers.
        await _fail(update, context, pending, UnreadableFileError(N_("impor.file.download")))
        return None
    try:
        # Cheap: only the kind of file; it is read in the worker.
        return open_table(data, pending.name, pending.mime_type)
    except UnreadableFileError as error:
        await _fail(update, context, pending, error)
        return None


async def _fail(
    update: Update, context: BotContext, pending: PendingImport, error: UnreadableFileError
) -> None:
    """Marks the import failed, says why and waits for the next file.

    The `impor` form starts again at its file step, so the file sent next is taken (not
    answered with "belum paham"); after a command in between, /impor resumes it.
    """
    services = context.services
    spec = services.forms.spec(IMPORT_FORM)
    async with services.uow() as uow:
        await settle(
            uow, pending.id, FormStatus.FAILED, now=services.clock.now(), expected=pending.status
        )
        outcome = await begin_form(context, uow, spec) if spec is not None else None
        await uow.commit()
    text = context.tr.t(error.key, **error.params)
    if outcome is not None:
        text = "\n\n".join([text, render_prompt(context.tr, outcome)[0]])
    await reply(update, context, text)


@requires(Role.ADMIN)
async def on_import_button(update: Update, context: BotContext) -> None:
    """The template, confirm and cancel buttons; an import is only its own admin's to decide."""
    query, tr = update.callback_query, context.tr
    button = ImportButton.decode(query.data or "") if query is not None else None
    if button is None:
        await answer_callback(update, context, tr.t("callback.stale"))
        return
    if button.action == ImportAction.TEMPLATE:
        await answer_callback(update, context)
        await _send_template(context)
        return
    async with context.services.uow(write=False) as uow:
        pending = await get(uow, button.import_id)
    if pending is None:
        await answer_callback(update, context, tr.t("callback.stale"))
    elif pending.user_id != context.viewer.telegram_user_id:
        await refuse(update, context)  # another admin's import: a forged or forwarded button
    elif pending.status is not FormStatus.PENDING:
        await answer_callback(update, context, tr.t("impor.already_done"))
    elif button.action == ImportAction.CANCEL:
        await _cancel(update, context, pending)
    else:
        await _confirm(update, context, pending)


async def _send_template(context: BotContext) -> None:
    kecamatan = context.services.config.region.kecamatan
    await context.bot.send_document(
        chat_id=context.viewer.chat_id,
        document=InputFile(template_xlsx(context.tr, kecamatan), filename=TEMPLATE_FILE),
        caption=context.tr.t("impor.template.caption"),
    )


async def _cancel(update: Update, context: BotContext, pending: PendingImport) -> None:
    services = context.services
    async with services.uow() as uow:
        cancelled = await settle(
            uow,
            pending.id,
            FormStatus.CANCELLED,
            now=services.clock.now(),
            expected=FormStatus.PENDING,
        )
        await uow.commit()
    if not cancelled:
        await answer_callback(update, context, context.tr.t("impor.already_done"))
        return
    await answer_callback(update, context)
    await close_keyboard(update)
    await reply(update, context, context.tr.t("impor.cancelled"))


async def _confirm(update: Update, context: BotContext, pending: PendingImport) -> None:
    """Imports the valid rows of the previewed file, once, in one transaction."""
    services, viewer, tr = context.services, context.viewer, context.tr
    await answer_callback(update, context, tr.t("impor.applying"))
    await close_keyboard(update)
    now = services.clock.now()
    # Committed first: a crash from here on is reported after the restart (register_recovery).
    if not await begin_apply(services.uow, pending.id, now):
        await reply(update, context, tr.t("impor.already_done"))
        return
    applying = replace(pending, status=APPLYING)
    table = await _table(update, context, applying)
    if table is None:
        return
    try:
        result = await apply_upload(
            services.uow,
            pending.id,
            table,
            _job(context, now),
            sha256=pending.sha256,
            actor_person_id=viewer.person_id,
            now=now,
        )
    except (UnreadableFileError, OffloadError) as error:
        await _fail(update, context, applying, failure_reason(error))
        return
    if result is None:
        await reply(update, context, tr.t("impor.already_done"))
        return
    await reply(update, context, result_text(tr, result))
    await mark_reported(services.uow, pending.id, services.clock.now())

"""/impor (admins): import the register in chat — template, upload, preview, confirm.

/impor explains the file and waits for it (the `impor` form's document step, which records
the upload). Then `after_upload` — the form's completion hook, after the engine took the
document — downloads it and shows the preview with *Impor N baris valid* / *Batal*, plus the
invalid rows as a file when the message cannot list them all. The buttons carry
`m:<import id>:<action>` and are re-checked on the server: the admin role, the import
belonging to this admin, not applied yet. Every Bot API call happens after the transaction's
commit. The file is read in a worker process (services.register_chat), and the preview and
the import read (and write) the whole register in background units of work, off the event
loop's thread on SQLite, so other chats are served meanwhile. A file the worker cannot read
within its limits or budget fails the import with the reason.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, replace
from datetime import datetime
from typing import ClassVar

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update
from telegram.error import BadRequest

from conversations.impor import NAME as IMPORT_FORM
from domain.access import Role
from handlers.auth import refuse, requires
from handlers.callbacks import MAX_CALLBACK_BYTES, answer_callback
from handlers.context import BotContext
from handlers.forms import render_prompt
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
from services.register_pending import (
    CANCELLED,
    FAILED,
    PENDING,
    RECEIVED,
    PendingImport,
    get,
    received_upload,
    settle,
)
from services.register_read import UnreadableFileError
from services.register_report import preview_text, result_text

TEMPLATE_FILE = "template-impor-koperasi.xlsx"
INVALID_FILE = "baris-tidak-valid.xlsx"


@dataclass(frozen=True)
class ImportButton:
    """A button of the import flow: `m:<import id>:<action>` (the template's id is 0)."""

    PREFIX: ClassVar[str] = "m"
    TEMPLATE: ClassVar[str] = "t"
    CONFIRM: ClassVar[str] = "ok"
    CANCEL: ClassVar[str] = "no"

    import_id: int
    action: str

    def encode(self) -> str:
        """Compact callback data, at most 64 bytes."""
        data = f"{self.PREFIX}:{self.import_id}:{self.action}"
        if len(data.encode()) > MAX_CALLBACK_BYTES:  # pragma: no cover - ids are short
            raise ValueError(f"callback data over {MAX_CALLBACK_BYTES} bytes")
        return data

    @classmethod
    def decode(cls, data: str) -> ImportButton | None:
        """The button, or None for data that is not a well-formed import button."""
        parts = data.split(":")
        if len(parts) != 3 or parts[0] != cls.PREFIX or not parts[1].isdigit():
            return None
        if parts[2] not in (cls.TEMPLATE, cls.CONFIRM, cls.CANCEL):
            return None
        return cls(int(parts[1]), parts[2])

    @classmethod
    def pattern(cls) -> str:
        """The regex a CallbackQueryHandler uses to route import buttons."""
        return rf"^{cls.PREFIX}:"


@requires(Role.ADMIN)
async def impor(update: Update, context: BotContext) -> None:
    """Explains the file, offers the template and waits for the upload."""
    services, viewer, tr = context.services, context.viewer, context.tr
    spec = services.forms.spec(IMPORT_FORM)
    if spec is None:  # pragma: no cover - bot.build_application registers the form
        return
    async with services.uow() as uow:
        outcome = await services.forms.start(
            uow,
            spec,
            chat_id=viewer.chat_id,
            user_id=viewer.telegram_user_id,
            now=services.clock.now(),
        )
        await uow.commit()
    prompt, _ = render_prompt(tr, outcome)
    intro = tr.t("impor.intro", count=len(services.config.region.kecamatan))
    template = ImportButton(0, ImportButton.TEMPLATE).encode()
    markup = InlineKeyboardMarkup(
        [[InlineKeyboardButton(tr.t("impor.button.template"), callback_data=template)]]
    )
    await reply(update, context, f"{intro}\n\n{prompt}", markup=markup)


async def after_upload(update: Update, context: BotContext) -> None:
    """The `impor` form's completion hook: once the engine took an admin's file, its preview."""
    message = update.message
    document = message.document if message is not None else None
    if document is None or not context.viewer.has(Role.ADMIN):
        return
    async with context.services.uow(write=False) as uow:
        pending = await received_upload(uow, context.viewer.chat_id, document.file_unique_id)
    if pending is not None:
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
        ready = await settle(uow, pending.id, PENDING, now=now, expected=RECEIVED, details=details)
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
            [InlineKeyboardButton(confirm, callback_data=_data(pending, ImportButton.CONFIRM))],
            [
                InlineKeyboardButton(
                    tr.t("impor.button.cancel"), callback_data=_data(pending, ImportButton.CANCEL)
                )
            ],
        ]
    )


def _data(pending: PendingImport, action: str) -> str:
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
    """Marks the import failed and says why."""
    services = context.services
    async with services.uow() as uow:
        await settle(uow, pending.id, FAILED, now=services.clock.now(), expected=pending.status)
        await uow.commit()
    await reply(update, context, context.tr.t(error.key, **error.params))


@requires(Role.ADMIN)
async def on_import_button(update: Update, context: BotContext) -> None:
    """The template, confirm and cancel buttons; an import is only its own admin's to decide."""
    query, tr = update.callback_query, context.tr
    button = ImportButton.decode(query.data or "") if query is not None else None
    if button is None:
        await answer_callback(update, context, tr.t("callback.stale"))
        return
    if button.action == ImportButton.TEMPLATE:
        await answer_callback(update, context)
        await _send_template(context)
        return
    async with context.services.uow(write=False) as uow:
        pending = await get(uow, button.import_id)
    if pending is None:
        await answer_callback(update, context, tr.t("callback.stale"))
    elif pending.user_id != context.viewer.telegram_user_id:
        await refuse(update, context)  # another admin's import: a forged or forwarded button
    elif pending.status != PENDING:
        await answer_callback(update, context, tr.t("impor.already_done"))
    elif button.action == ImportButton.CANCEL:
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


async def _close_keyboard(update: Update) -> None:
    """Takes the buttons off the preview, so it is not pressed again."""
    message = update.effective_message
    if message is None or not message.reply_markup:
        return
    with contextlib.suppress(BadRequest):  # too old or deleted: the decision stands anyway
        await message.edit_reply_markup(reply_markup=None)


async def _cancel(update: Update, context: BotContext, pending: PendingImport) -> None:
    services = context.services
    async with services.uow() as uow:
        cancelled = await settle(
            uow, pending.id, CANCELLED, now=services.clock.now(), expected=PENDING
        )
        await uow.commit()
    if not cancelled:
        await answer_callback(update, context, context.tr.t("impor.already_done"))
        return
    await answer_callback(update, context)
    await _close_keyboard(update)
    await reply(update, context, context.tr.t("impor.cancelled"))


async def _confirm(update: Update, context: BotContext, pending: PendingImport) -> None:
    """Imports the valid rows of the previewed file, once, in one transaction."""
    services, viewer, tr = context.services, context.viewer, context.tr
    await answer_callback(update, context, tr.t("impor.applying"))
    await _close_keyboard(update)
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

"""/ekspor (admins and pimpinan: the regency; officers: their cooperatives): the XLSX export.

`/ekspor` asks the period (tahun buku), then the kecamatan, as buttons; `/ekspor 2025`
skips the first question and `/ekspor 2025 Dringu` (or `/ekspor semua`) both. The choice
starts the export as a task of its own: the file is written by a worker process
(`runtime.offload`, within `[export]`'s time and memory budget) that reads the database a
batch at a time, while the chat's message shows the progress and this chat and every other
are answered meanwhile. The file arrives as a document, unless it is over the 50 MB a bot may
upload (then the message says so). One export per person at a time: a double tap starts one.
Every press is re-checked: the role, the year's range, the kecamatan's index.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import shutil
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Message, Update
from telegram.error import BadRequest, TelegramError

from domain.access import Role
from domain.callbacks import ALL_KECAMATAN, EksporPeriod, EksporStart
from domain.errors import InputError
from domain.export import (
    EARLIEST_PERIOD,
    ExportScope,
    default_period,
    export_filename,
    fits_upload,
    parse_args,
    percent,
    periods_offered,
    scope_for,
)
from domain.rat.koperasi import local_date
from handlers.auth import refuse, requires
from handlers.callbacks import answer_callback
from handlers.context import BotContext
from handlers.replies import reply, reply_message
from handlers.screens import show
from locales import Safe, Translator, escape
from runtime.offload import Budget, OffloadError, OverBudgetError, offload
from services.export import (
    ExportJob,
    ExportResult,
    export_in_worker,
    labels_for,
    read_progress,
)

logger = logging.getLogger(__name__)

MB = 1024 * 1024
# What the worker process runs (a test may put a slower one here).
WORKER: Callable[[ExportJob], ExportResult] = export_in_worker
KECAMATAN_PER_ROW = 3
PROGRESS_FILE = "progress"
_TASKS: set[asyncio.Task[None]] = set()


@requires(Role.ADMIN, Role.PIMPINAN, Role.PETUGAS)
async def ekspor(update: Update, context: BotContext) -> None:
    """Asks the period, or the kecamatan, or starts at once, as the arguments say."""
    tr = context.tr
    kecamatan = list(context.services.config.region.kecamatan)
    try:
        args = parse_args(list(context.args or []), kecamatan)
    except InputError as error:
        text, markup = _period_screen(context)
        await reply(update, context, f"{tr.t(error.key, **error.params)}\n\n{text}", markup=markup)
        return
    if args.kecamatan is None and not args.all_kecamatan:
        if args.tahun_buku is None:
            text, markup = _period_screen(context)
        else:
            text, markup = _kecamatan_screen(context, args.tahun_buku)
        await reply(update, context, text, markup=markup)
        return
    tahun_buku = args.tahun_buku or default_period(_today(context))
    await _start(update, context, tahun_buku, args.kecamatan)


def _today(context: BotContext) -> date:
    services = context.services
    return local_date(services.clock.now(), services.config.region.tz)


def _period_screen(context: BotContext) -> tuple[str, InlineKeyboardMarkup]:
    years = periods_offered(_today(context))
    buttons = [
        InlineKeyboardButton(str(year), callback_data=EksporPeriod(year).encode())
        for year in years
    ]
    return context.tr.t("ekspor.pick_period"), InlineKeyboardMarkup([buttons])


def _kecamatan_screen(context: BotContext, tahun_buku: int) -> tuple[str, InlineKeyboardMarkup]:
    tr = context.tr
    names = context.services.config.region.kecamatan
    every = InlineKeyboardButton(
        tr.t("ekspor.button.all"), callback_data=EksporStart(tahun_buku, ALL_KECAMATAN).encode()
    )
    buttons = [
        InlineKeyboardButton(name, callback_data=EksporStart(tahun_buku, index).encode())
        for index, name in enumerate(names, start=1)
    ]
    rows = [[every]] + [
        buttons[i : i + KECAMATAN_PER_ROW] for i in range(0, len(buttons), KECAMATAN_PER_ROW)
    ]
    return tr.t("ekspor.pick_kecamatan", tahun=str(tahun_buku)), InlineKeyboardMarkup(rows)


def _valid_period(tahun_buku: int) -> bool:
    return tahun_buku >= EARLIEST_PERIOD


@requires(Role.ADMIN, Role.PIMPINAN, Role.PETUGAS)
async def on_period(update: Update, context: BotContext) -> None:
    """A period chosen: the kecamatan next."""
    query = update.callback_query
    button = EksporPeriod.decode(query.data or "") if query is not None else None
    if button is None or not _valid_period(button.tahun_buku):
        await answer_callback(update, context, context.tr.t("callback.stale"))
        return
    await answer_callback(update, context)
    text, markup = _kecamatan_screen(context, button.tahun_buku)
    await show(update, context, text, markup)


@requires(Role.ADMIN, Role.PIMPINAN, Role.PETUGAS)
async def on_start(update: Update, context: BotContext) -> None:
    """Period and kecamatan chosen: the export starts (once)."""
    query = update.callback_query
    button = EksporStart.decode(query.data or "") if query is not None else None
    names = context.services.config.region.kecamatan
    if button is None or not _valid_period(button.tahun_buku) or button.kecamatan > len(names):
        await answer_callback(update, context, context.tr.t("callback.stale"))
        return
    kecamatan = None if button.kecamatan == ALL_KECAMATAN else names[button.kecamatan - 1]
    await _start(update, context, button.tahun_buku, kecamatan)


def _place(tr: Translator, scope: ExportScope) -> Safe:
    """The place as the messages name it: a kecamatan, every one, or the officer's own."""
    place = Safe(escape(scope.kecamatan) if scope.kecamatan else tr.t("ekspor.place.all"))
    if scope.petugas_id is not None:
        return Safe(tr.t("ekspor.place.own", tempat=place))
    return place


async def _start(
    update: Update, context: BotContext, tahun_buku: int, kecamatan: str | None
) -> None:
    """Checks the scope, claims the viewer's one export slot, starts the task."""
    viewer, tr, services = context.viewer, context.tr, context.services
    scope = scope_for(viewer, tahun_buku, kecamatan)
    if scope is None or viewer.person_id is None:
        await refuse(update, context)
        return
    running = services.exports_running
    if viewer.person_id in running:
        if update.callback_query is not None:
            await answer_callback(update, context, tr.t("ekspor.running"))
        else:
            await reply(update, context, tr.t("ekspor.running"))
        return
    running.add(viewer.person_id)
    try:
        now = services.clock.now()
        async with services.uow() as uow:
            details = {
                "tahun_buku": scope.tahun_buku,
                "kecamatan": scope.kecamatan,
                "own": scope.petugas_id is not None,
            }
            await uow.audit.record(viewer.person_id, "export", "koperasi", "xlsx", details, at=now)
            await uow.commit()
        if update.callback_query is not None:
            await answer_callback(update, context)
        starting = tr.t("ekspor.starting", tahun=str(tahun_buku), tempat=_place(tr, scope))
        message = await _progress_message(update, context, starting)
    except BaseException:
        running.discard(viewer.person_id)
        raise
    # A task of its own, not the application's: stopping the bot (or losing the leadership)
    # must not wait for an export; the task is kept referenced until it ends.
    task = asyncio.create_task(_run(context, scope, message, viewer.person_id), name="ekspor")
    _TASKS.add(task)
    task.add_done_callback(_TASKS.discard)


async def _progress_message(update: Update, context: BotContext, text: str) -> Message | None:
    """The pressed message edited into the progress message, or a new one."""
    query = update.callback_query
    if query is not None and isinstance(query.message, Message):
        with contextlib.suppress(BadRequest):
            edited = await query.message.edit_text(text, reply_markup=None)
            if isinstance(edited, Message):
                return edited
    return await reply_message(update, context, text)


async def _edit(message: Message | None, text: str) -> None:
    if message is None:
        return
    with contextlib.suppress(BadRequest):  # unchanged, or deleted by the person
        await message.edit_text(text)


async def _run(
    context: BotContext, scope: ExportScope, message: Message | None, person_id: int
) -> None:
    """Builds the file in a worker, shows progress, sends the document; frees the slot."""
    services, tr = context.services, context.tr
    settings = services.config.export
    directory = Path(await asyncio.to_thread(tempfile.mkdtemp, prefix="gempur-ekspor-"))
    today = _today(context)
    job = ExportJob(
        database_url=services.config.database.url,
        scope=scope,
        tz_name=services.config.region.timezone,
        labels=labels_for(tr),
        path=str(directory / export_filename(scope, today)),
        progress_path=str(directory / PROGRESS_FILE),
    )
    tahun, tempat = str(scope.tahun_buku), _place(tr, scope)
    budget = Budget(settings.worker_seconds, settings.worker_memory_mb * MB)
    try:
        worker = asyncio.ensure_future(offload(WORKER, job, budget=budget))
        shown: tuple[int, int] | None = None
        while not worker.done():
            await asyncio.wait({worker}, timeout=settings.progress_seconds)
            if worker.done():
                break
            progress = await asyncio.to_thread(read_progress, str(job.progress_path))
            if progress is not None and progress != shown and progress[1] > 0:
                shown = progress
                done, total = progress
                text = tr.t(
                    "ekspor.progress",
                    tahun=tahun,
                    tempat=tempat,
                    percent=percent(done, total),
                    done=done,
                    total=total,
                )
                await _edit(message, text)
        try:
            result: ExportResult = worker.result()
        except OverBudgetError:
            await _edit(message, tr.t("ekspor.over_budget"))
            return
        except OffloadError:
            await _edit(message, tr.t("ekspor.failed"))
            return
        if not fits_upload(result.size):
            await _edit(message, tr.t("ekspor.too_big", size=round(result.size / MB)))
            return
        await _edit(message, tr.t("ekspor.done", tahun=tahun, tempat=tempat, total=result.total))
        await _send(context, Path(job.path), tr.t("ekspor.caption", tahun=tahun, tempat=tempat))
    except TelegramError:
        logger.warning("export of person %s could not be delivered", person_id)
    except Exception as error:  # a background task: reported, never lost silently
        # The type only: the message may quote data.
        logger.error("export of person %s failed: %s", person_id, type(error).__name__)  # noqa: TRY400
        await _edit(message, tr.t("ekspor.failed"))
    finally:
        services.exports_running.discard(person_id)
        await asyncio.to_thread(shutil.rmtree, directory, ignore_errors=True)


async def _send(context: BotContext, path: Path, caption: str) -> None:
    data = await asyncio.to_thread(path.read_bytes)
    await context.bot.send_document(
        chat_id=context.viewer.chat_id,
        document=InputFile(data, filename=path.name),
        caption=caption,
    )

"""/siaran (admins): the preview and its decision, the schedule, the list and its cancel.

The form (`conversations/siaran.py`) stores a draft; its result has `show_preview` send the
message to the admin through the very call the sender will make for each recipient (so the
preview is what they will see), then the recipient count at the moment with *Kirim sekarang*,
*Jadwalkan* and *Batal*. The buttons carry `sr:<broadcast>:<action>` and are checked again
here: the admin role, a draft only its own admin decides, and every decision a
compare-and-set in the database, so a double tap sends once. Bot API calls come after the
commit.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import TelegramError

from conversations.siaran import (
    JADWAL,
    NAME,
    SIARAN,
)
from domain.access import Role
from domain.broadcast import BroadcastStatus, Segment, SegmentKind, Tally
from domain.callbacks import SiaranAction, SiaranButton
from domain.delivery import in_sending_window
from handlers.auth import refuse, requires
from handlers.callbacks import answer_callback
from handlers.context import BotContext
from handlers.forms import begin_form, close_keyboard, render_prompt
from handlers.replies import reply
from locales import N_, Safe, Translator
from locales.labels import FLAG_KEYS, JENIS_KEYS, STAGE_KEYS
from services.broadcasts import (
    Start,
    cancel,
    discard,
    excerpt,
    message,
    segment_of,
    send_now,
)
from services.outbox import PtbBotApi

logger = logging.getLogger(__name__)

#: Broadcasts shown in the list (each line is short: the message stays far under 4,096).
LIST_SHOWN = 10


_NAMED = {
    SegmentKind.STAGE: (N_("siaran.segment.stage"), STAGE_KEYS),
    SegmentKind.FLAG: (N_("siaran.segment.flag"), FLAG_KEYS),
    SegmentKind.JENIS: (N_("siaran.segment.jenis"), JENIS_KEYS),
}


def describe(tr: Translator, segment: Segment) -> str:
    """Who the segment reaches, in words."""
    value = segment.value or ""
    kind = segment.kind
    if kind in _NAMED:
        key, labels = _NAMED[kind]
        return tr.t(key, name=tr.t(labels[value]) if value in labels else value)
    if kind is SegmentKind.KECAMATAN:
        return tr.t("siaran.segment.kecamatan", name=value)
    if kind is SegmentKind.KOPERASI:
        count = len(segment.koperasi_ids)
        return tr.t("siaran.segment.koperasi", label=segment.label or "", count=count)
    if kind is SegmentKind.OFFICERS:
        return tr.t("siaran.segment.officers")
    return tr.t("siaran.segment.boards")


def _markup(tr: Translator, broadcast_id: int) -> InlineKeyboardMarkup:
    def button(key: str, action: SiaranAction) -> list[InlineKeyboardButton]:
        data = SiaranButton(broadcast_id, action).encode()
        return [InlineKeyboardButton(tr.t(key), callback_data=data)]

    return InlineKeyboardMarkup(
        [
            button(N_("siaran.button.send"), SiaranAction.SEND),
            button(N_("siaran.button.schedule"), SiaranAction.SCHEDULE),
            button(N_("siaran.button.discard"), SiaranAction.DISCARD),
        ]
    )


async def show_preview(update: Update, context: BotContext, broadcast_id: int) -> None:
    """The form's result: the message as recipients will get it, the count, the buttons."""
    services, tr, viewer = context.services, context.tr, context.viewer
    async with services.uow(write=False, background=True) as uow:
        row = await uow.broadcasts.get(broadcast_id)
        if row is None or row.status != BroadcastStatus.DRAFT.value:
            return
        segment = segment_of(row)
        count = await uow.broadcasts.count_recipients(segment)
        method, payload = message(
            viewer.chat_id, row.text or "", row.media_kind, row.media_file_id
        )
    try:
        await PtbBotApi(context.bot).call(method, payload)
    except TelegramError:
        # The file went away meanwhile, or Telegram refused it: the admin sees why below.
        logger.warning("broadcast %d: the preview could not be sent", broadcast_id)
        await reply(update, context, tr.t("siaran.preview.failed"))
        return
    info = tr.t(
        "siaran.preview.info",
        number=str(broadcast_id),
        segment=Safe(describe(tr, segment)),
        count=count,
    )
    await reply(update, context, info, markup=_markup(tr, broadcast_id))


async def show_list(update: Update, context: BotContext) -> None:
    """The broadcasts scheduled or being sent, with a cancel button for each."""
    services, tr = context.services, context.tr
    async with services.uow(write=False) as uow:
        rows = await uow.broadcasts.with_status(
            [BroadcastStatus.SCHEDULED, BroadcastStatus.SENDING]
        )
        rows = rows[:LIST_SHOWN]
        tallies = {
            row.id: Tally.of(await uow.broadcasts.counts(row.id))
            for row in rows
            if row.status == BroadcastStatus.SENDING.value
        }
    if not rows:
        await reply(update, context, tr.t("siaran.list.empty"))
        return
    lines, buttons = [], []
    for row in rows:
        params: dict[str, Any] = {
            "number": str(row.id),
            "segment": Safe(describe(tr, segment_of(row))),
            "excerpt": excerpt(row.text),
        }
        if row.status == BroadcastStatus.SCHEDULED.value and row.scheduled_at is not None:
            lines.append(tr.t("siaran.list.scheduled", when=row.scheduled_at, **params))
        else:
            tally = tallies.get(row.id, Tally())
            lines.append(
                tr.t("siaran.list.sending", done=tally.settled, count=tally.total, **params)
            )
        data = SiaranButton(row.id, SiaranAction.CANCEL).encode()
        label = tr.t("siaran.button.cancel", number=str(row.id))
        buttons.append([InlineKeyboardButton(label, callback_data=data)])
    await reply(update, context, "\n\n".join(lines), markup=InlineKeyboardMarkup(buttons))


@requires(Role.ADMIN)
async def on_siaran_button(update: Update, context: BotContext) -> None:
    """*Kirim sekarang*, *Jadwalkan*, *Batal* under a preview; *Batalkan* in the list."""
    query, tr = update.callback_query, context.tr
    button = SiaranButton.decode(query.data or "") if query is not None else None
    if button is None:
        await answer_callback(update, context, tr.t("callback.stale"))
        return
    async with context.services.uow(write=False) as uow:
        row = await uow.broadcasts.get(button.broadcast_id)
        owner = row.created_by_person_id if row is not None else None
    if row is None:
        await answer_callback(update, context, tr.t("callback.stale"))
    elif button.action is SiaranAction.CANCEL:
        await _cancel(update, context, button.broadcast_id)
    elif owner != context.viewer.person_id:
        await refuse(update, context)  # another admin's draft: a forged or forwarded button
    elif button.action is SiaranAction.SEND:
        await _send(update, context, button.broadcast_id)
    elif button.action is SiaranAction.SCHEDULE:
        await _ask_schedule(update, context, button.broadcast_id, row.status)
    else:
        await _discard(update, context, button.broadcast_id)


async def _send(update: Update, context: BotContext, broadcast_id: int) -> None:
    services, tr = context.services, context.tr
    cfg = services.config.delivery
    now = services.clock.now()
    # A large segment writes many rows: off the event loop's thread on SQLite.
    async with services.uow(background=True) as uow:
        started = await send_now(
            uow, broadcast_id, now=now, expiry=timedelta(hours=cfg.broadcast_expiry_hours)
        )
        await uow.commit()
    if started.result is Start.ALREADY:
        await answer_callback(update, context, tr.t("siaran.already_decided"))
        return
    await answer_callback(update, context)
    await close_keyboard(update)
    text = tr.t("siaran.started", number=str(broadcast_id), count=started.recipients)
    if not in_sending_window(now, services.config.region.tz, cfg.window_start, cfg.window_end):
        text = "\n\n".join(
            [text, tr.t("siaran.started.window", start=cfg.window_start.strftime("%H.%M"))]
        )
    await reply(update, context, text)


async def _ask_schedule(
    update: Update, context: BotContext, broadcast_id: int, status: str
) -> None:
    if status != BroadcastStatus.DRAFT.value:
        await answer_callback(update, context, context.tr.t("siaran.already_decided"))
        return
    await answer_callback(update, context)
    # The preview keeps its buttons: an admin who leaves the question can still decide there.
    await open_form(update, context, JADWAL, {SIARAN: broadcast_id}, subject=str(broadcast_id))


async def open_form(
    update: Update,
    context: BotContext,
    step: str,
    answers: Mapping[str, Any],
    *,
    subject: str = "",
    before: str | None = None,
) -> None:
    """Starts the /siaran form at `step` with `answers` preset; `before`: said first."""
    services = context.services
    spec = services.forms.spec(NAME)
    if spec is None:  # pragma: no cover - the form is always declared
        return
    async with services.uow() as uow:
        outcome = await begin_form(context, uow, spec, subject, prefill=(step, answers))
        await uow.commit()
    text, markup = render_prompt(context.tr, outcome)
    if before is not None:
        text = "\n\n".join([before, text])
    await reply(update, context, text, markup=markup)


async def _discard(update: Update, context: BotContext, broadcast_id: int) -> None:
    async with context.services.uow() as uow:
        dropped = await discard(uow, broadcast_id)
        await uow.commit()
    if not dropped:
        await answer_callback(update, context, context.tr.t("siaran.already_decided"))
        return
    await answer_callback(update, context)
    await close_keyboard(update)
    await reply(update, context, context.tr.t("siaran.discarded"))


async def _cancel(update: Update, context: BotContext, broadcast_id: int) -> None:
    """Any admin may cancel a broadcast of the office, until its first message leaves."""
    services, tr = context.services, context.tr
    async with services.uow(background=True) as uow:
        cancelled = await cancel(uow, broadcast_id, now=services.clock.now())
        if cancelled:
            await uow.commit()
    if not cancelled:
        await answer_callback(update, context, tr.t("siaran.cancel.too_late"), alert=True)
        return
    await answer_callback(update, context)
    await reply(update, context, tr.t("siaran.cancelled", number=str(broadcast_id)))

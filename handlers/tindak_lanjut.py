"""/tindaklanjut (officers): the due and overdue follow-ups of their cooperatives, each with
*Selesai* (re-checked on press)."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from conversations.tindak_lanjut_selesai import NAME
from domain.access import Role
from domain.callbacks import FollowUpAction, FollowUpButton
from domain.koperasi_list import NAME_IN_LIST, shorten
from domain.kunjungan import OWNER_KEYS, OwnerKind, is_overdue
from handlers.callbacks import answer_callback
from handlers.context import BotContext
from handlers.forms import begin_form
from handlers.outcomes import send_outcome
from handlers.replies import reply
from locales import N_
from services.tindak_lanjut import due_for_officer

SHOWN = 10  # follow-ups listed at once, earliest due first; closing one lists the next
EXCERPT = 150


async def tindaklanjut(update: Update, context: BotContext) -> None:
    """Lists the officer's due and overdue follow-ups, earliest first."""
    await _send_list(update, context)


async def _send_list(update: Update, context: BotContext) -> None:
    viewer, tr, services = context.viewer, context.tr, context.services
    if viewer.person_id is None or not viewer.has(Role.PETUGAS):
        await reply(update, context, tr.t("auth.not_allowed"))
        return
    today = services.clock.now().astimezone(tr.tz).date()
    async with services.uow(write=False) as uow:
        items = await due_for_officer(uow, viewer.person_id, today, limit=SHOWN)
    if not items:
        await reply(update, context, tr.t("tindaklanjut.none"))
        return
    lines = [tr.t("tindaklanjut.title")]
    buttons = []
    for number, item in enumerate(items, start=1):
        key = (
            N_("tindaklanjut.line.overdue")
            if is_overdue(item.due_date, today)
            else N_("tindaklanjut.line")
        )
        lines.append(
            tr.t(
                key,
                number=str(number),
                koperasi=shorten(item.koperasi_nama, NAME_IN_LIST),
                what=shorten(item.description, EXCERPT),
                owner=tr.t(OWNER_KEYS[OwnerKind(item.owner_kind)]),
                due=item.due_date,
            )
        )
        data = FollowUpButton(item.id, FollowUpAction.DONE).encode()
        buttons.append(
            [
                InlineKeyboardButton(
                    tr.t("tindaklanjut.done", number=str(number)), callback_data=data
                )
            ]
        )
    await reply(update, context, "\n".join(lines), markup=InlineKeyboardMarkup(buttons))


async def on_follow_up(update: Update, context: BotContext) -> None:
    """*Selesai*: asks how the follow-up was done (then closes it), if it is one of the
    officer's and still open."""
    query, tr, services = update.callback_query, context.tr, context.services
    button = FollowUpButton.decode(query.data or "") if query is not None else None
    person_id = context.viewer.person_id
    if button is None or person_id is None or not context.viewer.has(Role.PETUGAS):
        await answer_callback(update, context, tr.t("callback.stale"))
        return
    if button.action is FollowUpAction.LIST:
        await answer_callback(update, context)
        await _send_list(update, context)
        return
    spec = services.forms.spec(NAME)
    async with services.uow() as uow:
        item = await uow.kunjungan.follow_up(button.follow_up_id)
        koperasi = await uow.koperasi.get(item.koperasi_id) if item is not None else None
        if spec is None or item is None or item.done_at is not None or koperasi is None:
            koperasi = None
        elif koperasi.petugas_id == person_id:
            outcome = await begin_form(context, uow, spec, str(item.id))
            await uow.commit()
    if koperasi is None or koperasi.petugas_id != person_id:
        await answer_callback(update, context, tr.t("tindaklanjut.not_yours"))
        return
    await answer_callback(update, context)
    await send_outcome(update, context, outcome)

"""/status: the board's RAT status card, and its *Apa artinya?* button.

A board member on several boards picks one first (handlers.board); the office sees the same
card on the cooperative card (/koperasi). The card lines come from `handlers.status_views`.
"""

from __future__ import annotations

from telegram import Update

from domain.access import Role
from domain.callbacks import StatusButton
from handlers.auth import refuse, requires
from handlers.board import choose_koperasi
from handlers.callbacks import answer_callback
from handlers.context import BotContext
from handlers.replies import reply
from handlers.screens import show
from handlers.status_views import first_time_text, status_for, status_markup, status_text

COMMAND = "status"


@requires(Role.PENGURUS)
async def status(update: Update, context: BotContext) -> None:
    """Replies with the status card of the board member's cooperative (asking which first)."""
    koperasi_id = await choose_koperasi(update, context, command=COMMAND)
    if koperasi_id is None:
        return
    card = await status_for(context, koperasi_id)
    if card is None:
        await refuse(update, context)
        return
    text = await first_time_text(context, card)
    await reply(update, context, text, markup=status_markup(context.tr, card))


async def on_status_button(update: Update, context: BotContext) -> None:
    """*Apa artinya?* / *Sembunyikan penjelasan*: the card again, with or without the glosses."""
    query = update.callback_query
    button = StatusButton.decode((query.data or "") if query is not None else "")
    if button is None:
        await answer_callback(update, context, context.tr.t("callback.stale"))
        return
    card = await status_for(context, button.koperasi_id)
    if card is None:
        await refuse(update, context)
        return
    await answer_callback(update, context)
    tr = context.tr
    await show(
        update, context, status_text(tr, card, button.view), status_markup(tr, card, button.view)
    )

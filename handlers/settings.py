"""/batal: leaving a form (or a conversation with the officer)."""

from __future__ import annotations

from telegram import Update

from handlers.context import BotContext
from handlers.relay_memo import ended_by_command
from handlers.replies import reply


async def batal(update: Update, context: BotContext) -> None:
    """Leaves the current form; the command wrapper has already suspended it, keeping the draft."""
    if context.chat_forms.suspended:
        await reply(update, context, context.tr.t("form.cancelled"))
    elif ended_by_command(context):  # the conversation with the officer (or board) ends
        await reply(update, context, context.tr.t("relay.session.ended"))
    else:
        await reply(update, context, context.tr.t("form.nothing_to_cancel"))

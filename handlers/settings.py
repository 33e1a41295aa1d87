"""/batal: leaving a form."""

from __future__ import annotations

from telegram import Update

from handlers.context import BotContext
from handlers.replies import reply


async def batal(update: Update, context: BotContext) -> None:
    """Leaves the current form; the command wrapper has already suspended it, keeping the draft."""
    if context.chat_forms.suspended:
        await reply(update, context, context.tr.t("form.cancelled"))
    else:
        await reply(update, context, context.tr.t("form.nothing_to_cancel"))

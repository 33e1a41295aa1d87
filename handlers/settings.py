"""/bahasa and /batal: the person's own settings and leaving a form."""

from __future__ import annotations

from telegram import Update

from conversations.bahasa import NAME as BAHASA
from handlers.context import BotContext
from handlers.forms import SUSPENDED_FLAG, start_form
from handlers.replies import reply


async def bahasa(update: Update, context: BotContext) -> None:
    """Asks which language to use."""
    spec = context.services.forms.spec(BAHASA)
    if spec is not None:
        await start_form(update, context, spec)


async def batal(update: Update, context: BotContext) -> None:
    """Leaves the current form; the command wrapper has already suspended it, keeping the draft."""
    if context.flags.get(SUSPENDED_FLAG):
        await reply(update, context, context.tr.t("form.cancelled"))
    else:
        await reply(update, context, context.tr.t("form.nothing_to_cancel"))

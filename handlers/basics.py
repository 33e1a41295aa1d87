"""/start, /bantuan and the hints for what no other handler understood."""

from __future__ import annotations

from telegram import Update

from domain.access import Role
from handlers import home, onboarding
from handlers.callbacks import answer_callback
from handlers.context import BotContext
from handlers.help import help_text
from handlers.replies import reply
from runtime.chat_waits import ReplyKind


async def start(update: Update, context: BotContext) -> None:
    """An invite code opens onboarding; a known person gets the home menu; a stranger is told
    how to get access (and may ask for it)."""
    if context.args:
        await onboarding.open_invite(update, context, context.args[0])
    elif context.viewer.is_known:
        await home.send_home(update, context)
    else:
        await onboarding.greet_stranger(update, context)


async def bantuan(update: Update, context: BotContext) -> None:
    """Lists what the viewer can do here."""
    await reply(update, context, help_text(context.tr, context.viewer))


async def unknown_command(update: Update, context: BotContext) -> None:
    """A command we do not have (or the viewer may not use)."""
    await reply(update, context, context.tr.t("hint.unknown_command"), kind=ReplyKind.HINT)


async def hint(update: Update, context: BotContext) -> None:
    """Text or media that nothing else expected.

    A file from an admin is most likely a register whose /impor was left (a command in
    between, or a restart of the form): say plainly how to import it.
    """
    message = update.message
    if message is not None and message.document is not None and context.viewer.has(Role.ADMIN):
        await reply(update, context, context.tr.t("hint.document_import"), kind=ReplyKind.HINT)
        return
    await reply(update, context, context.tr.t("hint.stray"), kind=ReplyKind.HINT)


async def stale_callback(update: Update, context: BotContext) -> None:
    """A button no live menu owns any more."""
    await answer_callback(update, context, context.tr.t("callback.stale"))

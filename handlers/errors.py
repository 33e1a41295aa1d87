"""The error handler: log with context but without personal data, and apologise to the person."""

from __future__ import annotations

import logging

from telegram import Chat, Update
from telegram.error import Forbidden, TelegramError

from handlers.callbacks import answer_callback
from handlers.context import BotContext

logger = logging.getLogger(__name__)


def describe_update(update: object) -> str:
    """What kind of update this was, without any of its content (ids and types only)."""
    if not isinstance(update, Update):
        return "no update"
    kind = next(
        (name for name in Update.ALL_TYPES if getattr(update, name, None) is not None), "unknown"
    )
    return f"update {update.update_id} ({kind})"


async def on_error(update: object, context: BotContext) -> None:
    """Logs the failure and, in a private chat, tells the person something went wrong."""
    error = context.error
    # The exception's type and traceback identify the bug; its message may quote user input,
    # so only the type name is logged at ERROR and the traceback carries no locals.
    logger.error(
        "handler failed on %s: %s",
        describe_update(update),
        type(error).__name__,
        exc_info=(type(error), error, error.__traceback__) if error is not None else None,
    )
    if not isinstance(update, Update):
        return
    chat = update.effective_chat
    if chat is None or chat.type != Chat.PRIVATE:
        return
    apology = context.tr.t("error.generic")
    try:
        if update.callback_query is not None:
            await answer_callback(update, context, apology)
        else:
            await context.bot.send_message(chat_id=chat.id, text=apology)
    except Forbidden:
        logger.info("apology for %s not delivered: bot blocked", describe_update(update))
    except TelegramError as exc:
        logger.warning(
            "apology for %s not delivered: %s", describe_update(update), type(exc).__name__
        )

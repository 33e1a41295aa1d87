"""The error handler: log with context but without personal data, and apologise to the person."""

from __future__ import annotations

import logging

from sqlalchemy.exc import SQLAlchemyError
from telegram import Chat, Update
from telegram.error import Forbidden, RetryAfter, TelegramError

from handlers.callbacks import answer_callback
from handlers.context import BotContext
from runtime.chat_waits import ReplyDropped, ReplyKind, flood_wait_seconds, reply_kind
from runtime.logs import RedactingFormatter
from services.outbox import PRIORITY_INTERACTIVE, enqueue_message

logger = logging.getLogger(__name__)

# The tail of the traceback that fits a Telegram message with room to spare.
MAX_FRAMES_TEXT = 3000


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
    if isinstance(error, RetryAfter):
        # A chat's flood wait too long to sit out (runtime.chat_waits): not a bug, and an
        # apology now would be refused the same way.
        logger.warning(
            "reply to %s not sent: Telegram asked for a %.0f s pause",
            describe_update(update),
            flood_wait_seconds(error),
        )
        return
    # The exception's type and traceback identify the bug; its message may quote user input,
    # so only the type name is logged at ERROR and the traceback carries no locals.
    logger.error(
        "handler failed on %s: %s",
        describe_update(update),
        type(error).__name__,
        exc_info=(type(error), error, error.__traceback__) if error is not None else None,
    )
    await _notify_error_chat(update, context, error)
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
            with reply_kind(ReplyKind.OPTIONAL):  # none while the chat is under a flood wait
                await context.bot.send_message(chat_id=chat.id, text=apology)
    except ReplyDropped:
        pass
    except Forbidden:
        logger.info("apology for %s not delivered: bot blocked", describe_update(update))
    except TelegramError as exc:
        logger.warning(
            "apology for %s not delivered: %s", describe_update(update), type(exc).__name__
        )


async def _notify_error_chat(update: object, context: BotContext, error: Exception | None) -> None:
    """A short, redacted notice to the configured error chat (type, frames, update id)."""
    services = context.services
    chat_id = services.config.access.error_chat_id
    if not chat_id or error is None:
        return
    frames = RedactingFormatter().formatException((type(error), error, error.__traceback__))
    now = services.clock.now()
    text = services.catalogues.get(None).t(
        "error.notice",
        update=describe_update(update),
        error=type(error).__name__,
        frames=frames[-MAX_FRAMES_TEXT:],
    )
    try:
        async with services.uow() as uow:
            await enqueue_message(
                uow,
                key=f"error:{now.isoformat()}:{id(error)}",
                chat_id=chat_id,
                text=text,
                priority=PRIORITY_INTERACTIVE,
                kind="error",
                now=now,
            )
            await uow.commit()
    except SQLAlchemyError:
        # The database may be what failed; the log line above already has the details.
        logger.warning("error notice not queued: database unavailable")

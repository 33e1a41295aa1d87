"""Direct replies to the sender of the current update (everything else goes through the outbox)."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, InputFile, Message, Update

from handlers.context import BotContext
from runtime.chat_waits import ReplyDropped, ReplyKind, reply_kind

# Telegram's limit on a message's text after entity parsing.
MAX_TEXT = 4096


async def reply(
    update: Update,
    context: BotContext,
    text: str,
    *,
    markup: InlineKeyboardMarkup | None = None,
    kind: ReplyKind = ReplyKind.NEEDED,
) -> Message | None:
    """Sends `text` (HTML, rendered by the translator) to the chat of the current update.

    Under a flood wait of the chat it is sent after the wait; a `kind` of hint may be
    dropped instead (`runtime.chat_waits`), and then None is returned.
    """
    chat = update.effective_chat
    if chat is None:
        return None
    try:
        with reply_kind(kind):
            # Parse mode and link previews come from the application's Defaults.
            return await context.bot.send_message(chat_id=chat.id, text=text, reply_markup=markup)
    except ReplyDropped:
        return None


async def reply_photo(
    update: Update, context: BotContext, photo: bytes, caption: str, *, filename: str
) -> Message | None:
    """Sends a PNG the bot drew (uploaded) with its caption (HTML, at most 1,024 characters)
    to the chat of the current update."""
    chat = update.effective_chat
    if chat is None:
        return None
    try:
        with reply_kind(ReplyKind.NEEDED):
            return await context.bot.send_photo(
                chat_id=chat.id, photo=InputFile(photo, filename=filename), caption=caption
            )
    except ReplyDropped:
        return None

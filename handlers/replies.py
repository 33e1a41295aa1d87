"""Direct replies to the sender of the current update (everything else goes through the outbox)."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Message, Update

from handlers.context import BotContext

# Telegram's limit on a message's text after entity parsing.
MAX_TEXT = 4096


async def reply(
    update: Update,
    context: BotContext,
    text: str,
    *,
    markup: InlineKeyboardMarkup | None = None,
) -> Message | None:
    """Sends `text` (HTML, rendered by the translator) to the chat of the current update."""
    chat = update.effective_chat
    if chat is None:
        return None
    # Parse mode and link previews come from the application's Defaults.
    return await context.bot.send_message(chat_id=chat.id, text=text, reply_markup=markup)

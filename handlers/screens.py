"""Screens shown by buttons: the pressed message is edited in place, unless nothing changed.

Telegram refuses an edit that changes nothing ("message is not modified"), so an edit is
skipped when the new text and buttons equal what the message shows — as the pressed message
came with the update, or as this process last rendered it (a double tap carries the message
as it was before the first tap's edit).
"""

from __future__ import annotations

import hashlib
import html
import json
import logging
import re

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest

from handlers.context import BotContext
from handlers.keyboards import keyboard_dict
from handlers.replies import MAX_TEXT, edit, reply

logger = logging.getLogger(__name__)

_TAG = re.compile(r"<[^>]*>")
# chat_data holds only this cache (never form state): losing it on a restart costs at most one
# edit that Telegram answers with "not modified", which `show` tolerates.
_LAST_RENDER = "last_render"


def visible_text(rendered: str) -> str:
    """The text Telegram keeps of an HTML message: tags gone, entities decoded, trimmed."""
    return html.unescape(_TAG.sub("", rendered)).strip()


def fits(rendered: str) -> bool:
    """Whether the rendered HTML stays within Telegram's 4096 characters once parsed."""
    return len(visible_text(rendered)) <= MAX_TEXT


def _signature(text: str, markup: InlineKeyboardMarkup | None) -> str:
    buttons = keyboard_dict(markup) if markup is not None else None
    blob = json.dumps([text, buttons], ensure_ascii=False, sort_keys=True).encode()
    return hashlib.sha256(blob).hexdigest()


def _shown(message: Message) -> str:
    markup = message.reply_markup
    return _signature((message.text or "").strip(), markup)


async def show(
    update: Update, context: BotContext, text: str, markup: InlineKeyboardMarkup | None
) -> None:
    """Edits the pressed message into this screen, or sends it when there is none to edit."""
    query = update.callback_query
    message = query.message if query is not None else None
    if not isinstance(message, Message) or message.text is None:
        await reply(update, context, text, markup=markup)
        return
    wanted = _signature(visible_text(text), markup)
    cache = context.chat_data if context.chat_data is not None else {}
    if wanted in (_shown(message), cache.get(_LAST_RENDER, {}).get(message.message_id)):
        return
    try:
        await edit(message, context, text, markup)
    except BadRequest as exc:
        reason = exc.message.lower()
        if "not modified" in reason:
            logger.info("edit of message %s skipped by Telegram: unchanged", message.message_id)
        elif "can't be edited" in reason or "to edit not found" in reason:
            # Too old or deleted: the screen comes as a new message instead.
            await reply(update, context, text, markup=markup)
            return
        else:
            raise
    # One entry per chat is enough: people page through the latest screen.
    cache[_LAST_RENDER] = {message.message_id: wanted}

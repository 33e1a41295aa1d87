"""Answering callback queries: exactly once each, through this helper only.

The callback data itself (one typed codec per button) is in `domain.callbacks`, below the
services that queue messages with buttons.
"""

from __future__ import annotations

import hashlib
import html
import logging
import re

from telegram import Update
from telegram.error import BadRequest

from handlers.context import BotContext

logger = logging.getLogger(__name__)

_ANSWERED_KEY = "callback_answered"
# A tag of Telegram's HTML (a rendered message's markup); an escaped "<" in a value is "&lt;".
_TAG = re.compile(r"</?[a-z][^<>]*>")


def alert_text(rendered: str) -> str:
    """A message rendered for HTML parse mode as an alert's plain text: callback answers have
    no parse mode, so markup is dropped and escaped values (`&amp;`) read as typed."""
    return html.unescape(_TAG.sub("", rendered))


async def answer_callback(
    update: Update, context: BotContext, text: str | None = None, *, alert: bool = False
) -> None:
    """Answers the update's callback query unless it was answered already.

    `text` is a rendered message (HTML, values escaped), shown as plain text.
    """
    query = update.callback_query
    if query is None or context.flags.get(_ANSWERED_KEY):
        return
    # Mark first: a failed answer must not be retried (Telegram rejects a second answer).
    context.flags[_ANSWERED_KEY] = True
    try:
        await query.answer(text=alert_text(text) if text else text, show_alert=alert)
    except BadRequest as exc:
        # The query is older than Telegram's answer window; nothing the person can see.
        logger.info("callback query for update %s not answered: %s", update.update_id, exc)


def press_key(update: Update) -> int:
    """One id for every press of one button on one message, however often it is tapped.

    Negative, so it never meets a Telegram update id in `processed_update`: marking it in the
    transaction that acts on the press makes a double tap act once.
    """
    query = update.callback_query
    message = query.message if query is not None else None
    chat_id = message.chat.id if message is not None else 0
    message_id = message.message_id if message is not None else 0
    data = query.data if query is not None else ""
    digest = hashlib.sha256(f"{chat_id}:{message_id}:{data}".encode()).digest()
    return -(int.from_bytes(digest[:8], "big") >> 2) - 1


def callback_answered(context: BotContext) -> bool:
    """Whether the current update's callback query has been answered."""
    return bool(context.flags.get(_ANSWERED_KEY))

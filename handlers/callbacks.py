"""Answering callback queries: exactly once each, through this helper only."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import BadRequest

from handlers.context import BotContext

logger = logging.getLogger(__name__)

_ANSWERED_KEY = "callback_answered"


async def answer_callback(
    update: Update, context: BotContext, text: str | None = None, *, alert: bool = False
) -> None:
    """Answers the update's callback query unless it was answered already."""
    query = update.callback_query
    if query is None or context.flags.get(_ANSWERED_KEY):
        return
    # Mark first: a failed answer must not be retried (Telegram rejects a second answer).
    context.flags[_ANSWERED_KEY] = True
    try:
        await query.answer(text=text, show_alert=alert)
    except BadRequest as exc:
        # The query is older than Telegram's answer window; nothing the person can see.
        logger.info("callback query for update %s not answered: %s", update.update_id, exc)


def callback_answered(context: BotContext) -> bool:
    """Whether the current update's callback query has been answered."""
    return bool(context.flags.get(_ANSWERED_KEY))

"""Server-side authorisation for every command and callback: roles here, scope per use-case."""

from __future__ import annotations

import logging
from collections.abc import Callable

from telegram import Update

from domain.access import Role
from handlers.callbacks import answer_callback
from handlers.context import BotContext
from handlers.forms import Handler
from handlers.replies import reply

logger = logging.getLogger(__name__)


def requires(*roles: Role) -> Callable[[Handler], Handler]:
    """Lets the handler run only for a viewer holding one of `roles`; others are told no.

    A hidden or old button is not a permission: callbacks pass through here too, and a
    refused callback is still answered (once).
    """

    def wrap(callback: Handler) -> Handler:
        async def guarded(update: Update, context: BotContext) -> None:
            if context.viewer.has(*roles):
                await callback(update, context)
                return
            await refuse(update, context)

        guarded.__doc__ = callback.__doc__
        guarded.__name__ = getattr(callback, "__name__", "guarded")
        return guarded

    return wrap


async def refuse(update: Update, context: BotContext) -> None:
    """Tells the viewer they may not do this (a callback gets an alert, a message a reply)."""
    logger.info("refused update %s for person %s", update.update_id, context.viewer.person_id)
    text = context.tr.t("auth.not_allowed")
    if update.callback_query is not None:
        await answer_callback(update, context, text, alert=True)
    else:
        await reply(update, context, text)

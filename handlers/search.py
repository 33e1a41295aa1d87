"""After a search form is answered: its results, right after the form's own reply.

A form's completion reply is text only, so the results (with their buttons) follow from here,
the search form's completion hook. The search marks itself finished in the same transaction
as the answer; this shows it once and clears the mark.
"""

from __future__ import annotations

from telegram import Update

from handlers.context import BotContext
from handlers.koperasi import LIST_SUBJECT, show_search_list
from handlers.petugas import show_assign_search
from handlers.petugas_views import PREFIX as PETUGAS_PREFIX
from services.koperasi_query import finished_search, take_finished_search


async def show_search_results(update: Update, context: BotContext) -> None:
    """Shows the results of a search the person has just finished, if any."""
    services, viewer = context.services, context.viewer
    async with services.uow(write=False) as uow:
        pending = await finished_search(uow, viewer.chat_id, viewer.telegram_user_id)
    if pending is None:
        return
    async with services.uow() as uow:
        subject = await take_finished_search(uow, viewer.chat_id, viewer.telegram_user_id)
        await uow.commit()
    if subject == LIST_SUBJECT:
        await show_search_list(update, context)
    elif subject is not None and subject.removeprefix(PETUGAS_PREFIX).isdigit():
        await show_assign_search(update, context, int(subject.removeprefix(PETUGAS_PREFIX)))

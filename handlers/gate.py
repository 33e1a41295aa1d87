"""The gate (group -1): who sent this update, in which language, and whether we handle it.

The viewer comes from memory (`services.viewers`) and from the database only on a miss: every
session of the bot reports its commits to that cache (storage.viewer_cache).
"""

from __future__ import annotations

import functools

from telegram import Chat, Update
from telegram.constants import MessageEntityType
from telegram.ext import ApplicationHandlerStop

from conversations.outcome import ChatForms
from domain.access import Role, RoleGrant, Viewer
from handlers.context import BotContext
from handlers.replies import reply


async def gate(update: Update, context: BotContext) -> None:
    """Admits private-chat updates with a known sender; stops everything else."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None or user.is_bot:
        raise ApplicationHandlerStop
    services = context.services
    if chat.type != Chat.PRIVATE:
        # Private chats only (docs/rules.md#roles-and-scope): point /start there, store nothing.
        if _is_start_command(update):
            tr = services.catalogues.resolve(None, user.language_code)
            link = f"https://t.me/{context.bot.username}"
            await reply(update, context, tr.t("start.private_only", link=link))
        raise ApplicationHandlerStop
    state = await services.viewer_state(user.id, chat.id)
    viewer = Viewer(
        telegram_user_id=user.id,
        chat_id=chat.id,
        person_id=state.person_id,
        grants=_grants(state.grants),
        language=state.language,
    )
    tr = services.catalogues.resolve(state.language, user.language_code)
    # Later steps skip their write transaction when there is no form to advance or suspend.
    context.admit(viewer, tr, ChatForms(active=state.has_active_form))
    if state.person_id is not None and not state.reachable and update.my_chat_member is None:
        # They wrote to us again: reachable (a "member" my_chat_member update says it too).
        async with services.uow() as uow:
            await uow.people.mark_reachable(user.id, now=services.clock.now())
            await uow.commit()


@functools.lru_cache(maxsize=1024)
def _grants(stored: tuple[tuple[str, int | None], ...]) -> frozenset[RoleGrant]:
    """The viewer's grants: the same few sets for every update of a person, built once."""
    return frozenset(RoleGrant(Role(role), koperasi_id) for role, koperasi_id in stored)


def _is_start_command(update: Update) -> bool:
    message = update.message
    if message is None or not message.text or not message.entities:
        return False
    first = message.entities[0]
    if first.type != MessageEntityType.BOT_COMMAND or first.offset != 0:
        return False
    return message.text[1 : first.length].split("@")[0].lower() == "start"

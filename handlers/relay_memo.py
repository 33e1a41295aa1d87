"""Whether a chat may have a relay session, remembered by this process so that commands and
plain messages of chats without one cost no query.

The database is the truth; the memo only skips lookups. Only the leader handles updates, and
every session starts through its handlers, which note it here. After a restart nothing is
known: the first command or message of each chat looks once.
"""

from __future__ import annotations

from handlers.context import BotContext
from services.threads import end_session

_KEY = "relay_session"
_ENDED = "relay_session_ended"


def note_session(context: BotContext, *, open_: bool) -> None:
    """Records that the chat has (or no longer has) a relay session."""
    if context.chat_data is not None:
        context.chat_data[_KEY] = open_


def may_have_session(context: BotContext) -> bool:
    """False only when this process knows the chat has no relay session."""
    if context.chat_data is None:
        return True
    return context.chat_data.get(_KEY) is not False


async def end_on_command(context: BotContext) -> None:
    """Another command ends the chat's relay session (docs/rules.md)."""
    if not context.viewer.is_known or not may_have_session(context):
        return  # a person without a role has no relay session
    services = context.services
    async with services.uow() as uow:
        ended = await end_session(uow, context.viewer.chat_id, services.clock.now())
        await uow.commit()
    note_session(context, open_=False)
    context.flags[_ENDED] = ended


def ended_by_command(context: BotContext) -> bool:
    """Whether the current command ended a relay session (/batal says so)."""
    return bool(context.flags.get(_ENDED))

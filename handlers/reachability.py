"""Who can be reached: a person who blocks the bot is unreachable until they come back.

Telegram tells us with a `my_chat_member` update ("kicked" when blocked, "member" when
restarted); the sender also learns it from a 403. Unreachable people are shown to their
officer and in roll-ups, and nothing is queued for them in vain.
"""

from __future__ import annotations

import logging

from telegram import ChatMember, Update

from handlers.context import BotContext

logger = logging.getLogger(__name__)


async def on_my_chat_member(update: Update, context: BotContext) -> None:
    """Blocked → unreachable and their pending messages cancelled; restarted → reachable."""
    change = update.my_chat_member
    if change is None:
        return
    services, user_id = context.services, change.from_user.id
    status = change.new_chat_member.status
    async with services.uow() as uow:
        if status in (ChatMember.BANNED, ChatMember.LEFT):
            await uow.people.mark_unreachable_by_chat(user_id, now=services.clock.now())
            cancelled = await uow.outbox.cancel_pending_for_chat(user_id, reason="blocked")
            logger.info("a person blocked the bot; %d pending messages cancelled", cancelled)
        elif status == ChatMember.MEMBER:
            await uow.people.mark_reachable(user_id, now=services.clock.now())
        await uow.commit()

"""Messages that are not commands: the active form's step, then the relay, then a hint."""

from __future__ import annotations

from telegram import Update

from conversations.inputs import Incoming
from handlers.basics import hint
from handlers.context import BotContext
from handlers.forms import apply_input
from handlers.outcomes import send_outcome
from handlers.relay import relay


async def route_message(update: Update, context: BotContext) -> None:
    """Routing steps 2-4 (docs/architecture.md) for a message: form step → relay session → hint."""
    message = update.message
    if message is None:
        return
    outcome = await apply_input(update, context, Incoming.from_message(message))
    if outcome is not None:
        await send_outcome(update, context, outcome)
        return
    # 3. The relay: a live session, or a Telegram reply to a relayed copy.
    if await relay(update, context):
        return
    await hint(update, context)

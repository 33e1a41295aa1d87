"""Direct replies to the sender of the current update (everything else goes through the outbox).

A text reply is sent as a plain Bot API call (`Bot.do_api_request`, no return type): PTB would
otherwise parse the sent message back into a `Message` — with every button of its keyboard —
which nobody reads (a /lapor menu's parse cost more CPU than building it). The call still
goes through the application's rate limiter (`runtime.chat_waits`, the chat's flood waits)
and raises the same `telegram.error` exceptions; the message id comes back for a caller
that edits the message later. An edit of a screen (`edit`) is sent the same way.
"""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardMarkup, InputFile, Message, Update

from handlers.context import BotContext
from handlers.keyboards import api_json
from runtime.chat_waits import ReplyDropped, ReplyKind, reply_kind

# Telegram's limit on a message's text after entity parsing.
MAX_TEXT = 4096


async def reply(
    update: Update,
    context: BotContext,
    text: str,
    *,
    markup: InlineKeyboardMarkup | None = None,
    kind: ReplyKind = ReplyKind.NEEDED,
) -> int | None:
    """Sends `text` (HTML, rendered by the translator) to the chat of the current update;
    returns the sent message's id.

    Under a flood wait of the chat it is sent after the wait; a `kind` of hint may be
    dropped instead (`runtime.chat_waits`), and then None is returned.
    """
    chat = update.effective_chat
    if chat is None:
        return None
    params = _message_params(context, {"chat_id": chat.id}, text, markup)
    try:
        with reply_kind(kind):
            # The lower-case name: PTB warns when the typed method's own name is used here.
            sent = await context.bot.do_api_request("sendmessage", api_kwargs=params)
    except ReplyDropped:
        return None
    message_id = sent.get("message_id") if isinstance(sent, dict) else None
    return message_id if isinstance(message_id, int) else None


async def edit(
    message: Message, context: BotContext, text: str, markup: InlineKeyboardMarkup | None
) -> None:
    """Edits `message` (one the bot sent) into `text` (HTML) with `markup`, as
    `message.edit_text(text, reply_markup=markup)` does, without parsing the edited message
    back. Raises what the typed call raises (`BadRequest` for "not modified")."""
    target: dict[str, Any] = {"chat_id": message.chat_id, "message_id": message.message_id}
    if message.business_connection_id is not None:
        target["business_connection_id"] = message.business_connection_id
    params = _message_params(context, target, text, markup)
    await context.bot.do_api_request("editmessagetext", api_kwargs=params)


def _message_params(
    context: BotContext, target: dict[str, Any], text: str, markup: InlineKeyboardMarkup | None
) -> dict[str, Any]:
    """The parameters of a message's text as the typed call would send them; the keyboard
    and the link preview options already encoded (PTB passes a string parameter on as it is,
    and its own encoding of a keyboard costs more than the rest of the call)."""
    params: dict[str, Any] = {**target, "text": text}
    defaults = context.bot.defaults  # parse mode and link previews, as the typed call sends
    if defaults is not None:
        if defaults.parse_mode is not None:
            params["parse_mode"] = str(defaults.parse_mode)
        if defaults.link_preview_options is not None:
            params["link_preview_options"] = api_json(defaults.link_preview_options)
    if markup is not None:
        params["reply_markup"] = api_json(markup)
    return params


async def reply_message(update: Update, context: BotContext, text: str) -> Message | None:
    """`reply`, returning the sent `Message` for a caller that edits it later (a progress
    message): PTB parses it back, which costs what `reply` saves."""
    chat = update.effective_chat
    if chat is None:
        return None
    try:
        with reply_kind(ReplyKind.NEEDED):
            return await context.bot.send_message(chat_id=chat.id, text=text)
    except ReplyDropped:
        return None


async def reply_photo(
    update: Update, context: BotContext, photo: bytes, caption: str, *, filename: str
) -> Message | None:
    """Sends a PNG the bot drew (uploaded) with its caption (HTML, at most 1,024 characters)
    to the chat of the current update."""
    chat = update.effective_chat
    if chat is None:
        return None
    try:
        with reply_kind(ReplyKind.NEEDED):
            return await context.bot.send_photo(
                chat_id=chat.id, photo=InputFile(photo, filename=filename), caption=caption
            )
    except ReplyDropped:
        return None

"""Text messages: send, edit, delete, copy, forward, location and chat actions."""

from __future__ import annotations

import itertools
from typing import Any

from telegram_stub.errors import bad_request
from telegram_stub.markup import check_caption, format_text
from telegram_stub.methods.base import Call, Handler
from telegram_stub.models import JsonDict, StoredMessage, StubChat

NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the "
    "same as a current content and reply markup of the message"
)
_CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
MAX_IDS = 100


async def send_message(call: Call) -> JsonDict:
    """sendMessage."""
    chat = call.chat()
    text = call.text()
    markup = call.reply_markup()
    return call.send(chat, text=text.text, entities=text.entities, reply_markup=markup)


def _editable(call: Call) -> StoredMessage:
    if "inline_message_id" in call.params:
        raise bad_request("MESSAGE_ID_INVALID")
    if "chat_id" not in call.params:
        raise bad_request("chat_id is empty")
    if "message_id" not in call.params:
        raise bad_request("message identifier is not specified")
    chat = call.chat()
    message = call.state.message(chat, call.params["message_id"])
    if message is None:
        raise bad_request("message to edit not found")
    if not message.outgoing:
        raise bad_request("message can't be edited")
    return message


def _apply_edit(call: Call, message: StoredMessage, **changes: Any) -> JsonDict:
    current = message.reply_markup
    if changes.get("reply_markup") is None and current and "inline_keyboard" not in current:
        # A reply keyboard belongs to the chat, not to the message an edit changes.
        changes.pop("reply_markup", None)
    if all(getattr(message, key) == value for key, value in changes.items()):
        raise bad_request(NOT_MODIFIED)
    call.admit(message.chat)
    for key, value in changes.items():
        setattr(message, key, value)
    message.edit_count += 1
    message.edit_date = call.state.now()
    return message.to_api()


async def edit_message_text(call: Call) -> JsonDict:
    """editMessageText; leaving out reply_markup removes the inline keyboard, as on Telegram."""
    message = _editable(call)
    if message.text is None:
        raise bad_request("there is no text in the message to edit")
    text = call.text()
    markup = call.reply_markup()
    return _apply_edit(call, message, text=text.text, entities=text.entities, reply_markup=markup)


async def edit_message_caption(call: Call) -> JsonDict:
    """editMessageCaption."""
    message = _editable(call)
    if message.text is not None:
        raise bad_request("there is no caption in the message to edit")
    caption = call.caption()
    markup = call.reply_markup()
    return _apply_edit(
        call,
        message,
        caption=caption.text if caption and caption.text else None,
        entities=caption.entities if caption else [],
        reply_markup=markup,
    )


async def edit_message_reply_markup(call: Call) -> JsonDict:
    """editMessageReplyMarkup."""
    message = _editable(call)
    return _apply_edit(call, message, reply_markup=call.reply_markup())


def _deletable(call: Call, chat: StubChat, message_id: int) -> StoredMessage | None:
    message = call.state.message(chat, message_id)
    if message is not None and chat.type != "private" and not message.outgoing:
        raise bad_request("message can't be deleted")
    return message


async def delete_message(call: Call) -> bool:
    """deleteMessage: the bot's own messages anywhere, any message in a private chat."""
    chat = call.chat()
    message = _deletable(call, chat, call.params["message_id"])
    if message is None:
        raise bad_request("message to delete not found")
    message.deleted = True
    return True


def _message_ids(call: Call) -> list[int]:
    ids: list[int] = call.params["message_ids"]
    if not 1 <= len(ids) <= MAX_IDS:
        raise bad_request("message_ids must contain 1-100 identifiers")
    return ids


async def delete_messages(call: Call) -> bool:
    """deleteMessages: messages that cannot be found are skipped."""
    chat = call.chat()
    for message_id in _message_ids(call):
        message = _deletable(call, chat, message_id)
        if message is not None:
            message.deleted = True
    return True


def _copy_fields(call: Call, source: StoredMessage) -> dict[str, Any]:
    media = {
        k: v for k, v in source.media.items() if k not in {"media_group_id", "forward_origin"}
    }
    fields: dict[str, Any] = {"text": source.text, "caption": source.caption, "media": media}
    fields["entities"] = source.entities
    if "caption" in call.params and source.text is None:
        caption = format_text(
            call.params["caption"],
            call.params.get("parse_mode"),
            call.params.get("caption_entities"),
        )
        check_caption(caption)
        fields.update(caption=caption.text or None, entities=caption.entities)
    if call.params.get("remove_caption"):
        fields.update(caption=None, entities=[] if source.text is None else source.entities)
    return fields


def _source(call: Call, message_id: int) -> StoredMessage | None:
    return call.state.message(call.chat("from_chat_id"), message_id)


async def copy_message(call: Call) -> JsonDict:
    """copyMessage: returns the new MessageId."""
    source = _source(call, call.params["message_id"])
    if source is None:
        raise bad_request("message to copy not found")
    chat = call.chat()
    fields = _copy_fields(call, source)
    sent = call.send(chat, reply_markup=call.reply_markup(), **fields)
    return {"message_id": sent["message_id"]}


async def copy_messages(call: Call) -> list[JsonDict]:
    """copyMessages: identifiers strictly increasing; missing ones are skipped."""
    ids = _message_ids(call)
    if any(a >= b for a, b in itertools.pairwise(ids)):
        raise bad_request("message identifiers must be in a strictly increasing order")
    chat = call.chat()
    sources = [m for m in (_source(call, i) for i in ids) if m is not None]
    copied = [call.send(chat, **_copy_fields(call, m)) for m in sources]
    return [{"message_id": sent["message_id"]} for sent in copied]


async def forward_message(call: Call) -> JsonDict:
    """forwardMessage: the copy carries a forward_origin naming the original sender."""
    source = _source(call, call.params["message_id"])
    if source is None:
        raise bad_request("message to forward not found")
    chat = call.chat()
    fields = _copy_fields(call, source)
    origin = {"type": "user", "date": source.date, "sender_user": source.sender.to_api()}
    fields["media"] = {**fields["media"], "forward_origin": origin}
    return call.send(chat, **fields)


async def send_location(call: Call) -> JsonDict:
    """sendLocation."""
    chat = call.chat()
    latitude, longitude = call.params["latitude"], call.params["longitude"]
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise bad_request("wrong latitude or longitude specified")
    location = {"latitude": latitude, "longitude": longitude}
    return call.send(chat, media={"location": location}, reply_markup=call.reply_markup())


async def send_chat_action(call: Call) -> bool:
    """sendChatAction."""
    chat = call.chat()
    if call.params["action"] not in _CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    call.admit(chat)
    return True


HANDLERS: dict[str, Handler] = {
    "sendMessage": send_message,
    "editMessageText": edit_message_text,
    "editMessageCaption": edit_message_caption,
    "editMessageReplyMarkup": edit_message_reply_markup,
    "deleteMessage": delete_message,
    "deleteMessages": delete_messages,
    "copyMessage": copy_message,
    "copyMessages": copy_messages,
    "forwardMessage": forward_message,
    "sendLocation": send_location,
    "sendChatAction": send_chat_action,
}

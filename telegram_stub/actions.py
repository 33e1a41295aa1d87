"""What users do, in Python: write, press buttons, share things, block the bot; read a chat.

Every injected update gets the next ``update_id`` and is queued for getUpdates.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from typing import Any

from telegram_stub.markup import utf16_len
from telegram_stub.models import (
    JsonDict,
    StoredFile,
    StoredMessage,
    StubChat,
    StubUser,
)
from telegram_stub.state import FILE_KINDS, StubState

_COMMAND = re.compile(r"/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![A-Za-z0-9_@])")


class ControlError(Exception):
    """A control request that cannot be carried out (unknown chat, no such button ...)."""


@dataclass(frozen=True)
class Injected:
    """What an injected update created; bot replies get ids above ``baseline_message_id``."""

    update_id: int
    chat_id: int
    baseline_message_id: int
    message_id: int | None = None
    callback_query_id: str | None = None
    media_group_id: str | None = None

    def to_dict(self) -> JsonDict:
        """JSON form for the control API."""
        return asdict(self)


def command_entities(text: str) -> list[JsonDict]:
    """A bot_command entity for a leading ``/command`` (so ``/start CODE`` deep links work)."""
    match = _COMMAND.match(text)
    if match is None:
        return []
    return [{"type": "bot_command", "offset": 0, "length": utf16_len(match.group())}]


class UserActions:
    """Acting as users against the stub (mixed into ``BotApiStub``)."""

    state: StubState

    # --- users and chats ---------------------------------------------------------------------

    def add_user(self, user: StubUser) -> int:
        """Registers a user and their private chat without sending an update; returns chat id."""
        return self.state.register_user(user).id

    def create_group(
        self, title: str, *, chat_id: int | None = None, chat_type: str = "group"
    ) -> int:
        """Creates a group (or supergroup) with the bot in it; returns its chat id."""
        return self.state.create_group(title, chat_id=chat_id, chat_type=chat_type).id

    def read_chat(self, chat_id: int) -> JsonDict:
        """Every message of a chat in order (both directions, edits applied, deletions marked)."""
        chat = self.state.chats.get(chat_id)
        if chat is None:
            raise ControlError(f"unknown chat {chat_id}")
        return {
            "chat": chat.to_api(),
            "blocked": chat.id in self.state.blocked,
            "last_message_id": chat.last_message_id,
            "menu_button": chat.menu_button,
            "messages": [m.snapshot() for m in chat.messages.values()],
        }

    # --- updates -----------------------------------------------------------------------------

    def _chat_for(self, user: StubUser, chat_id: int | None) -> StubChat:
        if chat_id is None or chat_id == user.id:
            private = self.state.register_user(user)
            if user.id in self.state.blocked:
                # Writing to a blocked bot unblocks it first, as Telegram's apps do.
                self.inject_chat_member(user, "member")
            return private
        self.state.users[user.id] = user  # a group message opens no private chat
        chat = self.state.chats.get(chat_id)
        if chat is None:
            raise ControlError(f"unknown chat {chat_id}; create the group first")
        return chat

    def _push_message(self, user: StubUser, chat: StubChat, **fields: Any) -> Injected:
        message = self.state.add_message(chat, user, outgoing=False, **fields)
        update_id = self.state.updates.push("message", message.to_api())
        return Injected(update_id, chat.id, chat.last_message_id, message.message_id)

    def inject_message(
        self, user: StubUser, text: str, *, chat_id: int | None = None, reply_to: int | None = None
    ) -> Injected:
        """A text message from ``user`` (in their private chat, or in group ``chat_id``)."""
        chat = self._chat_for(user, chat_id)
        replied = self.state.message(chat, reply_to) if reply_to is not None else None
        return self._push_message(
            user, chat, text=text, entities=command_entities(text), reply_to=replied
        )

    def inject_location(self, user: StubUser, latitude: float, longitude: float) -> Injected:
        """A shared location."""
        location = {"latitude": latitude, "longitude": longitude}
        return self._push_message(user, self._chat_for(user, None), media={"location": location})

    def inject_contact(
        self, user: StubUser, phone_number: str, *, first_name: str | None = None
    ) -> Injected:
        """A shared contact; without ``first_name`` it is the user's own contact."""
        contact: JsonDict = {
            "phone_number": phone_number,
            "first_name": first_name or user.first_name,
        }
        if first_name is None:
            contact["user_id"] = user.id
            if user.last_name:
                contact["last_name"] = user.last_name
        return self._push_message(user, self._chat_for(user, None), media={"contact": contact})

    def _file(
        self, item: bytes | str, kind: str, filename: str | None, mime_type: str | None
    ) -> StoredFile:
        if kind not in FILE_KINDS:
            raise ControlError(f"unknown file kind {kind!r}; use one of {sorted(FILE_KINDS)}")
        if isinstance(item, str):
            stored = self.state.files.get(item)
            if stored is None:
                raise ControlError(f"unknown file_id {item!r}")
            return stored
        return self.state.store_file(item, kind, filename, mime_type)

    def inject_media(
        self,
        user: StubUser,
        kind: str,
        data: bytes | str,
        *,
        filename: str | None = None,
        mime_type: str | None = None,
        caption: str | None = None,
        chat_id: int | None = None,
    ) -> Injected:
        """A photo, document, voice, audio or video: ``data`` is bytes or an existing file_id."""
        stored = self._file(data, kind, filename, mime_type)
        chat = self._chat_for(user, chat_id)
        return self._push_message(user, chat, caption=caption, media=stored.media_fields())

    def inject_album(
        self,
        user: StubUser,
        items: Sequence[bytes | str],
        kind: str = "photo",
        *,
        caption: str | None = None,
    ) -> list[Injected]:
        """Several media sharing a media_group_id, delivered as separate updates."""
        if not 2 <= len(items) <= 10:
            raise ControlError("an album has 2-10 items")
        group_id = self.state.new_media_group_id()
        chat = self._chat_for(user, None)
        results = []
        for index, item in enumerate(items):
            stored = self._file(
                item, kind, f"file_{index + 1}" if kind == "document" else None, None
            )
            injected = self._push_message(
                user,
                chat,
                caption=caption if index == 0 else None,
                media={**stored.media_fields(), "media_group_id": group_id},
            )
            results.append(replace(injected, media_group_id=group_id))
        return results

    def inject_chat_member(self, user: StubUser, status: str) -> Injected:
        """A my_chat_member update: ``"kicked"`` blocks the bot, ``"member"`` unblocks it."""
        if status not in {"kicked", "member"}:
            raise ControlError('status must be "kicked" or "member"')
        chat = self.state.register_user(user)
        old = "member" if status == "kicked" else "kicked"
        if status == "kicked":
            self.state.blocked.add(user.id)
        else:
            self.state.blocked.discard(user.id)
        payload = {
            "chat": chat.to_api(),
            "from": user.to_api(),
            "date": self.state.now(),
            "old_chat_member": self._member(old),
            "new_chat_member": self._member(status),
        }
        update_id = self.state.updates.push("my_chat_member", payload)
        return Injected(update_id, chat.id, chat.last_message_id)

    def _member(self, status: str) -> JsonDict:
        member: JsonDict = {"status": status, "user": self.state.bot.to_api()}
        if status == "kicked":
            member["until_date"] = 0
        return member

    def press(
        self,
        user: StubUser,
        button_text: str | None = None,
        *,
        message_id: int | None = None,
        data: str | None = None,
        chat_id: int | None = None,
    ) -> Injected:
        """A callback_query: the button with ``button_text`` on the latest bot message that has
        it, or the button carrying ``data`` on message ``message_id``."""
        chat = self._chat_for(user, chat_id)
        message, callback_data = _find_button(chat, button_text, message_id, data)
        record = self.state.new_callback(user, message, callback_data)
        payload = {
            "id": record.id,
            "from": user.to_api(),
            "message": message.to_api(),
            "chat_instance": str(abs(chat.id) * 7 + self.state.bot.id),
            "data": callback_data,
        }
        update_id = self.state.updates.push("callback_query", payload)
        return Injected(update_id, chat.id, chat.last_message_id, message.message_id, record.id)


def _find_button(
    chat: StubChat, text: str | None, message_id: int | None, data: str | None
) -> tuple[StoredMessage, str]:
    if text is None and data is None:
        raise ControlError("give button_text or data")
    candidates = [
        m
        for m in reversed(chat.messages.values())
        if m.outgoing and not m.deleted and (message_id is None or m.message_id == message_id)
    ]
    for message in candidates:
        for row in (message.reply_markup or {}).get("inline_keyboard", []):
            for button in row:
                if "callback_data" not in button:
                    continue
                if (text is None or button["text"] == text) and (
                    data is None or button["callback_data"] == data
                ):
                    return message, str(button["callback_data"])
    where = f"message {message_id}" if message_id is not None else "any bot message"
    raise ControlError(f"no callback button text={text!r} data={data!r} on {where} in {chat.id}")

"""What every Bot API method implementation shares: the call context and common checks."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from telegram_stub.errors import bad_request, forbidden
from telegram_stub.keyboards import check_reply_markup
from telegram_stub.limits import FileLimits, is_send
from telegram_stub.markup import FormattedText, check_caption, check_text, format_text
from telegram_stub.models import JsonDict, StoredMessage, StubChat, Upload
from telegram_stub.state import StubState
from telegram_stub.validation import MethodSpec


@dataclass
class Call:
    """One decoded Bot API request handed to a method implementation."""

    state: StubState
    method: MethodSpec
    params: dict[str, Any]
    uploads: dict[str, Upload]
    file_limits: FileLimits

    def chat(self, key: str = "chat_id") -> StubChat:
        """The chat named by parameter ``key``; 400 "chat not found" if unknown."""
        return self.state.find_chat(self.params[key])

    def admit(self, chat: StubChat) -> None:
        """Last checks before changing a chat: the user's block, then the flood limit."""
        if chat.type == "private" and chat.id in self.state.blocked:
            raise forbidden("bot was blocked by the user")
        if is_send(self.method.name):
            self.state.limits.count_send(chat.id)

    def text(self) -> FormattedText:
        """``text`` parsed with ``parse_mode``/``entities`` and checked (1-4096)."""
        formatted = format_text(
            self.params.get("text", ""), self.params.get("parse_mode"), self.params.get("entities")
        )
        check_text(formatted)
        return formatted

    def caption(self) -> FormattedText | None:
        """``caption`` parsed and checked (0-1024), None when absent."""
        if "caption" not in self.params:
            return None
        formatted = format_text(
            self.params["caption"],
            self.params.get("parse_mode"),
            self.params.get("caption_entities"),
        )
        check_caption(formatted)
        return formatted

    def reply_markup(self) -> JsonDict | None:
        """The validated ``reply_markup`` (None when absent)."""
        markup: JsonDict | None = self.params.get("reply_markup")
        if markup is not None:
            field = next(f for f in self.method.fields if f.name == "reply_markup")
            check_reply_markup(markup, field.types)
        return markup

    def reply_to(self, chat: StubChat) -> StoredMessage | None:
        """The message named by ``reply_parameters`` in ``chat``, if any."""
        reply: JsonDict | None = self.params.get("reply_parameters")
        if reply is None:
            return None
        if "chat_id" in reply:
            chat = self.state.find_chat(reply["chat_id"])
        target = self.state.message(chat, reply["message_id"])
        if target is None and not reply.get("allow_sending_without_reply"):
            raise bad_request("message to be replied not found")
        return target

    def send(self, chat: StubChat, **fields: Any) -> JsonDict:
        """Admits and stores one bot message in ``chat``; returns the Message object."""
        reply_to = self.reply_to(chat)
        self.admit(chat)
        message = self.state.add_message(
            chat, self.state.bot, outgoing=True, reply_to=reply_to, **fields
        )
        return message.to_api()


Handler = Callable[[Call], Awaitable[Any]]

"""The stub's records: users, chats, messages, files, recorded calls, callback queries.

Each record renders itself as Bot API JSON (``to_api``) that python-telegram-bot can de-json, and
as a control-API view (``snapshot``) that tests read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

JsonDict = dict[str, Any]


@dataclass(frozen=True)
class Upload:
    """One multipart file part of a Bot API request."""

    field: str
    filename: str
    content_type: str
    data: bytes


@dataclass
class StubUser:
    """A Telegram user (or the bot itself)."""

    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None
    is_bot: bool = False

    def to_api(self) -> JsonDict:
        """The User object."""
        data: JsonDict = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        for key in ("last_name", "username", "language_code"):
            value = getattr(self, key)
            if value is not None:
                data[key] = value
        return data


@dataclass(eq=False)
class StubChat:
    """A private chat with one user, or a group the bot is in."""

    id: int
    type: str
    user: StubUser | None = None
    title: str | None = None
    username: str | None = None
    messages: dict[int, StoredMessage] = field(default_factory=dict, repr=False)
    last_message_id: int = 0
    menu_button: JsonDict | None = None

    def to_api(self) -> JsonDict:
        """The Chat object embedded in messages."""
        data: JsonDict = {"id": self.id, "type": self.type}
        if self.user is not None:
            data.update({k: v for k, v in self.user.to_api().items() if k in _PRIVATE_CHAT_KEYS})
        if self.title is not None:
            data["title"] = self.title
        if self.username is not None:
            data["username"] = self.username
        return data

    def full_info(self) -> JsonDict:
        """The ChatFullInfo object getChat returns."""
        gifts = dict.fromkeys(
            (
                "unlimited_gifts",
                "limited_gifts",
                "unique_gifts",
                "premium_subscription",
                "gifts_from_channels",
            ),
            False,
        )
        return {
            **self.to_api(),
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": gifts,
        }


_PRIVATE_CHAT_KEYS = frozenset({"first_name", "last_name", "username"})


@dataclass
class StoredFile:
    """A file the stub holds in memory; ``file_id`` is reusable in any chat."""

    file_id: str
    file_unique_id: str
    kind: str
    data: bytes
    file_path: str
    filename: str | None = None
    mime_type: str | None = None

    @property
    def size(self) -> int:
        """Size in bytes."""
        return len(self.data)

    def to_file(self) -> JsonDict:
        """The File object getFile returns."""
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": self.size,
            "file_path": self.file_path,
        }

    def media_fields(self, duration: int | None = None) -> JsonDict:
        """The Message field(s) for this file sent as its kind (photo, document, voice ...)."""
        base: JsonDict = {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": self.size,
        }
        if self.kind == "photo":
            width, height = _png_size(self.data) or (1280, 960)  # Telegram's common 4:3
            return {"photo": [{**base, "width": width, "height": height}]}
        if self.kind == "sticker":  # a static sticker, as most are
            sticker = {"type": "regular", "width": 512, "height": 512, "emoji": "👍"}
            return {"sticker": {**base, **sticker, "is_animated": False, "is_video": False}}
        if self.mime_type:
            base["mime_type"] = self.mime_type
        if self.kind in {"voice", "audio", "video"}:
            base["duration"] = duration or 1
        if self.kind == "video":
            base.update(width=1280, height=720)
        if self.kind in {"document", "audio", "video"} and self.filename:
            base["file_name"] = self.filename
        return {self.kind: base}


def _png_size(data: bytes) -> tuple[int, int] | None:
    if data[:8] != b"\x89PNG\r\n\x1a\n" or len(data) < 24:
        return None
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    return (width, height) if width and height else None


@dataclass(eq=False)
class StoredMessage:
    """A message in a chat, sent by the bot (``outgoing``) or by a user."""

    message_id: int
    chat: StubChat = field(repr=False)
    sender: StubUser
    outgoing: bool
    date: int
    text: str | None = None
    caption: str | None = None
    entities: list[JsonDict] = field(default_factory=list)
    reply_markup: JsonDict | None = None
    media: JsonDict = field(default_factory=dict)
    reply_to: StoredMessage | None = None
    edit_count: int = 0
    edit_date: int | None = None
    deleted: bool = False

    def to_api(self, *, with_reply: bool = True) -> JsonDict:
        """The Message object."""
        data: JsonDict = {
            "message_id": self.message_id,
            "from": self.sender.to_api(),
            "chat": self.chat.to_api(),
            "date": self.date,
        }
        if self.text is not None:
            data["text"] = self.text
            if self.entities:
                data["entities"] = self.entities
        if self.caption is not None:
            data["caption"] = self.caption
            if self.entities:
                data["caption_entities"] = self.entities
        data.update(self.media)
        # Telegram only ever echoes inline keyboards back in a Message.
        if self.reply_markup is not None and "inline_keyboard" in self.reply_markup:
            data["reply_markup"] = self.reply_markup
        if with_reply and self.reply_to is not None:
            data["reply_to_message"] = self.reply_to.to_api(with_reply=False)
        if self.edit_date is not None:
            data["edit_date"] = self.edit_date
        return data

    def snapshot(self) -> JsonDict:
        """The control-API view of the message."""
        return {
            "message_id": self.message_id,
            "direction": "out" if self.outgoing else "in",
            "from_id": self.sender.id,
            "date": self.date,
            "text": self.text,
            "caption": self.caption,
            "entities": self.entities,
            "reply_markup": self.reply_markup,
            "media": self.media,
            "reply_to": self.reply_to.message_id if self.reply_to else None,
            "edit_count": self.edit_count,
            "deleted": self.deleted,
        }


@dataclass
class RecordedCall:
    """One Bot API request as the stub saw and answered it."""

    seq: int
    method: str
    params: JsonDict
    files: list[JsonDict]
    status: int
    response: JsonDict
    timestamp: float

    def to_dict(self) -> JsonDict:
        """JSON form for the control API."""
        return {
            "seq": self.seq,
            "method": self.method,
            "params": self.params,
            "files": self.files,
            "status": self.status,
            "response": self.response,
            "timestamp": self.timestamp,
        }


@dataclass
class CallbackRecord:
    """A callback query the stub delivered, and the bot's answer to it."""

    id: str
    user_id: int
    chat_id: int
    message_id: int
    data: str
    answered: bool = False
    answer: JsonDict = field(default_factory=dict)

    def to_dict(self) -> JsonDict:
        """JSON form for the control API."""
        return {
            "id": self.id,
            "user_id": self.user_id,
            "chat_id": self.chat_id,
            "message_id": self.message_id,
            "data": self.data,
            "answered": self.answered,
            "answer": self.answer,
        }

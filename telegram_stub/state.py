"""Everything the stub remembers: users, chats and their messages, files, updates, calls."""

from __future__ import annotations

import hashlib
import itertools
import re
import time
from collections.abc import Callable
from pathlib import PurePosixPath
from typing import Any

from telegram_stub.errors import bad_request
from telegram_stub.limits import Clock, RateLimiter
from telegram_stub.models import (
    CallbackRecord,
    JsonDict,
    RecordedCall,
    StoredFile,
    StoredMessage,
    StubChat,
    StubUser,
)
from telegram_stub.updates import UpdateQueue

_FILE_KINDS = {
    # kind: (file_id prefix, folder, default extension, default MIME type)
    "photo": ("AgAC", "photos", "jpg", "image/jpeg"),
    "document": ("BQAC", "documents", "bin", "application/octet-stream"),
    "voice": ("AwAC", "voice", "oga", "audio/ogg"),
    "audio": ("CQAC", "music", "mp3", "audio/mpeg"),
    "video": ("BAAC", "videos", "mp4", "video/mp4"),
    "sticker": ("CAAC", "stickers", "webp", "image/webp"),
}
FILE_KINDS = frozenset(_FILE_KINDS)
_SUFFIX = re.compile(r"[A-Za-z0-9]{1,5}")


def wrong_file() -> Exception:
    """Telegram's answer to an unknown file_id or an unusable URL."""
    return bad_request("wrong file identifier/HTTP URL specified")


class StubState:
    """The in-memory Bot API world of one bot."""

    def __init__(
        self,
        token: str,
        username: str,
        *,
        clock: Clock = time.monotonic,
        wall_clock: Clock = time.time,
    ) -> None:
        self.token = token
        self.bot = StubUser(int(token.split(":", 1)[0]), "Gempur", username=username, is_bot=True)
        self.updates = UpdateQueue()
        self.limits = RateLimiter(clock)
        self._wall_clock = wall_clock
        # Called with every recorded call (benchmarks wait on replies without polling).
        self.observers: list[Callable[[RecordedCall], None]] = []
        self.reset()

    def reset(self) -> None:
        """Forgets chats, files, calls and switches; update ids keep increasing for pollers."""
        self.users: dict[int, StubUser] = {}
        self.chats: dict[int, StubChat] = {}
        self.blocked: set[int] = set()
        self.files: dict[str, StoredFile] = {}
        self.calls: list[RecordedCall] = []
        self.callbacks: dict[str, CallbackRecord] = {}
        self.commands: dict[tuple[str, str], list[JsonDict]] = {}
        self.default_menu_button: JsonDict = {"type": "commands"}
        self.webhook_url = ""
        self._file_seq = itertools.count(1)
        self._callback_seq = itertools.count(1)
        self._group_seq = itertools.count(1)
        self._media_group_seq = itertools.count(1)
        self.updates.clear()
        self.limits.reset()

    def now(self) -> int:
        """Unix time for message dates."""
        return int(self._wall_clock())

    def me(self) -> JsonDict:
        """The bot's User object as getMe returns it."""
        return {
            **self.bot.to_api(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    # --- users and chats -------------------------------------------------------------------

    def register_user(self, user: StubUser) -> StubChat:
        """Creates (or refreshes) a user and their private chat with the bot."""
        self.users[user.id] = user
        chat = self.chats.get(user.id)
        if chat is None:
            chat = self.chats[user.id] = StubChat(user.id, "private", user=user)
        chat.user = user
        return chat

    def create_group(
        self,
        title: str,
        *,
        chat_id: int | None = None,
        chat_type: str = "group",
        username: str | None = None,
    ) -> StubChat:
        """Creates a group or supergroup the bot is a member of."""
        if chat_id is None:
            chat_id = -1_000_000_000 - next(self._group_seq)
        chat = StubChat(chat_id, chat_type, title=title, username=username)
        self.chats[chat_id] = chat
        return chat

    def find_chat(self, chat_id: int | str) -> StubChat:
        """The chat for an id or ``@username``; 400 "chat not found" otherwise."""
        if isinstance(chat_id, str):
            for chat in self.chats.values():
                if chat.username and f"@{chat.username}".lower() == chat_id.lower():
                    return chat
            raise bad_request("chat not found")
        found = self.chats.get(chat_id)
        if found is None:
            raise bad_request("chat not found")
        return found

    # --- messages ----------------------------------------------------------------------------

    def add_message(
        self,
        chat: StubChat,
        sender: StubUser,
        *,
        outgoing: bool,
        text: str | None = None,
        caption: str | None = None,
        entities: list[JsonDict] | None = None,
        reply_markup: JsonDict | None = None,
        media: JsonDict | None = None,
        reply_to: StoredMessage | None = None,
    ) -> StoredMessage:
        """Appends a message to ``chat`` with the chat's next message id."""
        chat.last_message_id += 1
        message = StoredMessage(
            message_id=chat.last_message_id,
            chat=chat,
            sender=sender,
            outgoing=outgoing,
            date=self.now(),
            text=text,
            caption=caption,
            entities=list(entities or []),
            reply_markup=reply_markup,
            media=dict(media or {}),
            reply_to=reply_to,
        )
        chat.messages[message.message_id] = message
        return message

    def new_media_group_id(self) -> str:
        """A fresh media_group_id for an album."""
        return str(13_000_000_000_000_000 + next(self._media_group_seq))

    def message(self, chat: StubChat, message_id: int) -> StoredMessage | None:
        """A message that exists and was not deleted."""
        found = chat.messages.get(message_id)
        return None if found is None or found.deleted else found

    # --- files -------------------------------------------------------------------------------

    def store_file(
        self,
        data: bytes,
        kind: str,
        filename: str | None = None,
        mime_type: str | None = None,
    ) -> StoredFile:
        """Keeps uploaded bytes and issues a file_id usable in any chat."""
        prefix, folder, extension, default_mime = _FILE_KINDS[kind]
        seq = next(self._file_seq)
        digest = hashlib.sha256(kind.encode() + b"\0" + data).hexdigest()
        suffix = PurePosixPath(filename).suffix.lstrip(".") if filename else ""
        if kind in {"photo", "voice"} or not _SUFFIX.fullmatch(suffix):
            suffix = ""  # Telegram re-encodes photos and voice notes
        stored = StoredFile(
            file_id=f"{prefix}{seq:05d}{digest[:16]}",
            file_unique_id=f"AQAD{digest[:12]}",
            kind=kind,
            data=data,
            file_path=f"{folder}/file_{seq}.{suffix or extension}",
            filename=filename,
            mime_type=mime_type or default_mime,
        )
        self.files[stored.file_id] = stored
        return stored

    def file(self, file_id: str) -> StoredFile:
        """The file with ``file_id``; 400 "wrong file identifier" otherwise."""
        stored = self.files.get(file_id)
        if stored is None:
            raise wrong_file()
        return stored

    def file_by_path(self, file_path: str) -> StoredFile | None:
        """The file served at ``/file/bot<token>/<file_path>``."""
        return next((f for f in self.files.values() if f.file_path == file_path), None)

    # --- callbacks and calls -------------------------------------------------------------------

    def new_callback(self, user: StubUser, message: StoredMessage, data: str) -> CallbackRecord:
        """Registers a callback query with a fresh id."""
        record = CallbackRecord(
            id=f"{self.bot.id}{next(self._callback_seq):08d}",
            user_id=user.id,
            chat_id=message.chat.id,
            message_id=message.message_id,
            data=data,
        )
        self.callbacks[record.id] = record
        return record

    def record_call(
        self,
        method: str,
        params: JsonDict,
        files: list[JsonDict],
        status: int,
        response: JsonDict,
    ) -> RecordedCall:
        """Appends one Bot API request to the call log."""
        call = RecordedCall(
            seq=len(self.calls) + 1,
            method=method,
            params=params,
            files=files,
            status=status,
            response=response,
            timestamp=self._wall_clock(),
        )
        self.calls.append(call)
        for observer in self.observers:
            observer(call)
        return call


def summarize(result: Any) -> Any:
    """A short form of a method result for the call log (message ids instead of messages)."""
    if isinstance(result, list):
        return [summarize(item) for item in result]
    if isinstance(result, dict):
        if "update_id" in result:
            return {"update_id": result["update_id"]}
        if "message_id" in result:
            return {"message_id": result["message_id"]}
        return {key: value for key, value in result.items() if not isinstance(value, dict | list)}
    return result

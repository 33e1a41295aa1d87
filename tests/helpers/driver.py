"""Acts as Telegram users against telegram_stub through its control API (HTTP).

    async with Driver(stub.url) as driver:
        ani = driver.user(1001, "Ani")
        await ani.send("/start ABC")
        [welcome] = await ani.wait_for_reply()
        await ani.press("Lanjut")

``wait_for_reply`` polls the chat for bot messages that arrive after the user's last action
(waiting for an event with a timeout, never sleeping for a schedule); messages it returns count
as seen, so the next wait looks for newer ones.
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Any, TypeVar

import httpx

JsonDict = dict[str, Any]
_T = TypeVar("_T")
# A valid 1x1 PNG, the default content of photos users send.
TINY_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=="
)


class DriverError(Exception):
    """The stub refused a control request, or a wait timed out."""


@dataclass(frozen=True)
class BotMessage:
    """A message in a chat as the control API shows it (edits applied)."""

    message_id: int
    outgoing: bool
    text: str | None
    caption: str | None
    entities: list[JsonDict]
    reply_markup: JsonDict | None
    media: JsonDict
    edit_count: int
    deleted: bool
    # The message this one replies to (a Telegram reply), if any.
    reply_to: int | None = None

    @classmethod
    def from_snapshot(cls, data: JsonDict) -> BotMessage:
        """Builds it from one entry of ``GET /control/chats/{id}``."""
        return cls(
            message_id=data["message_id"],
            outgoing=data["direction"] == "out",
            text=data["text"],
            caption=data["caption"],
            entities=data["entities"],
            reply_markup=data["reply_markup"],
            media=data["media"],
            edit_count=data["edit_count"],
            deleted=data["deleted"],
            reply_to=data.get("reply_to"),
        )

    @property
    def body(self) -> str:
        """The text, or the caption of a media message."""
        return self.text or self.caption or ""

    @property
    def buttons(self) -> list[str]:
        """Texts of the inline (or reply) keyboard's buttons, row by row."""
        markup = self.reply_markup or {}
        rows = markup.get("inline_keyboard") or markup.get("keyboard") or []
        return [b if isinstance(b, str) else b["text"] for row in rows for b in row]


class Driver:
    """A control-API client; ``user(...)`` gives a session acting as one user."""

    def __init__(self, base_url: str, *, poll_interval: float = 0.02) -> None:
        self._client = httpx.AsyncClient(base_url=f"{base_url.rstrip('/')}/control")
        self.poll_interval = poll_interval

    async def __aenter__(self) -> Driver:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Closes the HTTP client."""
        await self._client.aclose()

    async def request(self, method: str, path: str, body: JsonDict | None = None) -> Any:
        """One control call; raises ``DriverError`` with the stub's explanation on a 4xx."""
        response = await self._client.request(method, path, json=body)
        if response.is_error:
            raise DriverError(f"{method} {path}: {response.status_code} {response.text}")
        return response.json()

    def user(
        self,
        user_id: int,
        first_name: str = "Pengguna",
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "id",
    ) -> UserSession:
        """A session acting as this user in their private chat with the bot."""
        profile: JsonDict = {"id": user_id, "first_name": first_name}
        for key, value in (
            ("last_name", last_name),
            ("username", username),
            ("language_code", language_code),
        ):
            if value is not None:
                profile[key] = value
        return UserSession(self, profile)

    async def chat(self, chat_id: int) -> list[BotMessage]:
        """Every message of a chat, both directions, in order."""
        data = await self.request("GET", f"/chats/{chat_id}")
        return [BotMessage.from_snapshot(m) for m in data["messages"]]

    async def calls(self, method: str | None = None) -> list[JsonDict]:
        """Recorded Bot API calls, optionally of one method."""
        query = f"?method={method}" if method else ""
        result: list[JsonDict] = await self.request("GET", f"/calls{query}")
        return result


class UserSession:
    """One user's side of the conversation."""

    def __init__(self, driver: Driver, profile: JsonDict) -> None:
        self.driver = driver
        self.profile = profile
        self.id: int = profile["id"]
        self._seen = 0  # bot messages up to this id are not "new"

    async def _act(self, path: str, **body: Any) -> JsonDict:
        result: JsonDict = await self.driver.request("POST", path, {"user": self.profile, **body})
        self._seen = result["baseline_message_id"]
        return result

    async def send(self, text: str, *, reply_to: int | None = None) -> JsonDict:
        """Sends a text message (commands too: ``"/start ABC"``), optionally as a Telegram
        reply to message ``reply_to`` of this chat."""
        if reply_to is None:
            return await self._act("/updates/message", text=text)
        return await self._act("/updates/message", text=text, reply_to=reply_to)

    async def type_choice(self, number: int) -> JsonDict:
        """Answers a numbered choice by typing its number."""
        return await self.send(str(number))

    async def press(self, button_text: str) -> JsonDict:
        """Presses the button with this text on the latest bot message that has it."""
        return await self._act("/updates/callback", button_text=button_text)

    async def press_on(self, message_id: int, button_text: str) -> JsonDict:
        """Presses the button with this text on bot message `message_id` (an older one)."""
        return await self._act("/updates/callback", button_text=button_text, message_id=message_id)

    async def share_location(self, latitude: float, longitude: float) -> JsonDict:
        """Shares a location."""
        return await self._act("/updates/location", latitude=latitude, longitude=longitude)

    async def share_contact(self, phone_number: str) -> JsonDict:
        """Shares the user's own contact."""
        return await self._act("/updates/contact", phone_number=phone_number)

    async def _send_file(self, kind: str, data: bytes, **extra: Any) -> JsonDict:
        encoded = base64.b64encode(data).decode()
        return await self._act("/updates/media", kind=kind, data_base64=encoded, **extra)

    async def send_photo(self, data: bytes | None = None, caption: str | None = None) -> JsonDict:
        """Sends a photo (a tiny PNG by default)."""
        return await self._send_file("photo", data or TINY_PNG, caption=caption)

    async def send_document(self, data: bytes, filename: str) -> JsonDict:
        """Sends a document."""
        return await self._send_file("document", data, filename=filename)

    async def send_voice(self, data: bytes = b"OggS voice note") -> JsonDict:
        """Sends a voice note."""
        return await self._send_file("voice", data)

    async def send_sticker(self) -> JsonDict:
        """Sends a (static) sticker."""
        return await self._send_file("sticker", b"RIFF sticker WEBP")

    async def send_album(self, count: int, kind: str = "photo") -> list[JsonDict]:
        """Sends ``count`` photos or documents as one album (separate updates)."""
        items = [
            {"data_base64": base64.b64encode(TINY_PNG + bytes([i])).decode()} for i in range(count)
        ]
        body = {"user": self.profile, "kind": kind, "items": items}
        results: list[JsonDict] = await self.driver.request("POST", "/updates/album", body)
        self._seen = results[-1]["baseline_message_id"]
        return results

    async def block(self) -> JsonDict:
        """Blocks the bot (a my_chat_member update; later sends get 403)."""
        return await self._act("/updates/chat_member", status="kicked")

    async def unblock(self) -> JsonDict:
        """Unblocks the bot (restarts it)."""
        return await self._act("/updates/chat_member", status="member")

    async def messages(self) -> list[BotMessage]:
        """The bot's messages in this chat, oldest first (deleted ones left out)."""
        return [m for m in await self.driver.chat(self.id) if m.outgoing and not m.deleted]

    async def last_message(self) -> BotMessage:
        """The bot's latest message in this chat."""
        messages = await self.messages()
        if not messages:
            raise DriverError(f"the bot has not written to user {self.id}")
        return messages[-1]

    async def wait_for_reply(
        self,
        count: int = 1,
        timeout: float = 5.0,  # noqa: ASYNC109 - a deadline for polling the stub, by design
        predicate: Callable[[BotMessage], bool] | None = None,
    ) -> list[BotMessage]:
        """Polls until ``count`` new bot messages (matching ``predicate``) have arrived."""

        def new_ones(messages: list[BotMessage]) -> list[BotMessage] | None:
            fresh = [
                m
                for m in messages
                if m.message_id > self._seen and (predicate is None or predicate(m))
            ]
            return fresh if len(fresh) >= count else None

        fresh = await self._poll(new_ones, timeout, f"{count} new bot message(s)")
        self._seen = max(m.message_id for m in fresh)
        return fresh

    async def wait_for_edit(
        self,
        message: BotMessage,
        timeout: float = 5.0,  # noqa: ASYNC109 - a deadline for polling the stub, by design
    ) -> BotMessage:
        """Polls until the bot edits (or deletes) ``message``; returns its new state."""

        def edited(messages: list[BotMessage]) -> BotMessage | None:
            for current in messages:
                if current.message_id == message.message_id and (
                    current.edit_count > message.edit_count or current.deleted
                ):
                    return current
            return None

        return await self._poll(edited, timeout, f"an edit of message {message.message_id}")

    async def _poll(
        self, check: Callable[[list[BotMessage]], _T | None], seconds: float, what: str
    ) -> _T:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while True:
            messages = [m for m in await self.driver.chat(self.id) if m.outgoing]
            found = check(messages)
            if found is not None:
                return found
            if loop.time() >= deadline:
                bodies = [m.body for m in messages if m.message_id > self._seen]
                raise DriverError(
                    f"user {self.id}: no {what} within {seconds}s; new bot messages: {bodies}"
                )
            await asyncio.sleep(self.driver.poll_interval)

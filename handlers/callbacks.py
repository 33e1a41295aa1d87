"""Answering callback queries: exactly once each, through this helper only."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from typing import ClassVar

from telegram import Update
from telegram.error import BadRequest

from handlers.context import BotContext

logger = logging.getLogger(__name__)

_ANSWERED_KEY = "callback_answered"


async def answer_callback(
    update: Update, context: BotContext, text: str | None = None, *, alert: bool = False
) -> None:
    """Answers the update's callback query unless it was answered already."""
    query = update.callback_query
    if query is None or context.flags.get(_ANSWERED_KEY):
        return
    # Mark first: a failed answer must not be retried (Telegram rejects a second answer).
    context.flags[_ANSWERED_KEY] = True
    try:
        await query.answer(text=text, show_alert=alert)
    except BadRequest as exc:
        # The query is older than Telegram's answer window; nothing the person can see.
        logger.info("callback query for update %s not answered: %s", update.update_id, exc)


def press_key(update: Update) -> int:
    """One id for every press of one button on one message, however often it is tapped.

    Negative, so it never meets a Telegram update id in `processed_update`: marking it in the
    transaction that acts on the press makes a double tap act once.
    """
    query = update.callback_query
    message = query.message if query is not None else None
    chat_id = message.chat.id if message is not None else 0
    message_id = message.message_id if message is not None else 0
    data = query.data if query is not None else ""
    digest = hashlib.sha256(f"{chat_id}:{message_id}:{data}".encode()).digest()
    return -(int.from_bytes(digest[:8], "big") >> 2) - 1


def callback_answered(context: BotContext) -> bool:
    """Whether the current update's callback query has been answered."""
    return bool(context.flags.get(_ANSWERED_KEY))


# Telegram's limit on callback data.
MAX_CALLBACK_BYTES = 64


@dataclass(frozen=True)
class FormButton:
    """A form option button: which session and step it was made for, and the option's index."""

    PREFIX: ClassVar[str] = "f"

    session_id: int
    step: str
    index: int

    def encode(self) -> str:
        """Compact callback data, `f:<session>:<step>:<index>`, at most 64 bytes."""
        data = f"{self.PREFIX}:{self.session_id}:{self.step}:{self.index}"
        if len(data.encode()) > MAX_CALLBACK_BYTES:
            msg = f"callback data over {MAX_CALLBACK_BYTES} bytes for step {self.step!r}"
            raise ValueError(msg)
        return data

    @classmethod
    def decode(cls, data: str) -> FormButton | None:
        """The button, or None for data that is not a well-formed form button."""
        parts = data.split(":")
        if len(parts) != 4 or parts[0] != cls.PREFIX:
            return None
        session_id, step, index = parts[1], parts[2], parts[3]
        if not (session_id.isdigit() and index.isdigit() and step):
            return None
        return cls(int(session_id), step, int(index))

    @classmethod
    def pattern(cls) -> str:
        """The regex a CallbackQueryHandler uses to route form buttons."""
        return rf"^{cls.PREFIX}:"


# The largest id a database column holds (a signed 64-bit integer).
_MAX_ID = 2**63 - 1


def _id(text: str) -> int | None:
    """A database id from callback data, or None when it is not one (not digits, or beyond a
    64-bit integer: a forged button, which must read as stale rather than overflow SQLite)."""
    if not text.isascii() or not text.isdigit() or len(text) > len(str(_MAX_ID)):
        return None
    value = int(text)
    return value if value <= _MAX_ID else None


@dataclass(frozen=True)
class PendingRequestsButton:
    """*Permintaan akses (N)* on /undang's menu: the access requests waiting for a decision."""

    DATA: ClassVar[str] = "j:l"

    def encode(self) -> str:
        """The callback data (routed with the join buttons, `j:`)."""
        return self.DATA

    @classmethod
    def decode(cls, data: str) -> PendingRequestsButton | None:
        """The button, or None for other data."""
        return cls() if data == cls.DATA else None


@dataclass(frozen=True)
class RevokeConfirmButton:
    """*Ya, cabut* under "Cabut undangan #N?": `i:v:<invite>:<page of the list to go back to>`."""

    PREFIX: ClassVar[str] = "i:v"

    invite_id: int
    page: int

    def encode(self) -> str:
        """The callback data (routed with the other /undang buttons, `i:`)."""
        return f"{self.PREFIX}:{self.invite_id}:{self.page}"

    @classmethod
    def decode(cls, data: str) -> RevokeConfirmButton | None:
        """The button, or None for malformed or out-of-range data."""
        head, _, rest = data.partition(f"{cls.PREFIX}:")
        invite_text, _, page_text = rest.partition(":")
        invite_id, page = _id(invite_text), _id(page_text)
        if head or invite_id is None or page is None:
            return None
        return cls(invite_id, page)

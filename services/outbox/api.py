"""The sender's narrow view of Telegram: one call per outbox row, and what its failure means.

``BotApi.call`` raises ``telegram.error`` exceptions as python-telegram-bot does; ``classify``
turns them into what the delivery policy needs to know: was the message surely not
delivered, maybe delivered, refused, or was the chat unreachable.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Protocol

import httpx
from telegram import Bot, InputFile
from telegram.error import (
    BadRequest,
    ChatMigrated,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)

#: In a stored payload, a file the bot generated: ``{"photo": {"outbox_file": key}}`` names an
#: ``outbox_file`` row, stored in the transaction that queued the row (the weekly roll-up's
#: chart). The sender reads it when it claims the row and uploads it (multipart).
STORED_FILE = "outbox_file"


@dataclass(frozen=True)
class Upload:
    """A file to upload with a call (its content never in reprs or logs)."""

    filename: str
    content: bytes = field(repr=False)


def stored_file_keys(payload: Mapping[str, object]) -> set[str]:
    """The keys of the stored files a payload names."""
    return {
        str(value[STORED_FILE])
        for value in payload.values()
        if isinstance(value, Mapping) and isinstance(value.get(STORED_FILE), str)
    }


def with_uploads(
    payload: Mapping[str, object], files: Mapping[str, tuple[str, bytes]]
) -> dict[str, object]:
    """The payload with each stored-file reference replaced by its upload; a reference to a
    file that is gone raises LookupError (the call must not go without it)."""
    resolved: dict[str, object] = {}
    for name, value in payload.items():
        if isinstance(value, Mapping) and isinstance(key := value.get(STORED_FILE), str):
            if key not in files:
                raise LookupError("stored file gone")
            filename, content = files[key]
            resolved[name] = Upload(filename, content)
        else:
            resolved[name] = value
    return resolved


class BotApi(Protocol):
    """Performs one Bot API call; returns the sent message's id when the result has one."""

    async def call(self, method: str, payload: Mapping[str, object]) -> int | None:
        """Calls ``method`` with the JSON ``payload``; raises ``telegram.error`` exceptions."""
        ...


class PtbBotApi:
    """``BotApi`` over python-telegram-bot's ``Bot.do_api_request``.

    Give it a bot whose connection pool holds at least ``max_in_flight`` connections (PTB's
    default of 256 does), or requests queue in the pool and fail with a pool timeout. Do not
    give it a bot with PTB's ``AIORateLimiter``: the sender paces by itself.
    """

    def __init__(self, bot: Bot) -> None:
        self._bot = bot

    async def call(self, method: str, payload: Mapping[str, object]) -> int | None:
        """Sends the call; the message id of a sent message (or of a copy), else None."""
        # Bot API method names are case-insensitive. The lower-case name keeps PTB from
        # warning that it has a typed method of that name: payloads here are stored JSON,
        # which the typed methods do not take.
        kwargs = {
            name: InputFile(value.content, filename=value.filename)
            if isinstance(value, Upload)
            else value
            for name, value in payload.items()
        }
        result = await self._bot.do_api_request(method.lower(), api_kwargs=kwargs)
        return message_id_of(result)


def message_id_of(result: object) -> int | None:
    """The ``message_id`` in a Bot API result (a Message, a MessageId, or a list of them)."""
    if isinstance(result, list) and result:
        result = result[0]
    if isinstance(result, Mapping):
        message_id = result.get("message_id")
        if isinstance(message_id, int):
            return message_id
    return None


class Failure(Enum):
    """What a failed call means for delivery."""

    FLOOD = "flood"  # 429: retry after the wait, and hold all sending meanwhile
    UNREACHABLE = "unreachable"  # 403: blocked, deactivated, or removed from the chat
    REJECTED = "rejected"  # Telegram refused this request; sending it again cannot help
    NOT_DELIVERED = "not_delivered"  # the request surely never reached Telegram
    IN_DOUBT = "in_doubt"  # the request may have reached Telegram; its answer was lost


# httpx errors raised before a single byte of the request left: Telegram cannot have it.
_BEFORE_SENDING = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
# httpx errors after the request went out (connection reset while reading the answer).
_AFTER_SENDING = (httpx.ReadError, httpx.RemoteProtocolError)


def classify(exc: TelegramError) -> Failure:
    """The delivery meaning of a python-telegram-bot exception."""
    if isinstance(exc, RetryAfter):
        return Failure.FLOOD
    if isinstance(exc, Forbidden):
        return Failure.UNREACHABLE
    if isinstance(exc, BadRequest | ChatMigrated | EndPointNotFound):
        return Failure.REJECTED
    if isinstance(exc, NetworkError):  # TimedOut included
        return _transport_failure(exc)
    if isinstance(exc, InvalidToken):
        # A configuration problem, not the row's: retry with back-off until it is fixed.
        return Failure.NOT_DELIVERED
    return Failure.REJECTED


def _transport_failure(exc: NetworkError) -> Failure:
    """Whether a network error or timeout may hide a delivered message."""
    cause = exc.__cause__
    if isinstance(cause, _BEFORE_SENDING):
        # PTB raises TimedOut for pool and connect timeouts too: those never sent anything.
        return Failure.NOT_DELIVERED
    if isinstance(exc, TimedOut) or isinstance(cause, _AFTER_SENDING):
        # The request went out and its answer was lost: it may have been delivered.
        return Failure.IN_DOUBT
    # An error Telegram answered (5xx, no cause) or a failed connection: nothing delivered.
    return Failure.NOT_DELIVERED

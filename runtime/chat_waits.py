"""Telegram's flood waits (429) for the replies to updates: one chat's wait holds that chat only.

PTB's `AIORateLimiter` stops every request while any 429 is waited out, so one chat's burst
would stall all chats; the outbox sender paces and waits by itself. This limiter acts only on
the Bot API calls made while an update is handled (the direct replies, see :func:`replying`)
that name a chat, and keeps a wait per chat:

- a 429 starts a wait for that chat, logged once (without the chat); the reply is sent again
  when it ends, and every later reply to the chat queues behind it, in order;
- a hint (what the bot did not understand) during a wait: the first is sent after it, the
  rest are dropped, so a burst of messages gets one hint, not one per message;
- an optional reply (the error handler's apology) during a wait is dropped;
- a wait longer than ``max_wait_seconds`` is not sat out: the reply fails with the 429 at
  once, and nothing is sent to the chat until the wait is over.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import warnings
from collections.abc import Callable, Coroutine, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import timedelta
from enum import Enum
from typing import Any

from telegram.error import RetryAfter, TelegramError
from telegram.ext import BaseRateLimiter
from telegram.warnings import PTBDeprecationWarning

logger = logging.getLogger(__name__)

_Result = bool | dict[str, Any] | list[dict[str, Any]]
_Call = Callable[[], Coroutine[Any, Any, _Result]]


class ReplyKind(Enum):
    """How much a reply matters when its chat is under a flood wait."""

    NEEDED = "needed"  # sent after the wait
    HINT = "hint"  # one per wait: the rest say nothing new
    OPTIONAL = "optional"  # dropped during a wait


class ReplyDropped(Exception):  # noqa: N818 - an outcome, not a failure
    """The reply is not sent now: dropped, or (the first hint) sent once the wait is over."""


_REPLYING: ContextVar[bool] = ContextVar("gempur_replying", default=False)
# The concurrency slot the update holds, given back while its reply sits out a wait.
_SLOT: ContextVar[asyncio.Semaphore | None] = ContextVar("gempur_update_slot", default=None)
_KIND: ContextVar[ReplyKind] = ContextVar("gempur_reply_kind", default=ReplyKind.NEEDED)


@contextlib.contextmanager
def replying(slot: asyncio.Semaphore | None = None) -> Iterator[None]:
    """Marks the Bot API calls made inside (and in tasks started inside) as direct replies.

    `slot`: the semaphore slot the update holds (the update processor's concurrency limit);
    a reply waiting for its chat's flood wait gives it back meanwhile, so waiting chats never
    use up the slots of the others.
    """
    tokens = (_REPLYING.set(True), _SLOT.set(slot))
    try:
        yield
    finally:
        _SLOT.reset(tokens[1])
        _REPLYING.reset(tokens[0])


@contextlib.contextmanager
def reply_kind(kind: ReplyKind) -> Iterator[None]:
    """Marks the calls made inside as replies of this kind."""
    token = _KIND.set(kind)
    try:
        yield
    finally:
        _KIND.reset(token)


def flood_wait_seconds(error: RetryAfter) -> float:
    """A 429's wait in seconds, read without PTB 22's warning that it becomes a timedelta."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value: float | timedelta = error.retry_after
    seconds = value.total_seconds() if isinstance(value, timedelta) else float(value)
    return max(seconds, 0.0)


@dataclass
class _Wait:
    """One chat's flood wait and the replies queued behind it."""

    until: float  # the event loop's clock
    turn: asyncio.Lock = field(default_factory=asyncio.Lock)  # fair: replies keep their order
    queued: int = 0
    hint_pending: bool = False


class ChatWaits(BaseRateLimiter[None]):
    """Per-chat flood waits for direct replies (see the module docstring)."""

    def __init__(self, *, max_wait_seconds: float = 60.0, attempts: int = 3) -> None:
        self._max_wait = max_wait_seconds
        self._attempts = attempts
        self._waits: dict[int, _Wait] = {}
        self._deferred: set[asyncio.Task[None]] = set()

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Drops the hints still waiting to be sent."""
        tasks, self._deferred = list(self._deferred), set()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._waits.clear()

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, _Result]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: None,
    ) -> _Result:
        """Sends now, or after the chat's wait, or not at all (:class:`ReplyDropped`)."""
        call: _Call = functools.partial(callback, *args, **kwargs)
        chat_id = data.get("chat_id")
        if not _REPLYING.get() or not isinstance(chat_id, int):
            return await call()
        wait = self._current(chat_id)
        if wait is None:
            try:
                return await call()
            except RetryAfter as error:
                wait = self._begin(chat_id, error)
        kind = _KIND.get()
        if kind is ReplyKind.OPTIONAL or (kind is ReplyKind.HINT and wait.hint_pending):
            raise ReplyDropped
        if kind is ReplyKind.HINT:
            wait.hint_pending = True
            task = asyncio.create_task(self._send_hint(chat_id, wait, call))
            self._deferred.add(task)
            task.add_done_callback(self._deferred.discard)
            raise ReplyDropped
        return await self._send_after(chat_id, wait, call)

    def _current(self, chat_id: int) -> _Wait | None:
        """The chat's wait while it lasts or replies are still queued behind it."""
        wait = self._waits.get(chat_id)
        if wait is not None and not wait.queued and wait.until <= _now():
            del self._waits[chat_id]
            return None
        return wait

    def _begin(self, chat_id: int, error: RetryAfter) -> _Wait:
        """Records Telegram's wait for the chat; one log line per wait, without the chat."""
        seconds = flood_wait_seconds(error)
        logger.warning("Telegram asked for a %.0f s pause in one chat: its replies wait", seconds)
        until = _now() + seconds
        wait = self._waits.get(chat_id)
        if wait is None:
            wait = self._waits[chat_id] = _Wait(until)
        wait.until = max(wait.until, until)
        return wait

    async def _send_after(self, chat_id: int, wait: _Wait, call: _Call) -> _Result:
        """Sends once the wait is over, in turn; a new 429 starts a new wait."""
        wait.queued += 1
        try:
            async with wait.turn:
                for _ in range(self._attempts):
                    delay = wait.until - _now()
                    if delay > self._max_wait:
                        break
                    if delay > 0:
                        await _sleep_without_slot(delay)
                    try:
                        return await call()
                    except RetryAfter as error:
                        self._begin(chat_id, error)
                raise RetryAfter(timedelta(seconds=max(round(wait.until - _now()), 1)))
        finally:
            wait.queued -= 1

    async def _send_hint(self, chat_id: int, wait: _Wait, call: _Call) -> None:
        """The one hint of a wait, sent after it (nobody awaits it: failures are logged)."""
        try:
            await self._send_after(chat_id, wait, call)
        except TelegramError as error:
            logger.warning("a hint held for a flood wait was not sent: %s", type(error).__name__)
        finally:
            wait.hint_pending = False


async def _sleep_without_slot(seconds: float) -> None:
    """Sleeps with the update's concurrency slot given back, and takes one again after."""
    slot = _SLOT.get()
    if slot is None:
        await asyncio.sleep(seconds)
        return
    slot.release()
    try:
        await asyncio.sleep(seconds)
    finally:
        # Cancelled here (only at shutdown), the holder's release leaves one slot too many.
        await slot.acquire()


def _now() -> float:
    return asyncio.get_running_loop().time()

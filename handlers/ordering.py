"""Updates of different chats run concurrently, updates of one chat strictly in order."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from runtime.chat_waits import replying

# PTB's own limit only bounds how many fetched updates wait at once; the real limit on updates
# being handled is `max_concurrent_updates`, taken after the chat's turn has come.
_QUEUED_UPDATES = 4096


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """A per-chat lock around each update, taken before a slot of the concurrency limit.

    PTB starts the updates it fetched as tasks in arrival order; the tasks of one chat queue
    on the chat's lock (asyncio locks are fair, first come first served), so a person's
    messages are applied in the order they were sent while other chats go on. Queued updates
    of one busy chat (an album of ten photos) hold no slot, so they never hold up other chats.
    """

    def __init__(self, max_concurrent_updates: int = 8) -> None:
        super().__init__(_QUEUED_UPDATES)
        self.handled_at_once = max_concurrent_updates
        self._slots = asyncio.Semaphore(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._waiting: dict[int, int] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Waits for the chat's turn, then for a slot, then runs the update's handlers."""
        key = _chat_key(update)
        if key is None:
            async with self._slots:
                with replying(self._slots):
                    await coroutine
            return
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._waiting[key] = self._waiting.get(key, 0) + 1
        try:
            async with lock, self._slots:
                with replying(self._slots):  # what the handlers send is a direct reply
                    await coroutine
        finally:
            self._waiting[key] -= 1
            if not self._waiting[key]:  # nobody else queued: forget the lock
                del self._waiting[key]
                del self._locks[key]

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""


def _chat_key(update: object) -> int | None:
    if not isinstance(update, Update):
        return None
    if update.effective_chat is not None:
        return update.effective_chat.id
    return update.effective_user.id if update.effective_user is not None else None

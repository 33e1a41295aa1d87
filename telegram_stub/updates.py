"""The getUpdates queue: offsets, limits, allowed_updates and long polling like Telegram."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import Any

from telegram_stub.errors import ApiError

# Telegram's default when allowed_updates was never given or given as [].
_OPT_IN = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
MAX_LIMIT = 100


def _conflict() -> ApiError:
    return ApiError(
        409,
        "Conflict: terminated by other getUpdates request; "
        "make sure that only one bot instance is running",
    )


class _Waiter:
    def __init__(self) -> None:
        self.event = asyncio.Event()
        self.superseded = False


class UpdateQueue:
    """Pending updates with increasing ``update_id`` and one long-polling reader at a time."""

    def __init__(self) -> None:
        self._pending: list[dict[str, Any]] = []
        self._next_id = 1
        self._allowed: frozenset[str] | None = None
        self._waiters: list[_Waiter] = []
        self._closing = False
        # While held, offsets confirm nothing: as if the bot died before confirming, so every
        # update is delivered again to the next poller (crash-recovery tests).
        self.hold_confirmations = False
        self._offset = 0
        self.polling = asyncio.Event()  # set while a getUpdates call is long-polling

    @property
    def pending(self) -> list[dict[str, Any]]:
        """Updates not yet confirmed by an offset (delivered or not)."""
        return list(self._pending)

    def push(self, kind: str, payload: dict[str, Any]) -> int:
        """Queues an update of ``kind`` (e.g. "message") and wakes a waiting getUpdates."""
        update_id = self._next_id
        self._next_id += 1
        self._pending.append({"update_id": update_id, kind: payload})
        self._wake()
        return update_id

    def clear(self) -> None:
        """Drops every pending update (deleteWebhook with drop_pending_updates)."""
        self._pending.clear()

    def set_allowed(self, allowed: Iterable[str] | None) -> None:
        """Remembers allowed_updates; None keeps the previous setting as Telegram does."""
        if allowed is not None:
            self._allowed = frozenset(allowed) or None

    def confirm(self, offset: int) -> None:
        """Applies getUpdates' offset: confirm below it, or keep only the last -offset."""
        if self.hold_confirmations:
            return
        if offset > 0:
            self._pending = [u for u in self._pending if u["update_id"] >= offset]
        elif offset < 0:
            self._pending = self._pending[offset:]

    @property
    def closing(self) -> bool:
        """True once the server is shutting down."""
        return self._closing

    async def poll(self, offset: int, limit: int, poll_seconds: float) -> list[dict[str, Any]]:
        """One getUpdates call: returns at once if updates are ready, else waits up to
        ``poll_seconds`` for one to arrive."""
        for waiter in self._waiters:
            waiter.superseded = True
            waiter.event.set()
        self.confirm(offset)
        self._offset = max(offset, 0)
        ready = self._take(limit)
        if ready or poll_seconds <= 0 or self._closing:
            return ready
        waiter = _Waiter()
        self._waiters.append(waiter)
        self.polling.set()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + poll_seconds
        try:
            while not ready:
                remaining = deadline - loop.time()
                if remaining <= 0:
                    break
                waiter.event.clear()
                try:
                    await asyncio.wait_for(waiter.event.wait(), remaining)
                except TimeoutError:
                    break
                if waiter.superseded:
                    raise _conflict()
                if self.closing:
                    break
                ready = self._take(limit)
        finally:
            self._waiters.remove(waiter)
            if not self._waiters:
                self.polling.clear()
        return ready

    def shutdown(self) -> None:
        """Stops long polls for good: waiting and later calls return at once."""
        self._closing = True
        self._wake()

    def _wake(self) -> None:
        for waiter in self._waiters:
            waiter.event.set()

    def _take(self, limit: int) -> list[dict[str, Any]]:
        wanted = self._allowed
        if wanted is None:
            self._pending = [u for u in self._pending if _kind(u) not in _OPT_IN]
        else:
            self._pending = [u for u in self._pending if _kind(u) in wanted]
        count = limit if 0 < limit <= MAX_LIMIT else MAX_LIMIT
        # Held confirmations keep old updates pending, but a poller asking from `offset` on
        # still only sees newer ones; a new poller (offset 0) sees them all again.
        newer = [u for u in self._pending if u["update_id"] >= self._offset]
        return [dict(u) for u in newer[:count]]


def _kind(update: dict[str, Any]) -> str:
    return next(key for key in update if key != "update_id")

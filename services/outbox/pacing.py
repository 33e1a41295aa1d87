"""Waiting for a send slot: the global rate, the per-chat interval and 429 pauses.

The maths is ``domain.delivery``'s; this module only reads the monotonic source and sleeps,
both injected so tests step time instead of waiting.
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable

from domain.delivery import ChatSpacing, PaceSchedule, SendWindow

Sleep = Callable[[float], Awaitable[None]]
Monotonic = Callable[[], float]


class Pacer:
    """Hands out send slots; shared by every in-flight attempt of one sender."""

    def __init__(
        self,
        *,
        rate: float,
        chat_interval: float,
        sleep: Sleep,
        monotonic: Monotonic,
    ) -> None:
        self._schedule = PaceSchedule(rate)
        self._window = SendWindow(max(1, math.floor(rate)))
        self._chats = ChatSpacing(chat_interval)
        self._sleep = sleep
        self._monotonic = monotonic

    async def wait_turn(self, chat_id: int) -> None:
        """Returns when a request to ``chat_id`` may start.

        Waits for the chat first and then for a global slot, so a slot is not booked and
        wasted while the chat is still busy. A pause that began while waiting is honoured:
        the slot is booked again after it.
        """
        await self._sleep_until(self._chats.ready_at(chat_id))
        while True:
            await self._sleep_until(self._schedule.reserve(self._monotonic()))
            await self._wait_for_the_window()
            if not self._schedule.is_paused(self._monotonic()):
                self._window.started()
                return

    async def _wait_for_the_window(self) -> None:
        """Until fewer than the rate's requests count in the last second (checked again after
        every wake-up: another task may have started meanwhile)."""
        while True:
            now = self._monotonic()
            ready = self._window.ready_at(now)
            if ready == now:
                return
            # None: only an answer still to come frees a place; look again one slot later.
            await self._sleep(self._schedule.interval if ready is None else ready - now)

    def finished(self, chat_id: int) -> None:
        """A request to ``chat_id`` has ended: the chat's interval starts now."""
        now = self._monotonic()
        self._chats.touch(chat_id, now)
        self._window.finished(now)

    def pause(self, seconds: float) -> None:
        """Holds every send for ``seconds`` (a 429 is a signal for the whole bot)."""
        self._schedule.pause_until(self._monotonic() + seconds)

    def paused_for(self) -> float:
        """Seconds left in the current pause (0 when not paused)."""
        return max(self._schedule.paused_until - self._monotonic(), 0.0)

    async def wait_unpaused(self) -> None:
        """Returns once no pause is running."""
        while (left := self.paused_for()) > 0:
            await self._sleep(left)

    def next_chat_ready_in(self) -> float | None:
        """Seconds until the next recently written chat may be written again, if any."""
        now = self._monotonic()
        ready = self._chats.next_ready_after(now)
        return None if ready is None else ready - now

    async def _sleep_until(self, instant: float) -> None:
        delay = instant - self._monotonic()
        if delay > 0:
            await self._sleep(delay)

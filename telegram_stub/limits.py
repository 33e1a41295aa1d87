"""Rate limiting: the 429 switch (forced answers) and the optional flood limit (counted sends).

The flood limit counts sends in a sliding one-second window against an injectable clock (a
callable returning monotonic seconds), so tests can step time instead of sleeping.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from telegram_stub.errors import too_many_requests

Clock = Callable[[], float]
# Polling must keep working while a test forces 429s on the bot's sends.
_NEVER_SWITCHED = frozenset({"getupdates"})
_WINDOW = 1.0


def is_send(method: str) -> bool:
    """Methods that post a message and therefore count against the flood limit."""
    name = method.lower()
    return (name.startswith("send") and name != "sendchataction") or name.startswith(
        ("copymessage", "forwardmessage")
    )


@dataclass
class RateLimitSwitch:
    """Answer 429 for the next ``remaining`` matching requests (None: until switched off)."""

    retry_after: int
    remaining: int | None = None
    methods: frozenset[str] | None = None

    def matches(self, method: str) -> bool:
        """Whether this switch applies to ``method`` (lower-cased)."""
        if self.methods is None:
            return method not in _NEVER_SWITCHED
        return method in self.methods

    def to_dict(self) -> dict[str, object]:
        """JSON form for the control API."""
        methods = sorted(self.methods) if self.methods is not None else None
        return {"retry_after": self.retry_after, "remaining": self.remaining, "methods": methods}


@dataclass
class FloodLimit:
    """At most ``global_per_second`` sends overall and ``per_chat_per_second`` per chat."""

    global_per_second: int = 30
    per_chat_per_second: int = 1
    _all: deque[float] = field(default_factory=deque)
    _chats: dict[int, deque[float]] = field(default_factory=dict)

    def admit(self, chat_id: int, now: float) -> None:
        """Counts one send to ``chat_id`` or raises 429 with the wait until a slot frees."""
        chat = self._chats.setdefault(chat_id, deque())
        longest = max(
            _wait(self._all, self.global_per_second, now),
            _wait(chat, self.per_chat_per_second, now),
        )
        if longest > 0:
            raise too_many_requests(max(1, math.ceil(longest)))
        self._all.append(now)
        chat.append(now)


class RateLimiter:
    """The 429 switches (global and per chat) and the flood limit, checked per request."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self.global_switch: RateLimitSwitch | None = None
        self.chat_switches: dict[int, RateLimitSwitch] = {}
        self.flood: FloodLimit | None = None

    def switch_on(
        self,
        retry_after: int,
        *,
        chat_id: int | None = None,
        count: int | None = None,
        methods: Iterable[str] | None = None,
    ) -> None:
        """Forces 429 globally or for one chat, for ``count`` requests or until switched off."""
        wanted = frozenset(m.lower() for m in methods) if methods is not None else None
        switch = RateLimitSwitch(retry_after, count, wanted)
        if chat_id is None:
            self.global_switch = switch
        else:
            self.chat_switches[chat_id] = switch

    def switch_off(self, chat_id: int | None = None) -> None:
        """Turns off the global switch, or one chat's switch."""
        if chat_id is None:
            self.global_switch = None
        else:
            self.chat_switches.pop(chat_id, None)

    def check_switch(self, method: str, chat_id: int | None) -> None:
        """Raises the forced 429 if a switch matches this request (and counts it down)."""
        name = method.lower()
        for key in (chat_id, None):
            switch = self.global_switch if key is None else self.chat_switches.get(key)
            if switch is None or not switch.matches(name):
                continue
            if switch.remaining is not None:
                switch.remaining -= 1
                if switch.remaining <= 0:
                    self.switch_off(key)
            raise too_many_requests(switch.retry_after)

    def set_flood(self, global_per_second: int = 30, per_chat_per_second: int = 1) -> None:
        """Turns the flood limit on with these rates (sends per second)."""
        self.flood = FloodLimit(global_per_second, per_chat_per_second)

    def disable_flood(self) -> None:
        """Turns the flood limit off (the default)."""
        self.flood = None

    def count_send(self, chat_id: int) -> None:
        """Admits one send to ``chat_id`` or raises 429 with the wait until a slot frees."""
        if self.flood is not None:
            self.flood.admit(chat_id, self._clock())

    def reset(self) -> None:
        """Everything off."""
        self.global_switch = None
        self.chat_switches.clear()
        self.flood = None


def _wait(window: deque[float], limit: int, now: float) -> float:
    """Seconds until ``window`` has room for one more send (0 when it has room now)."""
    while window and window[0] <= now - _WINDOW:
        window.popleft()
    if len(window) < limit:
        return 0.0
    return window[len(window) - limit] + _WINDOW - now


@dataclass(frozen=True)
class FileLimits:
    """Telegram's size limits for bots on the public Bot API server, in bytes."""

    upload: int = 50 * 1024 * 1024
    photo: int = 10 * 1024 * 1024
    download: int = 20 * 1024 * 1024

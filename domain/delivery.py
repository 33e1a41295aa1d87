"""Delivery rules of the outbox (docs/architecture.md#the-outbox): lanes, window, retries, pacing.

Pure: instants come in as aware datetimes from the caller's clock, and pacing works on the
monotonic seconds the caller reads, so every rule here is tested without waiting. Which rows
may be claimed now (bulk only inside the window, none past its expiry, bulk rows left claimed
by a crash in doubt) is decided in SQL by the outbox repository, from the lanes below.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

#: Lower is sent sooner: relay copies and notes before reminders before broadcasts.
PRIORITY_INTERACTIVE = 10
PRIORITY_REMINDER = 50
PRIORITY_BULK = 100

#: From this priority on a row is "bulk" (reminders, broadcasts): it waits for the sending
#: window and is never sent twice when in doubt. Below it (relay copies, notes, menus) a row
#: goes out at any hour and is re-sent when in doubt: a lost relay message is worse than a
#: repeated one, and the person is waiting for it.
BULK_PRIORITY = PRIORITY_REMINDER

#: How many claims a row gets before a retryable failure becomes final.
MAX_ATTEMPTS = 6
# Telegram's limit on a caption, counted as Telegram counts (`telegram_length`).
MAX_CAPTION = 1024
BACKOFF_BASE = timedelta(seconds=2)
BACKOFF_CAP = timedelta(minutes=5)


class OutboxStatus(StrEnum):
    """The life of an outbox row; stored as a plain string code."""

    PENDING = "pending"
    CLAIMED = "claimed"  # committed before the Bot API call; in doubt if still set after a crash
    SENT = "sent"
    FAILED = "failed"  # Telegram refused it, or retries ran out
    EXPIRED = "expired"  # bulk row not sent before its expiry
    IN_DOUBT = "in_doubt"  # may or may not have reached the person ("tidak pasti")
    CANCELLED = "cancelled"  # the chat became unreachable (403)
    SUPERSEDED = "superseded"  # a newer row made it pointless (the chat's next menu)


def telegram_length(text: str) -> int:
    """The length Telegram counts against its limits: UTF-16 code units (an emoji is two)."""
    return len(text.encode("utf-16-le")) // 2


def is_bulk(priority: int) -> bool:
    """Whether a row of this priority is a reminder or broadcast (windowed, never re-sent)."""
    return priority >= BULK_PRIORITY


# --- the sending window --------------------------------------------------------------------


def in_sending_window(now: datetime, tz: ZoneInfo, start: time, end: time) -> bool:
    """Whether ``now`` falls in [start, end) of the local day in ``tz`` (WIB)."""
    local = now.astimezone(tz).time()
    return start <= local < end


# --- what happens after an attempt ----------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    """The row's next status; ``not_before`` is set when it goes back to pending."""

    status: OutboxStatus
    not_before: datetime | None = None


def backoff(
    attempts: int, *, base: timedelta = BACKOFF_BASE, cap: timedelta = BACKOFF_CAP
) -> timedelta:
    """Wait before attempt ``attempts + 1``: base, 2×base, 4×base … capped."""
    exponent = min(max(attempts - 1, 0), 30)  # 2**30 × base is far past any cap
    return min(cap, base * (1 << exponent))


def retry_after_seconds(value: float | timedelta) -> float:
    """A 429's ``retry_after`` in seconds (PTB 22 gives an int or a timedelta)."""
    if isinstance(value, timedelta):
        return max(value.total_seconds(), 0.0)
    return max(float(value), 0.0)


def after_flood(now: datetime, retry_after: float) -> Verdict:
    """429: Telegram refused the request, so it is retried once the flood wait is over."""
    return Verdict(OutboxStatus.PENDING, now + timedelta(seconds=retry_after))


def after_not_delivered(attempts: int, now: datetime, max_attempts: int = MAX_ATTEMPTS) -> Verdict:
    """The request surely never reached Telegram (connection refused): back off, then give up."""
    if attempts >= max_attempts:
        return Verdict(OutboxStatus.FAILED)
    return Verdict(OutboxStatus.PENDING, now + backoff(attempts))


def after_in_doubt(
    priority: int,
    attempts: int,
    now: datetime,
    chat_interval: timedelta,
    max_attempts: int = MAX_ATTEMPTS,
) -> Verdict:
    """The request may have reached Telegram (timeout): bulk stays in doubt, interactive retries.

    The retry waits at least the per-chat interval, since the first copy may have arrived.
    """
    if is_bulk(priority) or attempts >= max_attempts:
        return Verdict(OutboxStatus.IN_DOUBT)
    return Verdict(OutboxStatus.PENDING, now + max(backoff(attempts), chat_interval))


# --- pacing ------------------------------------------------------------------------------------


class PaceSchedule:
    """The global rate as a virtual schedule (GCRA) on monotonic seconds.

    Sends are spaced ``1 / rate`` apart; ``burst`` sends may go back to back, so a late
    wake-up is caught up instead of lost (throughput stays at the rate) while any one second
    still holds at most ``rate + burst - 1`` sends. A pause (after a 429) holds every send.
    """

    def __init__(self, rate: float, *, burst: int = 2) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("rate must be positive and burst at least 1")
        self.interval = 1.0 / rate
        self._tolerance = self.interval * (burst - 1)
        self._theoretical = float("-inf")
        self.paused_until = float("-inf")

    def reserve(self, now: float) -> float:
        """Books the next send slot; returns when it starts (never before ``now``)."""
        start = max(now, self._theoretical - self._tolerance, self.paused_until)
        self._theoretical = max(self._theoretical, start) + self.interval
        return start

    def pause_until(self, until: float) -> None:
        """Holds every send until ``until`` (a pause never shortens one already running)."""
        self.paused_until = max(self.paused_until, until)

    def is_paused(self, now: float) -> bool:
        """Whether sending is on hold at ``now``."""
        return now < self.paused_until


#: Added to the one second Telegram counts requests in: our clock and the one counting may
#: differ by a hair.
CLOCK_SLACK = 0.005


class SendWindow:
    """At most ``limit`` requests that may have reached Telegram within any one second.

    Telegram counts the requests that *arrive* in any one second, and a request arrives at
    some moment between its start and its answer — a busy event loop or network decides
    when. So each request counts from its start until ``span`` after its answer: a new one
    may start only while fewer than ``limit`` counted ones remain. Whatever the delays, no
    second then ever holds more than ``limit`` arrivals, and the schedule's catch-up after a
    late wake-up can never reach Telegram as a burst over the limit.
    """

    def __init__(self, limit: int, span: float = 1.0 + CLOCK_SLACK) -> None:
        if limit < 1 or span <= 0:
            raise ValueError("limit must be at least 1 and span positive")
        self.limit = limit
        self.span = span
        self._in_flight = 0
        self._ends: list[float] = []  # answers still counted, ascending

    def ready_at(self, now: float) -> float | None:
        """The earliest instant (never before ``now``) another request may start; None while
        only a request still in flight can free a place (wait for its answer)."""
        cut = bisect.bisect_right(self._ends, now - self.span)
        del self._ends[:cut]
        excess = self._in_flight + len(self._ends) - self.limit
        if excess < 0:
            return now
        if excess >= len(self._ends):
            return None
        return max(now, self._ends[excess] + self.span)

    def started(self) -> None:
        """A request starts now."""
        self._in_flight += 1

    def finished(self, at: float) -> None:
        """A request's answer (or failure) came at ``at``."""
        self._in_flight = max(self._in_flight - 1, 0)
        bisect.insort(self._ends, at)


@dataclass
class ChatSpacing:
    """When each chat may be written to again: ``interval`` after its last request ended."""

    interval: float
    _last: dict[int, float] = field(default_factory=dict)

    def ready_at(self, chat_id: int) -> float:
        """The earliest monotonic instant for the next request to ``chat_id``."""
        last = self._last.get(chat_id)
        return float("-inf") if last is None else last + self.interval

    def touch(self, chat_id: int, at: float) -> None:
        """Records that a request to ``chat_id`` ended at ``at`` (delivered or not)."""
        self._last[chat_id] = max(at, self._last.get(chat_id, at))

    def next_ready_after(self, now: float) -> float | None:
        """The soonest future instant a recently written chat becomes free, if any.

        Forgets chats that are free already, so the map stays as small as one interval's
        worth of sends.
        """
        self._last = {chat: at for chat, at in self._last.items() if at + self.interval > now}
        if not self._last:
            return None
        return min(self._last.values()) + self.interval

"""The leader's paced sender: drains the outbox under the delivery policy (docs/architecture.md).

Each round is one short write transaction that records the attempts finished since the last
round and claims rows for the free in-flight slots; the calls happen after it commits. A slot
is freed only when its outcome is committed, so at most ``max_in_flight`` rows are ever
claimed: after a SIGKILL at most that many are in doubt.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import os
import secrets
import socket
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram.error import TelegramError

from config import DeliveryConfig
from domain.clock import Clock
from domain.delivery import MAX_ATTEMPTS, in_sending_window
from services.outbox.api import BotApi, stored_file_keys, with_uploads
from services.outbox.attempt import Claim, Outcome, crashed, failed, sent
from services.outbox.pacing import Monotonic, Pacer, Sleep
from storage.uow import UnitOfWork

logger = logging.getLogger(__name__)

#: The error text on rows settled at start-up.
LEFT_CLAIMED = "claimed when the previous sender stopped"
#: The error text on pending rows cancelled because their chat refused a message (403).
CHAT_UNREACHABLE = "chat unreachable (403)"
# Wake a little after a chat's interval ends, so the database agrees it has ended.
_READY_SLACK = 0.01
# After a wake-up with nothing finished, wait this long before claiming: commits come in
# bursts (many chats at once), and one claim for the burst costs far less than one per commit.
WAKE_GATHER_SECONDS = 0.02


@dataclass(frozen=True)
class RecoveryReport:
    """Rows a previous process left claimed: bulk ones now in doubt, interactive requeued."""

    in_doubt: int
    requeued: int

    @property
    def total(self) -> int:
        """All rows found claimed."""
        return self.in_doubt + self.requeued


def default_holder() -> str:
    """A claim holder id unique to this process: host, pid and a random suffix."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


class OutboxSender:
    """Sends outbox rows through ``api`` at the configured pace; run by the leader only."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        api: BotApi,
        clock: Clock,
        delivery_cfg: DeliveryConfig,
        tz: ZoneInfo,
        holder: str,
        *,
        sleep: Sleep = asyncio.sleep,
        monotonic: Monotonic = time.monotonic,
        poll_interval: float = 1.0,
        max_attempts: int = MAX_ATTEMPTS,
    ) -> None:
        self._sessions = sessions
        self._api = api
        self._clock = clock
        self._cfg = delivery_cfg
        self._tz = tz
        self._holder = holder
        self._sleep = sleep
        self._monotonic = monotonic
        self._poll_interval = poll_interval
        self._max_attempts = max_attempts
        self._chat_interval = timedelta(seconds=delivery_cfg.per_chat_interval_seconds)
        self._pacer = Pacer(
            rate=delivery_cfg.global_rate_per_second,
            chat_interval=delivery_cfg.per_chat_interval_seconds,
            sleep=sleep,
            monotonic=monotonic,
        )
        self._wake = asyncio.Event()
        self._woken = False  # whether the last wait ended by a wake-up
        self._recovered = False
        self._next_expiry = float("-inf")

    def wake(self) -> None:
        """New rows were committed: look at the outbox now instead of at the next poll."""
        self._wake.set()

    async def recover(self) -> RecoveryReport:
        """Settles rows left claimed by a process that died between claim and mark."""
        now = self._clock.now()
        async with UnitOfWork(self._sessions) as uow:
            in_doubt, requeued = await uow.outbox.recover_claimed(
                holder=self._holder, requeue_at=now + self._chat_interval, reason=LEFT_CLAIMED
            )
            await uow.commit()
        self._recovered = True
        if in_doubt or requeued:
            logger.warning("outbox recovery: %d rows in doubt, %d requeued", in_doubt, requeued)
            # Those calls may have reached their chats a moment ago: give every chat its
            # interval before writing to it again.
            self._pacer.pause(self._cfg.per_chat_interval_seconds)
        return RecoveryReport(in_doubt, requeued)

    async def drain_once(self) -> int:
        """One round: claim what may go now, send it, record it; returns rows attempted."""
        await self._pacer.wait_unpaused()
        claims = await self._round((), self._cfg.max_in_flight, expire=True)
        if claims:
            outcomes = await asyncio.gather(*(self._attempt(claim) for claim in claims))
            await self._round(outcomes, 0, expire=False)
        return len(claims)

    async def run(self, stop: asyncio.Event) -> None:
        """Sends until ``stop`` is set; then lets in-flight calls end and records them."""
        if not self._recovered:
            await self.recover()
        in_flight: set[asyncio.Task[Outcome]] = set()
        finished: list[Outcome] = []
        try:
            while not stop.is_set():
                free = 0 if self._pacer.paused_for() else self._cfg.max_in_flight - len(in_flight)
                try:
                    claims = await self._round(finished, free, expire=self._expiry_due())
                except SQLAlchemyError:
                    # Keep the finished outcomes: the next round records them.
                    logger.exception("outbox round failed; retrying")
                    await self._wait(set(), stop, self._poll_interval)
                    continue
                finished = []
                in_flight.update(asyncio.create_task(self._attempt(c)) for c in claims)
                ended = await self._wait(in_flight, stop, self._idle_timeout(len(claims) < free))
                if not ended and self._woken and not stop.is_set():
                    await self._sleep(WAKE_GATHER_SECONDS)
                in_flight -= ended
                finished = _outcomes(ended)
        finally:
            if in_flight:
                ended, _ = await asyncio.wait(in_flight)
                finished.extend(_outcomes(ended))
            if finished:
                await self._round(finished, 0, expire=False)

    async def _attempt(self, claim: Claim) -> Outcome:
        """Waits for the slot, makes the call, and judges the outcome (nothing is stored)."""
        await self._pacer.wait_turn(claim.chat_id)
        try:
            if stored_file_keys(claim.payload):
                # A stored file it names is gone (`_resolved`): never sent without it.
                raise LookupError("stored file gone")  # noqa: TRY301 - handled as a crash below
            message_id = await self._api.call(claim.method, claim.payload)
        except TelegramError as exc:
            outcome = failed(
                claim,
                exc,
                self._clock.now(),
                chat_interval=self._chat_interval,
                max_attempts=self._max_attempts,
            )
        except Exception as exc:
            # One bad row must not stop the sender; it may have gone out, so never resend it.
            logger.exception("outbox row %d: unexpected error", claim.id)
            outcome = crashed(claim, exc)
        else:
            outcome = sent(claim, message_id, self._clock.now())
        # After the wall-clock reading above, so the chat is free in memory no sooner than
        # in the database.
        self._pacer.finished(claim.chat_id)
        if outcome.pause_seconds:
            self._pacer.pause(outcome.pause_seconds)
        return outcome

    async def _round(self, outcomes: Sequence[Outcome], want: int, *, expire: bool) -> list[Claim]:
        """Records finished attempts and claims up to ``want`` rows, in one transaction."""
        if not outcomes and want <= 0 and not expire:
            return []
        now = self._clock.now()
        async with UnitOfWork(self._sessions) as uow:
            await uow.outbox.finish(self._holder, [outcome.finish for outcome in outcomes])
            for chat_id in sorted({o.chat_id for o in outcomes if o.unreachable}):
                await uow.people.mark_unreachable_by_chat(chat_id, now=now)
                cancelled = await uow.outbox.cancel_pending_for_chat(
                    chat_id, reason=CHAT_UNREACHABLE
                )
                # The chat id is the person's Telegram id: never logged.
                logger.info("a chat is unreachable: %d pending rows cancelled", cancelled)
            if expire and (expired := await uow.outbox.expire_due(now)):
                logger.info("outbox: %d rows expired", expired)
            rows = await uow.outbox.claim(
                holder=self._holder,
                now=now,
                limit=want,
                chat_interval=self._chat_interval,
                bulk_allowed=in_sending_window(
                    now, self._tz, self._cfg.window_start, self._cfg.window_end
                ),
            )
            claims = [Claim.of(row) for row in rows]
            keys = set().union(*(stored_file_keys(claim.payload) for claim in claims))
            files = await uow.outbox.files(keys) if keys else {}
            await uow.commit()
            return [_resolved(claim, files) for claim in claims]

    def _expiry_due(self) -> bool:
        """Expiry is swept once per poll interval, not on every round."""
        now = self._monotonic()
        if now < self._next_expiry:
            return False
        self._next_expiry = now + self._poll_interval
        return True

    def _idle_timeout(self, nothing_more: bool) -> float:
        """How long to wait for an event before looking at the outbox again."""
        timeout = self._poll_interval
        if paused := self._pacer.paused_for():
            timeout = min(timeout, paused)
        elif nothing_more and (ready := self._pacer.next_chat_ready_in()) is not None:
            # A row held back by its chat's interval may go as soon as the interval ends.
            timeout = min(timeout, ready + _READY_SLACK)
        return timeout

    async def _wait(
        self, in_flight: set[asyncio.Task[Outcome]], stop: asyncio.Event, seconds: float
    ) -> set[asyncio.Task[Outcome]]:
        """Waits for an attempt to end, a wake-up or stop, at most ``seconds``; returns ended."""
        signals = {asyncio.create_task(self._wake.wait()), asyncio.create_task(stop.wait())}
        try:
            done, _ = await asyncio.wait(
                {*in_flight, *signals}, timeout=seconds, return_when=asyncio.FIRST_COMPLETED
            )
        finally:
            for signal in signals:
                signal.cancel()
        self._woken = self._wake.is_set()
        self._wake.clear()
        return in_flight.intersection(done)


def _resolved(claim: Claim, files: dict[str, tuple[str, bytes]]) -> Claim:
    """The claim with its stored files as uploads (a claim naming none is itself); a file that
    is gone leaves the reference, and the attempt fails as a crash (never re-sent)."""
    if not stored_file_keys(claim.payload):
        return claim
    try:
        return dataclasses.replace(claim, payload=with_uploads(claim.payload, files))
    except LookupError:
        return claim


def _outcomes(tasks: Iterable[asyncio.Task[Outcome]]) -> list[Outcome]:
    """Results of ended attempts; a cancelled one stays claimed (in doubt at the next start)."""
    return [task.result() for task in tasks if not task.cancelled()]

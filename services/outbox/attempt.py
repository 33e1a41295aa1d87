"""One attempt at one claimed row: the call, and the recorded outcome under the policy."""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from telegram.error import RetryAfter, TelegramError
from telegram.warnings import PTBDeprecationWarning

from domain.delivery import (
    OutboxStatus,
    Verdict,
    after_flood,
    after_in_doubt,
    after_not_delivered,
    retry_after_seconds,
)
from services.outbox.api import Failure, classify
from storage.repositories.outbox import Finish
from storage.tables import Outbox

logger = logging.getLogger(__name__)

#: Longest error text kept on a row (Telegram's descriptions are short; this bounds surprises).
ERROR_LIMIT = 500


@dataclass(frozen=True)
class Claim:
    """What the sender needs of a claimed row, detached from its session."""

    id: int
    chat_id: int
    priority: int
    attempts: int
    method: str
    payload: dict[str, Any] = field(repr=False)  # message text: never in reprs or logs

    @classmethod
    def of(cls, row: Outbox) -> Claim:
        """The claim for a row just returned by ``OutboxRepository.claim``."""
        return cls(row.id, row.chat_id, row.priority, row.attempts, row.method, row.payload)


@dataclass(frozen=True)
class Outcome:
    """How an attempt ended: the row's update, plus what it tells about the chat."""

    finish: Finish
    chat_id: int
    unreachable: bool = False
    pause_seconds: float = 0.0


def sent(claim: Claim, message_id: int | None, now: datetime) -> Outcome:
    """The call succeeded."""
    finish = Finish(claim.id, OutboxStatus.SENT, sent_at=now, telegram_message_id=message_id)
    return Outcome(finish, claim.chat_id)


def failed(
    claim: Claim,
    exc: TelegramError,
    now: datetime,
    *,
    chat_interval: timedelta,
    max_attempts: int,
) -> Outcome:
    """The call raised: apply the delivery policy for what the error means."""
    error = str(exc)[:ERROR_LIMIT]
    kind = classify(exc)
    logger.info("outbox row %d: %s (attempt %d)", claim.id, kind.value, claim.attempts)
    if kind is Failure.FLOOD and isinstance(exc, RetryAfter):
        wait = retry_after_seconds(_retry_after(exc))
        verdict = after_flood(now, wait)
        finish = Finish(claim.id, verdict.status, error=error, not_before=verdict.not_before)
        return Outcome(finish, claim.chat_id, pause_seconds=wait)
    if kind is Failure.UNREACHABLE:
        finish = Finish(claim.id, OutboxStatus.CANCELLED, error=error)
        return Outcome(finish, claim.chat_id, unreachable=True)
    if kind is Failure.NOT_DELIVERED:
        verdict = after_not_delivered(claim.attempts, now, max_attempts)
    elif kind is Failure.IN_DOUBT:
        verdict = after_in_doubt(claim.priority, claim.attempts, now, chat_interval, max_attempts)
    else:  # refused (400): sending the same request again cannot help
        verdict = Verdict(OutboxStatus.FAILED)
    finish = Finish(claim.id, verdict.status, error=error, not_before=verdict.not_before)
    return Outcome(finish, claim.chat_id)


def crashed(claim: Claim, exc: Exception) -> Outcome:
    """Not a Telegram error but a bug on our side: failed, never re-sent (it may have gone)."""
    finish = Finish(claim.id, OutboxStatus.FAILED, error=f"unexpected {type(exc).__name__}")
    return Outcome(finish, claim.chat_id)


def _retry_after(exc: RetryAfter) -> float | timedelta:
    """The flood wait, read without PTB 22's warning that it will become a timedelta.

    Both types are handled (``retry_after_seconds``), so the coming change needs no code
    here. Synchronous: no other task runs while the filter is changed.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        return exc.retry_after

"""Broadcasts (/siaran, docs/rules.md#broadcasts): draft, send now or schedule, start when
due, cancel before the first message leaves, progress and the final report to the admin.

The segment is evaluated when sending starts: the recipients are read then, and one bulk
outbox row per person is queued under the key ``broadcast:<id>:<person id>`` in the same
transaction that moves the broadcast to *sending* (a compare-and-set, so a double tap, two
jobs or two processes start it once). The paced sender sends the rows inside the sending
window; the `broadcasts` job notes progress and sends the report when none is left to go.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from domain.broadcast import BroadcastStatus, Segment, Tally, expired
from domain.delivery import PRIORITY_BULK
from domain.koperasi_list import shorten
from locales import N_, Catalogues
from services.notes import queue_note
from storage.tables import Broadcast
from storage.uow import UnitOfWork

logger = logging.getLogger(__name__)

KIND = "broadcast"
MEDIA_METHODS = {"photo": "sendPhoto", "document": "sendDocument"}
#: The error text on rows of a broadcast cancelled before they left.
CANCELLED_BY_ADMIN = "broadcast cancelled"
#: From this many recipients, the outbox's statistics are refreshed after queueing (PostgreSQL).
ANALYZE_FROM = 500
#: Characters of the text quoted in the admin's notes and the list.
EXCERPT = 60


def message(
    chat_id: int, text: str, media_kind: str | None, file_id: str | None
) -> tuple[str, dict[str, Any]]:
    """The Bot API call of a broadcast to one chat: the method and its payload.

    The admin's text is sent as typed: escaped for HTML parse mode, so nothing in it is markup.
    """
    body = html.escape(text, quote=False)
    if media_kind in MEDIA_METHODS and file_id:
        payload = {"chat_id": chat_id, media_kind: file_id, "parse_mode": "HTML"}
        if body:
            payload["caption"] = body
        return MEDIA_METHODS[media_kind], payload
    return "sendMessage", {"chat_id": chat_id, "text": body, "parse_mode": "HTML"}


def segment_of(broadcast: Broadcast) -> Segment:
    """The stored segment."""
    return Segment.from_json(broadcast.segment)


async def create_draft(
    uow: UnitOfWork,
    *,
    person_id: int | None,
    segment: Segment,
    text: str,
    media: dict[str, Any] | None,
    media_kind: str | None,
    now: datetime,
) -> int:
    """Stores the broadcast as a draft for its preview; returns its id."""
    row = await uow.broadcasts.add(
        created_by=person_id,
        segment=segment,
        text=text,
        media_kind=media_kind if media else None,
        media_file_id=str(media["file_id"]) if media else None,
        now=now,
    )
    return row.id


class Start(StrEnum):
    """What pressing *Kirim sekarang* did."""

    STARTED = "started"
    ALREADY = "already"  # a second tap, or it was scheduled or dropped meanwhile


@dataclass(frozen=True)
class Started:
    """A broadcast whose messages are queued."""

    result: Start
    recipients: int = 0


async def send_now(
    uow: UnitOfWork, broadcast_id: int, *, now: datetime, expiry: timedelta
) -> Started:
    """Starts a draft at once (its messages wait for the sending window if it is closed)."""
    if not await uow.broadcasts.move(
        broadcast_id,
        [BroadcastStatus.DRAFT],
        BroadcastStatus.SENDING,
        scheduled_at=now,
        started_at=now,
    ):
        return Started(Start.ALREADY)
    return Started(Start.STARTED, await _queue(uow, broadcast_id, now, expiry))


async def schedule(uow: UnitOfWork, broadcast_id: int, when: datetime) -> bool:
    """Schedules a draft for `when` (checked by the form); False if it is no draft now."""
    return await uow.broadcasts.move(
        broadcast_id, [BroadcastStatus.DRAFT], BroadcastStatus.SCHEDULED, scheduled_at=when
    )


async def discard(uow: UnitOfWork, broadcast_id: int) -> bool:
    """Drops a draft; False if it is no draft now."""
    return await uow.broadcasts.move(
        broadcast_id, [BroadcastStatus.DRAFT], BroadcastStatus.DISCARDED
    )


async def cancel(uow: UnitOfWork, broadcast_id: int, *, now: datetime) -> bool:
    """Cancels a scheduled broadcast, or one sending whose first message has not left.

    False when it is too late (or it is not cancellable): the caller must not commit then.
    """
    if await uow.broadcasts.move(
        broadcast_id, [BroadcastStatus.SCHEDULED], BroadcastStatus.CANCELLED, finished_at=now
    ):
        return True
    row = await uow.broadcasts.get(broadcast_id)
    if row is None or row.status != BroadcastStatus.SENDING.value:
        return False
    if not await uow.broadcasts.cancel_unsent(broadcast_id, reason=CANCELLED_BY_ADMIN):
        return False
    return await uow.broadcasts.move(
        broadcast_id, [BroadcastStatus.SENDING], BroadcastStatus.CANCELLED, finished_at=now
    )


async def _queue(uow: UnitOfWork, broadcast_id: int, now: datetime, expiry: timedelta) -> int:
    """Evaluates the segment now and queues one row per recipient; returns how many."""
    row = await uow.broadcasts.get(broadcast_id)
    if row is None:  # pragma: no cover - moved a moment ago in this transaction
        return 0
    recipients = await uow.broadcasts.recipients(segment_of(row))
    rows = []
    for person_id, chat_id in recipients:
        method, payload = message(chat_id, row.text or "", row.media_kind, row.media_file_id)
        rows.append(
            {
                "idempotency_key": f"broadcast:{row.id}:{person_id}",
                "chat_id": chat_id,
                "person_id": person_id,
                "priority": PRIORITY_BULK,
                "kind": KIND,
                "method": method,
                "payload": payload,
                "not_before": now,
                "expires_at": now + expiry,
                "broadcast_id": row.id,
            }
        )
    await uow.outbox.enqueue_bulk(rows, now=now)
    if len(rows) >= ANALYZE_FROM:
        await uow.broadcasts.analyze_outbox()
    row.recipient_count = len(rows)
    return len(rows)


@dataclass(frozen=True)
class Pass:
    """What one run of the `broadcasts` job did."""

    started: int = 0
    expired: int = 0
    finished: int = 0


async def run_pass(
    uow_factory: Callable[[], UnitOfWork],
    catalogues: Catalogues,
    *,
    now: datetime,
    expiry: timedelta,
) -> Pass:
    """Starts the broadcasts that are due, notes progress, reports the finished ones.

    Each broadcast in its own short transaction. A moment missed during downtime is caught
    up; one missed by more than the expiry is not sent and its admin is told.
    """
    async with uow_factory() as uow:
        due = [row.id for row in await uow.broadcasts.due(now)]
    started = late = 0
    for broadcast_id in due:
        async with uow_factory() as uow:
            row = await uow.broadcasts.get(broadcast_id)
            if row is None or row.scheduled_at is None:
                continue
            if expired(row.scheduled_at, now, expiry):
                if await uow.broadcasts.move(
                    broadcast_id,
                    [BroadcastStatus.SCHEDULED],
                    BroadcastStatus.EXPIRED,
                    finished_at=now,
                ):
                    await _tell_admin(
                        uow, catalogues, row, N_("siaran.note.expired"), "expired", now
                    )
                    late += 1
            elif await uow.broadcasts.move(
                broadcast_id, [BroadcastStatus.SCHEDULED], BroadcastStatus.SENDING, started_at=now
            ):
                count = await _queue(uow, broadcast_id, now, expiry)
                await _tell_admin(
                    uow, catalogues, row, N_("siaran.note.started"), "started", now, count=count
                )
                started += 1
            await uow.commit()
    finished = await _track(uow_factory, catalogues, now)
    if started or late or finished:
        logger.info("broadcasts: %d started, %d expired, %d finished", started, late, finished)
    return Pass(started, late, finished)


async def _track(
    uow_factory: Callable[[], UnitOfWork], catalogues: Catalogues, now: datetime
) -> int:
    """Progress notes (each quarter once) and the final report of every sending broadcast."""
    async with uow_factory() as uow:
        sending = [row.id for row in await uow.broadcasts.with_status([BroadcastStatus.SENDING])]
    finished = 0
    for broadcast_id in sending:
        async with uow_factory() as uow:
            row = await uow.broadcasts.get(broadcast_id)
            if row is None:
                continue
            tally = Tally.of(await uow.broadcasts.counts(broadcast_id))
            if tally.waiting == 0:
                if await uow.broadcasts.move(
                    broadcast_id, [BroadcastStatus.SENDING], BroadcastStatus.DONE, finished_at=now
                ):
                    await _report(uow, catalogues, row, tally, now)
                    finished += 1
            elif 0 < (quarter := tally.quarter()) < 4:
                await _tell_admin(
                    uow,
                    catalogues,
                    row,
                    N_("siaran.note.progress"),
                    f"progress:{quarter}",
                    now,
                    done=tally.settled,
                    count=tally.total,
                    percent=25 * quarter,
                )
            await uow.commit()
    return finished


async def _report(
    uow: UnitOfWork, catalogues: Catalogues, row: Broadcast, tally: Tally, now: datetime
) -> None:
    await _tell_admin(
        uow,
        catalogues,
        row,
        N_("siaran.note.report"),
        "report",
        now,
        count=tally.total,
        delivered=tally.delivered,
        unreachable=tally.unreachable,
        in_doubt=tally.in_doubt,
        failed=tally.failed,
    )


async def _tell_admin(
    uow: UnitOfWork,
    catalogues: Catalogues,
    row: Broadcast,
    key: str,
    what: str,
    now: datetime,
    **params: Any,
) -> None:
    """A note to the admin who made the broadcast (once per broadcast and `what`)."""
    if row.created_by_person_id is None:
        return
    person = await uow.people.get(row.created_by_person_id)
    await queue_note(
        uow,
        catalogues,
        person,
        key,
        cause=f"siaran:{row.id}:{what}",
        now=now,
        number=row.id,
        excerpt=excerpt(row.text),
        **params,
    )


def excerpt(text: str | None) -> str:
    """The start of a broadcast's text on one line, for notes and the list."""
    return shorten(" ".join((text or "").split()), EXCERPT)

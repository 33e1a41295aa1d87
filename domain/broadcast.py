"""Broadcasts (/siaran, docs/rules.md#broadcasts): segments, limits, scheduling, the tally.

Pure: the segment is data stored with the broadcast and turned into SQL by the storage layer
when sending starts (never at creation), so a board seated after scheduling receives it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from domain.delivery import OutboxStatus, in_sending_window
from domain.errors import InputError
from domain.keys import N_

#: Telegram's limits: a text message, and a caption under a photo or document.
TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
#: A broadcast may be scheduled at most this far ahead.
MAX_DAYS_AHEAD = 60
#: Cooperatives handed over by /rekap at most (a segment stays a small JSON document).
MAX_KOPERASI = 5000
LABEL_LIMIT = 100


class SegmentKind(StrEnum):
    """Who a broadcast goes to."""

    BOARDS = "boards"  # every board member of every cooperative
    KECAMATAN = "kecamatan"  # boards of the cooperatives of one kecamatan
    STAGE = "stage"  # boards of the cooperatives at one stage
    FLAG = "flag"  # boards of the cooperatives carrying one flag
    JENIS = "jenis"  # boards of the cooperatives of one jenis
    OFFICERS = "officers"  # every active officer (petugas)
    KOPERASI = "koperasi"  # boards of a list of cooperatives handed over by /rekap


@dataclass(frozen=True)
class Segment:
    """A stored segment: its kind, the value it filters on, or the cooperatives (with the
    label /rekap gave them)."""

    kind: SegmentKind
    value: str | None = None
    koperasi_ids: tuple[int, ...] = ()
    label: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The stored form (`broadcast.segment`)."""
        data: dict[str, Any] = {"kind": self.kind.value}
        if self.value is not None:
            data["value"] = self.value
        if self.kind is SegmentKind.KOPERASI:
            data["koperasi_ids"] = list(self.koperasi_ids)
            data["label"] = self.label
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Segment:
        """The segment stored as `data`."""
        ids = tuple(int(i) for i in data.get("koperasi_ids") or ())
        return cls(SegmentKind(data["kind"]), data.get("value"), ids, data.get("label"))

    @property
    def boards(self) -> bool:
        """Whether it reaches board members (else officers)."""
        return self.kind is not SegmentKind.OFFICERS


def koperasi_segment(koperasi_ids: Sequence[int], label: str) -> Segment:
    """The segment of /rekap's drill-down: the boards of exactly these cooperatives."""
    ids = tuple(dict.fromkeys(int(i) for i in koperasi_ids))[:MAX_KOPERASI]
    return Segment(SegmentKind.KOPERASI, koperasi_ids=ids, label=label[:LABEL_LIMIT])


def check_text(text: str, has_media: bool) -> None:
    """The message's length: 4,096 characters, 1,024 under a photo or document."""
    limit = CAPTION_LIMIT if has_media else TEXT_LIMIT
    if len(text) > limit:
        key = N_("siaran.teks.too_long_caption") if has_media else N_("input.text.too_long")
        raise InputError(key, maximum=limit, length=len(text))


def check_window(when: datetime, tz: ZoneInfo, window_start: time, window_end: time) -> None:
    """A scheduled moment must fall inside the sending window (WIB); the form's reader has
    already refused a moment that is not in the future."""
    if not in_sending_window(when, tz, window_start, window_end):
        # The window's end is not in it: name the last minute accepted (07.00–19.59), so an
        # admin told "07.00–20.00" does not type 20.00 and get refused again.
        last = datetime.combine(date(2000, 1, 2), window_end) - timedelta(minutes=1)
        raise InputError(
            N_("siaran.jadwal.outside_window"),
            start=window_start.strftime("%H.%M"),
            end=last.strftime("%H.%M"),
        )


def latest_schedule(now: datetime) -> datetime:
    """The furthest moment a broadcast may be scheduled for."""
    return now + timedelta(days=MAX_DAYS_AHEAD)


class BroadcastStatus(StrEnum):
    """The life of a broadcast; stored as a plain string code."""

    DRAFT = "draft"  # previewed, not sent nor scheduled
    SCHEDULED = "scheduled"  # waits for its moment
    SENDING = "sending"  # its messages are in the outbox
    DONE = "done"  # nothing left to send; the report went to its admin
    CANCELLED = "cancelled"  # cancelled before its first message left
    EXPIRED = "expired"  # its moment passed longer ago than the expiry (downtime)
    DISCARDED = "discarded"  # the preview was dropped


#: Broadcasts nothing more will happen to: their text is kept only for the retention period.
SETTLED = frozenset(
    {
        BroadcastStatus.DONE,
        BroadcastStatus.CANCELLED,
        BroadcastStatus.EXPIRED,
        BroadcastStatus.DISCARDED,
    }
)
#: Outbox rows of a broadcast that still may leave.
UNSETTLED = frozenset({OutboxStatus.PENDING.value, OutboxStatus.CLAIMED.value})
#: Outbox rows of a broadcast that show its first message may have left.
LEFT = frozenset(
    {
        OutboxStatus.CLAIMED.value,
        OutboxStatus.SENT.value,
        OutboxStatus.IN_DOUBT.value,
        OutboxStatus.FAILED.value,
    }
)


@dataclass(frozen=True)
class Tally:
    """Where a broadcast's messages are: the report's four numbers and what is still to go."""

    delivered: int = 0
    unreachable: int = 0  # the chat refused (403: blocked the bot, deactivated)
    in_doubt: int = 0  # the sender stopped mid-call: may have arrived, never re-sent
    failed: int = 0  # refused by Telegram, retries ran out, or expired unsent
    waiting: int = 0

    @classmethod
    def of(cls, counts: Mapping[str, int]) -> Tally:
        """The tally of outbox rows counted by status."""

        def total(*statuses: OutboxStatus) -> int:
            return sum(counts.get(status.value, 0) for status in statuses)

        return cls(
            delivered=total(OutboxStatus.SENT),
            unreachable=total(OutboxStatus.CANCELLED),
            in_doubt=total(OutboxStatus.IN_DOUBT),
            failed=total(OutboxStatus.FAILED, OutboxStatus.EXPIRED),
            waiting=total(OutboxStatus.PENDING, OutboxStatus.CLAIMED),
        )

    @property
    def total(self) -> int:
        """Every message of the broadcast."""
        return self.delivered + self.unreachable + self.in_doubt + self.failed + self.waiting

    @property
    def settled(self) -> int:
        """Messages whose fate is known."""
        return self.total - self.waiting

    def quarter(self) -> int:
        """How many quarters of the messages are settled (0–4), for the progress notes."""
        return 4 * self.settled // self.total if self.total else 4


def expired(scheduled_at: datetime, now: datetime, expiry: timedelta) -> bool:
    """A scheduled broadcast whose moment passed longer than the expiry ago is not sent."""
    return now - scheduled_at > expiry

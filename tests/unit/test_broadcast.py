"""Broadcast rules (docs/rules.md#broadcasts): stored segments, length limits, the window, the
tally of a report."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from domain.broadcast import (
    CAPTION_LIMIT,
    TEXT_LIMIT,
    Segment,
    SegmentKind,
    Tally,
    check_text,
    check_window,
    expired,
    koperasi_segment,
)
from domain.errors import InputError

WIB = ZoneInfo("Asia/Jakarta")


@pytest.mark.parametrize(
    "segment",
    [
        Segment(SegmentKind.BOARDS),
        Segment(SegmentKind.KECAMATAN, "Maron"),
        Segment(SegmentKind.FLAG, "TIDAK_RAT"),
        Segment(SegmentKind.OFFICERS),
        koperasi_segment([3, 1, 3], "Maron · belum RAT"),
    ],
)
def test_a_segment_is_stored_as_json_and_read_back(segment: Segment) -> None:
    assert Segment.from_json(segment.to_json()) == segment


def test_rekap_cooperatives_are_kept_once_in_order_and_the_label_bounded() -> None:
    segment = koperasi_segment([3, 1, 3], "x" * 300)
    assert segment.koperasi_ids == (3, 1)
    assert len(segment.label or "") == 100
    assert segment.boards
    assert not Segment(SegmentKind.OFFICERS).boards


def test_text_fits_a_message_or_a_caption() -> None:
    check_text("a" * TEXT_LIMIT, has_media=False)
    check_text("a" * CAPTION_LIMIT, has_media=True)
    with pytest.raises(InputError) as caption:
        check_text("a" * (CAPTION_LIMIT + 1), has_media=True)
    assert caption.value.key == "siaran.teks.too_long_caption"
    with pytest.raises(InputError):
        check_text("a" * (TEXT_LIMIT + 1), has_media=False)


def test_a_scheduled_moment_must_fall_in_the_sending_window() -> None:
    start, end = time(7, 0), time(20, 0)
    check_window(datetime(2027, 1, 5, 0, 0, tzinfo=UTC), WIB, start, end)  # 07:00 WIB
    for outside in (
        datetime(2027, 1, 4, 23, 59, tzinfo=UTC),
        datetime(2027, 1, 5, 13, 0, tzinfo=UTC),
    ):
        with pytest.raises(InputError) as refused:
            check_window(outside, WIB, start, end)  # 06:59 and 20:00 WIB
        assert refused.value.params == {"start": "07.00", "end": "19.59"}  # last minute in


def test_the_tally_sorts_outbox_statuses_into_the_report() -> None:
    tally = Tally.of(
        {
            "sent": 6,
            "cancelled": 1,
            "in_doubt": 1,
            "failed": 1,
            "expired": 1,
            "pending": 2,
            "claimed": 0,
        }
    )
    assert (tally.delivered, tally.unreachable, tally.in_doubt, tally.failed) == (6, 1, 1, 2)
    assert (tally.waiting, tally.total, tally.settled) == (2, 12, 10)
    assert tally.quarter() == 3
    assert Tally().quarter() == 4  # nothing to send: done


def test_a_moment_missed_longer_than_the_expiry_is_expired() -> None:
    moment = datetime(2027, 1, 5, 1, 0, tzinfo=UTC)
    day = timedelta(hours=48)
    assert not expired(moment, moment + day, day)
    assert expired(moment, moment + day + timedelta(seconds=1), day)

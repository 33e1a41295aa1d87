"""The outbox's delivery rules: window, retries, in-doubt decisions and pacing maths."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from domain.delivery import (
    BACKOFF_CAP,
    PRIORITY_BULK,
    PRIORITY_INTERACTIVE,
    PRIORITY_REMINDER,
    ChatSpacing,
    OutboxStatus,
    PaceSchedule,
    SendWindow,
    after_flood,
    after_in_doubt,
    after_not_delivered,
    backoff,
    in_sending_window,
    is_bulk,
    retry_after_seconds,
)

WIB = ZoneInfo("Asia/Jakarta")
START, END = time(7, 0), time(20, 0)
NOW = datetime(2027, 1, 4, 2, 0, tzinfo=UTC)  # Monday 09:00 WIB
SECOND = timedelta(seconds=1)


def wib(hour: int, minute: int, second: int = 0) -> datetime:
    """An instant on Monday 4 January 2027, given in WIB, returned in UTC like the clock's."""
    return datetime(2027, 1, 4, hour, minute, second, tzinfo=WIB).astimezone(UTC)


@pytest.mark.parametrize(
    ("instant", "inside"),
    [
        (wib(6, 59, 59), False),
        (wib(7, 0), True),
        (wib(13, 0), True),
        (wib(19, 59, 59), True),
        (wib(20, 0), False),
        (wib(23, 30), False),
    ],
)
def test_sending_window_is_seven_to_twenty_wib(instant: datetime, inside: bool) -> None:
    assert in_sending_window(instant, WIB, START, END) is inside


def test_window_is_judged_in_wib_not_utc() -> None:
    # 00:30 UTC is 07:30 WIB: inside, though UTC reads before seven.
    assert in_sending_window(datetime(2027, 1, 4, 0, 30, tzinfo=UTC), WIB, START, END)
    # 13:30 UTC is 20:30 WIB: outside, though UTC reads mid-day.
    assert not in_sending_window(datetime(2027, 1, 4, 13, 30, tzinfo=UTC), WIB, START, END)


def test_lanes_split_at_reminder_priority() -> None:
    assert [is_bulk(p) for p in (PRIORITY_INTERACTIVE, 49, PRIORITY_REMINDER, PRIORITY_BULK)] == [
        False,
        False,
        True,
        True,
    ]


def test_backoff_doubles_then_stops_at_the_cap() -> None:
    waits = [backoff(n).total_seconds() for n in range(1, 10)]
    assert waits[:5] == [2, 4, 8, 16, 32]
    assert waits == sorted(waits)
    assert max(waits) == BACKOFF_CAP.total_seconds()
    assert backoff(10_000) == BACKOFF_CAP


def test_network_error_retries_with_backoff_then_fails() -> None:
    assert after_not_delivered(1, NOW, max_attempts=3).status is OutboxStatus.PENDING
    assert after_not_delivered(1, NOW, max_attempts=3).not_before == NOW + 2 * SECOND
    assert after_not_delivered(2, NOW, max_attempts=3).not_before == NOW + 4 * SECOND
    assert after_not_delivered(3, NOW, max_attempts=3).status is OutboxStatus.FAILED


def test_a_timeout_leaves_bulk_in_doubt_and_retries_interactive() -> None:
    bulk = after_in_doubt(PRIORITY_BULK, 1, NOW, SECOND)
    reminder = after_in_doubt(PRIORITY_REMINDER, 1, NOW, SECOND)
    relay = after_in_doubt(PRIORITY_INTERACTIVE, 1, NOW, SECOND)
    assert (bulk.status, reminder.status) == (OutboxStatus.IN_DOUBT, OutboxStatus.IN_DOUBT)
    assert relay.status is OutboxStatus.PENDING
    assert relay.not_before is not None
    assert relay.not_before >= NOW + SECOND


def test_an_interactive_retry_waits_at_least_the_chat_interval() -> None:
    verdict = after_in_doubt(PRIORITY_INTERACTIVE, 1, NOW, timedelta(seconds=30))
    assert verdict.not_before == NOW + timedelta(seconds=30)


def test_an_interactive_row_that_keeps_timing_out_ends_in_doubt() -> None:
    verdict = after_in_doubt(PRIORITY_INTERACTIVE, 6, NOW, SECOND, max_attempts=6)
    assert verdict.status is OutboxStatus.IN_DOUBT


def test_a_flood_wait_retries_after_retry_after_given_as_int_or_timedelta() -> None:
    assert retry_after_seconds(7) == 7.0
    assert retry_after_seconds(timedelta(seconds=7)) == 7.0
    assert retry_after_seconds(-1) == 0.0
    verdict = after_flood(NOW, retry_after_seconds(timedelta(seconds=7)))
    assert (verdict.status, verdict.not_before) == (OutboxStatus.PENDING, NOW + 7 * SECOND)


def test_pace_schedule_spaces_sends_at_the_rate() -> None:
    schedule = PaceSchedule(25, burst=1)
    starts = [schedule.reserve(100.0) for _ in range(26)]
    assert starts[0] == 100.0
    assert starts[-1] == pytest.approx(101.0)
    assert all(b - a == pytest.approx(0.04) for a, b in itertools.pairwise(starts))


def test_pace_schedule_catches_up_one_late_slot_but_never_bursts_more() -> None:
    schedule = PaceSchedule(10, burst=2)
    assert schedule.reserve(0.0) == 0.0
    # The caller comes back late (0.35 s instead of 0.1 s): the next two go at once ...
    assert schedule.reserve(0.35) == 0.35
    assert schedule.reserve(0.35) == 0.35
    # ... and then the spacing holds again.
    assert schedule.reserve(0.35) == pytest.approx(0.45)


def test_any_second_holds_at_most_rate_plus_burst_minus_one_sends() -> None:
    schedule = PaceSchedule(25, burst=2)
    starts = [schedule.reserve(0.0) for _ in range(200)]
    most = max(sum(1 for s in starts if t <= s < t + 1.0) for t in starts)
    assert most <= 26


def test_a_pause_holds_every_slot_until_it_ends() -> None:
    schedule = PaceSchedule(25)
    schedule.reserve(0.0)
    schedule.pause_until(5.0)
    schedule.pause_until(3.0)  # a shorter pause does not shorten the running one
    assert schedule.is_paused(4.9)
    assert schedule.reserve(1.0) == 5.0
    assert not schedule.is_paused(5.0)


def test_chat_spacing_frees_a_chat_one_interval_after_its_last_request() -> None:
    spacing = ChatSpacing(1.0)
    assert spacing.ready_at(42) == float("-inf")
    spacing.touch(42, 10.0)
    spacing.touch(43, 10.5)
    assert spacing.ready_at(42) == 11.0
    assert spacing.next_ready_after(10.6) == 11.0
    # Once 42 is free it is forgotten; 43 is next.
    assert spacing.next_ready_after(11.2) == 11.5
    assert spacing.next_ready_after(12.0) is None


def test_pace_schedule_refuses_nonsense() -> None:
    with pytest.raises(ValueError, match="rate"):
        PaceSchedule(0)


def test_send_window_counts_a_request_from_its_start_until_a_second_after_its_answer() -> None:
    window = SendWindow(3, span=1.0)
    for _ in range(3):  # a catch-up: three at once are allowed ...
        assert window.ready_at(0.0) == 0.0
        window.started()
    assert window.ready_at(0.01) is None  # ... the fourth waits for an answer ...
    window.finished(0.05)
    window.finished(0.02)
    assert window.ready_at(0.06) == pytest.approx(1.02)  # ... and a second after it
    window.finished(0.3)
    assert window.ready_at(1.2) == 1.2  # the first two answers are a second behind
    window.started()
    window.started()
    assert window.ready_at(1.2) == pytest.approx(1.3)  # full again until 0.3 + 1 s
    assert window.ready_at(2.5) == 2.5  # long after: free again


def test_send_window_refuses_nonsense() -> None:
    with pytest.raises(ValueError, match="limit"):
        SendWindow(0)

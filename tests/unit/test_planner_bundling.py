"""What a pass covers (working days, catch-up) and how one person's reminders become messages."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from config import AppConfig
from domain.koperasi_list import NAME_IN_LIST, shorten
from domain.reminders import DEFAULT_ENTRIES, Reminder
from locales import Catalogues
from services.reminders import ReminderSettings
from services.reminders.texts import MAX_LINES, Line, reminder_line, render, summary_line

SETTINGS = ReminderSettings.from_config(
    AppConfig.model_validate({"calendar": {"holidays": ["2027-08-17"]}})
)
TR = Catalogues(["id", "en"], "id", ZoneInfo("Asia/Jakarta")).get("id")
TARGET_PASSED = next(e for e in DEFAULT_ENTRIES if e.name == "target_passed")


@pytest.mark.parametrize(
    ("today", "previous", "span"),
    [
        (date(2027, 4, 7), None, (date(2027, 4, 7), date(2027, 4, 7))),  # a Wednesday
        (date(2027, 4, 5), None, (date(2027, 4, 3), date(2027, 4, 5))),  # Monday: the weekend
        (date(2027, 8, 18), None, (date(2027, 8, 17), date(2027, 8, 18))),  # after a holiday
        (date(2027, 4, 3), None, None),  # Saturday: nothing
        # Down since the pass of Tuesday 30 March: Friday covers Wednesday to Friday.
        (date(2027, 4, 2), date(2027, 3, 30), (date(2027, 3, 31), date(2027, 4, 2))),
        # Down for a month: at most catch_up_days (7) back.
        (date(2027, 5, 12), date(2027, 4, 7), (date(2027, 5, 5), date(2027, 5, 12))),
        # The same day again: the usual span (the outbox keys keep it from repeating).
        (date(2027, 4, 7), date(2027, 4, 7), (date(2027, 4, 7), date(2027, 4, 7))),
    ],
)
def test_the_span_a_pass_covers(
    today: date, previous: date | None, span: tuple[date, date] | None
) -> None:
    assert SETTINGS.span(today, previous) == span


def _line(number: int) -> Line:
    return reminder_line(
        Reminder(TARGET_PASSED, number, number, date(2027, 4, 1)), f"KSU {number:03}"
    )


def test_one_message_lists_every_cooperative_in_order() -> None:
    (text,) = render(TR, [_line(2), _line(1), _line(2)], parts=1)
    assert text.startswith("<b>Pengingat Gempur</b>")
    assert text.count("target dinas 31 Maret 2027 terlewati") == 2  # the duplicate once
    assert text.index("KSU 001") < text.index("KSU 002")


def test_long_lists_are_capped_and_split_into_the_allowed_parts() -> None:
    lines = [_line(n) for n in range(60)]
    (single,) = render(TR, lines, parts=1)
    assert single.count("terlewati") == MAX_LINES
    assert single.endswith(f"…dan {60 - MAX_LINES} lainnya.")
    assert len(single) < 4096
    two = render(TR, lines, parts=2)
    assert len(two) == 2
    assert all(t.count("terlewati") == MAX_LINES for t in two)


def test_an_admins_summary_counts_cooperatives() -> None:
    (text,) = render(TR, [summary_line(TARGET_PASSED.topic, 12)], parts=1)
    assert "Target dinas terlewati tanpa RAT: 12 koperasi." in text


def test_an_admins_summary_of_one_cooperative_is_singular_in_english() -> None:
    english = Catalogues(["id", "en"], "id", ZoneInfo("Asia/Jakarta")).get("en")
    (one,) = render(english, [summary_line(TARGET_PASSED.topic, 1)], parts=1)
    (many,) = render(english, [summary_line(TARGET_PASSED.topic, 12)], parts=1)
    assert one.endswith(": 1 cooperative.")
    assert many.endswith(": 12 cooperatives.")
    (indonesian,) = render(TR, [summary_line(TARGET_PASSED.topic, 1)], parts=1)
    assert indonesian.endswith(": 1 koperasi.")


WIB = ZoneInfo("Asia/Jakarta")


@pytest.mark.parametrize(
    ("today", "now", "sending"),
    [
        (date(2027, 4, 7), datetime(2027, 4, 7, 7, 0, tzinfo=WIB), date(2027, 4, 7)),
        (date(2027, 4, 7), datetime(2027, 4, 7, 19, 59, tzinfo=WIB), date(2027, 4, 7)),
        # The window closes at 20:00: a catch-up then plans for the next working day.
        (date(2027, 4, 7), datetime(2027, 4, 7, 20, 0, tzinfo=WIB), date(2027, 4, 8)),
        (date(2027, 4, 7), datetime(2027, 4, 8, 1, 0, tzinfo=WIB), date(2027, 4, 8)),
        # Friday night: Monday; the night before a holiday: the day after it.
        (date(2027, 4, 9), datetime(2027, 4, 9, 21, 0, tzinfo=WIB), date(2027, 4, 12)),
        (date(2027, 8, 16), datetime(2027, 8, 16, 21, 0, tzinfo=WIB), date(2027, 8, 18)),
    ],
)
def test_a_pass_after_the_window_sends_in_the_next_working_days_window(
    today: date, now: datetime, sending: date
) -> None:
    assert SETTINGS.sending_day(today, now) == sending


@pytest.mark.parametrize("locale", ["id", "en"])
def test_a_line_from_its_template_reads_as_rendered_whole(locale: str) -> None:
    tr = Catalogues(["id", "en"], "id", ZoneInfo("Asia/Jakarta")).get(locale)
    names = ["KSU <Maju> & Jaya", "Koperasi Serba Usaha " + "Karya Bersama Makmur " * 5]
    lines = [
        reminder_line(Reminder(TARGET_PASSED, n, n, date(2027, 4, 1)), name)
        for n, name in enumerate(names)
    ]
    (text,) = render(tr, lines, parts=1)
    for name in names:
        whole = tr.t(
            "reminder.line.target_passed",
            koperasi=shorten(name, NAME_IN_LIST),
            date=tr.date(date(2027, 3, 31)),
        )
        assert whole in text
    assert "&lt;Maju&gt; &amp; Jaya" in text
    assert shorten(names[1], NAME_IN_LIST) != names[1]  # the long name was shortened

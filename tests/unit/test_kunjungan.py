"""Visit rules: the time quick answers assume, typed date-times within bounds, skip logic and
the review's way back, the correction window, and what a report stores."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from config import AppConfig, VisitsConfig
from conversations import kunjungan
from conversations.inputs import Incoming, read_input
from conversations.kunjungan_review import summary
from domain.errors import InputError
from domain.kunjungan import (
    QuickTime,
    correctable,
    is_overdue,
    name_words,
    parse_checklist_codes,
    quick_time,
    redact_names,
)
from locales import Catalogues
from services.kunjungan import follow_ups, parse_subject, report_data, subject_of

WIB = ZoneInfo("Asia/Jakarta")
NOW = datetime(2027, 1, 4, 14, 30, tzinfo=WIB)  # Monday afternoon
CATALOGUES = Catalogues(["id", "en"], "id", WIB)
TR = CATALOGUES.get("id")
SPEC = kunjungan.form(CATALOGUES)


@pytest.mark.parametrize(
    ("choice", "now", "expected"),
    [
        (QuickTime.SEKARANG, NOW, datetime(2027, 1, 4, 14, 30, tzinfo=WIB)),
        (QuickTime.TADI_PAGI, NOW, datetime(2027, 1, 4, 9, 0, tzinfo=WIB)),
        (QuickTime.KEMARIN, NOW, datetime(2027, 1, 3, 9, 0, tzinfo=WIB)),
        # Before 09.00 "this morning" would be in the future: it is now.
        (QuickTime.TADI_PAGI, NOW.replace(hour=7, minute=5), NOW.replace(hour=7, minute=5)),
    ],
)
def test_quick_answers_assume_a_time_never_in_the_future(
    choice: QuickTime, now: datetime, expected: datetime
) -> None:
    assert quick_time(choice, now) == expected
    assert quick_time(choice, now) <= now


def _waktu(incoming: Incoming, now: datetime = NOW) -> str:
    value = read_input(SPEC.step("waktu"), incoming, TR, now)
    assert isinstance(value, str)
    return value


def test_the_date_time_step_reads_buttons_typed_numbers_and_typed_date_times() -> None:
    assert _waktu(Incoming(option_index=1)) == "2027-01-04T09:00:00+07:00"
    assert _waktu(Incoming(text="3")) == "2027-01-03T09:00:00+07:00"  # a typed option number
    assert _waktu(Incoming(text="02-01-2027 10.15")) == "2027-01-02T10:15:00+07:00"
    assert _waktu(Incoming(text="kemarin 16.00")) == "2027-01-03T16:00:00+07:00"


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("04-01-2027 15.00", "input.datetime.future"),
        ("04-12-2026 14.00", "input.datetime.too_early"),  # 31 days back
        ("31-02-2027 10.00", None),  # no such date
        ("besok", None),
    ],
)
def test_the_date_time_step_refuses_the_future_and_more_than_30_days_back(
    text: str, key: str | None
) -> None:
    with pytest.raises(InputError) as refused:
        _waktu(Incoming(text=text))
    if key is not None:
        assert refused.value.key == key


def test_days_back_come_from_the_configuration() -> None:
    spec = kunjungan.form(CATALOGUES, _cfg(max_days_back=60))
    value = read_input(spec.step("waktu"), Incoming(text="04-12-2026 14.00"), TR, NOW)
    assert value == "2026-12-04T14:00:00+07:00"


def _cfg(**visits: int) -> AppConfig:
    return AppConfig(visits=VisitsConfig(**visits))


def test_free_text_has_the_configured_maximum_and_whitespace_is_refused() -> None:
    step = SPEC.step("temuan_keuangan")
    assert step.max_length == VisitsConfig().max_text_length
    with pytest.raises(InputError) as too_long:
        read_input(step, Incoming(text="x" * 5000), TR, NOW)
    assert too_long.value.key == "input.text.too_long"
    with pytest.raises(InputError):
        read_input(step, Incoming(text=" \n\t "), TR, NOW)


def test_skippable_steps_take_the_skip_button_and_the_typed_word() -> None:
    step = SPEC.step("lokasi")
    assert read_input(step, Incoming(option_index=0), TR, NOW) is None
    assert read_input(step, Incoming(text="Lewati"), TR, NOW) is None
    with pytest.raises(InputError):
        read_input(SPEC.step("jenis"), Incoming(text="lewati"), TR, NOW)  # not skippable


def test_the_note_takes_text_or_a_voice_note() -> None:
    from conversations.inputs import FileRef

    voice = Incoming(voice=FileRef("id1", "u1", 10, "audio/ogg"))
    value = read_input(SPEC.step("catatan"), voice, TR, NOW)
    assert value["voice"]["file_id"] == "id1"


def _path(answers: dict[str, object], start: str = "jenis") -> list[str]:
    """The steps visited from `start`, answering each with `answers` (or None)."""
    seen: list[str] = []
    given: dict[str, Any] = {}
    current: str | None = start
    while current is not None and current != "tinjau" and len(seen) < 40:
        seen.append(current)
        step = SPEC.step(current)
        value = answers.get(current)
        given[current] = [*given.get(current, []), value] if step.repeat else value
        current = step.following(given)
    return seen


def test_singkat_skips_every_section_of_the_full_report() -> None:
    path = _path({"panjang": "singkat", "jenis": "usaha"}, start="panjang")
    assert path == ["panjang", "jenis", "waktu", "verdict", "catatan", "foto"]


def test_lengkap_asks_every_section_and_a_skipped_follow_up_skips_its_owner_and_date() -> None:
    path = _path({"panjang": "lengkap", "jenis": "usaha"}, start="panjang")
    assert path == [
        "panjang", "jenis", "poac", "waktu", "lokasi", "orang", "checklist", "temuan_organisasi",
        "temuan_usaha", "temuan_keuangan", "kendala", "tl", "verdict", "rencana_rat",
        "berikutnya", "catatan", "foto",
    ]  # fmt: skip


def test_a_change_from_the_review_goes_straight_back_to_it() -> None:
    answers = {"panjang": "singkat", "tinjau": "ubah_kendala", "kendala": "x"}
    assert SPEC.step("kendala").following(answers) == "tinjau"
    assert SPEC.step("tinjau").following(answers) == "kendala"
    assert SPEC.step("tinjau").following({"tinjau": "kirim"}) is None


def test_the_review_shows_every_answer_shortened() -> None:
    text = summary(
        TR,
        {
            "jenis": "keuangan",
            "waktu": "2027-01-04T09:00:00+07:00",
            "orang": ["Bu Sri", None],
            "kendala": "k" * 500,
            "tl": ["Tutup buku"],
            "tl_pemilik": ["pengurus"],
            "tl_tenggat": ["2027-01-20"],
            "foto": [{}, {}],
        },
    )
    assert "Pendampingan keuangan" in text
    assert "4 Januari 2027 09.00" in text
    assert "Bu Sri" in text
    assert "k" * 200 not in text
    assert "Tutup buku (pengurus koperasi, paling lambat 20 Januari 2027)" in text
    assert len(text) < 4096


def test_a_report_keeps_every_answer_and_its_follow_ups() -> None:
    answers = {
        "jenis": "usaha",
        "tinjau": "kirim",
        "tl": ["A", None],
        "tl_pemilik": ["petugas"],
        "tl_tenggat": ["2027-02-01"],
    }
    assert "tinjau" not in report_data(answers)
    assert follow_ups(answers) == [("A", "petugas", date(2027, 2, 1))]


def test_subjects_name_the_cooperative_and_a_corrected_visit() -> None:
    assert parse_subject(subject_of(12)) == (12, None)
    assert parse_subject(subject_of(12, 40)) == (12, 40)
    assert parse_subject("12/x") is None
    assert parse_subject("1/2/3") is None


def test_the_correction_window_and_overdue_follow_ups() -> None:
    submitted = datetime(2027, 1, 1, tzinfo=UTC)
    assert correctable(submitted, submitted + timedelta(days=7), 7)
    assert not correctable(submitted, submitted + timedelta(days=7, seconds=1), 7)
    assert is_overdue(date(2027, 1, 3), date(2027, 1, 4))
    assert not is_overdue(date(2027, 1, 4), date(2027, 1, 4))


def test_an_erasure_redacts_the_persons_met_and_the_name_in_texts() -> None:
    words = name_words("Siti Kartikasari")
    data = {
        "orang": ["Bu siti kartikasari, ketua", "Pak Joko", None],
        "kendala": "Kartikasari sakit",
        "tl": ["Hubungi Siti"],
        "foto": [{"file_id": "x"}],
    }
    assert redact_names(data, words) == {
        "orang": ["[dihapus]", "Pak Joko", None],
        "kendala": "[dihapus] sakit",
        "tl": ["Hubungi [dihapus]"],
        "foto": [{"file_id": "x"}],
    }
    assert name_words("Bu A. Sri") == ["Sri"]
    assert redact_names(data, []) == data


def test_checklist_items_are_read_from_typed_codes() -> None:
    codes = tuple(f"A{n}" for n in range(1, 15))
    assert parse_checklist_codes("a4, A1  A2", codes) == ["A1", "A2", "A4"]
    with pytest.raises(InputError) as refused:
        parse_checklist_codes("A1 B7 A99", codes)
    assert refused.value.params["items"] == "B7, A99"
    validate = SPEC.step("checklist").validate
    assert validate is not None
    validate("A1 A2", {})
    with pytest.raises(InputError):
        validate("Z1", {})


def test_the_review_stays_short_however_many_persons_and_follow_ups() -> None:
    many = 40
    text = summary(
        TR,
        {
            "orang": [f"Orang nomor {n} dengan nama yang panjang sekali" for n in range(many)],
            "tl": ["t" * 500] * many,
            "tl_pemilik": ["pengurus"] * many,
            "tl_tenggat": ["2027-01-20"] * many,
            **dict.fromkeys(("temuan_organisasi", "kendala", "catatan"), "x" * 1500),
        },
    )
    assert len(text) < 3000

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
from conversations.kunjungan_review import pages
from conversations.outcome import Outcome, Result
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
from handlers.forms import render_prompt
from locales import Catalogues
from services.kunjungan import FORM_NAME, follow_ups, parse_subject, report_data, subject_of

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
        given = step.stored(given, value)
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


def _review(answers: dict[str, Any]) -> list[str]:
    """Every page of the review as the officer sees it (summary, question, options)."""
    texts = []
    for number in range(len(pages(answers))):
        shown = {**answers, "tinjau": f"hal:{number}"}
        outcome = Outcome(Result.PROMPT, SPEC, 1, SPEC.step("tinjau"), shown)
        texts.append(render_prompt(TR, outcome)[0])
    return texts


def test_the_review_shows_every_answer_in_full_across_pages() -> None:
    answers: dict[str, Any] = {
        "jenis": "keuangan",
        "waktu": "2027-01-04T09:00:00+07:00",
        "orang": ["Bu Sri", None, "Pak Joko"],
        "kendala": "k" * 500,
        "tl": ["Tutup buku"],
        "tl_pemilik": ["pengurus"],
        "tl_tenggat": ["2027-01-20"],
        "foto": [{}, {}],
    }
    text = "\n".join(_review(answers))
    assert "Pendampingan keuangan" in text
    assert "4 Januari 2027 09.00" in text
    assert "Orang yang ditemui 1: Bu Sri" in text
    assert "Orang yang ditemui 3: Pak Joko" in text  # numbered as stored
    assert "k" * 500 in text  # never cut
    assert "Tindak lanjut 1: Tutup buku (pengurus koperasi, paling lambat 20 Januari 2027)" in text
    assert "✏️ Orang yang ditemui 3" in text
    assert "🗑 Hapus Tindak lanjut 1" in text
    assert "🗑 Hapus Foto/dokumen 2" in text


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


def test_the_picker_reads_the_drafts_of_the_visit_form() -> None:
    assert FORM_NAME == kunjungan.NAME


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
    step = SPEC.step("checklist")
    assert read_input(step, Incoming(text="A1 A2"), TR, NOW, {}) == ["A1", "A2"]
    with pytest.raises(InputError):
        read_input(step, Incoming(text="Z1"), TR, NOW, {})


def test_a_long_review_is_paged_within_telegrams_limit_and_shows_everything() -> None:
    many = 40
    text_max = 3500  # the largest [visits] max_text_length allowed
    answers = {
        "jenis": "usaha",
        "orang": [f"Orang nomor {n} " + "o" * 180 for n in range(many)],
        "tl": [f"Tindakan {n} " + "t" * 480 for n in range(many)],
        "tl_pemilik": ["pengurus"] * many,
        "tl_tenggat": ["2027-01-20"] * many,
        **{
            field: f"{field} " + "x" * (text_max - len(field) - 1)
            for field in ("temuan_organisasi", "temuan_usaha", "kendala", "catatan")
        },
        "foto": [{}] * 10,
    }
    shown = _review(answers)
    assert len(shown) > 10
    assert all(len(page) < 4096 for page in shown)
    everything = "\n".join(shown)
    for n in range(many):
        assert f"Orang nomor {n} " + "o" * 180 in everything
        assert f"Tindakan {n} " + "t" * 480 in everything
        assert f"✏️ Tindak lanjut {n + 1}" in everything
    assert "x" * (text_max - 30) in everything
    assert "🗑 Hapus Foto/dokumen 10" in everything


def test_the_review_deletes_an_entry_and_a_change_replaces_it_in_place() -> None:
    review, orang, tl = SPEC.step("tinjau"), SPEC.step("orang"), SPEC.step("tl_tenggat")
    answers: dict[str, Any] = {
        "orang": ["A", "B", "C"],
        "tl": ["x", "y"],
        "tl_pemilik": ["pengurus", "petugas"],
        "tl_tenggat": ["2027-01-20", "2027-01-21"],
        "temuan_usaha": "ada",
        "jenis": "usaha",
    }
    answers = review.stored(answers, "hapus_orang:1")
    assert answers["orang"] == ["A", "C"]
    assert review.following(answers) == "tinjau"
    answers = review.stored(answers, "hapus_tl:0")
    assert (answers["tl"], answers["tl_pemilik"], answers["tl_tenggat"]) == (
        ["y"],
        ["petugas"],
        ["2027-01-21"],
    )
    answers = review.stored(answers, "hapus_temuan_usaha")
    assert answers["temuan_usaha"] is None
    answers = review.stored(answers, "hapus_jenis")  # required: changed, never deleted
    assert answers["jenis"] == "usaha"
    answers = review.stored(answers, "ubah_orang:1")
    assert review.following(answers) == "orang"
    answers = orang.stored(answers, "Pak Budi")
    assert answers["orang"] == ["A", "Pak Budi"]
    assert orang.following(answers) == "tinjau"  # straight back, no "another one?"
    answers = review.stored(answers, "ubah_tl:0")
    assert tl.following(tl.stored(answers, "2027-02-01")) == "tinjau"
    assert answers["tl_tenggat"] == ["2027-02-01"]


def test_the_checklist_ticks_items_with_buttons_and_reads_typed_codes() -> None:
    step = SPEC.step("checklist")
    answers: dict[str, Any] = {}
    for index in (0, 2, 0, 3):  # tick A1, A3, untick A1, tick A4
        answers = step.stored(
            answers, read_input(step, Incoming(option_index=index), TR, NOW, answers)
        )
        assert step.following(answers) == "checklist"
    labels = [o.code for o in step.choices(answers)]
    assert labels[-1] == "selesai"
    assert "✓ A3 " in render_prompt(TR, Outcome(Result.PROMPT, SPEC, 1, step, answers))[0]
    done = read_input(step, Incoming(text="selesai"), TR, NOW, answers)
    answers = step.stored(answers, done)
    assert answers["checklist"] == ["A3", "A4"]
    assert step.following(answers) == "temuan_organisasi"
    typed = read_input(step, Incoming(text="a4, A1  A2"), TR, NOW, {})
    assert step.stored({}, typed)["checklist"] == ["A1", "A2", "A4"]
    toggled = read_input(step, Incoming(text="2"), TR, NOW, {})  # a typed option number
    assert toggled == "A2"

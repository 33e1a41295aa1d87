"""The input parsers: every form people type on a phone, and a specific key for every refusal."""

from __future__ import annotations

import ast
import pickle
import random
from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from domain.errors import InputError
from domain.parsing import (
    check_date_range,
    check_datetime_range,
    clean_text,
    normalise_code,
    parse_choice,
    parse_date,
    parse_decimal_amount,
    parse_local_datetime,
    parse_number,
    parse_phone,
)

WIB = ZoneInfo("Asia/Jakarta")
TODAY = date(2027, 3, 10)  # a Wednesday (Rabu)
NOW = datetime(2027, 3, 10, 11, 15, tzinfo=WIB)
HUGE = "1" * 10_000


def _refusal(call: Callable[[], object]) -> InputError:
    with pytest.raises(InputError) as caught:
        call()
    return caught.value


# --- InputError -------------------------------------------------------------------------------


def test_input_error_carries_key_and_params_and_survives_pickling() -> None:
    error = InputError("input.number.too_large", maximum=100)
    assert isinstance(error, ValueError)
    assert (error.key, error.params) == ("input.number.too_large", {"maximum": 100})
    assert str(error) == "input.number.too_large (maximum=100)"
    assert str(InputError("input.date.invalid")) == "input.date.invalid"
    copy = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own object
    assert (copy.key, copy.params) == (error.key, error.params)


def test_every_input_error_key_is_a_literal_marked_for_extraction() -> None:
    package = Path(__file__).resolve().parents[2] / "domain" / "parsing"
    calls = [
        node
        for source in sorted(package.glob("*.py"))
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "InputError"
    ]
    assert len(calls) > 30
    for call in calls:
        marker = call.args[0]
        assert isinstance(marker, ast.Call), ast.unparse(call)
        assert isinstance(marker.func, ast.Name), ast.unparse(call)
        assert marker.func.id == "N_", ast.unparse(call)
        assert isinstance(marker.args[0], ast.Constant), ast.unparse(call)
        assert str(marker.args[0].value).startswith("input."), ast.unparse(call)


# --- dates ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("05-03-2027", date(2027, 3, 5)),
        ("05/03/2027", date(2027, 3, 5)),
        ("05.03.2027", date(2027, 3, 5)),
        ("5-3-2027", date(2027, 3, 5)),
        ("5/3/27", date(2027, 3, 5)),
        ("5.3.27", date(2027, 3, 5)),
        ("31-12-2027", date(2027, 12, 31)),
        ("  5 -  3 - 2027  ", date(2027, 3, 5)),
        ("5\u20133\u20132027", date(2027, 3, 5)),  # en dashes from a phone keyboard
        ("(05-03-2027).", date(2027, 3, 5)),
        ('"5/3/2027"!', date(2027, 3, 5)),
        ("2027-03-05", date(2027, 3, 5)),
        ("2027-3-5", date(2027, 3, 5)),
        ("5 Maret 2027", date(2027, 3, 5)),
        ("5 maret 2027", date(2027, 3, 5)),
        ("5 MARET 2027", date(2027, 3, 5)),
        ("5 Mar 2027", date(2027, 3, 5)),
        ("5 Mar. 2027", date(2027, 3, 5)),
        ("5-Mar-2027", date(2027, 3, 5)),
        ("5Mar2027", date(2027, 3, 5)),
        ("5 Mar 27", date(2027, 3, 5)),
        ("5 March 2027", date(2027, 3, 5)),
        ("1 Januari 2027", date(2027, 1, 1)),
        ("1 Jan 2027", date(2027, 1, 1)),
        ("1 Februari 2027", date(2027, 2, 1)),
        ("1 Pebruari 2027", date(2027, 2, 1)),
        ("1 Feb 2027", date(2027, 2, 1)),
        ("1 April 2027", date(2027, 4, 1)),
        ("1 Apr 2027", date(2027, 4, 1)),
        ("1 Mei 2027", date(2027, 5, 1)),
        ("1 May 2027", date(2027, 5, 1)),
        ("1 Juni 2027", date(2027, 6, 1)),
        ("1 Jun 2027", date(2027, 6, 1)),
        ("1 Juli 2027", date(2027, 7, 1)),
        ("1 Jul 2027", date(2027, 7, 1)),
        ("17 Agustus 2027", date(2027, 8, 17)),
        ("17 Agu 2027", date(2027, 8, 17)),
        ("17 Agt 2027", date(2027, 8, 17)),
        ("17 August 2027", date(2027, 8, 17)),
        ("1 September 2027", date(2027, 9, 1)),
        ("1 Sep 2027", date(2027, 9, 1)),
        ("1 Sept 2027", date(2027, 9, 1)),
        ("1 Oktober 2027", date(2027, 10, 1)),
        ("1 Okt 2027", date(2027, 10, 1)),
        ("1 October 2027", date(2027, 10, 1)),
        ("1 Oct 2027", date(2027, 10, 1)),
        ("1 November 2027", date(2027, 11, 1)),
        ("1 Nopember 2027", date(2027, 11, 1)),
        ("1 Nov 2027", date(2027, 11, 1)),
        ("25 Desember 2027", date(2027, 12, 25)),
        ("25 Des 2027", date(2027, 12, 25)),
        ("25 December 2027", date(2027, 12, 25)),
        ("25 Dec 2027", date(2027, 12, 25)),
        ("tgl 5-3-2027", date(2027, 3, 5)),
        ("Tanggal 5 Maret 2027", date(2027, 3, 5)),
        ("Rabu, 10 Maret 2027", date(2027, 3, 10)),
        ("Wednesday 10 March 2027", date(2027, 3, 10)),
        ("Jum'at, 12-03-2027", date(2027, 3, 12)),
        ("hari ini", TODAY),
        ("Hari  Ini", TODAY),
        ("today", TODAY),
        ("kemarin", date(2027, 3, 9)),
        ("Kemarin!", date(2027, 3, 9)),
        ("yesterday", date(2027, 3, 9)),
        ("kemarin lusa", date(2027, 3, 8)),
        ("besok", date(2027, 3, 11)),
        ("tomorrow", date(2027, 3, 11)),
        ("lusa", date(2027, 3, 12)),
    ],
)
def test_parse_date_accepts(text: str, expected: date) -> None:
    assert parse_date(text, TODAY) == expected


@pytest.mark.parametrize(
    ("text", "key", "params"),
    [
        ("03/31/2027", "input.date.order", {}),  # month first
        ("12/25/2027", "input.date.order", {}),
        ("2027-31-03", "input.date.order", {}),
        ("March 5, 2027", "input.date.order", {}),
        ("Maret 5 2027", "input.date.order", {}),
        ("31-02-2027", "input.date.no_such_day", {"days": 28}),
        ("31 April 2027", "input.date.no_such_day", {"days": 30}),
        ("5/3", "input.date.no_year", {}),
        ("5 Maret", "input.date.no_year", {}),
        ("5 Marc 2027", "input.date.unknown_month", {}),
        ("5 Maretz", "input.date.unknown_month", {}),
        ("Senin, 10 Maret 2027", "input.date.weekday_mismatch", {"date": date(2027, 3, 10)}),
        ("13/13/2027", "input.date.invalid", {}),
        ("32-01-2027", "input.date.invalid", {}),
        ("0-3-2027", "input.date.invalid", {}),
        ("5-0-2027", "input.date.invalid", {}),
        ("5-3-0027", "input.date.invalid", {}),
        ("5-3-202", "input.date.invalid", {}),
        ("5-3-20277", "input.date.invalid", {}),
        ("5 3 2027", "input.date.invalid", {}),
        ("2027/03/05", "input.date.invalid", {}),
        ("dua puluh", "input.date.invalid", {}),
        ("minggu depan", "input.date.invalid", {}),
        ("", "input.date.invalid", {}),
        ("   ", "input.date.invalid", {}),
        ("...", "input.date.invalid", {}),
        ("\U0001f4c5", "input.date.invalid", {}),
        ("\U0001f4c5 5-3-2027", "input.date.invalid", {}),
        ("<b>5-3-2027</b>", "input.date.invalid", {}),
        ("5-3-2027" * 2_000, "input.date.invalid", {}),
        (HUGE, "input.date.invalid", {}),
    ],
)
def test_parse_date_refuses(text: str, key: str, params: dict[str, object]) -> None:
    error = _refusal(lambda: parse_date(text, TODAY))
    assert (error.key, error.params) == (key, params)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("29-02-2028", date(2028, 2, 29)),  # leap year
        ("29 Februari 2024", date(2024, 2, 29)),
        ("29-02-2000", date(2000, 2, 29)),  # divisible by 400
    ],
)
def test_29_february_exists_in_leap_years(text: str, expected: date) -> None:
    assert parse_date(text, TODAY) == expected


@pytest.mark.parametrize("text", ["29-02-2027", "29 Feb 2026", "29/02/1900", "29-02-2100"])
def test_29_february_does_not_exist_in_other_years(text: str) -> None:
    error = _refusal(lambda: parse_date(text, TODAY))
    assert (error.key, error.params) == ("input.date.no_such_day", {"days": 28})


@pytest.mark.parametrize(
    ("text", "today", "expected"),
    [
        ("5/3/27", date(2027, 3, 10), date(2027, 3, 5)),
        ("5/3/76", date(2027, 3, 10), date(2076, 3, 5)),
        ("5/3/78", date(2027, 3, 10), date(1978, 3, 5)),
        ("5/3/99", date(2027, 3, 10), date(1999, 3, 5)),
        ("5/3/01", date(2099, 1, 1), date(2101, 3, 5)),
    ],
)
def test_two_digit_years_mean_the_year_nearest_today(
    text: str, today: date, expected: date
) -> None:
    assert parse_date(text, today) == expected


@pytest.mark.parametrize(
    ("text", "today", "expected"),
    [
        ("kemarin", date(2027, 3, 1), date(2027, 2, 28)),
        ("kemarin", date(2028, 3, 1), date(2028, 2, 29)),
        ("besok", date(2027, 12, 31), date(2028, 1, 1)),
        ("lusa", date(2027, 12, 31), date(2028, 1, 2)),
    ],
)
def test_relative_words_count_from_the_given_today(text: str, today: date, expected: date) -> None:
    assert parse_date(text, today) == expected


@pytest.mark.parametrize(
    ("text", "key", "params"),
    [
        ("besok", "input.date.future", {"latest": TODAY}),
        ("11-03-2027", "input.date.future", {"latest": TODAY}),
        ("07-02-2027", "input.date.too_early", {"earliest": date(2027, 2, 8)}),
        ("1 Jan 2020", "input.date.too_early", {"earliest": date(2027, 2, 8)}),
    ],
)
def test_parse_date_bounds_never_future_at_most_30_days_back(
    text: str, key: str, params: dict[str, object]
) -> None:
    bounds = {"not_before": TODAY - timedelta(days=30), "not_after": TODAY}
    error = _refusal(lambda: parse_date(text, TODAY, **bounds))
    assert (error.key, error.params) == (key, params)


@pytest.mark.parametrize("text", ["hari ini", "kemarin", "09-02-2027", "10-03-2027"])
def test_parse_date_bounds_are_inclusive(text: str) -> None:
    value = parse_date(text, TODAY, not_before=date(2027, 2, 9), not_after=TODAY)
    assert date(2027, 2, 9) <= value <= TODAY


def test_check_date_range_names_a_later_bound_that_is_not_today() -> None:
    deadline = date(2027, 6, 30)
    error = _refusal(lambda: check_date_range(date(2027, 7, 1), not_after=deadline, today=TODAY))
    assert (error.key, error.params) == ("input.date.too_late", {"latest": deadline})
    assert check_date_range(deadline, not_before=TODAY, not_after=deadline) == deadline


# --- local date and time ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("05-03-2027 09.30", datetime(2027, 3, 5, 9, 30, tzinfo=WIB)),
        ("05-03-2027 09:30", datetime(2027, 3, 5, 9, 30, tzinfo=WIB)),
        ("5/3/27 9.30", datetime(2027, 3, 5, 9, 30, tzinfo=WIB)),
        ("05-03-2027, 9:05", datetime(2027, 3, 5, 9, 5, tzinfo=WIB)),
        ("5 Maret 2027 pukul 14.00", datetime(2027, 3, 5, 14, 0, tzinfo=WIB)),
        ("5 Mar 2027 jam 14:00", datetime(2027, 3, 5, 14, 0, tzinfo=WIB)),
        ("2027-03-05 00:00", datetime(2027, 3, 5, 0, 0, tzinfo=WIB)),
        ("hari ini 09.30", datetime(2027, 3, 10, 9, 30, tzinfo=WIB)),
        ("today 09:30", datetime(2027, 3, 10, 9, 30, tzinfo=WIB)),
        ("kemarin 14:00", datetime(2027, 3, 9, 14, 0, tzinfo=WIB)),
        ("Kemarin, pkl. 23.59", datetime(2027, 3, 9, 23, 59, tzinfo=WIB)),
        ("yesterday at 8:15", datetime(2027, 3, 9, 8, 15, tzinfo=WIB)),
        ("09.30", datetime(2027, 3, 10, 9, 30, tzinfo=WIB)),
        (" 9:30 ", datetime(2027, 3, 10, 9, 30, tzinfo=WIB)),
        ("jam 07.00", datetime(2027, 3, 10, 7, 0, tzinfo=WIB)),
        ("sekarang", NOW),
        ("Sekarang!", NOW),
        ("now", NOW),
    ],
)
def test_parse_local_datetime_accepts(text: str, expected: datetime) -> None:
    value = parse_local_datetime(text, NOW)
    assert value == expected
    assert value.tzinfo is WIB


@pytest.mark.parametrize(
    ("text", "key", "params"),
    [
        ("05-03-2027", "input.datetime.no_time", {}),
        ("05.03.27", "input.datetime.no_time", {}),
        ("kemarin", "input.datetime.no_time", {}),
        ("05-03-2027 24.00", "input.datetime.time_invalid", {}),
        ("05-03-2027 09.60", "input.datetime.time_invalid", {}),
        ("03/31/2027 09.30", "input.date.order", {}),
        ("31-02-2027 09.30", "input.date.no_such_day", {"days": 28}),
        ("31-02-2027", "input.date.no_such_day", {"days": 28}),
        ("03/31/2027", "input.date.order", {}),
        ("5 Maret 09.30", "input.date.no_year", {}),
        ("tadi 09.30", "input.datetime.invalid", {}),
        ("9.3", "input.datetime.invalid", {}),
        ("5 Maret", "input.datetime.invalid", {}),
        ("0930", "input.datetime.invalid", {}),
        ("setengah sepuluh", "input.datetime.invalid", {}),
        ("", "input.datetime.invalid", {}),
        ("\U0001f552 09.30", "input.datetime.invalid", {}),
        (HUGE, "input.datetime.invalid", {}),
    ],
)
def test_parse_local_datetime_refuses(text: str, key: str, params: dict[str, object]) -> None:
    error = _refusal(lambda: parse_local_datetime(text, NOW))
    assert (error.key, error.params) == (key, params)


@pytest.mark.parametrize(
    ("text", "key", "params"),
    [
        ("hari ini 11.16", "input.datetime.future", {"latest": NOW}),
        ("besok 08.00", "input.datetime.future", {"latest": NOW}),
        ("08-02-2027 11.14", "input.datetime.too_early", {"earliest": NOW - timedelta(days=30)}),
    ],
)
def test_parse_local_datetime_bounds_never_future_at_most_30_days_back(
    text: str, key: str, params: dict[str, object]
) -> None:
    bounds = {"not_before": NOW - timedelta(days=30), "not_after": NOW}
    error = _refusal(lambda: parse_local_datetime(text, NOW, **bounds))
    assert (error.key, error.params) == (key, params)


@pytest.mark.parametrize(
    "text", ["sekarang", "hari ini 11.15", "08-02-2027 11.15", "kemarin 23.00"]
)
def test_parse_local_datetime_bounds_are_inclusive(text: str) -> None:
    earliest = NOW - timedelta(days=30)
    assert earliest <= parse_local_datetime(text, NOW, not_before=earliest, not_after=NOW) <= NOW


def test_check_datetime_range_names_a_later_bound_that_is_not_now() -> None:
    closing = datetime(2027, 3, 10, 17, 0, tzinfo=WIB)
    late = datetime(2027, 3, 10, 17, 1, tzinfo=WIB)
    error = _refusal(lambda: check_datetime_range(late, not_after=closing, now=NOW))
    assert (error.key, error.params) == ("input.datetime.too_late", {"latest": closing})


def test_parse_local_datetime_needs_an_aware_now() -> None:
    with pytest.raises(ValueError, match="timezone-aware") as caught:
        parse_local_datetime("09.30", datetime(2027, 3, 10, 11, 15))  # noqa: DTZ001
    assert not isinstance(caught.value, InputError)


# --- whole numbers ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0", 0),
        ("7", 7),
        ("1234", 1234),
        ("1.234", 1234),
        ("1 234", 1234),
        ("1\u00a0234", 1234),  # no-break space
        ("1.234.567", 1_234_567),
        ("12 345 678", 12_345_678),
        ("007", 7),
        (" 42 ", 42),
        ("42.", 42),
        ("+5", 5),
        ("\uff14\uff12", 42),  # full-width digits
    ],
)
def test_parse_number_accepts(text: str, expected: int) -> None:
    assert parse_number(text) == expected


@pytest.mark.parametrize(
    ("text", "kwargs", "key", "params"),
    [
        ("dua puluh", {}, "input.number.invalid", {}),
        ("20 orang", {}, "input.number.invalid", {}),
        ("12 34", {}, "input.number.invalid", {}),
        ("1e5", {}, "input.number.invalid", {}),
        ("\u0664\u0662", {}, "input.number.invalid", {}),  # Arabic-Indic digits
        ("", {}, "input.number.invalid", {}),
        ("\U0001f522", {}, "input.number.invalid", {}),
        (HUGE, {}, "input.number.invalid", {}),
        ("1,5", {}, "input.number.not_whole", {}),
        ("1.5", {}, "input.number.not_whole", {}),
        ("0,5", {}, "input.number.not_whole", {}),
        (".5", {}, "input.number.not_whole", {}),
        ("1.234,00", {}, "input.number.not_whole", {}),
        ("12.34", {}, "input.number.not_whole", {}),
        ("-5", {}, "input.number.negative", {}),
        ("\u22125", {}, "input.number.negative", {}),  # a real minus sign
        ("-5", {"minimum": 0}, "input.number.negative", {}),
        ("2", {"minimum": 3}, "input.number.too_small", {"minimum": 3}),
        ("-11", {"minimum": -10}, "input.number.too_small", {"minimum": -10}),
        ("101", {"maximum": 100}, "input.number.too_large", {"maximum": 100}),
        ("1.001", {"minimum": 1, "maximum": 1000}, "input.number.too_large", {"maximum": 1000}),
        ("9" * 30, {}, "input.number.too_large", {"maximum": 2**63 - 1}),
    ],
)
def test_parse_number_refuses(
    text: str, kwargs: dict[str, int], key: str, params: dict[str, object]
) -> None:
    error = _refusal(lambda: parse_number(text, **kwargs))
    assert (error.key, error.params) == (key, params)


@pytest.mark.parametrize(("text", "expected"), [("-5", -5), ("-10", -10), ("0", 0), ("100", 100)])
def test_parse_number_allows_negatives_down_to_a_negative_minimum(
    text: str, expected: int
) -> None:
    assert parse_number(text, minimum=-10, maximum=100) == expected


# --- Rupiah amounts ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1250000", Decimal(1_250_000)),
        ("1.250.000", Decimal(1_250_000)),
        ("Rp 1.250.000", Decimal(1_250_000)),
        ("Rp1.250.000", Decimal(1_250_000)),
        ("Rp. 1.250.000,-", Decimal(1_250_000)),
        ("IDR 1.250.000", Decimal(1_250_000)),
        ("1.250.000 rupiah", Decimal(1_250_000)),
        ("1 250 000", Decimal(1_250_000)),
        ("1.250.000,00", Decimal(1_250_000)),
        ("1.250.000,50", Decimal("1250000.50")),
        ("1250000,5", Decimal("1250000.50")),
        ("1250000.50", Decimal("1250000.50")),
        ("1,5 jt", Decimal(1_500_000)),
        ("1,5 juta", Decimal(1_500_000)),
        ("1,5jt", Decimal(1_500_000)),
        ("1.5 juta", Decimal(1_500_000)),
        ("Rp 1,25 juta", Decimal(1_250_000)),
        ("500 rb", Decimal(500_000)),
        ("500 ribu", Decimal(500_000)),
        ("500k", Decimal(500_000)),
        ("2 M", Decimal(2_000_000_000)),
        ("2M", Decimal(2_000_000_000)),
        ("2 miliar", Decimal(2_000_000_000)),
        ("2 milyar", Decimal(2_000_000_000)),
        ("1,2 triliun", Decimal(1_200_000_000_000)),
        ("0", Decimal(0)),
    ],
)
def test_parse_decimal_amount_accepts(text: str, expected: Decimal) -> None:
    value = parse_decimal_amount(text)
    assert value == expected
    assert str(value) == str(expected)


@pytest.mark.parametrize(
    ("text", "kwargs", "key", "params"),
    [
        ("satu juta", {}, "input.amount.invalid", {}),
        ("Rp", {}, "input.amount.invalid", {}),
        ("10 kg", {}, "input.amount.invalid", {}),
        ("1,250,000", {}, "input.amount.invalid", {}),
        ("1.25.000", {}, "input.amount.invalid", {}),
        ("$100", {}, "input.amount.invalid", {}),
        ("", {}, "input.amount.invalid", {}),
        ("\U0001f4b0", {}, "input.amount.invalid", {}),
        (HUGE, {}, "input.amount.invalid", {}),
        ("-Rp 5.000", {}, "input.amount.negative", {}),
        ("Rp -5.000", {}, "input.amount.negative", {}),
        ("1,505", {}, "input.amount.too_many_decimals", {}),
        ("0,000001 rb", {}, "input.amount.too_many_decimals", {}),
        ("500", {"minimum": Decimal(1000)}, "input.amount.too_small", {"minimum": Decimal(1000)}),
        (
            "2 M",
            {"maximum": Decimal(10**9)},
            "input.amount.too_large",
            {"maximum": Decimal(10**9)},
        ),
        ("9" * 60, {}, "input.amount.too_large", {"maximum": Decimal(10) ** 15}),
        ("2000 triliun", {}, "input.amount.too_large", {"maximum": Decimal(10) ** 15}),
    ],
)
def test_parse_decimal_amount_refuses(
    text: str, kwargs: dict[str, Decimal], key: str, params: dict[str, object]
) -> None:
    error = _refusal(lambda: parse_decimal_amount(text, **kwargs))
    assert (error.key, error.params) == (key, params)


def test_parse_decimal_amount_allows_a_negative_minimum() -> None:
    assert parse_decimal_amount("-Rp 5.000", minimum=Decimal(-10_000)) == Decimal(-5000)


# --- choices ----------------------------------------------------------------------------------

OPTIONS = ["simpan_pinjam", "konsumen", "serba_usaha"]
LABELS = ["Simpan Pinjam", "Konsumen", "Serba Usaha (KSU)"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1", "simpan_pinjam"),
        ("2", "konsumen"),
        ("2.", "konsumen"),
        (" 2 ", "konsumen"),
        ("2)", "konsumen"),
        ("(3)", "serba_usaha"),
        ("no 3", "serba_usaha"),
        ("No. 3", "serba_usaha"),
        ("nomor 1", "simpan_pinjam"),
        ("#2", "konsumen"),
        ("\uff12", "konsumen"),  # full-width digit
        ("simpan pinjam", "simpan_pinjam"),
        ("SIMPAN PINJAM", "simpan_pinjam"),
        ("Simpan-Pinjam!", "simpan_pinjam"),
        ("simpanpinjam", "simpan_pinjam"),
        ("simpan_pinjam", "simpan_pinjam"),  # the code itself
        ("  konsumen. ", "konsumen"),
        ("serba usaha ksu", "serba_usaha"),
        ("\u2705 Konsumen", "konsumen"),  # emoji ignored
    ],
)
def test_parse_choice_accepts_number_label_or_code(text: str, expected: str) -> None:
    assert parse_choice(text, OPTIONS, LABELS) == expected


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("0", "input.choice.out_of_range"),
        ("4", "input.choice.out_of_range"),
        ("99999999999999999999", "input.choice.out_of_range"),
        ("-1", "input.choice.invalid"),
        ("2,5", "input.choice.invalid"),
        ("simpan", "input.choice.invalid"),
        ("lainnya", "input.choice.invalid"),
        ("", "input.choice.invalid"),
        ("\u2705", "input.choice.invalid"),
        (HUGE, "input.choice.invalid"),
    ],
)
def test_parse_choice_refuses_with_the_count(text: str, key: str) -> None:
    error = _refusal(lambda: parse_choice(text, OPTIONS, LABELS))
    assert (error.key, error.params) == (key, {"count": 3})


def test_parse_choice_without_labels_matches_the_codes() -> None:
    assert parse_choice("Kota Anyar", ["dringu", "kota_anyar"]) == "kota_anyar"
    assert parse_choice("1", ["dringu", "kota_anyar"]) == "dringu"


def test_parse_choice_reads_an_out_of_range_number_as_a_label() -> None:
    assert parse_choice("2", ["y2026", "y2027"], ["2026", "2027"]) == "y2027"
    assert parse_choice("2027", ["y2026", "y2027"], ["2026", "2027"]) == "y2027"


def test_parse_choice_needs_one_label_per_option() -> None:
    with pytest.raises(ValueError, match="2 labels for 3 options"):
        parse_choice("1", OPTIONS, LABELS[:2])


# --- codes and free text ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Simpan Pinjam", "simpanpinjam"),
        (" dringu ", "dringu"),
        ("Kota Anyar", "kotaanyar"),
        ("KOTA_ANYAR", "kotaanyar"),
        ("kota-anyar", "kotaanyar"),
        ("Kota\u2013Anyar", "kotaanyar"),
        ("Kota\u00a0\tAnyar", "kotaanyar"),
        ("Koperasi Merah-Putih_01", "koperasimerahputih01"),
        ("", ""),
    ],
)
def test_normalise_code(text: str, expected: str) -> None:
    assert normalise_code(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  Rapat   sudah\tdijadwalkan  ", "Rapat sudah dijadwalkan"),
        ("baris satu  \n   baris dua", "baris satu\nbaris dua"),
        ("satu\r\ndua\rtiga", "satu\ndua\ntiga"),
        ("satu\n\n\n\n dua", "satu\n\ndua"),
        ("\n\n  isi  \n\n", "isi"),
        ('<b>KSU "Maju & Jaya"</b> <script>', '<b>KSU "Maju & Jaya"</b> <script>'),
        ("Terima kasih \U0001f64f\U0001f3fd", "Terima kasih \U0001f64f\U0001f3fd"),
        (
            "keluarga \U0001f468\u200d\U0001f469\u200d\U0001f467",
            "keluarga \U0001f468\u200d\U0001f469\u200d\U0001f467",
        ),
        ("nol\x00byte\x07", "nolbyte"),
        ("kata\u200bkata", "kata kata"),
    ],
)
def test_clean_text_tidies_whitespace_and_keeps_the_rest(text: str, expected: str) -> None:
    assert clean_text(text, max_length=200) == expected


@pytest.mark.parametrize("text", ["", "   ", "\n\t\n", "\u200b", "\x00"])
def test_clean_text_refuses_empty_text(text: str) -> None:
    error = _refusal(lambda: clean_text(text, max_length=200))
    assert (error.key, error.params) == ("input.text.empty", {})


@pytest.mark.parametrize(
    ("text", "max_length", "length"),
    [("abcdef", 5, 6), (HUGE, 4000, 10_000), ("\U0001f600" * 11, 10, 11)],
)
def test_clean_text_refuses_long_text_with_limit_and_length(
    text: str, max_length: int, length: int
) -> None:
    error = _refusal(lambda: clean_text(text, max_length=max_length))
    assert (error.key, error.params) == (
        "input.text.too_long",
        {"maximum": max_length, "length": length},
    )


def test_clean_text_measures_length_after_cleaning() -> None:
    assert clean_text("  abc     de  ", max_length=6) == "abc de"


# --- phone numbers ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0812-3456-7890", "+6281234567890"),
        ("081234567890", "+6281234567890"),
        ("0812 3456 7890", "+6281234567890"),
        ("0812.3456.7890", "+6281234567890"),
        ("+62 812 3456 7890", "+6281234567890"),
        ("+62-812-3456-7890", "+6281234567890"),
        ("+6281234567890", "+6281234567890"),
        ("6281234567890", "+6281234567890"),
        ("+62 (0) 812 3456 7890", "+6281234567890"),
        ("0062 812 3456 7890", "+6281234567890"),
        ("812-3456-7890", "+6281234567890"),
        ("0811 234 567", "+62811234567"),
        ("(0335) 421234", "+62335421234"),
        ("021 1234 5678", "+622112345678"),
    ],
)
def test_parse_phone_gives_e164(text: str, expected: str) -> None:
    assert parse_phone(text) == expected


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("+65 9123 4567", "input.phone.not_indonesian"),
        ("0065 9123 4567", "input.phone.not_indonesian"),
        ("+1 202 555 0100", "input.phone.not_indonesian"),
        ("12345", "input.phone.invalid"),
        ("0812", "input.phone.invalid"),
        ("0812 3456 7890 1234", "input.phone.invalid"),
        ("1234567890", "input.phone.invalid"),
        ("335421234", "input.phone.invalid"),
        ("0812-3456-789O", "input.phone.invalid"),  # letter O for zero
        ("08123+4567890", "input.phone.invalid"),
        ("nomor saya 081234567890", "input.phone.invalid"),
        ("", "input.phone.invalid"),
        ("\U0001f4de", "input.phone.invalid"),
        (HUGE, "input.phone.invalid"),
    ],
)
def test_parse_phone_refuses(text: str, key: str) -> None:
    error = _refusal(lambda: parse_phone(text))
    assert (error.key, error.params) == (key, {})


# --- anything at all --------------------------------------------------------------------------

PARSERS: dict[str, Callable[[str], object]] = {
    "date": lambda text: parse_date(text, TODAY, not_after=TODAY),
    "datetime": lambda text: parse_local_datetime(text, NOW, not_after=NOW),
    "number": lambda text: parse_number(text, minimum=0, maximum=1000),
    "amount": parse_decimal_amount,
    "choice": lambda text: parse_choice(text, OPTIONS, LABELS),
    "code": normalise_code,
    "text": lambda text: clean_text(text, max_length=100),
    "phone": parse_phone,
}
RESULT_TYPES: dict[str, type] = {
    "date": date,
    "datetime": datetime,
    "number": int,
    "amount": Decimal,
    "choice": str,
    "code": str,
    "text": str,
    "phone": str,
}
ALPHABET = (
    "0123456789" * 4
    + "-/.,:;+()# _\t\n'\"<>&"
    + "abcdefghijklmnopqrstuvwxyz"
    + "RpMJT"
    + "\u00a0\u2013\u2212\u200b\u200d\x00\uff10\u0664"
    + "\U0001f600\U0001f44d\U0001f3fd"
)


def _assert_value_or_input_error(kind: str, parse: Callable[[str], object], text: str) -> None:
    try:
        outcome = parse(text)
    except InputError as error:
        outcome = error
    if isinstance(outcome, InputError):
        assert outcome.key.startswith("input."), text
    else:
        assert isinstance(outcome, RESULT_TYPES[kind]), text


# Accepted answers with a few characters inserted, deleted or replaced reach deeper than noise.
SEEDS = [
    "05-03-2027 09.30",
    "Rabu, 10 Maret 2027",
    "kemarin 14:00",
    "Rp 1.250.000,50",
    "1,5 jt",
    "1.234",
    "+62 812 3456 7890",
    "no. 2",
    "Serba Usaha (KSU)",
]
WORDS = ["hari ini", "kemarin", "maret", "jt", "rp", "sekarang", "+62", "jam", "senin", " "]


@pytest.mark.parametrize("kind", sorted(PARSERS))
def test_random_input_gives_a_value_or_an_input_error(kind: str) -> None:
    rng = random.Random(1234)
    parse = PARSERS[kind]
    for _ in range(3000):
        pieces = [
            rng.choice(WORDS) if rng.random() < 0.15 else rng.choice(ALPHABET)
            for _ in range(rng.randint(0, 24))
        ]
        _assert_value_or_input_error(kind, parse, "".join(pieces))


@pytest.mark.parametrize("kind", sorted(PARSERS))
def test_mutated_answers_give_a_value_or_an_input_error(kind: str) -> None:
    rng = random.Random(1234)
    parse = PARSERS[kind]
    for _ in range(3000):
        text = list(rng.choice(SEEDS))
        for _ in range(rng.randint(1, 3)):
            at = rng.randrange(len(text) + 1)
            edit = rng.choice(["insert", "delete", "replace"])
            if edit == "insert" or at == len(text):
                text.insert(at, rng.choice(ALPHABET))
            elif edit == "delete":
                del text[at]
            else:
                text[at] = rng.choice(ALPHABET)
        _assert_value_or_input_error(kind, parse, "".join(text))


@pytest.mark.parametrize("kind", sorted(PARSERS))
@pytest.mark.parametrize(
    "text", [HUGE, "\U0001f600" * 10_000, "<" * 10_000, " " * 10_000, "9." * 5_000]
)
def test_ten_thousand_characters_never_crash(kind: str, text: str) -> None:
    _assert_value_or_input_error(kind, PARSERS[kind], text)

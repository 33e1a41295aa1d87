"""Names and texts a person cannot see, or that reorder themselves, are refused with the reason."""

from __future__ import annotations

from datetime import date

import pytest

from domain.errors import InputError
from domain.parsing import check_visible, clean_text
from domain.register import COLUMNS_BY_NAME
from domain.register_rows import RowRules, read_cell

INVISIBLE = [
    "\u200b",
    "\u200b\u200c\u200d",
    "\u2060\ufeff",
    "\u3164",
    "\u115f\u1160",
    "\uffa0",
    "\u2800\u2800",
    "\u200e\u200f",
    "\u034f",
    " \u3164 \u200b ",
]
DIRECTION = [
    "\u202eKSU Maju",
    "KSU \u202aMaju",
    "Maju\u202c",
    "\u2066KSU\u2069",
    "a\u2067b",
    "\u202d\u2068x",
]
VISIBLE = [
    "KSU Maju",
    "Koperasi \u00e9l\u00e8ve",
    "\u0915\u094b",
    "\U0001f33e",
    "A\u200bB",
    "\u1100\u1161",
]


@pytest.mark.parametrize("text", INVISIBLE)
def test_text_of_only_invisible_or_filler_characters_is_refused(text: str) -> None:
    with pytest.raises(InputError) as caught:
        check_visible(text)
    assert caught.value.key == "input.text.invisible"


@pytest.mark.parametrize("text", DIRECTION)
def test_a_direction_override_or_isolate_is_refused(text: str) -> None:
    with pytest.raises(InputError) as caught:
        check_visible(text)
    assert caught.value.key == "input.text.direction"


@pytest.mark.parametrize("text", VISIBLE)
def test_visible_names_pass(text: str) -> None:
    check_visible(text)


def test_typed_answers_go_through_the_rule() -> None:
    with pytest.raises(InputError) as caught:
        clean_text("\u3164\u3164", max_length=100)
    assert caught.value.key == "input.text.invisible"
    with pytest.raises(InputError) as caught:
        clean_text("Budi \u202esetnaS", max_length=100)
    assert caught.value.key == "input.text.direction"
    assert clean_text("Budi Santoso", max_length=100) == "Budi Santoso"


@pytest.mark.parametrize("column", ["nama", "alamat", "desa", "kelompok"])
def test_imported_names_go_through_the_rule(column: str) -> None:
    rules = RowRules(("Maron",), date(2027, 1, 4))
    with pytest.raises(InputError) as caught:
        read_cell(COLUMNS_BY_NAME[column], "\u2800", rules)
    assert caught.value.key == "input.text.invisible"
    with pytest.raises(InputError) as caught:
        read_cell(COLUMNS_BY_NAME[column], "KSU\u202e", rules)
    assert caught.value.key == "input.text.direction"

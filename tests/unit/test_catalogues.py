"""The catalogues guard: every key used in code translated in every locale, placeholders equal,
HTML valid for Telegram (checked by the same parser the Bot API stand-in uses)."""

from __future__ import annotations

import string
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir, extract_python
from babel.messages.pofile import read_po

from config import load_config
from locales import po_path
from telegram_stub.errors import ApiError
from telegram_stub.markup import parse_html

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("bot.py", "handlers", "conversations", "domain", "services", "locales")
KEYWORDS = {"t": None, "tn": (1, 2), "N_": None}
LOCALES = load_config(ROOT / "config.example.toml", environ={}).i18n.locales


def _singular(message: object) -> str:
    """A plural pair is one catalogue entry, found under its singular key."""
    if isinstance(message, str):
        return message
    assert isinstance(message, list | tuple)
    return str(message[0])


def _keys_in_code() -> set[str]:
    keys: set[str] = set()
    for source in SOURCES:
        path = ROOT / source
        if path.is_file():
            with path.open("rb") as handle:
                found: list[object] = [
                    m for _, _, m, _ in extract_python(handle, KEYWORDS, [], {})
                ]
        else:
            found = [m for _, _, m, _, _ in extract_from_dir(path, keywords=KEYWORDS)]
        keys.update(_singular(message) for message in found)
    return keys


def _catalog(locale: str) -> Catalog:
    with po_path(locale).open("rb") as handle:
        return read_po(handle, locale=locale)


def _texts(catalog: Catalog, key: str) -> list[str]:
    message = catalog.get(key)
    if message is None:
        return []
    strings = message.string if isinstance(message.string, tuple | list) else [message.string]
    return [text for text in strings if text]


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


KEYS = sorted(_keys_in_code())


def test_the_code_uses_message_keys() -> None:
    assert "start.no_invite" in KEYS
    assert len(KEYS) > 20


@pytest.mark.parametrize("locale", LOCALES)
def test_every_key_is_translated(locale: str) -> None:
    catalog = _catalog(locale)
    missing = [key for key in KEYS if not _texts(catalog, key)]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert not missing, f"{locale}: untranslated {missing}"
    assert not fuzzy, f"{locale}: fuzzy {fuzzy}"


@pytest.mark.parametrize("locale", LOCALES)
def test_no_catalogue_entry_is_left_unused(locale: str) -> None:
    catalog = _catalog(locale)
    entries = sorted(str(m.id if isinstance(m.id, str) else m.id[0]) for m in catalog if m.id)
    unused = [key for key in entries if key not in KEYS]
    assert not unused, f"{locale}: unused entries {unused}"


@pytest.mark.parametrize("locale", [code for code in LOCALES if code != "id"])
def test_placeholders_match_the_default_locale(locale: str) -> None:
    reference, catalog = _catalog("id"), _catalog(locale)
    for key in KEYS:
        expected = set().union(*map(_placeholders, _texts(reference, key)))
        for text in _texts(catalog, key):
            assert _placeholders(text) == expected, f"{locale}: {key} placeholders differ"


@pytest.mark.parametrize("locale", LOCALES)
def test_html_is_balanced_and_uses_only_telegram_tags(locale: str) -> None:
    catalog = _catalog(locale)
    for key in KEYS:
        for text in _texts(catalog, key):
            filled = text.format(**dict.fromkeys(_placeholders(text), "x"))
            try:
                parse_html(filled)
            except ApiError as exc:
                pytest.fail(f"{locale}: {key}: {exc}")


def test_indonesian_has_one_plural_form() -> None:
    assert _catalog("id").num_plurals == 1
    assert _catalog("en").num_plurals == 2


def test_a_broken_translation_is_caught() -> None:
    """The guard itself can fail: unbalanced HTML and a stray placeholder are detected."""
    with pytest.raises(ApiError):
        parse_html("<b>tebal")
    assert _placeholders("{a} dan {b}") != _placeholders("{a}")

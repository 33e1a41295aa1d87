"""The clean-up every short typed answer goes through before a parser reads it."""

from __future__ import annotations

import re
import unicodedata

from domain.errors import InputError

# A date, a number, a phone number or a choice is never longer than this; refusing longer text
# up front keeps every parser's work small whatever a person pastes.
MAX_ANSWER_LENGTH = 64

# Phones offer typographic dashes, minus signs and quotes; the parsers read only the ASCII ones.
_LOOKALIKES = str.maketrans(
    {
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u2018": "'",
        "\u2019": "'",
        "\u200b": " ",
        "\ufeff": " ",
    }
)
_WHITESPACE = re.compile(r"\s+")
# Wrapping a value in quotes, brackets or markdown, or ending it with a full stop, changes nothing.
# A leading "-", "+" or "." is kept: it changes what a number means.
_LEADING = " \"'`([{<*_~"
_TRAILING = " \"'`)]}>*_~.,;:!?"


def tidy(text: str, error: InputError) -> str:
    """`text` NFKC-normalised, case-folded, with single spaces and no wrapping punctuation.

    Raises `error` when nothing is left or the answer is too long to be a short value.
    """
    if len(text) > MAX_ANSWER_LENGTH * 4:
        raise error
    cleaned = unicodedata.normalize("NFKC", text).translate(_LOOKALIKES).casefold()
    cleaned = _WHITESPACE.sub(" ", cleaned).lstrip(_LEADING).rstrip(_TRAILING)
    if not cleaned or len(cleaned) > MAX_ANSWER_LENGTH:
        raise error
    return cleaned


def unwrap(text: str) -> str:
    """`text` without wrapping punctuation, for a part cut out of an already tidied answer."""
    return text.lstrip(_LEADING).rstrip(_TRAILING)

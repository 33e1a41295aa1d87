"""Free text, codes and numbered choices as people type them."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from domain.errors import InputError
from domain.keys import N_
from domain.parsing._common import tidy

_CODE_SEPARATORS = re.compile(r"[\s_\-\u2010-\u2015\u2212]+")
_HORIZONTAL_SPACE = re.compile(r"\s+")
# Invisible characters that phones insert and that carry nothing; the zero-width joiners inside
# emoji sequences are kept.
_INVISIBLE = str.maketrans({"\u200b": " ", "\ufeff": " ", "\u00ad": None})
# Characters that reorder the text around them: a name holding one can show as another
# (`\u202egnp.exe`). Embeddings, overrides and isolates; the plain marks (U+200E, U+200F, U+061C)
# only nudge neutral characters and count as invisible.
_DIRECTION_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
# Characters that draw nothing but are not format characters (Unicode category Cf) or spaces:
# the Hangul fillers, the braille blank, the combining grapheme joiner, Mongolian vowel separator.
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800\u034f\u180e")
# Cc/Cf: controls and format characters; Mn/Me: marks drawn on another character; Zs/Zl/Zp:
# separators; Cs: lone surrogates. Unassigned code points count as visible: they may be emoji
# newer than this Python's Unicode tables.
_UNSEEN_CATEGORIES = frozenset({"Cc", "Cf", "Mn", "Me", "Zs", "Zl", "Zp", "Cs"})
_CHOICE_NUMBER = re.compile(r"(?:no|nomor|nomer|#)?\.?\s*(?P<number>\d+)", re.ASCII)


def check_visible(text: str) -> None:
    """Refuses text a reader cannot see or that can disguise itself.

    Raises InputError when `text` holds a direction override, embedding or isolate
    (U+202A..U+202E, U+2066..U+2069), or nothing but spaces and invisible characters
    (zero-width ones, U+2060, U+FEFF, the Hangul fillers, the braille blank, lone combining
    marks, ...). Every typed and imported name and text goes through it.
    """
    if _DIRECTION_CONTROLS.search(text):
        raise InputError(N_("input.text.direction"))
    if not any(is_visible(char) for char in text):
        raise InputError(N_("input.text.invisible"))


def is_visible(char: str) -> bool:
    """Whether the character draws something on its own."""
    if char in _BLANK_LETTERS or char.isspace():
        return False
    return unicodedata.category(char) not in _UNSEEN_CATEGORIES


def clean_text(text: str, *, max_length: int) -> str:
    """`text` stripped, with runs of spaces inside each line made one and at most one blank line.

    Line breaks, emoji and HTML special characters are kept as typed: escaping is the
    renderer's job. Control characters (which storage may refuse) are dropped. Text with no
    visible character or with a direction override is refused (`check_visible`).
    """
    lines = [_clean_line(line) for line in unicodedata.normalize("NFC", text).splitlines()]
    kept: list[str] = []
    for line in lines:
        if line or (kept and kept[-1]):
            kept.append(line)
    cleaned = "\n".join(kept).strip("\n")
    if not cleaned:
        raise InputError(N_("input.text.empty"))
    check_visible(cleaned)
    if len(cleaned) > max_length:
        raise InputError(N_("input.text.too_long"), maximum=max_length, length=len(cleaned))
    return cleaned


def _clean_line(line: str) -> str:
    """One line without control characters and with single spaces."""
    visible = "".join(
        " " if char == "\t" else char
        for char in line.translate(_INVISIBLE)
        if char == "\t" or unicodedata.category(char) != "Cc"
    )
    return _HORIZONTAL_SPACE.sub(" ", visible).strip()


def normalise_code(text: str) -> str:
    """`text` case-folded without spaces, underscores or hyphens (`Kota Anyar` -> `kotaanyar`).

    Used to match imported values and typed choices against configured codes.
    """
    return _CODE_SEPARATORS.sub("", unicodedata.normalize("NFKC", text).casefold())


def parse_choice(text: str, options: Sequence[str], labels: Sequence[str] | None = None) -> str:
    """The option code chosen by its number (1-based: `2`, `2.`, `no 2`) or by its label or code.

    Labels match case-insensitively, ignoring spaces, underscores, punctuation and emoji. A
    number that is also a label (a year, say) is read as the option's number when in range.
    """
    if labels is not None and len(labels) != len(options):
        msg = f"{len(labels)} labels for {len(options)} options"
        raise ValueError(msg)
    count = len(options)
    tidied = tidy(text, InputError(N_("input.choice.invalid"), count=count))
    number_match = _CHOICE_NUMBER.fullmatch(tidied)
    if number_match and 1 <= (number := int(number_match["number"])) <= count:
        return options[number - 1]
    typed = _choice_key(tidied)
    names = labels if labels is not None else options
    for option, label in zip(options, names, strict=True):
        if typed and typed in {_choice_key(label), _choice_key(option)}:
            return option
    if number_match:
        raise InputError(N_("input.choice.out_of_range"), count=count)
    raise InputError(N_("input.choice.invalid"), count=count)


def _choice_key(text: str) -> str:
    """Only the letters and digits of `text`, case-folded."""
    return "".join(
        char for char in unicodedata.normalize("NFKC", text).casefold() if char.isalnum()
    )

"""How callback data is laid out, read and written: the parts and the `Codec` base."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any, ClassVar, Self, cast

from domain.koperasi_list import ListFilter, ListState

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

MAX_CALLBACK_BYTES = 64  # Telegram's limit on callback data
# Row ids are INTEGER primary keys: 32-bit on PostgreSQL, which refuses a larger parameter
# (SQLite takes 64 bits; larger still, OverflowError). No button carries a Telegram id.
MAX_ID = 2**31 - 1
MAX_PAGE = 99_999  # ten to a page: a million rows
MAX_INDEX = 999  # a kecamatan, an option of a form


@dataclass(frozen=True)
class Part:
    """One `:`-separated part: its regex (no capturing groups) and how it is read and written.

    `read` returns None for text that the regex admits but the part does not (a number over
    its bound).
    """

    regex: str
    read: Callable[[str], Any]
    write: Callable[[Any], str] = str


def number(maximum: int) -> Part:
    """A number from 0 to `maximum`, written without leading zeros."""
    digits = len(str(maximum))
    return Part(
        f"0|[1-9][0-9]{{0,{digits - 1}}}", lambda text: int(text) if int(text) <= maximum else None
    )


def word(alphabet: str, longest: int) -> Part:
    """1 to `longest` characters of a regex character class such as `a-z0-9_`."""
    return Part(f"[{alphabet}]{{1,{longest}}}", str)


def one_of(values: Mapping[str, Any]) -> Part:
    """One of a few codes, read as the value it stands for (written back as its code)."""
    codes = {value: code for code, value in values.items()}
    # An unknown value is written as nothing, which does not read back: encode() refuses it.
    return Part(
        "|".join(re.escape(code) for code in values), values.get, lambda v: codes.get(v, "")
    )


def _read_state(text: str) -> ListState | None:
    page, _, code = text.partition(":")
    list_filter = ListFilter.decode(code)
    return None if list_filter is None else ListState(int(page), list_filter)


ID = number(MAX_ID)
PAGE = number(MAX_PAGE)
INDEX = number(MAX_INDEX)
# A list page and its filter: where a screen goes back to.
STATE = Part(
    rf"(?:{PAGE.regex}):[-a-z0-9]{{1,16}}",
    _read_state,
    lambda state: f"{state.page}:{state.filter.encode()}",
)


@functools.cache
def _compiled(prefix: str, parts: tuple[Part, ...]) -> re.Pattern[str]:
    return re.compile(re.escape(prefix) + "".join(f":({part.regex})" for part in parts))


def read_parts(prefix: str, parts: Sequence[Part], data: str) -> list[Any] | None:
    """The values of `data` laid out as `prefix:part:…`, or None when it is not so."""
    if len(data.encode()) > MAX_CALLBACK_BYTES:
        return None
    match = _compiled(prefix, tuple(parts)).fullmatch(data)
    if match is None:
        return None
    values = [part.read(text) for part, text in zip(parts, match.groups(), strict=True)]
    return None if any(value is None for value in values) else values


def write_parts(prefix: str, parts: Sequence[Part], values: Sequence[Any]) -> str:
    """`prefix:part:…` for these values.

    ValueError when over 64 bytes, for a value too many or too few, or for values that would
    not read back the same (out of range, or text outside its alphabet).
    """
    data = ":".join([prefix, *(part.write(v) for part, v in zip(parts, values, strict=False))])
    if len(values) != len(parts) or read_parts(prefix, parts, data) != list(values):
        msg = f"callback data {data[:80]!r} over {MAX_CALLBACK_BYTES} bytes or out of range"
        raise ValueError(msg)
    return data


class Codec:
    """A button's callback data: `PREFIX` then one part per dataclass field, in order."""

    PREFIX: ClassVar[str]
    PARTS: ClassVar[tuple[Part, ...]] = ()

    if TYPE_CHECKING:

        def __init__(self, *values: Any) -> None: ...

    def encode(self) -> str:
        """The callback data, at most 64 bytes."""
        values = [getattr(self, f.name) for f in fields(cast("DataclassInstance", self))]
        return write_parts(self.PREFIX, self.PARTS, values)

    @classmethod
    def decode(cls, data: str) -> Self | None:
        """The button, or None for data that is not exactly one of these buttons."""
        values = read_parts(cls.PREFIX, cls.PARTS, data)
        return None if values is None else cls(*values)

    @classmethod
    def pattern(cls) -> str:
        """The regex that routes this button (its prefix) to its handler."""
        return family_pattern(cls)


def family_pattern(*codecs: type[Codec]) -> str:
    """The regex that routes a family of buttons; the handler decodes them strictly."""
    prefixes = "|".join(re.escape(codec.PREFIX) for codec in codecs)
    return rf"^(?:{prefixes})(?::|$)"


def decode_any(data: str, codecs: Sequence[type[Codec]]) -> Codec | None:
    """The first of `codecs` that decodes `data`, or None."""
    return next((b for b in (codec.decode(data) for codec in codecs) if b is not None), None)

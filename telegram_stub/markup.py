"""Telegram's HTML parse mode: markup to plain text plus MessageEntity dicts, or a 400.

Supported exactly as Telegram documents it: b/strong, i/em, u/ins, s/strike/del,
span class="tg-spoiler", tg-spoiler, a href, tg-emoji emoji-id, tg-time unix, code, pre (with an
optional nested code class="language-..."), blockquote [expandable]; the named entities
&lt; &gt; &amp; &quot; and numeric ones. Everything else, a stray ``<``, an ``&`` that is not a
complete supported entity, and unclosed or misnested tags are rejected. Offsets are UTF-16 code
units like Telegram's; the text is stripped of surrounding whitespace as Telegram does.
MarkdownV2/Markdown are not implemented (the bot uses HTML only) and are answered with a 400.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from telegram_stub.errors import bad_request

MAX_TEXT = 4096
MAX_CAPTION = 1024
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_SIMPLE = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "code": "code",
    "pre": "pre",
}
_UNIX = re.compile(r"\d+")


class _ParseError(Exception):
    """Aborts parsing with the detail Telegram appends to "can't parse entities"."""


@dataclass
class _Open:
    tag: str
    offset: int
    entity: dict[str, Any] | None
    order: int


@dataclass(frozen=True)
class FormattedText:
    """Plain text and its entities, as Telegram stores a message."""

    text: str
    entities: list[dict[str, Any]] = field(default_factory=list)


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of MessageEntity offsets."""
    return len(text.encode("utf-16-le")) // 2


class _TelegramHtml(HTMLParser):
    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=False)
        self._source = source
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", source)]
        self._parts: list[str] = []
        self._length = 0
        self._stack: list[_Open] = []
        self._order = 0
        self.entities: list[tuple[int, dict[str, Any]]] = []

    def result(self) -> FormattedText:
        self.feed(self._source)
        self.close()
        if self._stack:
            raise _ParseError(
                f'Can\'t find end tag corresponding to start tag "{self._stack[-1].tag}"'
            )
        ordered = sorted(self.entities, key=lambda e: (e[1]["offset"], -e[1]["length"], e[0]))
        return FormattedText("".join(self._parts), [entity for _, entity in ordered])

    def _index(self) -> int:
        line, column = self.getpos()
        return self._line_starts[line - 1] + column

    def _byte_offset(self, index: int | None = None) -> int:
        position = self._index() if index is None else index
        return len(self._source[:position].encode("utf-8"))

    def _append(self, text: str) -> None:
        self._parts.append(text)
        self._length += utf16_len(text)

    def handle_data(self, data: str) -> None:
        for char, problem in (("<", 'Unsupported start tag ""'), ("&", 'Unescaped "&"')):
            if char in data:
                offset = self._byte_offset(self._index() + data.index(char))
                raise _ParseError(f"{problem} at byte offset {offset}")
        self._append(data)

    def _require_semicolon(self, reference: str) -> None:
        end = self._index() + len(reference)
        if self._source[end : end + 1] != ";":
            raise _ParseError(f'Unescaped "&" at byte offset {self._byte_offset()}')

    def handle_entityref(self, name: str) -> None:
        self._require_semicolon(f"&{name}")
        if name not in _NAMED:
            raise _ParseError(
                f'Unsupported HTML entity "&{name};" at byte offset {self._byte_offset()}'
            )
        self._append(_NAMED[name])

    def handle_charref(self, name: str) -> None:
        self._require_semicolon(f"&#{name}")
        digits = name[1:] if name[:1] in {"x", "X"} else name
        code = int(digits, 16 if digits != name else 10) if len(digits) <= 8 else -1
        if not 0 < code <= 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            raise _ParseError(f"Invalid numeric entity at byte offset {self._byte_offset()}")
        self._append(chr(code))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        entity = self._entity_for(tag, dict(attrs))
        self._order += 1
        self._stack.append(_Open(tag, self._length, entity, self._order))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        raise _ParseError(f'Unsupported start tag "{tag}/" at byte offset {self._byte_offset()}')

    def handle_endtag(self, tag: str) -> None:
        if not self._stack:
            raise _ParseError(f"Unexpected end tag at byte offset {self._byte_offset()}")
        opened = self._stack.pop()
        if opened.tag != tag:
            raise _ParseError(
                f"Unmatched end tag at byte offset {self._byte_offset()}, "
                f'expected "</{opened.tag}>", found "</{tag}>"'
            )
        length = self._length - opened.offset
        if opened.entity is not None and length > 0:
            position = {"offset": opened.offset, "length": length}
            entity = {"type": opened.entity["type"], **position, **opened.entity}
            self.entities.append((opened.order, entity))

    def _unsupported(self) -> None:
        raise _ParseError(f'Unsupported start tag "" at byte offset {self._byte_offset()}')

    def handle_comment(self, data: str) -> None:
        self._unsupported()

    def handle_decl(self, decl: str) -> None:
        self._unsupported()

    def handle_pi(self, data: str) -> None:
        self._unsupported()

    def unknown_decl(self, data: str) -> None:
        self._unsupported()

    def _entity_for(self, tag: str, attrs: dict[str, str | None]) -> dict[str, Any] | None:
        parent = self._stack[-1] if self._stack else None
        if tag == "code" and parent is not None and parent.tag == "pre":
            # <pre><code class="language-x"> is one pre entity carrying the language.
            css_class = attrs.get("class") or ""
            if parent.entity is not None and css_class.startswith("language-"):
                parent.entity["language"] = css_class.removeprefix("language-")
            return None
        if tag in _SIMPLE:
            return {"type": _SIMPLE[tag]}
        at = f"at byte offset {self._byte_offset()}"
        build = _WITH_ATTRIBUTES.get(tag)
        if build is None:
            raise _ParseError(f'Unsupported start tag "{tag}" {at}')
        entity = build(attrs)
        if entity is None:
            raise _ParseError(f"{_ATTRIBUTE_RULES[tag]} {at}")
        return entity


def _spoiler(attrs: dict[str, str | None]) -> dict[str, Any] | None:
    return {"type": "spoiler"} if attrs.get("class") == "tg-spoiler" else None


def _text_link(attrs: dict[str, str | None]) -> dict[str, Any] | None:
    href = (attrs.get("href") or "").strip()
    return {"type": "text_link", "url": href} if href else None


def _custom_emoji(attrs: dict[str, str | None]) -> dict[str, Any] | None:
    emoji_id = attrs.get("emoji-id") or ""
    return {"type": "custom_emoji", "custom_emoji_id": emoji_id} if emoji_id.isdigit() else None


def _date_time(attrs: dict[str, str | None]) -> dict[str, Any] | None:
    unix = attrs.get("unix") or ""
    if not _UNIX.fullmatch(unix):
        return None
    entity: dict[str, Any] = {"type": "date_time", "unix_time": int(unix)}
    if attrs.get("format"):
        entity["date_time_format"] = attrs["format"]
    return entity


def _blockquote(attrs: dict[str, str | None]) -> dict[str, Any] | None:
    return {"type": "expandable_blockquote" if "expandable" in attrs else "blockquote"}


_WITH_ATTRIBUTES: dict[str, Callable[[dict[str, str | None]], dict[str, Any] | None]] = {
    "span": _spoiler,
    "a": _text_link,
    "tg-emoji": _custom_emoji,
    "tg-time": _date_time,
    "blockquote": _blockquote,
}
_ATTRIBUTE_RULES = {
    "span": 'Tag "span" must have class "tg-spoiler"',
    "a": 'Tag "a" must have a non-empty attribute "href"',
    "tg-emoji": 'Tag "tg-emoji" must have a valid attribute "emoji-id"',
    "tg-time": 'Tag "tg-time" must have a valid attribute "unix"',
}


def parse_html(source: str) -> FormattedText:
    """Parses Telegram HTML; raises ``ApiError`` 400 "can't parse entities" on bad markup."""
    if "</>" in source:  # html.parser drops it silently; Telegram rejects it
        offset = len(source[: source.index("</>")].encode("utf-8"))
        raise bad_request(f"can't parse entities: Unexpected end tag at byte offset {offset}")
    try:
        return _TelegramHtml(source).result()
    except _ParseError as exc:
        raise bad_request(f"can't parse entities: {exc}") from None


def format_text(
    raw: str, parse_mode: str | None, entities: list[dict[str, Any]] | None = None
) -> FormattedText:
    """The stored form of a text or caption: parsed, then stripped like Telegram strips it."""
    mode = (parse_mode or "").lower()
    if mode == "html":
        parsed = parse_html(raw)
    elif mode in {"markdownv2", "markdown"}:
        raise bad_request(
            f'unsupported parse_mode "{parse_mode}": telegram_stub implements HTML only'
        )
    elif mode:
        raise bad_request(f'unsupported parse_mode "{parse_mode}"')
    else:
        parsed = FormattedText(raw, [dict(e) for e in entities or []])
    return _strip(parsed)


def _strip(parsed: FormattedText) -> FormattedText:
    text = parsed.text.strip()
    if not text:
        return FormattedText("")
    start = utf16_len(parsed.text[: len(parsed.text) - len(parsed.text.lstrip())])
    end = start + utf16_len(text)
    kept = []
    for entity in parsed.entities:
        first = max(entity["offset"], start)
        last = min(entity["offset"] + entity["length"], end)
        if last > first:
            kept.append({**entity, "offset": first - start, "length": last - first})
    return FormattedText(text, kept)


def check_text(formatted: FormattedText) -> None:
    """Message text: 1-4096 characters after entity parsing."""
    if not formatted.text:
        raise bad_request("message text is empty")
    if len(formatted.text) > MAX_TEXT:
        raise bad_request("message is too long")


def check_caption(formatted: FormattedText) -> None:
    """Caption: 0-1024 characters after entity parsing."""
    if len(formatted.text) > MAX_CAPTION:
        raise bad_request("message caption is too long")

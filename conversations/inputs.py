"""What a person sent, reduced to plain data, and how each input kind reads it."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from telegram import Message

from conversations.spec import Answers, InputKind, Option, Step
from domain.errors import InputError
from domain.kunjungan import QuickTime, quick_time
from domain.parsing import check_date_range, clean_text, parse_choice, parse_date, parse_number
from domain.parsing.datetimes import parse_local_datetime
from locales import N_, Safe, Translator

# Telegram lets a bot download files up to 20 MB; a larger one could never be used later.
MAX_FILE_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class FileRef:
    """A file Telegram holds for us: its reusable id and what we know about it."""

    file_id: str
    file_unique_id: str
    size: int | None = None
    mime_type: str | None = None
    name: str | None = None

    def as_json(self) -> dict[str, Any]:
        """The stored form (JSON)."""
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "size": self.size,
            "mime_type": self.mime_type,
            "name": self.name,
        }


@dataclass(frozen=True)
class Incoming:
    """One input of the person: a message or a pressed option, independent of Telegram."""

    text: str | None = None
    option_index: int | None = None
    location: tuple[float, float] | None = None
    photo: FileRef | None = None
    document: FileRef | None = None
    voice: FileRef | None = None
    media_group_id: str | None = None

    @classmethod
    def from_message(cls, message: Message) -> Incoming:
        """Reads the parts of a message a form can use; anything else stays empty."""
        location = message.location or (message.venue.location if message.venue else None)
        photo = message.photo[-1] if message.photo else None
        document, voice = message.document, message.voice or message.audio
        return cls(
            text=message.text or message.caption,
            location=(location.latitude, location.longitude) if location else None,
            photo=FileRef(photo.file_id, photo.file_unique_id, photo.file_size) if photo else None,
            document=FileRef(
                document.file_id,
                document.file_unique_id,
                document.file_size,
                document.mime_type,
                document.file_name,
            )
            if document
            else None,
            voice=FileRef(voice.file_id, voice.file_unique_id, voice.file_size, voice.mime_type)
            if voice
            else None,
            media_group_id=message.media_group_id,
        )


# Said when the input is not of the kind the step asks for.
EXPECTED_KEYS = {
    InputKind.CHOICE: N_("input.expected.choice"),
    InputKind.TEXT: N_("input.expected.text"),
    InputKind.NUMBER: N_("input.expected.number"),
    InputKind.DATE: N_("input.expected.date"),
    InputKind.DATETIME: N_("input.expected.date"),
    InputKind.LOCATION: N_("input.expected.location"),
    InputKind.PHOTO: N_("input.expected.photo"),
    InputKind.DOCUMENT: N_("input.expected.document"),
    InputKind.ALBUM: N_("input.expected.album"),
    InputKind.VOICE: N_("input.expected.voice"),
}


def option_labels(step: Step, tr: Translator, answers: Answers | None = None) -> list[str]:
    """The options' labels in the person's language (given the answers so far)."""
    return [_label(option, tr) for option in step.choices(answers)]


def _label(option: Option, tr: Translator) -> str:
    if option.label is not None:
        return option.label
    nested = {name: Safe(tr.t(key)) for name, key in option.param_keys}
    return tr.t(option.label_key or option.code, **dict(option.params), **nested)


# Typed instead of pressing *Lewati*.
SKIP_WORDS = frozenset({"lewati", "skip", "-"})


def skipped(step: Step, incoming: Incoming, answers: Answers | None = None) -> bool:
    """Whether the input skips a skippable step: its *Lewati* button (the option after the
    step's own) or the typed word."""
    if not step.skippable:
        return False
    if incoming.option_index is not None:
        return incoming.option_index == len(step.choices(answers))
    return (incoming.text or "").strip().lower() in SKIP_WORDS


def read_input(
    step: Step,
    incoming: Incoming,
    tr: Translator,
    now_local: datetime,
    answers: Answers | None = None,
) -> Any:
    """The step's value from the input (JSON-ready; None for a skipped step); raises
    InputError with the reason. `now_local` is the clock's reading in the region; `answers`
    the answers so far (options that depend on them)."""
    if skipped(step, incoming, answers):
        return None
    return _read_kind(step, incoming, tr, now_local, answers or {})


def _read_kind(
    step: Step, incoming: Incoming, tr: Translator, now_local: datetime, answers: Answers
) -> Any:
    """The value of an input that does not skip the step."""
    kind = step.kind
    if kind in (InputKind.TEXT, InputKind.NUMBER, InputKind.DATE) and not (
        step.accepts_voice and incoming.voice is not None
    ):
        return _read_typed(step, incoming, now_local.date())
    if kind is InputKind.CHOICE:
        return _read_choice(step, incoming, tr, answers)
    if kind is InputKind.DATETIME:
        return _read_datetime(step, incoming, tr, now_local).isoformat()
    if kind is InputKind.TEXT:  # a voice note instead of the text
        return {"voice": _read_file(InputKind.VOICE, incoming).as_json()}
    if kind is InputKind.LOCATION:
        return _read_location(incoming)
    return _read_file(kind, incoming).as_json()


def _read_location(incoming: Incoming) -> dict[str, float]:
    """A shared location or venue."""
    if incoming.location is None:
        raise InputError(EXPECTED_KEYS[InputKind.LOCATION])
    latitude, longitude = incoming.location
    return {"latitude": latitude, "longitude": longitude}


def _read_typed(step: Step, incoming: Incoming, today: date) -> Any:
    """A text, a number or a date typed as text."""
    if incoming.text is None:
        raise InputError(EXPECTED_KEYS[step.kind])
    if step.kind is InputKind.TEXT:
        return clean_text(incoming.text, max_length=step.max_length)
    if step.kind is InputKind.NUMBER:
        return parse_number(incoming.text, minimum=step.minimum, maximum=step.maximum)
    return _read_date(step, incoming.text, today).isoformat()


def _read_choice(
    step: Step, incoming: Incoming, tr: Translator, answers: Answers | None = None
) -> Any:
    codes = [option.code for option in step.choices(answers)]
    if incoming.option_index is not None:
        if not 0 <= incoming.option_index < len(codes):
            raise InputError(N_("input.choice.out_of_range"), count=len(codes))
        return codes[incoming.option_index]
    if incoming.text is None:
        raise InputError(N_("input.choice.invalid"), count=len(codes))
    labels = option_labels(step, tr, answers)
    if step.typed is None:
        return parse_choice(incoming.text, codes, labels)
    try:  # typed text the step reads itself (checklist codes), else an option's number or label
        return step.typed(incoming.text, dict(answers or {}))
    except InputError as refused:
        try:
            return parse_choice(incoming.text, codes, labels)
        except InputError:
            raise refused from None


def _read_datetime(
    step: Step, incoming: Incoming, tr: Translator, now_local: datetime
) -> datetime:
    """A quick option (*Sekarang*, *Tadi pagi*, *Kemarin*) or a typed date-time, never in the
    future nor more than `step.days_back` days back; with `step.days_ahead`, a typed moment
    after now and at most that many days ahead."""
    if incoming.option_index is not None:
        return quick_time(QuickTime(_read_choice(step, incoming, tr)), now_local)
    if incoming.text is None:
        raise InputError(EXPECTED_KEYS[InputKind.DATETIME])
    with contextlib.suppress(InputError):  # a typed option number or label; else a date-time
        return quick_time(QuickTime(_read_choice(step, incoming, tr)), now_local)
    if step.days_ahead is not None:  # a moment to come (a scheduled broadcast)
        value = parse_local_datetime(
            incoming.text, now_local, not_after=now_local + timedelta(days=step.days_ahead)
        )
        if value <= now_local:
            raise InputError(N_("input.datetime.past"), now=now_local)
        return value
    days = step.days_back if step.days_back is not None else 30
    return parse_local_datetime(
        incoming.text,
        now_local,
        not_before=now_local - timedelta(days=days),
        not_after=now_local,
    )


def _read_date(step: Step, text: str, today: date) -> date:
    value = parse_date(text, today)
    not_before = today - timedelta(days=step.days_back) if step.days_back is not None else None
    not_after = today + timedelta(days=step.days_ahead) if step.days_ahead is not None else None
    return check_date_range(value, not_before=not_before, not_after=not_after, today=today)


def _read_file(kind: InputKind, incoming: Incoming) -> FileRef:
    candidates = {
        InputKind.PHOTO: incoming.photo,
        InputKind.DOCUMENT: incoming.document,
        InputKind.VOICE: incoming.voice,
        # An album collects photos and documents (scans often arrive as files).
        InputKind.ALBUM: incoming.photo or incoming.document,
    }
    found = candidates[kind]
    if found is None:
        raise InputError(EXPECTED_KEYS[kind])
    if found.size is not None and found.size > MAX_FILE_BYTES:
        raise InputError(N_("input.file.too_large"), maximum_mb=MAX_FILE_BYTES // (1024 * 1024))
    return found

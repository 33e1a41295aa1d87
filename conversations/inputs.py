"""What a person sent, reduced to plain data, and how each input kind reads it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from telegram import Message

from conversations.spec import InputKind, Step
from domain.errors import InputError
from domain.parsing import check_date_range, clean_text, parse_choice, parse_date, parse_number
from locales import N_, Translator

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
    InputKind.LOCATION: N_("input.expected.location"),
    InputKind.PHOTO: N_("input.expected.photo"),
    InputKind.DOCUMENT: N_("input.expected.document"),
    InputKind.ALBUM: N_("input.expected.album"),
    InputKind.VOICE: N_("input.expected.voice"),
}


def option_labels(step: Step, tr: Translator) -> list[str]:
    """The options' labels in the person's language."""
    return [
        option.label if option.label is not None else tr.t(option.label_key or option.code)
        for option in step.choices()
    ]


def read_input(step: Step, incoming: Incoming, tr: Translator, today: date) -> Any:
    """The step's value from the input (JSON-ready); raises InputError with the reason."""
    kind = step.kind
    if kind is InputKind.CHOICE:
        return _read_choice(step, incoming, tr)
    if kind in (InputKind.TEXT, InputKind.NUMBER, InputKind.DATE):
        if incoming.text is None:
            raise InputError(EXPECTED_KEYS[kind])
        if kind is InputKind.TEXT:
            return clean_text(incoming.text, max_length=step.max_length)
        if kind is InputKind.NUMBER:
            return parse_number(incoming.text, minimum=step.minimum, maximum=step.maximum)
        return _read_date(step, incoming.text, today).isoformat()
    if kind is InputKind.LOCATION:
        if incoming.location is None:
            raise InputError(EXPECTED_KEYS[kind])
        latitude, longitude = incoming.location
        return {"latitude": latitude, "longitude": longitude}
    return _read_file(kind, incoming).as_json()


def _read_choice(step: Step, incoming: Incoming, tr: Translator) -> str:
    codes = [option.code for option in step.choices()]
    if incoming.option_index is not None:
        if not 0 <= incoming.option_index < len(codes):
            raise InputError(N_("input.choice.out_of_range"), count=len(codes))
        return codes[incoming.option_index]
    if incoming.text is None:
        raise InputError(N_("input.choice.invalid"), count=len(codes))
    return parse_choice(incoming.text, codes, option_labels(step, tr))


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

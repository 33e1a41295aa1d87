"""What the form engine tells the Telegram side, and what one update knows about its chat."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from conversations.spec import FormResult, FormSpec, Step
from domain.errors import InputError


class Result(StrEnum):
    """What happened to an input."""

    PROMPT = "prompt"  # ask the step (first time, resumed, or after a duplicate)
    INVALID = "invalid"  # say why, ask the same step again
    COMPLETED = "completed"  # the form is done: say the reply
    STALE = "stale"  # a button of a step that is no longer current
    ALBUM_ITEM = "album_item"  # one album piece stored; wait for the rest


@dataclass
class ChatForms:
    """What the handling of one update knows about its chat's forms.

    The gate fills it in from the chat's cached viewer; starting, suspending and completing
    a form keep it up to date, so later steps of the same update skip a query (or a write
    transaction) when the chat is known to have no active form.
    """

    # False: the chat is known to have no active form; True: it may have one (look it up).
    active: bool = True
    # The form a command suspended while handling this update (None: none was active).
    suspended: str | None = None

    def record_suspension(self, form: str | None) -> None:
        """The chat's active form (`form`, or none) is suspended: none is active now."""
        self.active, self.suspended = False, form


@dataclass(frozen=True)
class Outcome:
    """The engine's verdict on one input, rendered by the Telegram side after the commit."""

    result: Result
    spec: FormSpec | None = None
    session_id: int | None = None
    step: Step | None = None
    answers: Mapping[str, Any] | None = None
    error: InputError | None = None
    done: FormResult | None = None
    resumed: bool = False
    album_count: int = 0
    media_group_id: str | None = None
    # The session's prompt counter when the step was asked (its buttons carry it).
    prompt: int = 0

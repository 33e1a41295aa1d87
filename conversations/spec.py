"""How a form is declared: steps as data, each with an input kind, a validator and a next step."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from domain.commands import CommandSpec

if TYPE_CHECKING:
    from config import AppConfig
    from domain.access import Viewer
    from domain.rat.policy import RatPolicy
    from domain.rat.status import StatusCard
    from storage.uow import UnitOfWork

Answers = dict[str, Any]


class InputKind(StrEnum):
    """What a step accepts."""

    CHOICE = "choice"
    TEXT = "text"
    NUMBER = "number"
    DATE = "date"
    DATETIME = "datetime"  # quick options (see domain.visits.quick_time) or a typed date-time
    LOCATION = "location"
    PHOTO = "photo"
    DOCUMENT = "document"
    ALBUM = "album"
    VOICE = "voice"


@dataclass(frozen=True)
class Option:
    """One choice: a stored code and its label (a message key, or a literal such as a name)."""

    code: str
    label_key: str | None = None
    label: str | None = None
    # Parameters of `label_key` (e.g. an entry's number), and parameters whose values are
    # message keys, translated first (e.g. a checklist item's name).
    params: tuple[tuple[str, object], ...] = ()
    param_keys: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Reply:
    """A message to render after a step, in `locale` if given (e.g. the language just chosen)."""

    key: str
    params: Mapping[str, object] = field(default_factory=dict)
    locale: str | None = None


@dataclass(frozen=True)
class ShowSearchResults:
    """After a search: the reply, then its results — the /koperasi list filtered by it, or
    (with `officer_id`) the cooperatives to assign to that officer."""

    said: Reply
    officer_id: int | None = None


@dataclass(frozen=True)
class ShowImportPreview:
    """After an upload: the reply, then the file's preview with the buttons to import."""

    said: Reply
    import_id: int


@dataclass(frozen=True)
class ShowStatusCard:
    """After a /lapor change: the reply and the cooperative's RAT status card again, as one
    message when `card` is given.

    `card` is read in the change's own transaction (as committed with it), and `terms` are
    the official terms its reader sees there for the first time (recorded as seen in that
    transaction): no second transaction after the change. Without `card` the Telegram side
    reads it.
    """

    said: Reply
    koperasi_id: int
    card: StatusCard | None = None
    terms: tuple[str, ...] = ()
    # A RAT held with elections: then the board check (who still sits on the board).
    # Keyword-only, so positional fields added before or after it keep their places.
    confirm_board: bool = field(default=False, kw_only=True)


@dataclass(frozen=True)
class ShowBroadcastPreview:
    """After /siaran's text: the reply, then the broadcast as recipients will see it, the
    recipient count and the buttons to send now, schedule or drop it."""

    said: Reply
    broadcast_id: int


@dataclass(frozen=True)
class ShowBroadcastList:
    """/siaran's list: the reply, then the scheduled broadcasts with their cancel buttons."""

    said: Reply


# What a completed form says happens next; the Telegram side renders each variant.
FormResult = (
    Reply
    | ShowSearchResults
    | ShowImportPreview
    | ShowStatusCard
    | ShowBroadcastPreview
    | ShowBroadcastList
)


def said(result: FormResult) -> Reply:
    """The text every result starts with."""
    return result if isinstance(result, Reply) else result.said


@dataclass(frozen=True)
class IntroButton:
    """A button under a form's intro (e.g. "download the template"): its label key and data."""

    label_key: str
    data: str


@dataclass(frozen=True)
class Intro:
    """Said once before the first question when the form starts (not when a draft resumes)."""

    key: str
    params: Callable[[AppConfig], Mapping[str, object]] | None = None
    buttons: Sequence[IntroButton] = ()


# A domain validator: receives the parsed value and the answers so far, raises InputError.
Validator = Callable[[Any, Answers], None]
NextStep = Callable[[Answers], str | None]
# Options computed from the answers so far (a review's page, a checklist's ticks).
OptionsOf = Callable[[Answers], Sequence[Option]]
# How a step's value is stored in the answers (default: set, or appended when `repeat`).
Store = Callable[[Answers, Any], Answers]
# A choice step's reader of typed text that is no option (e.g. checklist codes `A1 A2`).
TypedReader = Callable[[str, Answers], Any]
# Text shown above a step's question, from the answers so far (e.g. a review of them).
Summary = Callable[[Any, Answers], str]


@dataclass(frozen=True)
class Step:
    """One question of a form.

    `next` names the following step (or computes it from the answers: skip logic); None ends
    the form. `options` may be computed (e.g. the configured languages).
    """

    id: str
    prompt_key: str
    kind: InputKind
    options: Sequence[Option] | Callable[[], Sequence[Option]] = ()
    validate: Validator | None = None
    next: str | NextStep | None = None
    minimum: int | None = None
    maximum: int | None = None
    max_length: int = 1000
    # Date bounds relative to today, in days (e.g. -30 and 0: at most 30 days back, not future).
    days_back: int | None = None
    days_ahead: int | None = None
    # A *Lewati* button (and the typed word) answers None.
    skippable: bool = False
    # A text step that also takes a voice note instead of the text.
    accepts_voice: bool = False
    # Each answer is appended to a list (persons met, follow-ups) instead of replacing it.
    repeat: bool = False
    summary: Summary | None = None
    # Options that depend on the answers (instead of `options`).
    options_of: OptionsOf | None = None
    store: Store | None = None
    typed: TypedReader | None = None

    def choices(self, answers: Answers | None = None) -> Sequence[Option]:
        """The options of a choice step (given the answers so far)."""
        if self.options_of is not None:
            return self.options_of(dict(answers or {}))
        return self.options() if callable(self.options) else self.options

    def stored(self, answers: Answers, value: Any) -> Answers:
        """The answers with this step's value stored."""
        if self.store is not None:
            return self.store(answers, value)
        answers[self.id] = [*answers.get(self.id, []), value] if self.repeat else value
        return answers

    def following(self, answers: Answers) -> str | None:
        """The next step's id, or None when the form is complete."""
        return self.next(answers) if callable(self.next) else self.next


# Runs in the same transaction as the last answer; returns what happens next.
Completer = Callable[["UnitOfWork", "FormRun"], Awaitable[FormResult]]


@dataclass(frozen=True)
class FormSpec:
    """A form, the whole declaration: its stored name, short callback code, the command that
    starts it (None: started by a button), an optional intro, its steps and what completing
    it does (a typed result)."""

    name: str
    code: str
    steps: Mapping[str, Step]
    first_step: str
    complete: Completer
    command: CommandSpec | None = None
    intro: Intro | None = None
    subject_required: bool = False

    def step(self, step_id: str) -> Step:
        """The step called `step_id` (KeyError for a form changed under a stored draft)."""
        return self.steps[step_id]


@dataclass(frozen=True)
class FormRun:
    """What a completer may know: who, which chat, the subject and the answers."""

    chat_id: int
    user_id: int
    person_id: int | None
    subject: str
    answers: Answers
    now: Any  # datetime; Any keeps this module free of clock types
    # Who answered, as the gate loaded them for this update (None when a timer completes a
    # form): completers need not read the person's roles again.
    viewer: Viewer | None = None
    # The configured RAT rules (None where the engine was built without them, as in tests).
    policy: RatPolicy | None = None


def steps(*items: Step) -> dict[str, Step]:
    """A step table keyed by id, in declaration order."""
    table = {item.id: item for item in items}
    if len(table) != len(items):
        msg = "duplicate step ids"
        raise ValueError(msg)
    return table

"""The buttons of forms, onboarding, join requests, board choice, /impor and /privasi."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Self

from domain.access import Role
from domain.callbacks.codec import ID, INDEX, Codec, Part, one_of, read_parts, word, write_parts
from domain.invites import JOIN_ROLES

# --- forms ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FormButton(Codec):
    """A form option: `f:<session>:<prompt>:<step>:<index>`, checked against the prompt the
    person is on now. `prompt` counts the session's prompts: a step asked again (a repeated
    step, the review after a correction) has a new one, so a button of an older prompt of
    the same step is stale."""

    PREFIX = "f"
    PARTS = (ID, ID, word("A-Za-z0-9_-", 32), INDEX)

    session_id: int
    prompt: int
    step: str
    index: int


# --- onboarding and join requests -------------------------------------------------------------


@dataclass(frozen=True)
class ConsentButton(Codec):
    """*Setuju* on a privacy notice: `i:y:<invite>:<tag>`, the tag binding it to one person."""

    PREFIX = "i:y"
    PARTS = (ID, word("A-Z2-7=", 32))

    invite_id: int
    tag: str


@dataclass(frozen=True)
class ConsentDecline(Codec):
    """*Tidak setuju*: `i:n`, carrying nothing, since refusing changes nothing."""

    PREFIX = "i:n"


@dataclass(frozen=True)
class JoinAsk(Codec):
    """*Minta akses* under a stranger's /start answer: `j:ask`."""

    PREFIX = "j:ask"


@dataclass(frozen=True)
class JoinPendingList(Codec):
    """*Permintaan akses (N)* on /undang's menu: the requests waiting for a decision, `j:l`."""

    PREFIX = "j:l"


_JOIN_ROLE = one_of({role.value: role for role in JOIN_ROLES})
_JOIN_REFUSE, _JOIN_APPROVE = "j:r", "j:a"


@dataclass(frozen=True)
class JoinButton(Codec):
    """An admin's decision: `j:a:<request>:<role>` approves, `j:r:<request>` refuses."""

    PREFIX = "j"

    request_id: int
    role: Role | None  # None: refuse

    def encode(self) -> str:
        """The callback data."""
        if self.role is None:
            return write_parts(_JOIN_REFUSE, (ID,), [self.request_id])
        return write_parts(_JOIN_APPROVE, (ID, _JOIN_ROLE), [self.request_id, self.role])

    @classmethod
    def decode(cls, data: str) -> Self | None:
        """The decision, or None for malformed data or a role that cannot be granted so."""
        refused = read_parts(_JOIN_REFUSE, (ID,), data)
        if refused is not None:
            return cls(refused[0], None)
        approved = read_parts(_JOIN_APPROVE, (ID, _JOIN_ROLE), data)
        return None if approved is None else cls(*approved)


# --- board members: which cooperative -----------------------------------------------------------


@dataclass(frozen=True)
class BoardSwitch(Codec):
    """*Ganti koperasi* on the home menu: `i:s`."""

    PREFIX = "i:s"


@dataclass(frozen=True)
class BoardChoice(Codec):
    """A chosen board: `i:s:<koperasi>:<command to run again>` (`` for none)."""

    PREFIX = "i:s"
    PARTS = (ID, Part("[a-z_]{0,32}", str))

    koperasi_id: int
    command: str = ""


# --- /impor and /privasi --------------------------------------------------------------------


class ImportAction(StrEnum):
    """What an import button does."""

    TEMPLATE = "t"  # send the template (its import id is 0)
    CONFIRM = "ok"
    CANCEL = "no"


@dataclass(frozen=True)
class ImportButton(Codec):
    """A button of the import flow: `m:<import id>:<action>`."""

    PREFIX = "m"
    PARTS = (ID, one_of({action.value: action for action in ImportAction}))

    import_id: int
    action: ImportAction


class PrivacyAction(StrEnum):
    """What a /privasi button does; each acts on the sender's own data only."""

    FIX = "fix"
    EXPORT = "export"
    ERASE = "erase"
    ERASE_CONFIRMED = "erase_ok"
    ERASE_CANCELLED = "keep"


@dataclass(frozen=True)
class PrivacyButton(Codec):
    """A /privasi button: `v:<action>` (no id: a forged one can only touch the sender)."""

    PREFIX = "v"
    PARTS = (one_of({action.value: action for action in PrivacyAction}),)

    action: PrivacyAction

"""The buttons of the admin and officer lists: /undang, /koperasi, /petugas."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Self

from domain.access import Role
from domain.callbacks.codec import (
    ID,
    INDEX,
    PAGE,
    STATE,
    Codec,
    Part,
    one_of,
    read_parts,
    write_parts,
)
from domain.koperasi_list import ListState

# --- /undang ----------------------------------------------------------------------------------

# A search travels in callback data: cut so that `i:p:<page>:<query>` stays within 64 bytes.
QUERY_BYTES = 40


def _read_query(text: str) -> str | None:
    # As /undang cuts and tidies a search: anything else was not made by us.
    tidy = " ".join(text.split())
    return text if text == tidy and len(text.encode()) <= QUERY_BYTES else None


INVITE_ROLES = (Role.PETUGAS, Role.ADMIN, Role.PIMPINAN)


@dataclass(frozen=True)
class InviteMenu(Codec):
    """What an admin can invite (also the home menu's *Buat undangan*): `i:m`."""

    PREFIX = "i:m"


@dataclass(frozen=True)
class InviteForRole(Codec):
    """An invite for a role: `i:c:<role>`."""

    PREFIX = "i:c"
    PARTS = (one_of({role.value: role for role in INVITE_ROLES}),)

    role: Role


@dataclass(frozen=True)
class InviteSearchHint(Codec):
    """How to find a cooperative for a board invite: `i:k`."""

    PREFIX = "i:k"


@dataclass(frozen=True)
class InviteSearchPage(Codec):
    """A page of cooperatives matching a search: `i:p:<page>:<query>`."""

    PREFIX = "i:p"
    PARTS = (PAGE, Part(".{1,40}", _read_query))

    page: int
    query: str


@dataclass(frozen=True)
class InviteForBoard(Codec):
    """A board invite for a cooperative: `i:g:<koperasi>`."""

    PREFIX = "i:g"
    PARTS = (ID,)

    koperasi_id: int


@dataclass(frozen=True)
class InviteBulkMenu(Codec):
    """Which kecamatan to make board invites for: `i:b`."""

    PREFIX = "i:b"


@dataclass(frozen=True)
class InviteBulk(Codec):
    """Board invites for a kecamatan (its index in the configured list): `i:x:<index>`."""

    PREFIX = "i:x"
    PARTS = (INDEX,)

    kecamatan: int


@dataclass(frozen=True)
class InviteBulkAll(Codec):
    """Board invites for the whole register: `i:x:a`."""

    PREFIX = "i:x:a"


@dataclass(frozen=True)
class InviteOpenList(Codec):
    """The admin's open invites, below the menu: `i:l`."""

    PREFIX = "i:l"


@dataclass(frozen=True)
class InviteListPage(Codec):
    """A page of the open invites, in place: `i:l:<page>`."""

    PREFIX = "i:l"
    PARTS = (PAGE,)

    page: int


@dataclass(frozen=True)
class InviteRevoke(Codec):
    """*Cabut*: `i:r:<invite>:<page of the list to show again>` asks "Cabut undangan #N?"."""

    PREFIX = "i:r"
    PARTS = (ID, PAGE)

    invite_id: int
    page: int


@dataclass(frozen=True)
class InviteRevokeConfirm(Codec):
    """*Ya, cabut* under the question: `i:v:<invite>:<page of the list to show again>`."""

    PREFIX = "i:v"
    PARTS = (ID, PAGE)

    invite_id: int
    page: int


INVITE_BUTTONS: tuple[type[Codec], ...] = (
    InviteMenu,
    InviteForRole,
    InviteSearchHint,
    InviteSearchPage,
    InviteForBoard,
    InviteBulkMenu,
    InviteBulk,
    InviteBulkAll,
    InviteOpenList,
    InviteListPage,
    InviteRevoke,
    InviteRevokeConfirm,
)


# --- /koperasi and /petugas: an action code and its numbers ---------------------------------


def _action_of(prefix: str, data: str) -> str:
    head, _, rest = data.partition(":")
    return rest.partition(":")[0] if head == prefix else ""


class KoperasiAction(StrEnum):
    """What a /koperasi button shows or does."""

    LIST = "l"
    CARD = "c"
    FILTERS = "f"
    KECAMATAN = "fd"  # the state's page is the picker's page
    STAGES = "ft"
    SEARCH = "s"
    REMOVE_ASK = "r"
    REMOVE = "rx"
    PICK_OFFICER = "g"  # admins: the officers' page to choose the card's new officer from
    CHANGE_OFFICER = "a"  # admins: the card's cooperative to an officer (0: the admins' queue)
    WORKLIST = "w"  # officers: "Perlu tindakan", their cooperatives in worklist order
    WORKLIST_PAGE = "wp"  # a later page of it


# action -> its numbers (ids), then whether the list state (page and filter) follows
_KOPERASI_IDS: Mapping[KoperasiAction, tuple[tuple[Part, ...], bool]] = {
    KoperasiAction.LIST: ((), True),
    KoperasiAction.CARD: ((ID,), True),  # koperasi
    KoperasiAction.FILTERS: ((), True),
    KoperasiAction.KECAMATAN: ((), True),
    KoperasiAction.STAGES: ((), True),
    KoperasiAction.SEARCH: ((), False),
    KoperasiAction.REMOVE_ASK: ((ID, ID), True),  # koperasi, person
    KoperasiAction.REMOVE: ((ID, ID), True),
    KoperasiAction.PICK_OFFICER: ((ID, PAGE), True),  # koperasi, officers' page
    KoperasiAction.CHANGE_OFFICER: ((ID, ID), True),  # koperasi, officer
    KoperasiAction.WORKLIST: ((), True),
    KoperasiAction.WORKLIST_PAGE: ((PAGE,), True),  # the worklist's page
}


@dataclass(frozen=True)
class KoperasiButton(Codec):
    """A /koperasi button: `k:<action>[:<id>…][:<page>:<filter>]`, the state to go back to."""

    PREFIX = "k"

    action: KoperasiAction
    ids: tuple[int, ...] = ()
    state: ListState = field(default_factory=ListState)

    def encode(self) -> str:
        """The callback data."""
        ids, with_state = _KOPERASI_IDS[self.action]
        parts, values = ((*ids, STATE), [*self.ids, self.state]) if with_state else (ids, self.ids)
        return write_parts(f"{self.PREFIX}:{self.action}", parts, values)

    @classmethod
    def decode(cls, data: str) -> Self | None:
        """The button, or None for an unknown action or malformed numbers."""
        code = _action_of(cls.PREFIX, data)
        if code not in KoperasiAction.__members__.values():
            return None
        action = KoperasiAction(code)
        ids, with_state = _KOPERASI_IDS[action]
        parts = (*ids, STATE) if with_state else ids
        values = read_parts(f"{cls.PREFIX}:{action}", parts, data)
        if values is None:
            return None
        if with_state:
            return cls(action, tuple(values[:-1]), values[-1])
        return cls(action, tuple(values))


class PetugasAction(StrEnum):
    """What a /petugas button shows or does."""

    LIST = "l"
    OPEN = "o"
    KECAMATAN = "k"
    KECAMATAN_ASK = "kk"
    ASSIGN_UNASSIGNED = "ku"  # the cooperatives of a kecamatan without an officer
    ASSIGN_ALL = "ka"  # every cooperative of a kecamatan
    SEARCH = "s"
    RESULTS = "sr"
    ASSIGN = "a"
    PICK_FOR_CARD = "g"
    MOVE_PICK = "m"
    MOVE_ASK = "mt"
    MOVE_ALL = "ma"
    MOVE_ONE = "m1"
    DEACTIVATE_ASK = "d"
    DEACTIVATE = "dx"


PETUGAS_NUMBERS: Mapping[PetugasAction, tuple[Part, ...]] = {
    PetugasAction.LIST: (PAGE,),
    PetugasAction.OPEN: (ID,),  # officer
    PetugasAction.KECAMATAN: (ID, PAGE),  # officer, page of the picker
    PetugasAction.KECAMATAN_ASK: (ID, INDEX),  # officer, kecamatan
    PetugasAction.ASSIGN_UNASSIGNED: (ID, INDEX),
    PetugasAction.ASSIGN_ALL: (ID, INDEX),
    PetugasAction.SEARCH: (ID,),  # officer
    PetugasAction.RESULTS: (ID, PAGE),  # officer, page
    # koperasi, officer (0: the admins' queue), officer whose screen follows (0: the card)
    PetugasAction.ASSIGN: (ID, ID, ID),
    PetugasAction.PICK_FOR_CARD: (ID, PAGE),  # koperasi, page
    PetugasAction.MOVE_PICK: (ID, PAGE),  # from, page
    PetugasAction.MOVE_ASK: (ID, ID),  # from, to
    PetugasAction.MOVE_ALL: (ID, ID),  # from, to
    PetugasAction.MOVE_ONE: (ID, ID, PAGE),  # from, to, page
    PetugasAction.DEACTIVATE_ASK: (ID,),  # officer
    PetugasAction.DEACTIVATE: (ID,),
}


@dataclass(frozen=True)
class PetugasButton(Codec):
    """A /petugas button: `p:<action>:<number>…`, as many numbers as the action takes."""

    PREFIX = "p"

    action: PetugasAction
    numbers: tuple[int, ...]

    def encode(self) -> str:
        """The callback data."""
        return write_parts(
            f"{self.PREFIX}:{self.action}", PETUGAS_NUMBERS[self.action], self.numbers
        )

    @classmethod
    def decode(cls, data: str) -> Self | None:
        """The button, or None for an unknown action or malformed numbers."""
        code = _action_of(cls.PREFIX, data)
        if code not in PetugasAction.__members__.values():
            return None
        action = PetugasAction(code)
        values = read_parts(f"{cls.PREFIX}:{action}", PETUGAS_NUMBERS[action], data)
        return None if values is None else cls(action, tuple(values))

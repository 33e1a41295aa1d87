"""Buttons of the board check after a RAT with elections: who still sits on the board."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from domain.callbacks.codec import ID, Codec, one_of


class BoardCheckAction(StrEnum):
    """What a board-check button does."""

    LIST = "l"  # the linked members again (after *Batal*)
    CONFIRM = "ok"  # *Masih sama*
    ASK = "a"  # *… tidak lagi pengurus*: asks once more
    REMOVE = "rm"  # *Ya, keluarkan*


@dataclass(frozen=True)
class BoardCheckButton(Codec):
    """`pb:<koperasi>:<action>:<person>` (person 0 where the action names no one)."""

    PREFIX = "pb"
    PARTS = (ID, one_of({a.value: a for a in BoardCheckAction}), ID)

    koperasi_id: int
    action: BoardCheckAction
    person_id: int = 0

"""Buttons of the RAT cycle screens: the status card and the /lapor menu."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from domain.callbacks.codec import ID, Codec, one_of, word


class StatusView(StrEnum):
    """How the status card is shown."""

    CARD = "c"
    EXPLAIN = "e"  # with the official terms explained


@dataclass(frozen=True)
class StatusButton(Codec):
    """The status card of a cooperative: `rs:<koperasi>:<view>`."""

    PREFIX = "rs"
    PARTS = (ID, one_of({view.value: view for view in StatusView}))

    koperasi_id: int
    view: StatusView = StatusView.CARD


MENU, UNDO, HISTORY = "menu", "undo", "riwayat"


@dataclass(frozen=True)
class LaporButton(Codec):
    """A /lapor button: `lp:<koperasi>:<target>` — an item code, a milestone, `menu`, `undo`,
    `riwayat` (the history)."""

    PREFIX = "lp"
    PARTS = (ID, word("A-Za-z0-9_", 16))

    koperasi_id: int
    target: str = MENU


class VerifyAction(StrEnum):
    """What a /verifikasi button does."""

    LIST = "l"
    VERIFY = "ok"
    RETURN = "r"


VERIFY_KINDS = {"i": "item", "h": "held", "r": "reported"}


@dataclass(frozen=True)
class VerifyButton(Codec):
    """A /verifikasi button: `vf:<kind>:<row id>:<action>` (kind: item, held, reported)."""

    PREFIX = "vf"
    PARTS = (one_of(VERIFY_KINDS), ID, one_of({a.value: a for a in VerifyAction}))

    kind: str
    row_id: int
    action: VerifyAction

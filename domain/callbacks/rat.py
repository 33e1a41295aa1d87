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


MENU, UNDO = "menu", "undo"


@dataclass(frozen=True)
class LaporButton(Codec):
    """A /lapor button: `lp:<koperasi>:<target>` — an item code, a milestone, `menu`, `undo`."""

    PREFIX = "lp"
    PARTS = (ID, word("A-Za-z0-9_", 16))

    koperasi_id: int
    target: str = MENU

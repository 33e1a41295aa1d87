"""Buttons of /rekap: the card of a view, a split table, a drill-down page, the kecamatan
picker and *Kirim pengingat* — one codec, `rk:<action>:<view>:<arg>:<page>`.

A view is the fiscal year, the segment, the chosen kecamatan (its index in the configured
list, plus one; 0: all) and the group of a split it is narrowed to. The handler re-derives
the viewer's scope on every press; nothing in the data is a permission.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Self

from domain.callbacks.codec import ID, INDEX, PAGE, Codec, Part, one_of
from domain.rollup.counts import KDKMP, REGULER, TOTAL
from domain.rollup.split import SPLITS, Group, Measure, Split


class RekapAction(StrEnum):
    """What a /rekap button shows or does."""

    CARD = "c"
    SPLIT = "s"  # arg: the split
    DRILL = "d"  # arg: the measure
    REMIND = "r"  # admins: *Kirim pengingat* to the cooperatives of a drill-down
    KECAMATAN = "k"  # the kecamatan picker (page)


SEGMENT_CODES = {"r": REGULER, "k": KDKMP, "t": TOTAL}
YEAR = Part("20[0-9]{2}", int)
NO_ARG = "-"
ARG = Part(f"[a-z0-9]{{1,4}}|{NO_ARG}", str)


@dataclass(frozen=True)
class RekapView:
    """What a /rekap card shows."""

    year: int
    segment: str = REGULER
    # Index in the configured kecamatan list plus one; 0: every kecamatan of the scope.
    kecamatan: int = 0
    group: Group = field(default_factory=Group)


def _arg_fits(action: RekapAction, arg: str) -> bool:
    if action is RekapAction.SPLIT:
        return arg in {s.value for s in SPLITS}
    if action in (RekapAction.DRILL, RekapAction.REMIND):
        return arg in Measure.__members__.values()
    return arg == NO_ARG


@dataclass(frozen=True)
class RekapButton(Codec):
    """A /rekap button: `rk:<action>:<year>:<segment>:<kecamatan>:<split>:<value>:<arg>:<page>`."""

    PREFIX = "rk"
    PARTS = (
        one_of({a.value: a for a in RekapAction}),
        YEAR,
        one_of(SEGMENT_CODES),
        INDEX,
        one_of({s.value: s for s in Split}),
        ID,
        ARG,
        PAGE,
    )

    action: RekapAction
    year: int
    segment: str
    kecamatan: int
    split: Split
    value: int
    arg: str = NO_ARG
    page: int = 0

    @classmethod
    def of(cls, action: RekapAction, view: RekapView, arg: str = NO_ARG, page: int = 0) -> Self:
        """The button doing `action` on `view`."""
        g = view.group
        return cls(action, view.year, view.segment, view.kecamatan, g.split, g.value, arg, page)

    @property
    def view(self) -> RekapView:
        """The view the button was made on."""
        return RekapView(self.year, self.segment, self.kecamatan, Group(self.split, self.value))

    @classmethod
    def decode(cls, data: str) -> Self | None:
        """The button, or None when its parts do not belong together."""
        button = super().decode(data)
        if button is None or not _arg_fits(button.action, button.arg):
            return None
        if button.split is Split.NONE and button.value != 0:
            return None
        return button

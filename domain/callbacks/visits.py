"""The buttons of /kunjungan's cooperative picker and /tindaklanjut."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from domain.callbacks.codec import ID, Codec, one_of


class VisitAction(StrEnum):
    """What a picker button does for its cooperative."""

    SINGKAT = "s"  # a new short report
    LENGKAP = "l"  # a new full report
    RESUME = "r"  # go on with the draft
    DISCARD = "d"  # throw the draft away (then the lengths are offered)
    CORRECT = "k"  # correct the officer's latest report (within the correction window)


@dataclass(frozen=True)
class VisitPick(Codec):
    """A cooperative picked for a visit report: `kj:<koperasi>:<action>`, re-checked on press."""

    PREFIX = "kj"
    PARTS = (ID, one_of({action.value: action for action in VisitAction}))

    koperasi_id: int
    action: VisitAction


class FollowUpAction(StrEnum):
    """What a /tindaklanjut button does."""

    DONE = "ok"  # mark done (a note is asked)
    LIST = "ls"  # back to the list (id 0)


@dataclass(frozen=True)
class FollowUpButton(Codec):
    """A follow-up's button: `tl:<tindak lanjut>:<action>`, re-checked on press."""

    PREFIX = "tl"
    PARTS = (ID, one_of({action.value: action for action in FollowUpAction}))

    follow_up_id: int
    action: FollowUpAction

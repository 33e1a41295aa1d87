"""The buttons of /siaran: the preview's decision and the list's cancel."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from domain.callbacks.codec import ID, Codec, one_of


class SiaranAction(StrEnum):
    """What a /siaran button does; the value is its code in the callback data."""

    SEND = "k"  # *Kirim sekarang*
    SCHEDULE = "j"  # *Jadwalkan*: asks the date and time
    DISCARD = "x"  # *Batal* under the preview
    CANCEL = "c"  # *Batalkan* in the list of scheduled broadcasts


@dataclass(frozen=True)
class SiaranButton(Codec):
    """A broadcast's button: `sr:<broadcast>:<action>`; the handler re-checks the admin role."""

    PREFIX = "sr"
    PARTS = (ID, one_of({action.value: action for action in SiaranAction}))

    broadcast_id: int
    action: SiaranAction

"""The buttons of conversations between boards and officers (/hubungi, header cards, /pesan)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from domain.callbacks.codec import ID, Codec, one_of
from domain.relay import Topic


class RelayAction(StrEnum):
    """What a thread button does; the value is its code in the callback data."""

    REPLY = "b"  # *Balas*: open a relay session on the thread (an admin claims a queued one)
    CARD = "k"  # *Lihat koperasi*
    OPEN = "v"  # a thread of /pesan: show it
    CLOSE = "t"  # *Tutup percakapan*: the thread is answered
    REOPEN = "o"  # *Buka lagi*


@dataclass(frozen=True)
class RelayButton(Codec):
    """A thread's button: `r:<action>:<thread>`; the handler re-checks who may press it."""

    PREFIX = "r"
    PARTS = (one_of({action.value: action for action in RelayAction}), ID)

    action: RelayAction
    thread_id: int


@dataclass(frozen=True)
class RelaySessionEnd(Codec):
    """*Selesai mengirim*: `rx:<session>` ends that relay session only; on an older card (the
    session ended, or another began since) it is stale and changes nothing."""

    PREFIX = "rx"
    PARTS = (ID,)

    session_id: int


@dataclass(frozen=True)
class RelayTopicButton(Codec):
    """/hubungi's topic: `rt:<koperasi>:<topic>`, checked against the presser's boards."""

    PREFIX = "rt"
    PARTS = (ID, one_of({topic.value: topic for topic in Topic}))

    koperasi_id: int
    topic: Topic

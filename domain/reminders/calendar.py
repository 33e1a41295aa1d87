"""The reminder calendar (docs/rules.md#the-reminder-calendar): its entries and their topics.

An entry says when a reminder is dated — a number of days from an anchor (the fiscal-year end,
a deadline of the current cycle, the planned or held RAT date, the NIK certificate's expiry) —
who gets it, and its topic. The topic decides the message and when the reminder stops being
needed (item done, RAT held, reported); every entry stops for a cooperative being dissolved.
The defaults below are what `[reminders]` in config holds unless it lists its own entries.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Anchor(StrEnum):
    """What an entry's days count from."""

    FYE = "fye"  # the fiscal-year end (the one nearest the entry's date)
    TARGET = "target"  # the current cycle's office target
    REPORT = "report"  # the current cycle's report deadline
    STATUTORY = "statutory"  # the current cycle's statutory limit
    PLANNED = "planned"  # the current cycle's planned RAT date
    HELD = "held"  # the current cycle's held RAT date
    NIK_EXPIRY = "nik_expiry"  # the NIK certificate's valid-until date


class Audience(StrEnum):
    """Who gets an entry's reminder about a cooperative."""

    BOARDS = "boards"  # the cooperative's pengurus
    OFFICERS = "officers"  # its assigned petugas
    ADMINS = "admins"  # the office (one summary line for all cooperatives)


class Topic(StrEnum):
    """What a reminder is about; each has its message and its reason to stop."""

    BOOKS_CLOSE = "books_close"  # prepare to close the books (until A1 done)
    SEASON_OPEN = "season_open"  # season opens: set the planned RAT date (until one is set)
    STATEMENTS = "statements"  # progress on A2 and A5 (until both done)
    RAT_PREPARE = "rat_prepare"  # LPJ and annual report ready (until the RAT is held)
    RAT_INVITE = "rat_invite"  # send invitations and materials (until A11 done)
    RAT_FINAL = "rat_final"  # attendance, quorum, rules, minutes template (until held)
    VISIT_PROPOSAL = "visit_proposal"  # officers: not yet SIAP_RAT, propose a visit
    TARGET_PASSED = "target_passed"  # no RAT by the office target
    MINUTES_UPLOAD = "minutes_upload"  # upload minutes, attendance, decisions (until uploaded)
    REPORT_NUDGE = "report_nudge"  # report to the office and ODS (until reported)
    REPORT_PASSED = "report_passed"  # not reported by the report deadline
    STATUTORY_PASSED = "statutory_passed"  # no RAT by the statutory limit
    NIK_EXPIRY = "nik_expiry"  # renew the NIK certificate via ODS


#: The anchors a topic may count from: a topic about the RAT's date needs a RAT date.
TOPIC_ANCHORS: dict[Topic, frozenset[Anchor]] = {
    Topic.BOOKS_CLOSE: frozenset({Anchor.FYE}),
    Topic.SEASON_OPEN: frozenset({Anchor.FYE}),
    Topic.STATEMENTS: frozenset({Anchor.FYE}),
    Topic.RAT_PREPARE: frozenset({Anchor.PLANNED}),
    Topic.RAT_INVITE: frozenset({Anchor.PLANNED}),
    Topic.RAT_FINAL: frozenset({Anchor.PLANNED}),
    Topic.VISIT_PROPOSAL: frozenset({Anchor.TARGET}),
    Topic.TARGET_PASSED: frozenset({Anchor.TARGET}),
    Topic.MINUTES_UPLOAD: frozenset({Anchor.HELD}),
    Topic.REPORT_NUDGE: frozenset({Anchor.HELD}),
    Topic.REPORT_PASSED: frozenset({Anchor.REPORT}),
    Topic.STATUTORY_PASSED: frozenset({Anchor.STATUTORY}),
    Topic.NIK_EXPIRY: frozenset({Anchor.NIK_EXPIRY}),
}


@dataclass(frozen=True)
class Entry:
    """One line of the calendar: `name` is its stable key (part of the idempotency key)."""

    name: str
    topic: Topic
    anchor: Anchor
    days: int
    audience: tuple[Audience, ...]

    def __post_init__(self) -> None:
        if self.anchor not in TOPIC_ANCHORS[self.topic]:
            msg = f"reminder {self.name}: {self.topic} cannot count from {self.anchor}"
            raise ValueError(msg)
        if not self.audience:
            msg = f"reminder {self.name}: nobody to remind"
            raise ValueError(msg)


_B, _O, _A = Audience.BOARDS, Audience.OFFICERS, Audience.ADMINS

#: The default calendar (dates for a year ending 31 Dec in the comments).
DEFAULT_ENTRIES: tuple[Entry, ...] = (
    Entry("books_close_60", Topic.BOOKS_CLOSE, Anchor.FYE, -60, (_B,)),  # 1 Nov
    Entry("books_close_30", Topic.BOOKS_CLOSE, Anchor.FYE, -30, (_B,)),  # 1 Dec
    Entry("season_open", Topic.SEASON_OPEN, Anchor.FYE, 2, (_B, _O)),  # 2 Jan
    Entry("statements_15", Topic.STATEMENTS, Anchor.FYE, 15, (_B,)),  # 15 Jan
    Entry("statements_31", Topic.STATEMENTS, Anchor.FYE, 31, (_B,)),  # 31 Jan
    Entry("rat_minus_30", Topic.RAT_PREPARE, Anchor.PLANNED, -30, (_B,)),
    Entry("rat_minus_14", Topic.RAT_INVITE, Anchor.PLANNED, -14, (_B,)),
    Entry("rat_minus_7", Topic.RAT_FINAL, Anchor.PLANNED, -7, (_B,)),
    Entry("rat_minus_1", Topic.RAT_FINAL, Anchor.PLANNED, -1, (_B,)),
    Entry("visit_proposal", Topic.VISIT_PROPOSAL, Anchor.TARGET, -30, (_O,)),  # 1 Mar
    Entry("target_passed", Topic.TARGET_PASSED, Anchor.TARGET, 1, (_B, _O)),  # 1 Apr
    Entry("minutes_upload", Topic.MINUTES_UPLOAD, Anchor.HELD, 1, (_B,)),
    Entry("report_nudge_14", Topic.REPORT_NUDGE, Anchor.HELD, 14, (_B,)),
    Entry("report_nudge_30", Topic.REPORT_NUDGE, Anchor.HELD, 30, (_B,)),
    Entry("report_passed", Topic.REPORT_PASSED, Anchor.REPORT, 1, (_B, _O)),  # 1 May
    Entry("statutory_passed", Topic.STATUTORY_PASSED, Anchor.STATUTORY, 1, (_B, _O, _A)),
    Entry("nik_expiry", Topic.NIK_EXPIRY, Anchor.NIK_EXPIRY, -60, (_B,)),
)

"""Reminders (docs/rules.md#the-reminder-calendar): the calendar, working days, the planner."""

from domain.reminders.calendar import DEFAULT_ENTRIES, Anchor, Audience, Entry, Topic
from domain.reminders.facts import CycleState, DigestCounts, KoperasiState, Reminder
from domain.reminders.follow_ups import FollowUpState, follow_up_audience, follow_ups_due
from domain.reminders.planner import Planner
from domain.reminders.workdays import WorkingDays

__all__ = [
    "DEFAULT_ENTRIES",
    "Anchor",
    "Audience",
    "CycleState",
    "DigestCounts",
    "Entry",
    "FollowUpState",
    "KoperasiState",
    "Planner",
    "Reminder",
    "Topic",
    "WorkingDays",
    "follow_up_audience",
    "follow_ups_due",
]

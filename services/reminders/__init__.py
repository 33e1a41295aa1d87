"""Reminders: a planner pass over every cooperative, written to the outbox
(docs/rules.md#the-reminder-calendar)."""

from services.reminders.plan import PassReport, PlannedMessage, plan_reminders
from services.reminders.settings import ReminderSettings

__all__ = ["PassReport", "PlannedMessage", "ReminderSettings", "plan_reminders"]

"""Repositories: typed queries over one session; they flush but never commit."""

from storage.repositories.base import Repository, insert_or_ignore
from storage.repositories.forms import FormSessionRepository
from storage.repositories.koperasi import KoperasiRepository
from storage.repositories.outbox import (
    PRIORITY_BULK,
    PRIORITY_INTERACTIVE,
    PRIORITY_REMINDER,
    OutboxRepository,
)
from storage.repositories.people import PersonRepository, RoleRepository, RoleScope
from storage.repositories.scheduler import SchedulerRunRepository
from storage.repositories.system import AuditRepository, ProcessedUpdateRepository

__all__ = [
    "PRIORITY_BULK",
    "PRIORITY_INTERACTIVE",
    "PRIORITY_REMINDER",
    "AuditRepository",
    "FormSessionRepository",
    "KoperasiRepository",
    "OutboxRepository",
    "PersonRepository",
    "ProcessedUpdateRepository",
    "Repository",
    "RoleRepository",
    "RoleScope",
    "SchedulerRunRepository",
    "insert_or_ignore",
]

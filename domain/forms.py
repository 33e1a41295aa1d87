"""The one status type of a stored form session: forms in progress and uploads on their way."""

from __future__ import annotations

from enum import StrEnum


class FormStatus(StrEnum):
    """Where a `form_session` row stands.

    A form a person fills in is active (at most one per chat), suspended (a draft kept while
    another command runs), done or expired (its draft erased). A register upload waiting for
    the admin's decision (`services.register_pending`) is a row of its own form that moves
    received → pending (previewed) → applying (confirmed) → applied, or to cancelled, failed
    or superseded (a newer upload in the same chat); it is never active, so the engine and the
    gate ignore it.
    """

    ACTIVE = "active"
    SUSPENDED = "suspended"
    DONE = "done"
    EXPIRED = "expired"
    RECEIVED = "received"
    PENDING = "pending"
    APPLYING = "applying"  # confirmed; its import transaction has not committed yet
    APPLIED = "applied"
    CANCELLED = "cancelled"
    FAILED = "failed"
    SUPERSEDED = "superseded"

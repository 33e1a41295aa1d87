"""Machinery: form sessions, processed updates, leader lease, audit, scheduler, snapshots."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from domain.forms import FormStatus
from storage.tables.base import Base, JsonDict, code, tg_id

#: The status of the form a chat is filling in now (one per chat at most).
FORM_ACTIVE = FormStatus.ACTIVE.value


class FormSession(Base):
    """The state of one form (step and answers so far) for a chat, user, form and subject.

    ``version`` is SQLAlchemy's version counter: an UPDATE from a stale copy matches no row
    and raises ``StaleDataError`` instead of silently overwriting a newer answer.
    """

    __tablename__ = "form_session"
    __table_args__ = (
        UniqueConstraint("chat_id", "user_id", "form", "subject"),
        Index("ix_form_session_chat_id_status", "chat_id", "status"),
        # At most one active form per chat (migration 0002); the viewer cache relies on it.
        Index(
            "uq_form_session_active_chat",
            "chat_id",
            unique=True,
            sqlite_where=text(f"status = '{FORM_ACTIVE}'"),
            postgresql_where=text(f"status = '{FORM_ACTIVE}'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    chat_id: Mapped[int] = tg_id(nullable=False)
    user_id: Mapped[int] = tg_id(nullable=False)
    form: Mapped[str] = code(32)
    # What the form is about, e.g. a koperasi id; '' (not NULL) so the unique key holds.
    subject: Mapped[str] = mapped_column(String(64), default="", server_default="")
    step: Mapped[str] = code(64)
    answers: Mapped[JsonDict]
    # The ids of the last updates applied to this form (migration 0002): a redelivered update
    # is found here, in the row the answer changes anyway, not in a table of its own.
    applied_updates: Mapped[list[int]] = mapped_column(JSON, default=list, server_default="[]")
    status: Mapped[str] = code(16, default=FORM_ACTIVE)
    # Counts the prompts asked (migration 0012): each new question, a repeated step's too,
    # has its own number, which its buttons carry; a button of an older prompt is stale.
    prompt_seq: Mapped[int] = mapped_column(default=0, server_default="0")
    version: Mapped[int] = mapped_column(nullable=False)
    last_prompt_message_id: Mapped[int | None] = tg_id()
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    idle_expires_at: Mapped[datetime | None]
    draft_expires_at: Mapped[datetime | None]

    __mapper_args__: dict[str, Any] = {"version_id_col": version}  # noqa: RUF012


class ProcessedUpdate(Base):
    """An update (or a button press, `handlers.callbacks.press_key`) already acted on, so a
    redelivery or a double tap acts once. Form answers keep theirs in the form session row
    (`FormSession.applied_updates`), which each answer updates anyway."""

    __tablename__ = "processed_update"

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    processed_at: Mapped[datetime] = mapped_column(index=True)


class LeaderLease(Base):
    """The SQLite leader lock: a lease row renewed by the process that polls and sends."""

    __tablename__ = "leader_lease"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str] = mapped_column(String(128))
    acquired_at: Mapped[datetime]
    renewed_at: Mapped[datetime]
    expires_at: Mapped[datetime]


class AuditLog(Base):
    """Who changed what. ``details`` holds ids, field names and codes only — never names,
    phone numbers or message text, so the trail survives erasure anonymised."""

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_entity_entity_id", "entity", "entity_id"),
        Index("ix_audit_log_actor_person_id_at", "actor_person_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    actor_person_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL")
    )
    action: Mapped[str] = code(64)
    entity: Mapped[str] = code(64)
    entity_id: Mapped[str] = mapped_column(String(64))
    details: Mapped[JsonDict]


class SchedulerRun(Base):
    """One run of a scheduled job for one due moment (`jobs/`): inserted before the work, so of
    two processes racing for the same moment only one wins the key (migration 0003)."""

    __tablename__ = "scheduler_run"

    job: Mapped[str] = mapped_column(String(64), primary_key=True)
    due_at: Mapped[datetime] = mapped_column(primary_key=True)
    # Which process ran it (host:pid:nonce, as the leader lock names it).
    holder: Mapped[str] = mapped_column(String(128))
    started_at: Mapped[datetime]
    # Null while running, or forever if the process died mid-run (the moment is not re-run).
    finished_at: Mapped[datetime | None]
    outcome: Mapped[str | None] = code(16, nullable=True)


class RollupSnapshot(Base):
    """Roll-up figures frozen at a cut-off (office target, report deadline, limit, season end)."""

    __tablename__ = "rollup_snapshot"
    __table_args__ = (Index("ix_rollup_snapshot_tahun_buku_cutoff", "tahun_buku", "cutoff"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tahun_buku: Mapped[int]
    cutoff: Mapped[str] = code(32)
    taken_at: Mapped[datetime]
    # What the row counts: the whole regency, one kecamatan or one officer's cooperatives
    # (migration 0007); kecamatan or petugas_id names which.
    scope: Mapped[str] = code(16, default="regency")
    # Null: the whole regency (or an officer's row).
    kecamatan: Mapped[str | None] = mapped_column(String(64))
    petugas_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    # reguler, kdkmp or total.
    segmen: Mapped[str] = code(16)
    # `domain.rollup.Counts` as JSON: the counts, never a ratio (ratios are recomputed).
    data: Mapped[JsonDict]

"""People, their roles, invites and join requests (docs/rules.md#invites-and-onboarding)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.tables.base import Base, code, counter, flag, tg_id


class Person(Base):
    """Someone the bot has seen in a private chat; personal fields are nulled on erasure."""

    __tablename__ = "person"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Null after erasure: the row stays so the anonymised audit trail keeps its references.
    telegram_user_id: Mapped[int | None] = tg_id(unique=True)
    full_name: Mapped[str | None] = mapped_column(String(255))
    phone: Mapped[str | None] = mapped_column(String(32))
    username: Mapped[str | None] = mapped_column(String(64))
    # Chosen in /bahasa; null means "not chosen yet" (fall back to telegram_language_code).
    language: Mapped[str | None] = code(8, nullable=True)
    telegram_language_code: Mapped[str | None] = code(16, nullable=True)
    consent_at: Mapped[datetime | None]
    reachable: Mapped[bool] = flag(default=True)
    unreachable_since: Mapped[datetime | None]
    # Signature of the command menu last set for this chat, so it is set again only on change.
    menu_state: Mapped[str | None] = mapped_column(String(128))
    # The cooperative a member of several boards chose last; board commands default to it.
    selected_koperasi_id: Mapped[int | None] = mapped_column(
        ForeignKey("koperasi.id", ondelete="SET NULL", use_alter=True)
    )
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    erased_at: Mapped[datetime | None]


class RoleGrant(Base):
    """One role of a person; ``koperasi_id`` is set for ``pengurus`` (a board seat)."""

    __tablename__ = "role_grant"
    __table_args__ = (
        Index("ix_role_grant_person_id_active", "person_id", "active"),
        Index("ix_role_grant_koperasi_id_active", "koperasi_id", "active"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    role: Mapped[str] = code(16)
    koperasi_id: Mapped[int | None] = mapped_column(ForeignKey("koperasi.id", ondelete="CASCADE"))
    jabatan: Mapped[str | None] = code(16, nullable=True)
    active: Mapped[bool] = flag(default=True)
    granted_by_person_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL")
    )
    granted_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class Invite(Base):
    """An invite code for a role; only its SHA-256 is stored (the code is shown once)."""

    __tablename__ = "invite"

    id: Mapped[int] = mapped_column(primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = code(16)
    koperasi_id: Mapped[int | None] = mapped_column(
        ForeignKey("koperasi.id", ondelete="CASCADE"), index=True
    )
    max_uses: Mapped[int] = counter(default=1)
    uses: Mapped[int] = counter()
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    created_by_person_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime]


class TermSeen(Base):
    """An official term on the status card already explained to this person (once each)."""

    __tablename__ = "term_seen"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), primary_key=True
    )
    term: Mapped[str] = mapped_column(String(32), primary_key=True)
    seen_at: Mapped[datetime]


class InviteUse(Base):
    """Who used an invite and when; a person uses one invite at most once."""

    __tablename__ = "invite_use"
    __table_args__ = (UniqueConstraint("invite_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    invite_id: Mapped[int] = mapped_column(ForeignKey("invite.id", ondelete="CASCADE"))
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL"), index=True
    )
    used_at: Mapped[datetime]


class JoinRequest(Base):
    """A request for access from someone without an invite, decided by an admin."""

    __tablename__ = "join_request"
    __table_args__ = (
        Index("ix_join_request_status_created_at", "status", "created_at"),
        Index("ix_join_request_telegram_user_id", "telegram_user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    telegram_user_id: Mapped[int | None] = tg_id()
    chat_id: Mapped[int | None] = tg_id()
    display_name: Mapped[str | None] = mapped_column(String(255))
    note: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = code(16, default="pending")
    decided_by_person_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL")
    )
    decided_at: Mapped[datetime | None]
    created_at: Mapped[datetime]

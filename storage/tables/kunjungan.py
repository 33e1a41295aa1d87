"""Officers' visits (docs/rules.md#visits), their versions, and follow-up actions."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.tables.base import Base, JsonDict, code, counter


class Kunjungan(Base):
    """A visit report; its content lives in versions (a correction keeps the previous one).

    ``jenis``, ``poac``, ``verdict`` and ``visited_at`` repeat the current version's values so
    the officer-activity roll-ups (visits per officer per month, by type and POAC) count one
    indexed table instead of joining a million versions.
    """

    __tablename__ = "kunjungan"
    __table_args__ = (
        Index("ix_kunjungan_petugas_id_visited_at", "petugas_id", "visited_at"),
        Index("ix_kunjungan_koperasi_id_visited_at", "koperasi_id", "visited_at"),
        # The roll-up's officer activity: a range of days, read from the index alone.
        Index("ix_kunjungan_rollup", "visited_at", "status", "koperasi_id", "jenis", "poac"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    koperasi_id: Mapped[int] = mapped_column(ForeignKey("koperasi.id", ondelete="CASCADE"))
    petugas_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    current_version: Mapped[int] = counter(default=1)
    status: Mapped[str] = code(16, default="draft")
    jenis: Mapped[str | None] = code(32, nullable=True)
    poac: Mapped[str | None] = code(8, nullable=True)
    verdict: Mapped[str | None] = code(32, nullable=True)
    visited_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    submitted_at: Mapped[datetime | None]


class KunjunganVersion(Base):
    """One version of a visit report; ``data`` holds every report field (docs/rules.md#visits)."""

    __tablename__ = "kunjungan_version"
    __table_args__ = (UniqueConstraint("kunjungan_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kunjungan_id: Mapped[int] = mapped_column(ForeignKey("kunjungan.id", ondelete="CASCADE"))
    version: Mapped[int]
    jenis: Mapped[str] = code(32)
    visited_at: Mapped[datetime]
    verdict: Mapped[str | None] = code(32, nullable=True)
    poac: Mapped[str | None] = code(8, nullable=True)
    data: Mapped[JsonDict]
    created_by_person_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime]


class TindakLanjut(Base):
    """A follow-up action from a visit (or set by an officer), with an owner and a due date."""

    __tablename__ = "tindak_lanjut"
    __table_args__ = (
        Index("ix_tindak_lanjut_koperasi_id_done_at", "koperasi_id", "done_at"),
        Index("ix_tindak_lanjut_owner_person_id_due_date", "owner_person_id", "due_date"),
        Index("ix_tindak_lanjut_due_date", "due_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    koperasi_id: Mapped[int] = mapped_column(ForeignKey("koperasi.id", ondelete="CASCADE"))
    kunjungan_id: Mapped[int | None] = mapped_column(
        ForeignKey("kunjungan.id", ondelete="SET NULL")
    )
    description: Mapped[str] = mapped_column(Text)
    # Who must act: the board (any member), the officer or the office; a person when known.
    owner_kind: Mapped[str] = code(16)
    owner_person_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL")
    )
    due_date: Mapped[date]
    done_at: Mapped[datetime | None]
    # How it was done (the officer's note when closing it), and who closed it.
    done_note: Mapped[str | None] = mapped_column(Text)
    done_by_person_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL")
    )
    created_by_person_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime]
    # The WIB date of the last reminder, so the daily pass reminds at most once a day.
    last_reminded_on: Mapped[date | None]

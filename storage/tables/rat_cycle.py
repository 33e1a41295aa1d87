"""RAT cycles: one per cooperative and fiscal year, its checklist, history and evidence."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.tables.base import Base, JsonDict, code, flag

ROLLUP_COLUMNS = (
    "koperasi_id",
    "tahun_buku",
    "held_date",
    "reported_date",
    "ods_date",
    "target_date",
    "report_deadline",
    "statutory_limit",
    "tahap",
    "held_verification",
    "reported_verification",
)


class RatCycle(Base):
    """The RAT of one fiscal year (``tahun_buku``) of a cooperative (docs/rules.md#the-rat-cycle).

    Deadlines and ``checklist_spec`` are frozen at creation: changed configuration reaches
    an open cycle only through an explicit recompute (docs/rules.md#the-current-cycle).
    """

    __tablename__ = "rat_cycle"
    __table_args__ = (
        UniqueConstraint("koperasi_id", "tahun_buku"),
        Index("ix_rat_cycle_tahun_buku_tahap", "tahun_buku", "tahap"),
        # The roll-up reads a year's cycle of each cooperative from this index alone.
        Index("ix_rat_cycle_rollup", *ROLLUP_COLUMNS),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    koperasi_id: Mapped[int] = mapped_column(ForeignKey("koperasi.id", ondelete="CASCADE"))
    tahun_buku: Mapped[int]
    fiscal_year_end: Mapped[date]
    target_date: Mapped[date]
    report_deadline: Mapped[date]
    statutory_limit: Mapped[date]
    tidak_rat_date: Mapped[date]
    checklist_spec: Mapped[JsonDict]
    tahap: Mapped[str] = code(32, default="BELUM_MULAI")
    flag_terlambat_target: Mapped[bool] = flag()
    flag_terlambat_lapor: Mapped[bool] = flag()
    flag_lewat_batas_uu: Mapped[bool] = flag()
    flag_tidak_rat: Mapped[bool] = flag()
    planned_date: Mapped[date | None]
    mode: Mapped[str | None] = code(16, nullable=True)
    invitation_sent_date: Mapped[date | None]
    materials_sent_date: Mapped[date | None]
    held_date: Mapped[date | None]
    members_registered: Mapped[int | None]
    members_present: Mapped[int | None]
    # The cooperative's rule when the RAT was held; quorum_reached is computed, never asked.
    quorum_rule: Mapped[str | None] = code(32, nullable=True)
    quorum_reached: Mapped[bool | None]
    lpj_accepted: Mapped[bool | None]
    statements_approved: Mapped[bool | None]
    rapb_adopted: Mapped[bool | None]
    shu_decided: Mapped[bool | None]
    # Rupiah, as the board reports it (whole rupiah).
    shu_amount: Mapped[int | None] = mapped_column(BigInteger)
    elections_held: Mapped[bool | None]
    minutes_uploaded_at: Mapped[datetime | None]
    reported_date: Mapped[date | None]
    ods_date: Mapped[date | None]
    ods_confirmed_by_person_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL")
    )
    # The two verifiable milestones (docs/rules.md): recorded by an officer counts as verified.
    held_recorded_by_officer: Mapped[bool] = flag()
    held_verification: Mapped[str] = code(16, default="none")
    held_verified_by_person_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL")
    )
    held_verified_at: Mapped[datetime | None]
    held_return_note: Mapped[str | None] = mapped_column(Text)
    reported_recorded_by_officer: Mapped[bool] = flag()
    reported_verification: Mapped[str] = code(16, default="none")
    reported_verified_by_person_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL")
    )
    reported_verified_at: Mapped[datetime | None]
    reported_return_note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class ChecklistEntry(Base):
    """The state of one checklist item (A1–A14) in one cycle."""

    __tablename__ = "checklist_entry"
    __table_args__ = (UniqueConstraint("rat_cycle_id", "item_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    rat_cycle_id: Mapped[int] = mapped_column(ForeignKey("rat_cycle.id", ondelete="CASCADE"))
    item_code: Mapped[str] = code(16)
    status: Mapped[str] = code(16, default="belum")
    note: Mapped[str | None] = mapped_column(Text)
    updated_by_person_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL")
    )
    updated_at: Mapped[datetime]
    # "dicatat oleh petugas": entered on the board's behalf; counts as verified.
    recorded_by_officer: Mapped[bool] = flag()
    verification: Mapped[str] = code(16, default="none")
    verified_by_person_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL")
    )
    verified_at: Mapped[datetime | None]
    return_note: Mapped[str | None] = mapped_column(Text)


class CycleChange(Base):
    """History of a cycle: one row per changed checklist field or milestone (old → new)."""

    __tablename__ = "cycle_change"
    __table_args__ = (
        Index("ix_cycle_change_rat_cycle_id_changed_at", "rat_cycle_id", "changed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    rat_cycle_id: Mapped[int] = mapped_column(ForeignKey("rat_cycle.id", ondelete="CASCADE"))
    # Set for a checklist item (field is then "status", "note", "verification" …);
    # null for a milestone of the cycle itself (field is then e.g. "held_date").
    item_code: Mapped[str | None] = code(16, nullable=True)
    field: Mapped[str] = code(64)
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    changed_by_person_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL")
    )
    on_behalf: Mapped[bool] = flag()
    changed_at: Mapped[datetime]


class Evidence(Base):
    """A Telegram file attached to a checklist item, a visit report or a relayed message.

    Files of one album share ``media_group_id`` and count as one piece of evidence.
    """

    __tablename__ = "evidence"
    __table_args__ = (
        Index("ix_evidence_rat_cycle_id_item_code", "rat_cycle_id", "item_code"),
        Index("ix_evidence_kunjungan_version_id", "kunjungan_version_id"),
        Index("ix_evidence_media_group_id", "media_group_id"),
        # Deleting a pair (thread retention, erasure) unlinks its evidence (migration 0015).
        Index("ix_evidence_thread_message_id", "thread_message_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    rat_cycle_id: Mapped[int | None] = mapped_column(
        ForeignKey("rat_cycle.id", ondelete="CASCADE")
    )
    item_code: Mapped[str | None] = code(16, nullable=True)
    kunjungan_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("kunjungan_version.id", ondelete="CASCADE")
    )
    thread_message_id: Mapped[int | None] = mapped_column(
        ForeignKey("thread_message.id", ondelete="SET NULL")
    )
    kind: Mapped[str] = code(16)
    telegram_file_id: Mapped[str] = mapped_column(String(255))
    file_unique_id: Mapped[str | None] = mapped_column(String(64))
    media_group_id: Mapped[str | None] = mapped_column(String(64))
    mime_type: Mapped[str | None] = mapped_column(String(127))
    file_size: Mapped[int | None] = mapped_column(BigInteger)
    caption: Mapped[str | None] = mapped_column(Text)
    created_by_person_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime]

"""The cooperative record (docs/rules.md#the-register) with stored stage, flags and activity."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.tables.base import Base, code, flag


class Koperasi(Base):
    """A cooperative of the regency's register.

    Stage, flags and activity status are stored (recomputed by ``domain/`` rules in the
    transaction of every change and by the daily job) so roll-ups are plain SQL counts.
    """

    __tablename__ = "koperasi"
    __table_args__ = (
        # The roll-up counts the register from this index alone (officer scope first).
        Index(
            "ix_koperasi_rollup",
            "petugas_id",
            "kecamatan",
            "segmen",
            "status_aktivitas",
            "jenis",
            "kelompok",
            "nik_berlaku_sampai",
            "id",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    nama: Mapped[str] = mapped_column(String(255))
    bentuk: Mapped[str | None] = code(16, nullable=True)
    jenis: Mapped[str | None] = code(32, nullable=True)
    kelompok: Mapped[str | None] = code(32, nullable=True)
    pola: Mapped[str | None] = code(16, nullable=True)
    # Both unique where present: NULLs never collide on SQLite nor PostgreSQL.
    no_badan_hukum: Mapped[str | None] = mapped_column(String(100), unique=True)
    tgl_badan_hukum: Mapped[date | None]
    nik_koperasi: Mapped[str | None] = mapped_column(String(64), unique=True)
    nik_berlaku_sampai: Mapped[date | None]
    nib: Mapped[str | None] = mapped_column(String(32))
    alamat: Mapped[str | None] = mapped_column(Text)
    desa: Mapped[str | None] = mapped_column(String(100))
    kecamatan: Mapped[str | None] = mapped_column(String(64), index=True)
    anggota_pria: Mapped[int | None]
    anggota_wanita: Mapped[int | None]
    anggota_per_tanggal: Mapped[date | None]
    # Fiscal-year end as month and day (the AD may set another end than 31 Dec).
    fye_month: Mapped[int] = mapped_column(SmallInteger, default=12, server_default="12")
    fye_day: Mapped[int] = mapped_column(SmallInteger, default=31, server_default="31")
    modal_sendiri: Mapped[Decimal | None]
    modal_luar: Mapped[Decimal | None]
    aset: Mapped[Decimal | None]
    volume_usaha: Mapped[Decimal | None]
    shu: Mapped[Decimal | None]
    wajib_audit: Mapped[bool] = flag()
    predikat_kesehatan: Mapped[str | None] = code(32, nullable=True)
    predikat_tahun: Mapped[int | None]
    # Null until the domain rules first compute it (e.g. right after an import row).
    status_aktivitas: Mapped[str | None] = mapped_column(String(32), index=True)
    segmen: Mapped[str] = mapped_column(
        String(16), default="reguler", server_default="reguler", index=True
    )
    quorum_rule: Mapped[str] = code(32, default="> 1/2")
    petugas_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL"), index=True
    )
    sumber_data: Mapped[str | None] = mapped_column(String(100))
    # Current-cycle values copied here for fast roll-ups (no join, no "latest cycle" query).
    tahap: Mapped[str] = mapped_column(
        String(32), default="BELUM_MULAI", server_default="BELUM_MULAI", index=True
    )
    current_rat_cycle_id: Mapped[int | None] = mapped_column(
        ForeignKey("rat_cycle.id", ondelete="SET NULL", use_alter=True)
    )
    flag_terlambat_target: Mapped[bool] = flag()
    flag_terlambat_lapor: Mapped[bool] = flag()
    flag_lewat_batas_uu: Mapped[bool] = flag()
    flag_tidak_rat: Mapped[bool] = flag()
    last_rat_date: Mapped[date | None]
    last_rat_tahun_buku: Mapped[int | None]
    # The first tahun buku the register's RAT history covers (its earliest `rat_<year>`
    # column over every import); earlier years are unknown, not missed. None: complete.
    rat_history_from: Mapped[int | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

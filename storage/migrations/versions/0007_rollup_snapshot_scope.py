"""Roll-up snapshots per kecamatan, officer and segment: the row's scope and its officer;
covering indexes for the roll-up's counts (register, cycles of a year, visits of 30 days).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("rollup_snapshot") as batch:
        batch.add_column(
            sa.Column("scope", sa.String(length=16), server_default="regency", nullable=False)
        )
        batch.add_column(sa.Column("petugas_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_rollup_snapshot_petugas_id_person"),
            "person",
            ["petugas_id"],
            ["id"],
            ondelete="SET NULL",
        )


    op.create_index(
        "ix_koperasi_rollup",
        "koperasi",
        [
            "petugas_id",
            "kecamatan",
            "segmen",
            "status_aktivitas",
            "jenis",
            "kelompok",
            "nik_berlaku_sampai",
            "id",
        ],
    )
    op.create_index(
        "ix_rat_cycle_rollup",
        "rat_cycle",
        [
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
        ],
    )
    op.create_index(
        "ix_kunjungan_rollup",
        "kunjungan",
        ["visited_at", "status", "koperasi_id", "jenis", "poac"],
    )


def downgrade() -> None:
    op.drop_index("ix_kunjungan_rollup", table_name="kunjungan")
    op.drop_index("ix_rat_cycle_rollup", table_name="rat_cycle")
    op.drop_index("ix_koperasi_rollup", table_name="koperasi")
    with op.batch_alter_table("rollup_snapshot") as batch:
        batch.drop_constraint(op.f("fk_rollup_snapshot_petugas_id_person"), type_="foreignkey")
        batch.drop_column("petugas_id")
        batch.drop_column("scope")

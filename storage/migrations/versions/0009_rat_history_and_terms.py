"""The first year a cooperative's register RAT history covers, and the terms each person has
had explained on the status card.

`koperasi.rat_history_from`: years before it are unknown, not missed. Cooperatives already
imported get the earliest year of the RAT cycles the register seeded (none: left unknown until
the next import). `term_seen`: one row per person and official term already explained.

Revision ID: 0009
Revises: 0006
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("koperasi") as batch:
        batch.add_column(sa.Column("rat_history_from", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE koperasi SET rat_history_from = ("
        " SELECT MIN(rat_cycle.tahun_buku) FROM rat_cycle"
        " WHERE rat_cycle.koperasi_id = koperasi.id) WHERE sumber_data = 'impor'"
    )
    op.create_table(
        "term_seen",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("term", sa.String(length=32), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_term_seen_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("person_id", "term", name=op.f("pk_term_seen")),
    )


def downgrade() -> None:
    op.drop_table("term_seen")
    with op.batch_alter_table("koperasi") as batch:
        batch.drop_column("rat_history_from")

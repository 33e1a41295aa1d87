"""Follow-ups: how one was done (the officer's note when marking it done), and by whom.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("tindak_lanjut") as batch:
        batch.add_column(sa.Column("done_note", sa.Text(), nullable=True))
        batch.add_column(sa.Column("done_by_person_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_tindak_lanjut_done_by_person_id_person"),
            "person",
            ["done_by_person_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("tindak_lanjut") as batch:
        batch.drop_constraint(
            op.f("fk_tindak_lanjut_done_by_person_id_person"), type_="foreignkey"
        )
        batch.drop_column("done_by_person_id")
        batch.drop_column("done_note")

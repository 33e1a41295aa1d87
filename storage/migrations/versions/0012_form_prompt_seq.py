"""Form sessions count their prompts, so a button of an older prompt of a repeated step is
stale (the form engine's button data carries the count).

Revision ID: 0012
Revises: 0006
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("form_session") as batch:
        batch.add_column(
            sa.Column("prompt_seq", sa.Integer(), nullable=False, server_default="0")
        )


def downgrade() -> None:
    with op.batch_alter_table("form_session") as batch:
        batch.drop_column("prompt_seq")

"""Threads remember what the board opened them about (/hubungi's topic).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("thread") as batch:
        batch.add_column(sa.Column("topic", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("thread") as batch:
        batch.drop_column("topic")

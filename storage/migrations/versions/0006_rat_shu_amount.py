"""The SHU amount decided at the RAT, asked by /lapor's *RAT terlaksana* sub-flow.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("rat_cycle") as batch:
        batch.add_column(sa.Column("shu_amount", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("rat_cycle") as batch:
        batch.drop_column("shu_amount")

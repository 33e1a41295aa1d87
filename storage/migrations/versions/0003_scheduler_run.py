"""Scheduled jobs: a run per (job, due moment) instead of per (job, date).

The job registry (`jobs/`) inserts the row before the work; the key makes that insert one only
one process can win. Times of day and intervals both name instants, so the key is an instant.
The old table was never written (nothing was scheduled yet): it is replaced, not converted.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_table("scheduler_run")
    op.create_table(
        "scheduler_run",
        sa.Column("job", sa.String(length=64), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("holder", sa.String(length=128), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.PrimaryKeyConstraint("job", "due_at", name=op.f("pk_scheduler_run")),
    )


def downgrade() -> None:
    op.drop_table("scheduler_run")
    op.create_table(
        "scheduler_run",
        sa.Column("job", sa.String(length=64), nullable=False),
        sa.Column("run_date", sa.Date(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("job", "run_date", name=op.f("pk_scheduler_run")),
    )

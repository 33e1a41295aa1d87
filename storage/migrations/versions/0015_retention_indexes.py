"""Indexes on the foreign keys the retention jobs delete through.

Deleting a thread's pairs and its copies' outbox rows makes both databases look for the rows
that reference each one (ON DELETE SET NULL / CASCADE): without an index on the referencing
column that is a scan of the whole table per deleted row (bench/retention.py --threads).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0015"
down_revision: str | Sequence[str] | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = (
    ("ix_thread_message_outbox_id", "thread_message", ["outbox_id"]),
    ("ix_relay_session_thread_id", "relay_session", ["thread_id"]),
    ("ix_evidence_thread_message_id", "evidence", ["thread_message_id"]),
)


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)


def downgrade() -> None:
    for name, table, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)

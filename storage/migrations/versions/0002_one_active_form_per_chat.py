"""Form sessions on the hot path: one active form per chat, and the updates each applied.

At most one active form per chat, enforced by the database: the form engine keeps it so (a new
form suspends the active one first), and the gate's viewer cache relies on it (when a chat's
active form ends and none begins, the chat has none).

``applied_updates``: the ids of the last updates applied to the form, written in the UPDATE
each answer makes anyway, so that a redelivered update needs no row of its own.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ACTIVE = sa.text("status = 'active'")


def upgrade() -> None:
    with op.batch_alter_table("form_session") as batch:
        batch.add_column(
            sa.Column("applied_updates", sa.JSON(), server_default="[]", nullable=False)
        )
    # Should a chat have several, keep the one the engine treats as active (the newest);
    # the others become suspended drafts, nothing is lost.
    op.execute(
        "UPDATE form_session SET status = 'suspended' WHERE status = 'active' AND EXISTS ("
        "SELECT 1 FROM form_session AS newer WHERE newer.chat_id = form_session.chat_id "
        "AND newer.status = 'active' AND (newer.updated_at > form_session.updated_at "
        "OR (newer.updated_at = form_session.updated_at AND newer.id > form_session.id)))"
    )
    op.create_index(
        "uq_form_session_active_chat",
        "form_session",
        ["chat_id"],
        unique=True,
        sqlite_where=ACTIVE,
        postgresql_where=ACTIVE,
    )


def downgrade() -> None:
    op.drop_index("uq_form_session_active_chat", table_name="form_session")
    with op.batch_alter_table("form_session") as batch:
        batch.drop_column("applied_updates")

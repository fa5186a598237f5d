"""Reporter messages: case_note.caseworker_id may be empty, for words the reporter sent after the
report (kind "reporter_message").

Created 2026-12-08.

No table's foreign key points at case_note, so SQLite's batch copy of it is safe.
"""

import sqlalchemy as sa
from alembic import op

revision: str = "0009_reporter_messages"
down_revision: str | None = "0008_account_event_count"


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("case_note", schema=None) as batch_op:
        batch_op.alter_column("caseworker_id", existing_type=sa.Integer(), nullable=True)


def downgrade() -> None:
    """Revert this revision: reporter messages have no caseworker, so they are deleted first."""
    op.execute("DELETE FROM case_note WHERE caseworker_id IS NULL")
    with op.batch_alter_table("case_note", schema=None) as batch_op:
        batch_op.alter_column("caseworker_id", existing_type=sa.Integer(), nullable=False)

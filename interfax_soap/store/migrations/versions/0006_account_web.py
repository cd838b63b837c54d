"""The account web: sign-in sessions, and the users' page defaults (size, orientation, header)."""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Expand only: new columns have server defaults, so a running older release keeps working.
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("page_size", sa.String(16), nullable=False, server_default="A4"))
        batch.add_column(
            sa.Column("page_orientation", sa.String(16), nullable=False, server_default="Portrait")
        )
        batch.add_column(
            sa.Column("page_header", sa.String(255), nullable=False, server_default="")
        )
    op.create_table(
        "web_sessions",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("acting_user_id", sa.Integer(), nullable=True),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("stamp", sa.String(64), nullable=False),
        sa.Column("address", sa.String(255), nullable=False, server_default=""),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_web_sessions_user_id_users", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["acting_user_id"], ["users.id"], name="fk_web_sessions_acting_user_id_users",
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_web_sessions"),
    )
    op.create_index("ix_web_sessions_user_id", "web_sessions", ["user_id"])
    op.create_index("ix_web_sessions_expires_at", "web_sessions", ["expires_at"])


def downgrade() -> None:
    op.drop_table("web_sessions")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("page_header")
        batch.drop_column("page_orientation")
        batch.drop_column("page_size")

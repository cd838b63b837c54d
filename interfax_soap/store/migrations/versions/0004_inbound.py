"""Inbound numbers, received faxes and the e-mail delivery log."""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(
            sa.Column("inbound_format", sa.String(8), nullable=False, server_default="TIF")
        )
    op.create_table(
        "inbound_numbers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("forward_addresses", sa.Text(), nullable=False, server_default=""),
        sa.Column("attachment_format", sa.String(8), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_inbound_numbers_user_id_users", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_inbound_numbers"),
        sa.UniqueConstraint("number", name="uq_inbound_numbers_number"),
    )
    op.create_index("ix_inbound_numbers_user_id", "inbound_numbers", ["user_id"])
    op.create_table(
        "inbound_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("phone_number", sa.String(64), nullable=False),
        sa.Column("remote_csid", sa.String(255), nullable=False, server_default=""),
        sa.Column("caller_id", sa.String(255), nullable=False, server_default=""),
        sa.Column("status", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("pages", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("receive_time", sa.DateTime(), nullable=False),
        sa.Column("recording_duration", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("image_blob", sa.String(128), nullable=True),
        sa.Column("image_size", sa.BigInteger(), nullable=False, server_default="0"),
        sa.Column("pdf_blob", sa.String(128), nullable=True),
        sa.Column("pdf_size", sa.BigInteger(), nullable=False, server_default="0"),
        sa.Column("read", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("attachment_format", sa.String(8), nullable=False, server_default="TIF"),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_inbound_messages_user_id_users", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_inbound_messages"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_inbound_messages_user_id_id", "inbound_messages", ["user_id", "id"])
    op.create_table(
        "email_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(16), nullable=False, server_default="forward"),
        sa.Column("address", sa.String(255), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False, server_default="-1"),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=True),
        sa.Column("completion_time", sa.DateTime(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False, server_default=""),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("claimed_by", sa.String(128), nullable=True),
        sa.Column("lease_until", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["message_id"], ["inbound_messages.id"],
            name="fk_email_deliveries_message_id_inbound_messages", ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_email_deliveries"),
    )
    op.create_index("ix_email_deliveries_message_id", "email_deliveries", ["message_id"])
    op.create_index(
        "ix_email_deliveries_status_next_attempt_at", "email_deliveries",
        ["status", "next_attempt_at"],
    )


def downgrade() -> None:
    op.drop_table("email_deliveries")
    op.drop_table("inbound_messages")
    op.drop_table("inbound_numbers")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("inbound_format")

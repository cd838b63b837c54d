"""Mail gateway senders and requests; result notifications and callbacks."""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(
            sa.Column("notify_format", sa.String(8), nullable=False, server_default="none")
        )
        batch.add_column(
            sa.Column("callback_url", sa.String(1024), nullable=False, server_default="")
        )
    with op.batch_alter_table("email_deliveries") as batch:
        batch.add_column(sa.Column("transaction_id", sa.Integer(), nullable=True))
        batch.alter_column("address", type_=sa.String(1024), existing_nullable=False)
        batch.create_foreign_key(
            "fk_email_deliveries_transaction_id_transactions", "transactions",
            ["transaction_id"], ["id"], ondelete="CASCADE",
        )
        batch.create_index("ix_email_deliveries_transaction_id", ["transaction_id"])
    op.create_table(
        "sender_addresses",
        sa.Column("address", sa.String(255), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_sender_addresses_user_id_users", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("address", name="pk_sender_addresses"),
    )
    op.create_index("ix_sender_addresses_user_id", "sender_addresses", ["user_id"])
    op.create_table(
        "mail_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("sender", sa.String(255), nullable=False),
        sa.Column("numbers", sa.Text(), nullable=False),
        sa.Column("blob_key", sa.String(128), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False, server_default="-1"),
        sa.Column("reason", sa.Text(), nullable=False, server_default=""),
        sa.Column("transaction_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("processed_at", sa.DateTime(), nullable=True),
        sa.Column("claimed_by", sa.String(128), nullable=True),
        sa.Column("lease_until", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_mail_requests_user_id_users", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_mail_requests"),
    )
    op.create_index("ix_mail_requests_status", "mail_requests", ["status"])


def downgrade() -> None:
    op.drop_table("mail_requests")
    op.drop_table("sender_addresses")
    with op.batch_alter_table("email_deliveries") as batch:
        batch.drop_index("ix_email_deliveries_transaction_id")
        batch.drop_constraint("fk_email_deliveries_transaction_id_transactions", type_="foreignkey")
        batch.drop_column("transaction_id")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("callback_url")
        batch.drop_column("notify_format")

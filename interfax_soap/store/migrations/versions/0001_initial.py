"""Accounts, users, login failures, transactions, documents and database blobs."""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _utc(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(), nullable=nullable)


def _text(name: str) -> sa.Column:
    return sa.Column(name, sa.String(255), nullable=False, server_default="")


def _counter(name: str) -> sa.Column:
    return sa.Column(name, sa.Integer(), nullable=False, server_default="0")


def _flag(name: str) -> sa.Column:
    return sa.Column(name, sa.Boolean(), nullable=False, server_default=sa.false())


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(100), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("timezone", sa.String(64), nullable=True),
        sa.Column("default_retries", sa.Integer(), nullable=False, server_default="3"),
        _text("csid"),
        _text("reply_address"),
        _flag("disabled"),
        _utc("created_at"),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        sa.UniqueConstraint("username", name="uq_users_username"),
    )
    op.create_table(
        "accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("primary_user_id", sa.Integer(), nullable=True),
        _utc("created_at"),
        sa.ForeignKeyConstraint(
            ["primary_user_id"], ["users.id"], name="fk_accounts_primary_user_id_users"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_accounts"),
        sa.UniqueConstraint("name", name="uq_accounts_name"),
    )
    with op.batch_alter_table("users") as batch:
        batch.create_foreign_key(
            "fk_users_account_id_accounts", "accounts", ["account_id"], ["id"]
        )
    op.create_table(
        "login_failures",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("address", sa.String(64), nullable=False),
        _counter("failures"),
        _utc("locked_until", nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_login_failures_user_id_users", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", "address", name="pk_login_failures"),
    )
    op.create_table(
        "transactions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("parent_transaction_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        _utc("submit_time"),
        _utc("postpone_time", nullable=True),
        _utc("completion_time", nullable=True),
        _utc("next_attempt_at", nullable=True),
        _text("destination_fax"),
        _text("contact"),
        _text("subject"),
        _text("reply_email"),
        _text("sender_csid"),
        _text("remote_csid"),
        _counter("pages_sent"),
        _counter("pages_submitted"),
        _counter("duration"),
        sa.Column("retries_to_perform", sa.Integer(), nullable=False, server_default="3"),
        _counter("trials_performed"),
        sa.Column("units", sa.Numeric(12, 4), nullable=False, server_default="0"),
        sa.Column("cost_per_unit", sa.Numeric(12, 4), nullable=False, server_default="0"),
        sa.Column("page_size", sa.String(16), nullable=False, server_default="A4"),
        sa.Column("page_orientation", sa.String(16), nullable=False, server_default="Portrait"),
        _flag("fine"),
        _flag("fine_rendering"),
        _text("page_header"),
        _text("job_id"),
        _counter("priority"),
        _flag("hidden"),
        sa.Column("image_blob", sa.String(128), nullable=True),
        sa.Column("claimed_by", sa.String(128), nullable=True),
        _utc("lease_until", nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_transactions_user_id_users"),
        sa.PrimaryKeyConstraint("id", name="pk_transactions"),
        sqlite_autoincrement=True,
    )
    op.create_index(
        "ix_transactions_parent_transaction_id", "transactions", ["parent_transaction_id"]
    )
    op.create_index("ix_transactions_user_id_id", "transactions", ["user_id", "id"])
    op.create_index(
        "ix_transactions_status_next_attempt_at", "transactions", ["status", "next_attempt_at"]
    )
    op.create_table(
        "documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("transaction_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("file_type", sa.String(16), nullable=False),
        sa.Column("blob_key", sa.String(128), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["transaction_id"],
            ["transactions.id"],
            name="fk_documents_transaction_id_transactions",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_documents"),
    )
    op.create_index("ix_documents_transaction_id", "documents", ["transaction_id"])
    op.create_table(
        "blobs",
        sa.Column("key", sa.String(128), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_blobs"),
    )


def downgrade() -> None:
    for table in ("blobs", "documents", "transactions", "login_failures"):
        op.drop_table(table)
    with op.batch_alter_table("users") as batch:
        batch.drop_constraint("fk_users_account_id_accounts", type_="foreignkey")
    op.drop_table("accounts")
    op.drop_table("users")

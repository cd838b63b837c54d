"""Billing: account billing settings, prepaid cards, the card that pays each transaction."""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("accounts") as batch:
        batch.add_column(
            sa.Column("billing", sa.String(16), nullable=False, server_default="postpaid")
        )
        for name, length in (("currency_code", 8), ("date_format", 32), ("account_type", 32)):
            batch.add_column(
                sa.Column(name, sa.String(length), nullable=False, server_default="")
            )
    with op.batch_alter_table("transactions") as batch:
        batch.add_column(sa.Column("out_of_credit_since", sa.DateTime(), nullable=True))
    op.create_table(
        "prepaid_cards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("face_value", sa.Numeric(12, 4), nullable=False),
        sa.Column("bonus", sa.Numeric(12, 4), nullable=False, server_default="0"),
        sa.Column("issue_date", sa.DateTime(), nullable=False),
        sa.Column("close_date", sa.DateTime(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name="fk_prepaid_cards_account_id_accounts",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_prepaid_cards"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_prepaid_cards_account_id", "prepaid_cards", ["account_id"])
    op.create_table(
        "card_charges",
        sa.Column("transaction_id", sa.Integer(), nullable=False),
        sa.Column("card_id", sa.Integer(), nullable=False),
        sa.Column("estimate", sa.Numeric(12, 4), nullable=False),
        sa.Column("charged_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["transaction_id"], ["transactions.id"],
            name="fk_card_charges_transaction_id_transactions", ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["card_id"], ["prepaid_cards.id"], name="fk_card_charges_card_id_prepaid_cards",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("transaction_id", name="pk_card_charges"),
    )
    op.create_index("ix_card_charges_card_id", "card_charges", ["card_id"])


def downgrade() -> None:
    op.drop_table("card_charges")
    op.drop_table("prepaid_cards")
    with op.batch_alter_table("transactions") as batch:
        batch.drop_column("out_of_credit_since")
    with op.batch_alter_table("accounts") as batch:
        batch.drop_column("account_type")
        batch.drop_column("date_format")
        batch.drop_column("currency_code")
        batch.drop_column("billing")

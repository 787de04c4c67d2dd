"""jobs and notifications: job runs, notification preferences, events, deliveries; on
PostgreSQL also the task queue's own schema (procrastinate, as that library ships it)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "job_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("trigger", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("queue_job_id", sa.BigInteger(), nullable=True),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_run")),
    )
    with op.batch_alter_table("job_run", schema=None) as batch_op:
        batch_op.create_index("ix_job_run_name_started", ["name", "started_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_job_run_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_job_run_queue_job_id"), ["queue_job_id"], unique=False)

    op.create_table(
        "notification_preference",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account", sa.String(length=200), nullable=False),
        sa.Column("product", sa.String(length=200), nullable=True),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("target", sa.String(length=2000), nullable=False),
        sa.Column("events", sa.JSON(), nullable=False),
        sa.Column("min_severity", sa.String(length=20), nullable=False),
        sa.Column("deadline_days", sa.Integer(), nullable=False),
        sa.Column("secret", sa.String(length=200), nullable=True),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account"],
            ["account.name"],
            name=op.f("fk_notification_preference_account_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification_preference")),
    )
    with op.batch_alter_table("notification_preference", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_notification_preference_account"), ["account"], unique=False
        )

    op.create_table(
        "notification_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=50), nullable=False),
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("product", sa.String(length=200), nullable=True),
        sa.Column("severity", sa.String(length=20), nullable=True),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification_event")),
        sa.UniqueConstraint("key", name=op.f("uq_notification_event_key")),
    )
    with op.batch_alter_table("notification_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notification_event_kind"), ["kind"], unique=False)

    op.create_table(
        "notification_delivery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("preference_id", sa.Integer(), nullable=True),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("target", sa.String(length=2000), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["notification_event.id"],
            name=op.f("fk_notification_delivery_event_id_notification_event"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["preference_id"],
            ["notification_preference.id"],
            name=op.f("fk_notification_delivery_preference_id_notification_preference"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification_delivery")),
        sa.UniqueConstraint(
            "event_id", "preference_id", name=op.f("uq_notification_delivery_event_id")
        ),
    )
    with op.batch_alter_table("notification_delivery", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_notification_delivery_event_id"), ["event_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_notification_delivery_preference_id"), ["preference_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_notification_delivery_status"), ["status"], unique=False
        )

    if op.get_bind().dialect.name == "postgresql":
        # the task queue's tables, types, functions and triggers, exactly as the installed
        # procrastinate ships them (`procrastinate schema --read`); `medsec worker` uses them
        from procrastinate.schema import SchemaManager

        raw = op.get_bind().connection.dbapi_connection
        with raw.cursor() as cursor:  # no parameters: psycopg runs the script as it is
            cursor.execute(SchemaManager.get_schema())


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        bind = op.get_bind()
        for (name,) in bind.execute(
            sa.text(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
                "AND tablename LIKE 'procrastinate\\_%'"
            )
        ):
            op.execute(sa.text(f'DROP TABLE IF EXISTS "{name}" CASCADE'))
        for (signature,) in bind.execute(
            sa.text(
                "SELECT p.oid::regprocedure::text FROM pg_proc p "
                "JOIN pg_namespace n ON n.oid = p.pronamespace "
                "WHERE n.nspname = current_schema() AND p.proname LIKE 'procrastinate\\_%'"
            )
        ):
            op.execute(sa.text(f"DROP FUNCTION IF EXISTS {signature} CASCADE"))
        for (name,) in bind.execute(
            sa.text(
                "SELECT t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace "
                "WHERE n.nspname = current_schema() AND t.typname LIKE 'procrastinate\\_%' "
                "AND t.typtype IN ('e', 'c')"
            )
        ):
            op.execute(sa.text(f'DROP TYPE IF EXISTS "{name}" CASCADE'))
    op.drop_table("notification_delivery")
    op.drop_table("notification_event")
    op.drop_table("notification_preference")
    op.drop_table("job_run")

"""follow-up: visit outcomes and metric snapshots

Revision ID: f01a0b5e7c11
Revises: b093468e9c20
Create Date: 2026-11-23 10:50:00

"""
from alembic import op
import sqlalchemy as sa


revision = "f01a0b5e7c11"
down_revision = "b093468e9c20"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "visit_outcomes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("visit_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("done_by_id", sa.Integer(), nullable=True),
        sa.Column("replaced_id", sa.Integer(), nullable=True),
        sa.Column("moved_start", sa.DateTime(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["done_by_id"], ["staff_members.id"], name=op.f("fk_visit_outcomes_done_by_id_staff_members")),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["users.id"], name=op.f("fk_visit_outcomes_recorded_by_id_users")),
        sa.ForeignKeyConstraint(["replaced_id"], ["staff_members.id"], name=op.f("fk_visit_outcomes_replaced_id_staff_members")),
        sa.ForeignKeyConstraint(["visit_id"], ["visits.id"], name=op.f("fk_visit_outcomes_visit_id_visits")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visit_outcomes")),
        sa.UniqueConstraint("visit_id", name=op.f("uq_visit_outcomes_visit_id")),
    )
    op.create_table(
        "metric_snapshots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("definition", sa.String(length=40), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("computed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], name=op.f("fk_metric_snapshots_team_id_teams")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_metric_snapshots")),
        sa.UniqueConstraint("team_id", "week_start", "definition", name=op.f("uq_metric_snapshots_team_id_week_start_definition")),
    )
    with op.batch_alter_table("metric_snapshots", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_metric_snapshots_team_id"), ["team_id"], unique=False)


def downgrade():
    with op.batch_alter_table("metric_snapshots", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_metric_snapshots_team_id"))
    op.drop_table("metric_snapshots")
    op.drop_table("visit_outcomes")

"""team edit rule policy, staff wishes

Revision ID: c4e1d2a7b9f3
Revises: f01a0b5e7c11
Create Date: 2026-11-23 10:55:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c4e1d2a7b9f3'
down_revision = 'f01a0b5e7c11'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('teams', schema=None) as batch_op:
        batch_op.add_column(sa.Column('edit_rule_policy', sa.String(length=20), server_default='refuse', nullable=False))

    op.create_table('staff_wishes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=30), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['staff_id'], ['staff_members.id'], name=op.f('fk_staff_wishes_staff_id_staff_members'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_wishes'))
    )
    with op.batch_alter_table('staff_wishes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_wishes_staff_id'), ['staff_id'], unique=False)


def downgrade():
    with op.batch_alter_table('staff_wishes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_wishes_staff_id'))

    op.drop_table('staff_wishes')
    with op.batch_alter_table('teams', schema=None) as batch_op:
        batch_op.drop_column('edit_rule_policy')

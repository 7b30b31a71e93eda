"""plans: the published plan each day of a version was built on

Revision ID: d7a3f9e2c410
Revises: c4e1d2a7b9f3
Create Date: 2026-11-25 09:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd7a3f9e2c410'
down_revision = 'c4e1d2a7b9f3'
branch_labels = None
depends_on = None


def upgrade():
    # Versions made before this have no record (NULL); scheduling/plans.py then takes the
    # plan they were copied from (based_on_id) for the days it covers.
    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.add_column(sa.Column('base_by_day', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.drop_column('base_by_day')

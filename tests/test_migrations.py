"""The Alembic migrations build the schema from empty, match the models, and downgrade."""

import os
from pathlib import Path

import flask_migrate
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from app import create_app
from config import TestConfig
from extensions import db

MIGRATIONS = str(Path(__file__).resolve().parent.parent / "migrations")


@pytest.fixture
def empty_app(tmp_path):
    url = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path / 'migrate.db'}"

    class MigrationConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = url

    app = create_app(MigrationConfig)
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as conn:
            conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
        yield app
        db.session.remove()
        db.drop_all()
        with db.engine.begin() as conn:
            conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))


def test_upgrade_from_empty_matches_the_models(empty_app):
    flask_migrate.upgrade(directory=MIGRATIONS)
    tables = set(sa.inspect(db.engine).get_table_names())
    assert set(db.metadata.tables) <= tables
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, db.metadata)
    assert diff == [], "models changed without a migration: run flask db migrate"


def test_downgrade_to_empty(empty_app):
    flask_migrate.upgrade(directory=MIGRATIONS)
    flask_migrate.downgrade(directory=MIGRATIONS, revision="base")
    assert set(sa.inspect(db.engine).get_table_names()) <= {"alembic_version"}

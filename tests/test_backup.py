"""Durability: SQLite in WAL mode; `flask backup` / `flask restore` round trip on the test
database (SQLite, or PostgreSQL when TEST_DATABASE_URL names one)."""

import sqlalchemy as sa

from app import create_app
from clients.models import Client
from config import TestConfig
from teams.models import Team, User


def _state(db) -> dict:
    return {
        "teams": sorted(db.session.scalars(sa.select(Team.name))),
        "clients": sorted(db.session.scalars(sa.select(Client.name))),
        "users": sorted(db.session.scalars(sa.select(User.username))),
    }


def test_backup_and_restore_round_trip(app, world, db, tmp_path):
    before = _state(db)
    path = tmp_path / "teamplan.backup"
    runner = app.test_cli_runner()
    result = runner.invoke(args=["backup", str(path)])
    assert result.exit_code == 0, result.output
    assert path.stat().st_size > 0

    db.session.delete(db.session.get(Client, world.client_b.id))
    db.session.add(Team(name="Efter backup", area="Ryd"))
    db.session.commit()
    assert _state(db) != before

    result = runner.invoke(args=["restore", "--yes", str(path)])
    assert result.exit_code == 0, result.output
    db.session.remove()
    assert _state(db) == before
    # The restored database is usable: ids continue where they were.
    db.session.add(Team(name="Efter återställning", area="Ryd"))
    db.session.commit()


def test_restore_refuses_a_file_that_is_not_a_backup(app, world, db, tmp_path):
    bad = tmp_path / "bad.backup"
    bad.write_text("DROP TABLE teams;\n")
    result = app.test_cli_runner().invoke(args=["restore", "--yes", str(bad)])
    assert result.exit_code != 0
    assert "not" in result.output and "backup" in result.output
    assert db.session.scalar(sa.select(sa.func.count(Team.id))) == 2
    missing = app.test_cli_runner().invoke(args=["restore", "--yes", str(tmp_path / "none")])
    assert missing.exit_code != 0


class FileConfig(TestConfig):
    pass


def test_sqlite_file_runs_in_wal_mode(tmp_path):
    FileConfig.SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'wal.db'}"
    app = create_app(FileConfig)
    from extensions import db

    with app.app_context():
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10000
        db.engine.dispose()

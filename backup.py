"""`flask backup PATH` and `flask restore PATH`: a consistent copy of the whole database.

SQLite: the sqlite3 online backup API, page by page, so the copy is consistent while the app
keeps running (WAL included); the backup is itself an SQLite file. Restore copies it back the
same way, in one step.
PostgreSQL: `pg_dump` in plain SQL (`--clean --if-exists --no-owner`); restore replays it with
`psql --single-transaction -v ON_ERROR_STOP=1`, so a failed restore changes nothing. The client
tools must be of the server's major version (Debian: postgresql-client).
Restore replaces everything in the database: stop the web workers and the scheduler first.
"""

from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path

import click
from flask import Flask

from extensions import db

PG_DUMP_MARK = "PostgreSQL database dump"


class BackupError(click.ClickException):
    pass


def register(app: Flask) -> None:
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)


def _url():
    return db.engine.url


def _libpq_url() -> str:
    """The database URL as pg_dump and psql read it (no SQLAlchemy driver name)."""
    return _url().set(drivername="postgresql").render_as_string(hide_password=False)


def backup(path: Path) -> None:
    """Write a consistent copy of the app's database to path."""
    path = Path(path)
    if _url().get_backend_name() == "sqlite":
        raw = db.engine.raw_connection()
        try:
            with sqlite3.connect(path) as target:
                raw.driver_connection.backup(target)
            target.close()
        finally:
            raw.close()
        return
    _run(["pg_dump", "--clean", "--if-exists", "--no-owner", "-f", str(path), _libpq_url()])


def restore(path: Path) -> None:
    """Replace the app's database with the backup at path (all or nothing)."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"No backup at {path}.")
    db.session.remove()
    if _url().get_backend_name() == "sqlite":
        _restore_sqlite(path)
    else:
        if PG_DUMP_MARK not in path.read_text(errors="replace")[:500]:
            raise BackupError(f"{path} is not a PostgreSQL backup made by flask backup.")
        db.engine.dispose()  # no pooled connection may hold a lock on a table being replaced
        _run(["psql", "-q", "-X", "--single-transaction", "-v", "ON_ERROR_STOP=1",
              "-f", str(path), "-d", _libpq_url()])  # fmt: skip


def _restore_sqlite(path: Path) -> None:
    try:
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        ok = source.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        tables = {r[0] for r in source.execute("SELECT name FROM sqlite_master")}
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} is not an SQLite backup: {exc}") from exc
    if not ok or "teams" not in tables:
        source.close()
        raise BackupError(f"{path} is not a Teamplan backup (or it is damaged).")
    raw = db.engine.raw_connection()
    try:
        source.backup(raw.driver_connection)
    finally:
        source.close()
        raw.close()


def _run(args: list[str]) -> None:
    try:
        done = subprocess.run(args, capture_output=True, text=True, timeout=3600)
    except FileNotFoundError as exc:
        raise BackupError(
            f"{args[0]} is not installed (apt-get install postgresql-client)."
        ) from exc
    if done.returncode != 0:
        raise BackupError(f"{args[0]} failed: {done.stderr.strip()[-2000:]}")


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(path: Path) -> None:
    """Write a consistent copy of the database to PATH (SQLite file or pg_dump SQL)."""
    backup(path)
    click.echo(f"Backup written to {path}.")


@click.command("restore")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask before replacing the database.")
def restore_command(path: Path, yes: bool) -> None:
    """Replace the whole database with the backup at PATH (stop the app first)."""
    if not yes:
        click.confirm("This replaces everything in the database. Continue?", abort=True)
    restore(path)
    click.echo(f"Database restored from {path}.")

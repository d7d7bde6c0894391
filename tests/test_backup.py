"""`flask backup` / `flask restore`: a consistent copy restores into a fresh
database with the same counts; PostgreSQL gets pg_dump guidance."""

from __future__ import annotations

import pytest

from app import create_app
from app.backup import table_counts
from app.db import db
from config import TestingConfig


@pytest.fixture
def sqlite_app(tmp_path):
    """An app on its own SQLite file (backup is SQLite's online API)."""

    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'live.sqlite3'}"
        UPLOAD_DIR = str(tmp_path / "live-uploads")

    application = create_app(Config)
    with application.app_context():
        from flask_migrate import upgrade

        upgrade()
    return application


def _invoke(application, *args: str):
    """Run a CLI command against `application` (not the suite's shared app)."""
    with application.app_context():
        return application.test_cli_runner().invoke(args=list(args))


def test_backup_then_restore_into_a_fresh_database(sqlite_app, tmp_path):
    assert _invoke(sqlite_app, "seed-demo").exit_code == 0
    with sqlite_app.app_context():
        before = table_counts()
    assert before["user"] > 50 and before["department"] >= 22
    scan = tmp_path / "live-uploads" / "ab" / "abcdef"
    scan.parent.mkdir(parents=True)
    scan.write_bytes(b"%PDF-1.4 scanned agreement")
    backup_file = tmp_path / "backup.sqlite3"
    result = _invoke(sqlite_app, "backup", str(backup_file))
    assert result.exit_code == 0, result.output
    again = _invoke(sqlite_app, "backup", str(backup_file))
    assert again.exit_code != 0 and "已存在" in again.output

    class Fresh(TestingConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
        UPLOAD_DIR = str(tmp_path / "fresh-uploads")

    fresh = create_app(Fresh)
    with fresh.app_context():
        from flask_migrate import upgrade

        upgrade()
        assert table_counts()["user"] == 0
    result = _invoke(fresh, "restore", str(backup_file), "--yes")
    assert result.exit_code == 0, result.output
    with fresh.app_context():
        assert table_counts() == before
        db.session.remove()
    assert (tmp_path / "fresh-uploads" / "ab" / "abcdef").read_bytes() == b"%PDF-1.4 scanned agreement"


def test_restore_refuses_a_file_that_is_not_a_backup(sqlite_app, tmp_path):
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"not a database at all" * 100)
    result = _invoke(sqlite_app, "restore", str(junk), "--yes")
    assert result.exit_code != 0
    assert "不是" in result.output
    missing = _invoke(sqlite_app, "restore", str(tmp_path / "nope"), "--yes")
    assert missing.exit_code != 0 and "找不到" in missing.output


def test_postgres_backup_prints_pg_dump_guidance(tmp_path):
    class Pg(TestingConfig):
        SQLALCHEMY_DATABASE_URI = "postgresql+psycopg://crm:secret@db.internal/crm"

    application = create_app(Pg)
    result = _invoke(application, "backup", str(tmp_path / "x.dump"))
    assert result.exit_code != 0
    assert "pg_dump --format=custom" in result.output
    assert "secret" not in result.output

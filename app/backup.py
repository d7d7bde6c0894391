"""Consistent backups. SQLite: the online backup API copies a live database
page by page into a file (safe while the app runs), and the stored
attachments go into a tar.gz beside it. PostgreSQL: pg_dump is the right
tool; we print the exact commands (and the upload folder to copy) instead of
re-inventing it."""

from __future__ import annotations

import sqlite3
import tarfile
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from app.db import db
from app.refusals import Refusal


class BackupError(Refusal):
    """A backup or restore that cannot proceed; the message is for the user."""


def _sqlite_path() -> str | None:
    url = db.engine.url
    if url.get_backend_name() != "sqlite":
        return None
    if not url.database or url.database == ":memory:":
        raise BackupError("内存数据库无法备份。")
    return url.database


def postgres_guidance(target: str) -> str:
    url = db.engine.url.set(drivername="postgresql").render_as_string(hide_password=True)
    return (
        "PostgreSQL 请使用 pg_dump / pg_restore（一致性快照，可在运行中执行）：\n"
        f"  pg_dump --format=custom --file={target} '{url}'\n"
        f"  pg_restore --clean --if-exists --no-owner --dbname='{url}' {target}\n"
        "（密码通过 PGPASSWORD 或 ~/.pgpass 提供。）\n"
        f"附件目录请一并备份：{current_app.config['UPLOAD_DIR']}"
    )


def uploads_archive(target: Path) -> Path:
    """Where the attachments of backup `target` go."""
    return target.with_name(target.name + ".uploads.tar.gz")


def backup_to(target: str | Path) -> int:
    """Write a consistent copy of the SQLite database to `target` and the
    stored attachments to `<target>.uploads.tar.gz`; returns the database
    copy's size. Raises BackupError with pg_dump guidance on PostgreSQL."""
    target = Path(target)
    source_path = _sqlite_path()
    if source_path is None:
        raise BackupError(postgres_guidance(str(target)))
    if target.exists() or uploads_archive(target).exists():
        raise BackupError(f"目标文件已存在：{target}（为防止覆盖，请换一个文件名）。")
    target.parent.mkdir(parents=True, exist_ok=True)
    db.session.remove()
    with sqlite3.connect(source_path) as source, sqlite3.connect(target) as dest:
        source.backup(dest)
    _archive_uploads(uploads_archive(target))
    return target.stat().st_size


def _archive_uploads(archive: Path) -> None:
    """Attachments are written once under random names and never changed,
    so copying them after the database snapshot is consistent with it."""
    folder = Path(current_app.config["UPLOAD_DIR"])
    with tarfile.open(archive, "w:gz") as tar:
        if folder.is_dir():
            tar.add(folder, arcname="uploads")


def _restore_uploads(archive: Path) -> None:
    if not archive.is_file():
        return
    folder = Path(current_app.config["UPLOAD_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive, "r:gz") as tar:
        for member in tar.getmembers():
            if not member.isfile() or not member.name.startswith("uploads/") or ".." in Path(member.name).parts:
                continue
            destination = folder / Path(member.name).relative_to("uploads")
            destination.parent.mkdir(parents=True, exist_ok=True)
            source = tar.extractfile(member)
            if source is not None:
                destination.write_bytes(source.read())


def restore_from(source: str | Path) -> None:
    """Replace the current SQLite database with the backup in `source`."""
    source = Path(source)
    target_path = _sqlite_path()
    if target_path is None:
        raise BackupError(postgres_guidance(str(source)))
    if not source.is_file():
        raise BackupError(f"找不到备份文件：{source}")
    with sqlite3.connect(source) as check:
        try:
            ok = check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            has_schema = check.execute("SELECT count(*) FROM sqlite_master WHERE name='alembic_version'").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"备份文件不是有效的数据库：{exc}") from None
    if not ok or not has_schema:
        raise BackupError("备份文件不完整或不是本系统的数据库。")
    db.session.remove()
    db.engine.dispose()
    with sqlite3.connect(source) as src, sqlite3.connect(target_path) as dest:
        src.backup(dest)
    db.engine.dispose()
    _restore_uploads(uploads_archive(source))


def table_counts() -> dict[str, int]:
    """Row counts of every table (to compare a backup with its source)."""
    return {
        table.name: db.session.scalar(sa.select(sa.func.count()).select_from(table)) or 0
        for table in db.metadata.sorted_tables
    }

"""Shared by the bench scripts: an app on a given database, migrated fresh."""

from __future__ import annotations

import os

from flask import Flask

from app import create_app
from config import TestingConfig


def fresh_app(database_url: str) -> Flask:
    """An app on `database_url`, emptied and migrated to head."""
    if database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgresql://") :]

    class BenchConfig(TestingConfig):
        SQLALCHEMY_DATABASE_URI = database_url
        TESTING = False

    app = create_app(BenchConfig)
    with app.app_context():
        from flask_migrate import upgrade

        from app.db import db

        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        elif database_url.startswith("sqlite:///") and database_url != "sqlite://":
            path = database_url[len("sqlite:///") :]
            db.engine.dispose()
            for suffix in ("", "-wal", "-shm"):
                if os.path.exists(path + suffix):
                    os.remove(path + suffix)
        upgrade()
    return app

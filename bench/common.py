"""Shared by the bench scripts: an app on a given database, migrated fresh."""

from __future__ import annotations

import os

from flask import Flask

from app import create_app
from config import TestingConfig


def sqlalchemy_url(database_url: str) -> str:
    """`postgresql://…` spelled for psycopg 3; anything else unchanged."""
    if database_url.startswith("postgresql://"):
        return "postgresql+psycopg://" + database_url[len("postgresql://") :]
    return database_url


def open_app(database_url: str) -> Flask:
    """An app on an existing (seeded) database, left as it is."""
    database_url = sqlalchemy_url(database_url)

    class BenchConfig(TestingConfig):
        SQLALCHEMY_DATABASE_URI = database_url
        TESTING = False

    return create_app(BenchConfig)


def fresh_app(database_url: str) -> Flask:
    """An app on `database_url`, emptied and migrated to head."""
    database_url = sqlalchemy_url(database_url)
    app = open_app(database_url)
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

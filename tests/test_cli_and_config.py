"""CLI tasks and configuration."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app import create_app
from app.backup import table_counts
from app.db import db
from app.demo import DEMO_PASSWORD
from app.models import Department, DepartmentKind, Role, User
from config import ProductionConfig


def test_seed_demo_creates_district_and_is_idempotent(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    counts = {
        kind: db.session.scalar(sa.select(sa.func.count(Department.id)).where(Department.kind == kind))
        for kind in DepartmentKind
    }
    assert counts[DepartmentKind.TOWN] == 18
    assert counts[DepartmentKind.ZONE] >= 3
    assert counts[DepartmentKind.BUREAU] == 1
    before = table_counts()
    assert before["lead"] >= 200 and before["project"] >= 50 and before["agreement"] > 0 and before["target"] > 0
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    after = table_counts()
    assert after == before  # every table: seeding twice duplicates nothing
    roles = dict(
        db.session.execute(
            sa.select(User.username, User.role).where(User.username.in_(["admin", "leader", "staff", "viewer"]))
        ).all()
    )
    assert roles == {"admin": Role.ADMIN, "leader": Role.LEADER, "staff": Role.STAFF, "viewer": Role.VIEWER}
    staff = db.session.scalar(sa.select(User).where(User.username == "staff"))
    assert staff.department.kind is DepartmentKind.TOWN


def test_demo_sign_ins_work(app, client):
    app.test_cli_runner().invoke(args=["seed-demo"])
    for username in ("admin", "leader", "staff", "viewer"):
        response = client.post("/auth/login", data={"username": username, "password": DEMO_PASSWORD})
        assert response.status_code == 302, username
        client.post("/auth/logout")


def test_create_admin_command(app, client):
    result = app.test_cli_runner().invoke(
        args=["create-admin", "--username", "boss", "--name", "局长", "--password", "Boss-Pass-2026"]
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(sa.select(User).where(User.username == "boss"))
    assert user.role is Role.ADMIN
    weak = app.test_cli_runner().invoke(
        args=["create-admin", "--username", "boss2", "--name", "局长", "--password", "123"]
    )
    assert weak.exit_code != 0 and "密码" in weak.output


def test_demo_data_refused_in_production(app):
    app.config["DEMO_DATA_ALLOWED"] = False
    try:
        result = app.test_cli_runner().invoke(args=["seed-demo"])
    finally:
        app.config["DEMO_DATA_ALLOWED"] = True
    assert result.exit_code != 0
    assert "生产环境" in result.output
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0


def test_production_refuses_to_start_without_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(ProductionConfig)
    monkeypatch.setenv("SECRET_KEY", "short")
    with pytest.raises(RuntimeError):
        create_app(ProductionConfig)


def test_database_url_selects_database(monkeypatch):
    from importlib import reload

    import config

    monkeypatch.setenv("DATABASE_URL", "postgres://u@localhost/db")
    try:
        reload(config)
        assert config.Config.SQLALCHEMY_DATABASE_URI == "postgresql+psycopg://u@localhost/db"
        monkeypatch.delenv("DATABASE_URL")
        reload(config)
        assert config.Config.SQLALCHEMY_DATABASE_URI.startswith("sqlite:///")
        assert config.Config.SQLALCHEMY_DATABASE_URI.endswith("instance/zhaoshang.sqlite3")
    finally:
        monkeypatch.delenv("DATABASE_URL", raising=False)
        reload(config)


def test_sqlite_foreign_keys_are_on(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    assert db.session.execute(sa.text("PRAGMA foreign_keys")).scalar() == 1

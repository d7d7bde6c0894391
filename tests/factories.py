"""Record factories for tests: each returns a flushed model with sensible
defaults that a test overrides by keyword."""

from __future__ import annotations

import itertools
from typing import Any

from app.auth.passwords import hash_password
from app.db import db
from app.models import DataScope, Department, DepartmentKind, Role, User

_seq = itertools.count(1)
_hash_cache: dict[str, str] = {}


def _hash(password: str) -> str:
    if password not in _hash_cache:
        _hash_cache[password] = hash_password(password)
    return _hash_cache[password]


def department(name: str | None = None, kind: DepartmentKind = DepartmentKind.TOWN, **fields: Any) -> Department:
    dept = Department(name=name or f"测试部门{next(_seq)}", kind=kind, **fields)
    db.session.add(dept)
    db.session.flush()
    return dept


def user(
    role: str | Role = Role.STAFF,
    *,
    username: str | None = None,
    password: str = "Correct-Horse-42",
    department: Department | None = None,
    scope: DataScope | None = None,
    **fields: Any,
) -> User:
    role = Role(role) if isinstance(role, str) else role
    if department is None and role is Role.STAFF:
        department = globals()["department"]()
    if scope is None:
        scope = DataScope.DEPARTMENT if role is Role.STAFF else DataScope.ALL
    n = next(_seq)
    person = User(
        username=username or f"{role.value}{n}",
        name=fields.pop("name", f"用户{n}"),
        role=role,
        scope=scope,
        department=department,
        password_hash=_hash(password),
        active=fields.pop("active", True),
        **fields,
    )
    db.session.add(person)
    db.session.flush()
    return person


def wipe_database() -> None:
    """Delete every row of every table (children first)."""
    db.session.rollback()
    tables = list(reversed(db.metadata.sorted_tables))
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            conn.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
        else:
            for table in tables:
                conn.execute(table.delete())

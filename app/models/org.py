"""Organisation: departments (with optional parent), users with role and data
scope, and the admin-editable reference lists."""

from __future__ import annotations

from datetime import datetime
from typing import Optional

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import db, enum_column, utcnow
from app.models.enums import DataScope, DepartmentKind, RefKind, Role
from app.models.mixins import TimestampMixin


class Department(TimestampMixin, db.Model):
    __tablename__ = "department"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100), unique=True, nullable=False)
    short_name: Mapped[Optional[str]] = mapped_column(sa.String(30))
    kind: Mapped[DepartmentKind] = mapped_column(
        enum_column(DepartmentKind), nullable=False, default=DepartmentKind.OTHER, index=True
    )
    parent_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("department.id", ondelete="SET NULL"), index=True)
    sort_order: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    active: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=True)

    parent: Mapped[Optional[Department]] = relationship(remote_side="Department.id", back_populates="children")
    children: Mapped[list[Department]] = relationship(back_populates="parent")
    users: Mapped[list[User]] = relationship(back_populates="department")

    def __repr__(self) -> str:
        return f"<Department {self.id} {self.name}>"


class DepartmentAlias(TimestampMixin, db.Model):
    """Another name a ledger uses for a department (区发改委 for
    区发展和改革委员会, a unit's old name), kept by the admin; matched after
    the name and the abbreviation rules of app/departments.py."""

    __tablename__ = "department_alias"

    id: Mapped[int] = mapped_column(primary_key=True)
    alias: Mapped[str] = mapped_column(sa.String(100), unique=True, nullable=False)  # normalized
    department_id: Mapped[int] = mapped_column(
        sa.ForeignKey("department.id", ondelete="CASCADE"), nullable=False, index=True
    )

    department: Mapped[Department] = relationship()

    def __repr__(self) -> str:
        return f"<DepartmentAlias {self.alias} → {self.department_id}>"


class User(UserMixin, TimestampMixin, db.Model):
    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(50), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(sa.String(50), nullable=False)
    title: Mapped[Optional[str]] = mapped_column(sa.String(50))
    phone: Mapped[Optional[str]] = mapped_column(sa.String(30))
    role: Mapped[Role] = mapped_column(enum_column(Role), nullable=False, index=True)
    scope: Mapped[DataScope] = mapped_column(enum_column(DataScope), nullable=False, default=DataScope.DEPARTMENT)
    department_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("department.id", ondelete="RESTRICT"), index=True
    )
    password_hash: Mapped[str] = mapped_column(sa.String(255), nullable=False)
    active: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=True, index=True)
    # Bumped on sign-out, password change, deactivation and role change:
    # every session and remember-me cookie carrying an older value is refused.
    session_version: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=1)
    # May review (审核) monthly investment reports, beside admins (the bureau).
    reviews_investment: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)
    last_login_at: Mapped[Optional[datetime]] = mapped_column(sa.DateTime)
    password_changed_at: Mapped[Optional[datetime]] = mapped_column(sa.DateTime, default=utcnow)

    department: Mapped[Optional[Department]] = relationship(back_populates="users")

    # Flask-Login: the session stores "id:session_version".
    # The signed-in device's session (a UserSession's secret), set at sign-in
    # and by the loader; part of the id Flask-Login keeps in the cookies.
    login_sid = None  # str | None; not a column

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}:{self.login_sid or ''}"

    @property
    def is_active(self) -> bool:  # type: ignore[override]
        return self.active

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    @property
    def display(self) -> str:
        return f"{self.name}（{self.title}）" if self.title else self.name

    def __repr__(self) -> str:
        return f"<User {self.id} {self.username} {self.role.value}>"


class RefItem(db.Model):
    """One entry of a reference list (source, tier, industry, visit kind,
    problem category, shelve/exit reason)."""

    __tablename__ = "ref_item"
    __table_args__ = (sa.UniqueConstraint("kind", "name", name="uq_ref_item_kind_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[RefKind] = mapped_column(enum_column(RefKind), nullable=False, index=True)
    name: Mapped[str] = mapped_column(sa.String(50), nullable=False)
    sort_order: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    active: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=True)
    # e.g. the reason 其他 requires a note.
    needs_note: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)

    def __repr__(self) -> str:
        return f"<RefItem {self.kind.value}:{self.name}>"


class UserSession(db.Model):
    """One signed-in device: its cookie carries a secret whose SHA-256 is
    stored here. Signing out ends this row only; 退出所有设备 ends them all."""

    __tablename__ = "user_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), nullable=False, index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), nullable=False, unique=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow)
    ip: Mapped[Optional[str]] = mapped_column(sa.String(45))
    user_agent: Mapped[Optional[str]] = mapped_column(sa.String(200))
    ended_at: Mapped[Optional[datetime]] = mapped_column(sa.DateTime)

    def __repr__(self) -> str:
        return f"<UserSession {self.id} user={self.user_id}>"

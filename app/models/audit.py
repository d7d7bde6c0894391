"""The audit trail (操作日志) and file attachments."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import db, utcnow

if TYPE_CHECKING:
    from app.models.org import User


class AuditLog(db.Model):
    """One audited action. Written in the same transaction as the change it
    records; the app offers no way to edit or delete it."""

    __tablename__ = "audit_log"
    __table_args__ = (sa.Index("ix_audit_log_entity", "entity", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow, index=True)
    user_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"), index=True)
    ip: Mapped[Optional[str]] = mapped_column(sa.String(45))
    entity: Mapped[str] = mapped_column(sa.String(40), nullable=False)
    entity_id: Mapped[Optional[int]] = mapped_column(sa.Integer)
    action: Mapped[str] = mapped_column(sa.String(40), nullable=False, index=True)
    summary: Mapped[Optional[str]] = mapped_column(sa.String(500))
    # {"field": [old, new], ...} or free-form detail (e.g. import counts).
    changes: Mapped[Optional[dict[str, Any]]] = mapped_column(sa.JSON)

    user: Mapped[Optional[User]] = relationship()

    def __repr__(self) -> str:
        return f"<AuditLog {self.id} {self.action} {self.entity}:{self.entity_id}>"


class Attachment(db.Model):
    """A stored file (e.g. a scanned agreement). Lives outside the web root
    under a random key; access follows its owner record."""

    __tablename__ = "attachment"
    __table_args__ = (sa.Index("ix_attachment_owner", "owner_type", "owner_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_type: Mapped[str] = mapped_column(sa.String(30), nullable=False)
    owner_id: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    filename: Mapped[str] = mapped_column(sa.String(255), nullable=False)
    content_type: Mapped[str] = mapped_column(sa.String(100), nullable=False)
    size: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    stored_key: Mapped[str] = mapped_column(sa.String(64), nullable=False, unique=True)
    sha256: Mapped[Optional[str]] = mapped_column(sa.String(64))
    uploaded_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow)
    deleted_at: Mapped[Optional[datetime]] = mapped_column(sa.DateTime)

    uploaded_by: Mapped[Optional[User]] = relationship()

    def __repr__(self) -> str:
        return f"<Attachment {self.id} {self.filename}>"


class LoginAttempt(db.Model):
    """Sign-in attempts, kept in the database so that every gunicorn worker
    and app server shares one rate limit."""

    __tablename__ = "login_attempt"
    __table_args__ = (
        sa.Index("ix_login_attempt_username_at", "username", "at"),
        sa.Index("ix_login_attempt_ip_at", "ip", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow)
    username: Mapped[str] = mapped_column(sa.String(50), nullable=False)
    ip: Mapped[Optional[str]] = mapped_column(sa.String(45))
    success: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)

    def __repr__(self) -> str:
        return f"<LoginAttempt {self.username} {self.success}>"


class ApiToken(db.Model):
    """A bearer token for the JSON API. Only its SHA-256 is stored."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), nullable=False, index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), nullable=False, unique=True)
    name: Mapped[Optional[str]] = mapped_column(sa.String(100))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(sa.DateTime, nullable=False)
    last_used_at: Mapped[Optional[datetime]] = mapped_column(sa.DateTime)
    revoked_at: Mapped[Optional[datetime]] = mapped_column(sa.DateTime)
    # 'read' (GET only) or 'write'.
    scope: Mapped[str] = mapped_column(sa.String(10), nullable=False, default="read")

    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<ApiToken {self.id} user={self.user_id}>"


class ImportBatch(db.Model):
    """An uploaded ledger between preview and commit. The file lives in the
    database (not on one server's disk) so any app server can commit it."""

    __tablename__ = "import_batch"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    filename: Mapped[str] = mapped_column(sa.String(255), nullable=False)
    content: Mapped[bytes] = mapped_column(sa.LargeBinary, nullable=False)
    uploaded_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow)
    status: Mapped[str] = mapped_column(sa.String(20), nullable=False, default="previewed")
    rows: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    error_count: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    created_count: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    updated_count: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    committed_at: Mapped[Optional[datetime]] = mapped_column(sa.DateTime)
    # What the commit did, for the result page: {"created": [[id, name], …],
    # "updated": [[id, name, [field labels]], …], "unchanged": [[id, name], …]}.
    summary: Mapped[Optional[dict]] = mapped_column(sa.JSON)

    def __repr__(self) -> str:
        return f"<ImportBatch {self.id} {self.kind} {self.status}>"

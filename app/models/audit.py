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

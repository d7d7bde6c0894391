"""Column mixins shared by business records: timestamps, optimistic-lock
version and archiving (records are archived, never silently deleted)."""

from __future__ import annotations

from datetime import datetime
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from app.db import utcnow


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow, onupdate=utcnow, nullable=False)


class ArchiveMixin:
    archived_at: Mapped[Optional[datetime]] = mapped_column(sa.DateTime, index=True)

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class VersionedMixin:
    """Optimistic locking: SQLAlchemy checks the version on every UPDATE and
    raises StaleDataError when another transaction changed the row first."""

    version: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=1)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict:  # noqa: N805
        return {"version_id_col": cls.__table__.c.version}


class CreatedByMixin:
    @declared_attr
    def created_by_id(cls) -> Mapped[Optional[int]]:  # noqa: N805
        # Indexed: the `own` data scope and "created by me" filter on it.
        return mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"), index=True)

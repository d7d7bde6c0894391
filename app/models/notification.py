"""Notifications (issue 23): the in-app inbox row one person receives, the
outbox of deliveries to robots and e-mail (written in the transaction of the
change that causes them, delivered later by `flask notify-worker`), the
channels admin configures per department or per person, and the kinds a
person has muted."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING, Any, Optional

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import db, enum_column, utcnow
from app.models.mixins import TimestampMixin

if TYPE_CHECKING:
    from app.models.org import Department, User


class ChannelKind(enum.Enum):
    WECOM = "wecom"
    DINGTALK = "dingtalk"
    WEBHOOK = "webhook"
    EMAIL = "email"

    @property
    def label(self) -> str:
        return str(_CHANNEL_LABELS[self])


_CHANNEL_LABELS = {
    ChannelKind.WECOM: _l("企业微信群机器人"),
    ChannelKind.DINGTALK: _l("钉钉自定义机器人"),
    ChannelKind.WEBHOOK: _l("通用 JSON Webhook"),
    ChannelKind.EMAIL: _l("电子邮件"),
}


class OutboxStatus(enum.Enum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"

    @property
    def label(self) -> str:
        return str(_OUTBOX_LABELS[self])


_OUTBOX_LABELS = {
    OutboxStatus.PENDING: _l("待发送"),
    OutboxStatus.SENT: _l("已发送"),
    OutboxStatus.FAILED: _l("发送失败"),
}


class Notification(db.Model):
    """One message in one person's inbox: what happened (kind, short text)
    and the record it points to, as (record kind, id)."""

    __tablename__ = "notification"
    __table_args__ = (
        sa.Index("ix_notification_user_read", "user_id", "read_at"),
        sa.Index("ix_notification_user_created", "user_id", "created_at"),
        # A timed event (a clock falling due, the digest) is written once a day.
        sa.UniqueConstraint("user_id", "dedupe_key", name="uq_notification_user_dedupe"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), nullable=False)
    kind: Mapped[str] = mapped_column(sa.String(40), nullable=False)
    text: Mapped[str] = mapped_column(sa.String(500), nullable=False)
    record_kind: Mapped[Optional[str]] = mapped_column(sa.String(30))
    record_id: Mapped[Optional[int]] = mapped_column(sa.Integer)
    dedupe_key: Mapped[Optional[str]] = mapped_column(sa.String(120))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow)
    read_at: Mapped[Optional[datetime]] = mapped_column(sa.DateTime)

    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<Notification {self.id} user={self.user_id} {self.kind}>"


class NotifyChannel(TimestampMixin, db.Model):
    """A robot or an e-mail address that receives a department's or one
    person's messages (exactly one of the two)."""

    __tablename__ = "notify_channel"
    __table_args__ = (sa.CheckConstraint("(department_id IS NULL) <> (user_id IS NULL)", name="channel_has_one_owner"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ChannelKind] = mapped_column(enum_column(ChannelKind), nullable=False)
    name: Mapped[str] = mapped_column(sa.String(100), nullable=False)
    department_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("department.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    # The robot's webhook URL, or the e-mail address.
    target: Mapped[str] = mapped_column(sa.String(500), nullable=False)
    # 钉钉: the robot's signing secret (加签).
    secret: Mapped[Optional[str]] = mapped_column(sa.String(200))
    events: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=True)
    digest: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=True)
    active: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=True)

    department: Mapped[Optional[Department]] = relationship()
    user: Mapped[Optional[User]] = relationship()

    def __repr__(self) -> str:
        return f"<NotifyChannel {self.id} {self.kind.value}>"


class OutboxMessage(db.Model):
    """One delivery to one channel, retried with backoff until sent or given up."""

    __tablename__ = "outbox_message"
    __table_args__ = (
        sa.Index("ix_outbox_message_status_next", "status", "next_attempt_at"),
        sa.UniqueConstraint("channel_id", "dedupe_key", name="uq_outbox_message_channel_dedupe"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int] = mapped_column(
        sa.ForeignKey("notify_channel.id", ondelete="CASCADE"), nullable=False, index=True
    )
    kind: Mapped[str] = mapped_column(sa.String(40), nullable=False)
    payload: Mapped[dict[str, Any]] = mapped_column(sa.JSON, nullable=False)
    status: Mapped[OutboxStatus] = mapped_column(
        enum_column(OutboxStatus), nullable=False, default=OutboxStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow)
    last_error: Mapped[Optional[str]] = mapped_column(sa.String(500))
    dedupe_key: Mapped[Optional[str]] = mapped_column(sa.String(120))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow)
    sent_at: Mapped[Optional[datetime]] = mapped_column(sa.DateTime)

    channel: Mapped[NotifyChannel] = relationship()

    def __repr__(self) -> str:
        return f"<OutboxMessage {self.id} {self.status.value} attempts={self.attempts}>"


class NotifyPreference(db.Model):
    """A kind one person has muted (a row means muted)."""

    __tablename__ = "notify_preference"
    __table_args__ = (sa.UniqueConstraint("user_id", "kind", name="uq_notify_preference_user_kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), nullable=False)
    kind: Mapped[str] = mapped_column(sa.String(40), nullable=False)

    def __repr__(self) -> str:
        return f"<NotifyPreference user={self.user_id} mutes {self.kind}>"

"""Writes of the 消息 pages: marking read (one's own bookkeeping, not
audited), mutes (audited), channels and retrying a failed delivery (admin,
audited). Flush, never commit; refusals are `NotifyError`."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask_babel import gettext as _

from app import audit
from app.db import db, utcnow
from app.models import ChannelKind, Department, Notification, NotifyChannel, NotifyPreference, OutboxMessage, User
from app.notify import kinds
from app.notify.emitter import queue
from app.notify.worker import retry
from app.refusals import Refusal

CHANNEL_FIELDS = ("kind", "name", "department_id", "user_id", "target", "events", "digest", "active")


class NotifyError(Refusal):
    """A refused change to channels or settings."""


def mark_read(notification: Notification) -> None:
    if notification.read_at is None:
        notification.read_at = utcnow()
        db.session.flush()


def mark_all_read(user: User) -> int:
    result = db.session.execute(
        sa.update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


def set_mutes(user: User, muted: list[str]) -> set[str]:
    """Mute exactly `muted` (mutable kinds only; the others are ignored)."""
    wanted = {code for code in muted if code in kinds.KINDS and kinds.kind(code).mutable}
    rows = db.session.scalars(sa.select(NotifyPreference).where(NotifyPreference.user_id == user.id)).all()
    before = {row.kind for row in rows}
    for row in rows:
        if row.kind not in wanted:
            db.session.delete(row)
    for code in sorted(wanted - before):
        db.session.add(NotifyPreference(user_id=user.id, kind=code))
    if wanted != before:
        audit.record(
            "update",
            "notify_preference",
            user.id,
            changes={"muted": [sorted(before), sorted(wanted)]},
            summary=_("消息免打扰：%(kinds)s", kinds="、".join(kinds.label(c) for c in sorted(wanted)) or "—"),
            user_id=user.id,
        )
    db.session.flush()
    return wanted


def _check(data: dict[str, Any]) -> dict[str, Any]:
    kind = ChannelKind(data.get("kind"))
    name = (data.get("name") or "").strip()
    if not name:
        raise NotifyError(_("请填写名称。"), "name")
    department_id, user_id = data.get("department_id"), data.get("user_id")
    if bool(department_id) == bool(user_id):
        raise NotifyError(_("请选择部门或个人（二选一）。"), "department_id")
    if department_id and db.session.get(Department, department_id) is None:
        raise NotifyError(_("部门不存在。"), "department_id")
    if user_id and db.session.get(User, user_id) is None:
        raise NotifyError(_("用户不存在。"), "user_id")
    target = (data.get("target") or "").strip()
    if kind is ChannelKind.EMAIL:
        if "@" not in target or len(target) > 200 or " " in target:
            raise NotifyError(_("请填写有效的电子邮件地址。"), "target")
    elif urlsplit(target).scheme not in ("http", "https") or not urlsplit(target).netloc:
        raise NotifyError(_("请填写以 http:// 或 https:// 开头的机器人地址。"), "target")
    return {
        "kind": kind,
        "name": name[:100],
        "department_id": department_id or None,
        "user_id": user_id or None,
        "target": target[:500],
        "events": bool(data.get("events")),
        "digest": bool(data.get("digest")),
        "active": bool(data.get("active")),
    }


def save_channel(channel: NotifyChannel | None, data: dict[str, Any], actor: User) -> NotifyChannel:
    """Create or change a channel. The 钉钉 secret is kept unless a new one is
    given, and never written to the audit log (only whether it is set)."""
    values = _check(data)
    before = audit.snapshot(channel, CHANNEL_FIELDS) if channel else {}
    had_secret = bool(channel and channel.secret)
    if channel is None:
        channel = NotifyChannel(**values)
        db.session.add(channel)
    else:
        for key, value in values.items():
            setattr(channel, key, value)
    secret = (data.get("secret") or "").strip()
    if secret:
        channel.secret = secret[:200]
    if channel.kind is not ChannelKind.DINGTALK:
        channel.secret = None
    db.session.flush()
    changes = audit.diff(before, audit.snapshot(channel, CHANNEL_FIELDS))
    if had_secret != bool(channel.secret) or (secret and had_secret):
        changes["secret"] = ["已设置" if had_secret else "未设置", "已设置" if channel.secret else "未设置"]
    audit.record(
        "update" if before else "create",
        "notify_channel",
        channel.id,
        changes=changes,
        summary=f"{channel.kind.label}：{channel.name}",
        user_id=actor.id,
    )
    return channel


def send_test(channel: NotifyChannel, actor: User) -> None:
    """Queue a test message to `channel` (the worker sends it)."""
    queue(channel, "digest", _("这是一条测试消息，由 %(name)s 发送。", name=actor.name), "/notifications/")
    audit.record("test", "notify_channel", channel.id, summary=channel.name, user_id=actor.id)
    db.session.flush()


def retry_message(message: OutboxMessage, actor: User) -> None:
    retry(message)
    audit.record(
        "retry",
        "outbox_message",
        message.id,
        changes={"last_error": message.last_error},
        summary=str(message.payload.get("title", "")),
        user_id=actor.id,
    )
    db.session.flush()

"""Reads for the 消息 pages.

The inbox's query string: `kind` (a kind code; unknown → ignored and said
so), `unread=1` (unread only), `page`, `per_page`. Always the signed-in
person's own notifications, newest first. Each row of a page says whether
its record is still visible to the reader (one query for the page:
`app.permissions.visible_records`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy import orm

from app.db import db
from app.models import Notification, NotifyChannel, OutboxMessage, OutboxStatus, User
from app.notify.kinds import KINDS
from app.pagination import Page, paginate
from app.params import Params
from app.permissions import visible_records


@dataclass
class InboxFilters:
    kind: str | None
    unread: bool

    @classmethod
    def from_args(cls, params: Params) -> InboxFilters:
        return cls(kind=params.choice("kind", "类型", list(KINDS)), unread=params.flag("unread"))

    def conditions(self, user: User) -> list[sa.ColumnElement[bool]]:
        conditions = [Notification.user_id == user.id]
        if self.kind:
            conditions.append(Notification.kind == self.kind)
        if self.unread:
            conditions.append(Notification.read_at.is_(None))
        return conditions


def inbox(user: User, filters: InboxFilters, page: int, per_page: int) -> tuple[Page, set[tuple[str, int]]]:
    """A page of `user`'s notifications and which of their records `user` may still see."""
    conditions = filters.conditions(user)
    newest_first = (Notification.created_at.desc(), Notification.id.desc())
    statement = sa.select(Notification).where(*conditions).order_by(*newest_first)
    count = sa.select(sa.func.count(Notification.id)).where(*conditions)
    result = paginate(statement, page, per_page, count=count)
    visible = visible_records(user, [(n.record_kind, n.record_id) for n in result.items])
    return result, visible


def unread_count(user: User) -> int:
    """The bell's number: one indexed COUNT."""
    return (
        db.session.scalar(
            sa.select(sa.func.count(Notification.id)).where(
                Notification.user_id == user.id, Notification.read_at.is_(None)
            )
        )
        or 0
    )


def muted_kinds(user: User) -> set[str]:
    from app.models import NotifyPreference

    return set(db.session.scalars(sa.select(NotifyPreference.kind).where(NotifyPreference.user_id == user.id)))


def channels(page: int, per_page: int) -> Page:
    statement = (
        sa.select(NotifyChannel)
        .options(orm.joinedload(NotifyChannel.department), orm.joinedload(NotifyChannel.user))
        .order_by(NotifyChannel.department_id.is_(None), NotifyChannel.id)
    )
    return paginate(statement, page, per_page, count=sa.select(sa.func.count(NotifyChannel.id)))


def failed_messages(page: int, per_page: int) -> Page:
    condition = OutboxMessage.status == OutboxStatus.FAILED
    statement = (
        sa.select(OutboxMessage)
        .options(
            orm.joinedload(OutboxMessage.channel).joinedload(NotifyChannel.department),
            orm.joinedload(OutboxMessage.channel).joinedload(NotifyChannel.user),
        )
        .where(condition)
        .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
    )
    return paginate(statement, page, per_page, count=sa.select(sa.func.count(OutboxMessage.id)).where(condition))


def outbox_counts() -> dict[str, Any]:
    """{status: count} of the outbox, for the admin pages' header (one query)."""
    rows = db.session.execute(
        sa.select(OutboxMessage.status, sa.func.count(OutboxMessage.id)).group_by(OutboxMessage.status)
    ).all()
    return {status.value: n for status, n in rows}

"""消息 over the API: one's own notifications (the inbox's filters), marking
one or all read. A notification whose record the caller may no longer see
comes without its text and link, as on the page."""

from __future__ import annotations

from flask_login import current_user
from pydantic import BaseModel, Field

from app.api import bp
from app.api.common import saving
from app.api.core import ApiError, operation
from app.api.schemas import DateTimeOut, Page, PageQuery
from app.models import Notification
from app.notifications import queries, services
from app.notify import kinds
from app.permissions import get_visible_or_404, visible_records

TAG = "消息"


class NotificationQuery(PageQuery):
    kind: str | None = Field(None, max_length=40, description="消息类型（代码）")
    unread: bool = Field(False, description="只看未读")


class NotificationOut(BaseModel):
    id: int
    kind: str
    kind_label: str
    text: str | None = Field(description="记录已不可查看时为 null")
    record_kind: str | None
    record_id: int | None
    link: str | None = Field(description="打开记录的网页地址（打开时再次校验权限）")
    created_at: DateTimeOut
    read_at: DateTimeOut | None


class MarkedOut(BaseModel):
    marked: int


def _out(note: Notification, visible: set[tuple[str, int]]) -> NotificationOut:
    shown = note.record_kind is None or (note.record_kind, note.record_id) in visible
    # The page that opens the record after checking access again.
    link = f"/notifications/{note.id}/open" if note.record_kind else None
    return NotificationOut(
        id=note.id,
        kind=note.kind,
        kind_label=kinds.label(note.kind),
        text=note.text if shown else None,
        record_kind=note.record_kind,
        record_id=note.record_id,
        link=link if shown else None,
        created_at=note.created_at,
        read_at=note.read_at,
    )


@operation(
    bp, "GET", "/notifications", summary="我的消息", tag=TAG, query=NotificationQuery, response=Page[NotificationOut]
)
def list_notifications(query: NotificationQuery):
    if query.kind is not None and query.kind not in kinds.KINDS:
        raise ApiError(422, "消息类型无效。", {"kind": "消息类型无效。"})
    filters = queries.InboxFilters(kind=query.kind, unread=query.unread)
    page, visible = queries.inbox(current_user, filters, query.page, query.per_page)
    return Page[NotificationOut](
        items=[_out(note, visible) for note in page.items], page=page.page, per_page=page.per_page, total=page.total
    )


@operation(
    bp,
    "POST",
    "/notifications/<int:notification_id>/read",
    summary="标为已读",
    tag=TAG,
    response=NotificationOut,
    errors=(404,),
)
def read_notification(notification_id: int):
    note = get_visible_or_404(Notification, notification_id)
    with saving():
        services.mark_read(note)
    return _out(note, visible_records(current_user, [(note.record_kind, note.record_id)]))


@operation(bp, "POST", "/notifications/read-all", summary="全部标为已读", tag=TAG, response=MarkedOut)
def read_all_notifications():
    with saving():
        marked = services.mark_all_read(current_user)
    return MarkedOut(marked=marked)

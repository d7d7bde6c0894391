"""The 消息 pages: the bell (htmx, one COUNT), the inbox with its filters,
mark read / all read, opening a notification rechecks access to its record,
muting kinds, and admin's channels and failed deliveries."""

from __future__ import annotations

import re

import sqlalchemy as sa

from app.db import db
from app.models import (
    AuditLog,
    ChannelKind,
    Notification,
    NotifyChannel,
    NotifyPreference,
    OutboxMessage,
    OutboxStatus,
    Role,
)
from app.notify.emitter import emit, queue
from tests import factories
from tests import factories_projects as fp


def _world():
    dept = factories.department("东城街道")
    member = factories.user(Role.STAFF, department=dept, name="孙丽娜")
    outsider_dept = factories.department("西城街道")
    leader = factories.user(Role.LEADER, name="王建国")
    project = fp.complete_project(leader=leader, department=outsider_dept, team=[member], name="万象城项目")
    db.session.commit()
    return project, member, leader


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_bell_counts_unread_and_is_loaded_by_htmx(client, login_as):
    project, member, _leader = _world()
    login_as(member)
    home = client.get("/").get_data(as_text=True)
    assert 'hx-get="/notifications/bell"' in home and 'hx-trigger="load, every 60s"' in home
    assert "data-unread" not in client.get("/notifications/bell").get_data(as_text=True)
    emit("instruction_new", "王建国 对项目「万象城项目」作出批示：加快", project, users=[member])
    emit("milestone_due", "节点将到期", project, users=[member])
    db.session.commit()
    bell = client.get("/notifications/bell").get_data(as_text=True)
    assert 'data-unread="2"' in bell and "未读消息 2 条" in bell


def test_the_inbox_lists_ones_own_filters_and_marks_read(client, login_as):
    project, member, leader = _world()
    emit("instruction_new", "新批示一", project, users=[member])
    emit("milestone_due", "节点将到期", project, users=[member])
    emit("project_red", "给领导的", project, users=[leader])
    db.session.commit()
    login_as(member)
    page = _text(client.get("/notifications/").get_data(as_text=True))
    assert "新批示一" in page and "节点将到期" in page and "给领导的" not in page and "共 2 条" in page
    page = _text(client.get("/notifications/?kind=milestone_due").get_data(as_text=True))
    assert "节点将到期" in page and "新批示一" not in page
    assert "无效" in client.get("/notifications/?kind=nonsense").get_data(as_text=True)
    first = db.session.scalar(sa.select(Notification).where(Notification.text == "新批示一"))
    client.post(f"/notifications/{first.id}/read")
    page = _text(client.get("/notifications/?unread=1").get_data(as_text=True))
    assert "新批示一" not in page and "节点将到期" in page
    client.post("/notifications/read-all")
    assert db.session.scalar(sa.select(sa.func.count()).where(Notification.read_at.is_(None))) == 1  # the leader's


def test_opening_goes_to_the_record_and_marks_read(client, login_as):
    project, member, _leader = _world()
    emit("instruction_new", "新批示", project, users=[member])
    db.session.commit()
    note = db.session.scalar(sa.select(Notification))
    login_as(member)
    response = client.get(f"/notifications/{note.id}/open")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/projects/{project.id}")
    db.session.refresh(note)
    assert note.read_at is not None


def test_a_record_no_longer_visible_is_neither_shown_nor_opened(client, login_as):
    """Taken off the project's team: the notification stays, but neither its
    text nor the record is shown any more."""
    project, member, _leader = _world()
    emit("instruction_new", "万象城项目：供地批示", project, users=[member])
    db.session.commit()
    note = db.session.scalar(sa.select(Notification))
    project.team = []
    db.session.commit()
    login_as(member)
    page = _text(client.get("/notifications/").get_data(as_text=True))
    assert "供地批示" not in page and "已无权查看" in page
    response = client.get(f"/notifications/{note.id}/open")
    assert response.status_code == 302 and response.headers["Location"].endswith("/notifications/")
    assert f"/projects/{project.id}" not in response.headers["Location"]


def test_someone_elses_notification_answers_404(client, login_as):
    project, member, leader = _world()
    emit("project_red", "给领导的", project, users=[leader])
    db.session.commit()
    note = db.session.scalar(sa.select(Notification))
    login_as(member)
    assert client.get(f"/notifications/{note.id}/open").status_code == 404
    assert client.post(f"/notifications/{note.id}/read").status_code == 404


def test_muting_kinds_but_not_those_addressed_by_name(client, login_as):
    project, member, _leader = _world()
    login_as(member)
    page = client.get("/notifications/settings").get_data(as_text=True)
    assert 'value="lead_due"' in page and "不能关闭" in page
    client.post("/notifications/settings", data={"muted": ["milestone_due", "lead_due"]})
    muted = set(db.session.scalars(sa.select(NotifyPreference.kind).where(NotifyPreference.user_id == member.id)))
    assert muted == {"milestone_due"}  # lead_due is addressed by name: not mutable
    log = db.session.scalar(sa.select(AuditLog).where(AuditLog.entity == "notify_preference"))
    assert log.user_id == member.id and log.changes["muted"] == [[], ["milestone_due"]]
    assert emit("milestone_due", "节点", project, users=[member]).users == []
    assert emit("lead_due", "线索", project, users=[member]).users == [member.id]


def test_admin_configures_channels_and_the_secret_stays_out_of_the_log(client, login_as):
    dept = factories.department("区发改委")
    admin = login_as("admin")
    assert client.get("/notifications/admin/channels").status_code == 200
    response = client.post(
        "/notifications/admin/channels/new",
        data={
            "kind": "dingtalk",
            "name": "发改委工作群",
            "department_id": dept.id,
            "user_id": "",
            "target": "https://oapi.dingtalk.com/robot/send?access_token=t",
            "secret": "SECabc123",
            "events": "y",
            "digest": "y",
            "active": "y",
        },
    )
    assert response.status_code == 302
    channel = db.session.scalar(sa.select(NotifyChannel))
    assert channel.kind is ChannelKind.DINGTALK and channel.secret == "SECabc123" and channel.department_id == dept.id
    log = db.session.scalar(sa.select(AuditLog).where(AuditLog.entity == "notify_channel"))
    assert log.user_id == admin.id and "SECabc123" not in str(log.changes) and log.changes["secret"][1] == "已设置"
    # Neither a department nor a person: refused next to the field.
    page = client.post(
        "/notifications/admin/channels/new",
        data={"kind": "wecom", "name": "x", "target": "https://qyapi.weixin.qq.com/x", "active": "y"},
    ).get_data(as_text=True)
    assert "二选一" in page
    client.post(f"/notifications/admin/channels/{channel.id}/test")
    assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 1


def test_staff_cannot_reach_the_admin_pages(client, login_as):
    login_as("staff")
    assert client.get("/notifications/admin/channels").status_code == 403
    assert client.get("/notifications/admin/failed").status_code == 403


def test_admin_puts_a_failed_delivery_back_in_the_queue(client, login_as):
    dept = factories.department()
    channel = NotifyChannel(kind=ChannelKind.WECOM, name="群", department_id=dept.id, target="http://127.0.0.1:9/x")
    db.session.add(channel)
    db.session.flush()
    queue(channel, "problem_assigned", "问题交办", "/problems/1")
    message = db.session.scalar(sa.select(OutboxMessage))
    message.status, message.attempts, message.last_error = OutboxStatus.FAILED, 6, "HTTP 500"
    db.session.commit()
    login_as("admin")
    assert "HTTP 500" in client.get("/notifications/admin/failed").get_data(as_text=True)
    client.post(f"/notifications/admin/failed/{message.id}/retry")
    db.session.refresh(message)
    assert message.status is OutboxStatus.PENDING and message.attempts == 0
    assert db.session.scalar(sa.select(AuditLog).where(AuditLog.entity == "outbox_message")).action == "retry"


def test_the_api_lists_ones_own_and_marks_read(client):
    from tests.factories_api import bearer

    project, member, leader = _world()
    emit("instruction_new", "新批示", project, users=[member])
    emit("project_red", "给领导的", project, users=[leader])
    db.session.commit()
    headers = bearer(member)
    body = client.get("/api/v1/notifications", headers=headers).get_json()
    assert body["total"] == 1
    (item,) = body["items"]
    assert item["text"] == "新批示" and item["kind_label"] == "新批示" and item["read_at"] is None
    assert item["link"] == f"/notifications/{item['id']}/open"
    assert client.get("/api/v1/notifications?kind=nope", headers=headers).status_code == 422
    answer = client.post(f"/api/v1/notifications/{item['id']}/read", headers=headers)
    assert answer.status_code == 200 and answer.get_json()["read_at"]
    leaders = db.session.scalar(sa.select(Notification.id).where(Notification.user_id == leader.id))
    assert client.post(f"/api/v1/notifications/{leaders}/read", headers=headers).status_code == 404
    assert client.post("/api/v1/notifications/read-all", headers=bearer(leader)).get_json() == {"marked": 1}
    # Off the team: the text is withheld, as on the page.
    project.team = []
    db.session.commit()
    (item,) = client.get("/api/v1/notifications", headers=headers).get_json()["items"]
    assert item["text"] is None and item["link"] is None

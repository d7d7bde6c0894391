"""联审联批会 pages: the admin records a meeting and the decision for each
item, edits it under optimistic locking (a stale form is refused, nothing
written), removes a decision by clearing it; everyone reads the list and
the page, but sees only the decisions on items they may see — and nothing
about the others; the printable record."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from app.approvals import services
from app.db import db
from app.models import ApprovalDecision, ApprovalMeeting, AuditLog, Stage
from tests import factories
from tests import factories_approvals as fa
from tests import factories_projects as fp

TODAY = dt.date(2026, 7, 10)


@pytest.fixture
def world(set_today):
    set_today(TODAY)
    east = factories.department("东城街道")
    west = factories.department("西城街道")
    housing = factories.department("区住建局")
    admin = factories.user("admin", name="管理员")
    leader = factories.user("leader", name="李副区长")
    east_project = fp.project(
        name="智能装备产业园", department=east, stage=Stage.LANDED, created_on=dt.date(2026, 1, 5)
    )
    west_project = fp.project(name="西城物流港", department=west, stage=Stage.LANDED, created_on=dt.date(2026, 1, 5))
    east_item = fa.item(east_project, admin, housing, due_on=TODAY + dt.timedelta(days=20))
    west_item = fa.item(west_project, admin, housing, kind="建设用地规划许可", due_on=TODAY + dt.timedelta(days=5))
    db.session.commit()
    return {
        "east": east,
        "west": west,
        "admin": admin,
        "leader": leader,
        "east_item": east_item,
        "west_item": west_item,
    }


def _meeting(world, decisions, title="第3次联审联批会"):
    meeting = services.save_meeting(
        {"title": title, "held_on": TODAY - dt.timedelta(days=1), "chair_id": world["leader"].id},
        decisions,
        world["admin"],
    )
    db.session.commit()
    return meeting


def test_the_admin_records_a_meeting_with_a_decision_per_item(client, login_as, world):
    login_as(world["admin"])
    form = client.get("/approvals/meetings/new")
    assert form.status_code == 200
    text = form.get_data(as_text=True)
    # open items listed, the earliest due first
    assert text.index("西城物流港") < text.index("智能装备产业园")
    response = client.post(
        "/approvals/meetings/new",
        data={
            "title": "2026年第3次联审联批会",
            "held_on": "2026-07-08",
            "chair_id": str(world["leader"].id),
            "notes": "区政府常务会议室",
            f"decision-{world['east_item'].id}": "住建局10个工作日内办结施工许可",
            f"decision-{world['west_item'].id}": "",
        },
    )
    assert response.status_code == 302
    meeting = db.session.scalar(sa.select(ApprovalMeeting))
    assert (meeting.title, meeting.held_on, meeting.chair_id) == (
        "2026年第3次联审联批会",
        dt.date(2026, 7, 8),
        world["leader"].id,
    )
    assert [(d.item_id, d.decision) for d in meeting.decisions] == [
        (world["east_item"].id, "住建局10个工作日内办结施工许可")
    ]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "住建局10个工作日内办结施工许可" in page
    assert f"/approvals/items/{world['east_item'].id}" in page
    listing = client.get("/approvals/meetings").get_data(as_text=True)
    assert "2026年第3次联审联批会" in listing and "李副区长" in listing and "新建" in listing


def test_refusals_write_nothing(client, login_as, world):
    login_as(world["admin"])
    base = {"title": "会议", "held_on": "2026-07-11", f"decision-{world['east_item'].id}": "推进"}
    response = client.post("/approvals/meetings/new", data=base)
    assert response.status_code == 200
    assert "会议日期不能晚于今天" in response.get_data(as_text=True)
    response = client.post("/approvals/meetings/new", data={**base, "held_on": "2026-07-09", "decision-999999": "x"})
    assert "所列审批事项不存在或已不可选" in response.get_data(as_text=True)
    response = client.post("/approvals/meetings/new", data={**base, "held_on": "2026-07-09", "title": ""})
    assert "请填写会议名称" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(ApprovalMeeting.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(ApprovalDecision.id))) == 0


def test_an_edit_changes_and_removes_decisions_under_a_version(client, login_as, world):
    meeting = _meeting(world, {world["east_item"].id: "限期办结", world["west_item"].id: "补充材料"})
    login_as(world["admin"])
    form = client.get(f"/approvals/meetings/{meeting.id}/edit").get_data(as_text=True)
    assert "限期办结" in form and "补充材料" in form
    data = {
        "title": "第3次联审联批会",
        "held_on": "2026-07-09",
        "chair_id": str(world["leader"].id),
        "version": str(meeting.version),
        f"decision-{world['east_item'].id}": "7月底前办结",
        f"decision-{world['west_item'].id}": "",
    }
    assert client.post(f"/approvals/meetings/{meeting.id}/edit", data=data).status_code == 302
    db.session.expire_all()
    assert [(d.item_id, d.decision) for d in meeting.decisions] == [(world["east_item"].id, "7月底前办结")]
    assert meeting.version == 2
    log = db.session.scalars(
        sa.select(AuditLog).where(AuditLog.entity == "approval_meeting").order_by(AuditLog.id.desc())
    ).first()
    assert str(world["west_item"].id) in log.changes["decisions_removed"]
    # the same (now stale) form again: refused, nothing written
    stale = client.post(f"/approvals/meetings/{meeting.id}/edit", data={**data, "title": "改名"})
    assert stale.status_code == 200
    db.session.expire_all()
    assert meeting.title == "第3次联审联批会" and meeting.version == 2


def test_a_viewer_sees_only_the_decisions_on_items_they_may_see(client, login_as, world):
    meeting = _meeting(world, {world["east_item"].id: "东城决定", world["west_item"].id: "西城决定"})
    login_as("staff", department=world["east"])
    page = client.get(f"/approvals/meetings/{meeting.id}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "东城决定" in text and "智能装备产业园" in text
    assert "西城决定" not in text and "西城物流港" not in text and "隐藏" not in text
    printed = client.get(f"/approvals/meetings/{meeting.id}/print").get_data(as_text=True)
    assert "联审联批会会议记录" in printed and "东城决定" in printed and "西城决定" not in printed
    listing = client.get("/approvals/meetings").get_data(as_text=True)
    assert "第3次联审联批会" in listing and "新建" not in listing
    row = listing[listing.index("第3次联审联批会") :]
    assert '<td class="text-end">1</td>' in row
    assert client.get("/approvals/meetings/new").status_code == 403
    assert client.get(f"/approvals/meetings/{meeting.id}/edit").status_code == 403


def _statements(client, url: str) -> int:
    client.get(url)  # warm-up
    sent: list[str] = []

    def before(_conn, _cursor, statement, *_args):
        sent.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", before)
    try:
        assert client.get(url).status_code == 200
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", before)
    return len(sent)


def test_query_counts_follow_the_page_not_the_rows(client, login_as, world):
    """(bench/cases.py has no meetings yet: the list and page are counted here.)"""
    housing = world["east_item"].department
    projects = [
        fp.project(name=f"项目{n}", department=world["east"], stage=Stage.LANDED, created_on=dt.date(2026, 1, 5))
        for n in range(6)
    ]
    items = [fa.item(p, world["admin"], housing, due_on=TODAY) for p in projects]
    first = _meeting(world, {items[0].id: "决定", items[1].id: "决定"}, title="会议一")
    login_as("staff", department=world["east"])
    few_list, few_page = (
        _statements(client, "/approvals/meetings"),
        _statements(client, f"/approvals/meetings/{first.id}"),
    )
    for n in range(4):
        _meeting(world, {item.id: f"决定{n}" for item in items}, title=f"会议{n + 2}")
    services.save_meeting(
        {"title": "会议一", "held_on": first.held_on}, {item.id: "决定" for item in items}, world["admin"], first
    )
    db.session.commit()
    assert _statements(client, "/approvals/meetings") <= few_list <= 10
    assert _statements(client, f"/approvals/meetings/{first.id}") <= few_page

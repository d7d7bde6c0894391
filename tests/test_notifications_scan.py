"""The daily scan (`flask notify-scan`) and the digest, for a fixed clock:
a lead clock due tomorrow and one overdue since today → the owner; a
milestone due in 3 days → the team; a problem reaching 黄色督办 → the
responsible department; a key project turning red → its leader, with the
reason; on Monday the desk summary → the leader; the monthly report due →
the team; the digest's content; run twice, nothing is written twice."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from app.db import db
from app.models import (
    ChannelKind,
    LeadStatus,
    Notification,
    NotifyChannel,
    OutboxMessage,
    ProblemStatus,
    Role,
)
from app.notify import scan
from app.notify.cli import notify_scan
from app.notify.digest import person_digest
from tests import factories
from tests import factories_delivery as fd
from tests import factories_leads as fl
from tests import factories_projects as fp

MONDAY = dt.date(2026, 12, 7)


def days(n: int) -> dt.date:
    return MONDAY + dt.timedelta(days=n)


def rows(kind: str) -> list[Notification]:
    return list(db.session.scalars(sa.select(Notification).where(Notification.kind == kind).order_by(Notification.id)))


@pytest.fixture
def district(set_today):
    set_today(MONDAY)

    class W:
        pass

    w = W()
    w.east = factories.department("东城街道")
    w.land = factories.department("区自然资源局")
    w.owner = factories.user(Role.STAFF, department=w.east, name="孙丽娜")
    w.colleague = factories.user(Role.STAFF, department=w.east, name="周敏")
    w.land_staff = factories.user(Role.STAFF, department=w.land, name="资规一")
    w.leader = factories.user(Role.LEADER, name="王建国")
    company = fl.company("华润置业有限公司")
    w.due_lead = fl.lead(
        company=company,
        department=w.east,
        owner=w.owner,
        status=LeadStatus.CONTACTED,
        title="华润万象城",
        received_on=days(-3),
    )
    w.late_lead = fl.lead(
        company=fl.company("比亚迪股份有限公司"),
        department=w.east,
        owner=w.owner,
        status=LeadStatus.CONTACTED,
        title="比亚迪电池基地",
        received_on=days(-4),
    )
    w.project = fp.complete_project(MONDAY, leader=w.leader, department=w.east, team=[w.colleague], name="万象城项目")
    w.milestone = fp.milestone(w.project, name="完成土地挂牌", due_on=days(3))
    fp.milestone(w.project, name="完成规划方案", due_on=days(-1))  # overdue since today: the light turns red
    # A problem long overdue on another leader's project (red since long: not "turning red" today).
    w.other_project = fp.complete_project(MONDAY, department=w.east, team=[w.colleague], name="科创园项目")
    w.problem = fp.problem(
        w.other_project,
        status=ProblemStatus.ASSIGNED,
        deadline=days(-8),
        department=w.land,
        description="用地指标未落实",
    )
    db.session.commit()
    return w


def test_the_scan_tells_each_person_what_falls_due(district):
    w = district
    counts = scan.run(MONDAY)
    db.session.commit()
    (due,) = rows("lead_due")
    assert due.user_id == w.owner.id and due.record_id == w.due_lead.id
    assert due.text == "线索「华润万象城」的研判时限明天到期"
    (late,) = rows("lead_overdue")
    assert late.user_id == w.owner.id and late.text == "线索「比亚迪电池基地」已超过研判时限"
    (milestone,) = rows("milestone_due")
    assert milestone.user_id == w.colleague.id
    assert milestone.text == "项目「万象城项目」的节点「完成土地挂牌」将于 2026-12-10 到期"
    (escalated,) = rows("problem_escalated")
    assert escalated.user_id == w.land_staff.id and "黄色督办" in escalated.text
    (red,) = rows("project_red")
    assert red.user_id == w.leader.id and "万象城项目" in red.text and "完成规划方案" in red.text
    desks = {note.user_id: note for note in rows("desk_weekly")}
    assert set(desks) == {w.leader.id, w.other_project.responsible_leader_id}
    desk = desks[w.leader.id]
    assert desk.record_kind == "desk" and "分包项目 1 个，红灯 1" in desk.text
    assert counts["lead_due"] == counts["lead_overdue"] == counts["milestone_due"] == 1


def test_the_scan_runs_once_a_day(district, app):
    runner = app.test_cli_runner()
    first = runner.invoke(notify_scan, ["--date", MONDAY.isoformat()])
    assert first.exit_code == 0, first.output
    before = db.session.scalar(sa.select(sa.func.count(Notification.id)))
    second = runner.invoke(notify_scan, ["--date", MONDAY.isoformat()])
    assert second.exit_code == 0 and "无新提醒" in second.output
    assert db.session.scalar(sa.select(sa.func.count(Notification.id))) == before > 0


def test_no_desk_summary_but_on_monday(district):
    scan.run(days(1))
    db.session.commit()
    assert rows("desk_weekly") == []


def test_the_monthly_report_falls_due_for_the_team(set_today):
    third = set_today(dt.date(2026, 12, 3))
    member = factories.user(Role.STAFF, name="周敏")
    reported = fp.complete_project(third, team=[member], name="已填报项目")
    waiting = fp.complete_project(third, team=[member], name="未填报项目")
    admin = factories.user(Role.ADMIN)
    for project in (reported, waiting):
        fd.plan(project, admin, year=2026)
    fd.report(reported, admin, month=dt.date(2026, 11, 1), completed=100)
    db.session.commit()
    scan.run(third)
    db.session.commit()
    (note,) = rows("report_due")
    assert note.user_id == member.id and note.text == "项目「未填报项目」2026年11月的投资月报请于 2026-12-05 前填报"


def test_the_digest_for_a_fixed_day(district):
    w = district
    fp.milestone(w.project, name="签订投资协议", due_on=days(-2))
    db.session.add_all(
        [
            NotifyChannel(kind=ChannelKind.EMAIL, name="孙丽娜邮箱", user_id=w.owner.id, target="sun@example.cn"),
            NotifyChannel(kind=ChannelKind.EMAIL, name="周敏邮箱", user_id=w.colleague.id, target="zhou@example.cn"),
            NotifyChannel(kind=ChannelKind.WECOM, name="资规局群", department_id=w.land.id, target="http://x/"),
            NotifyChannel(kind=ChannelKind.EMAIL, name="王建国邮箱", user_id=w.leader.id, target="w@example.cn"),
        ]
    )
    db.session.commit()
    assert person_digest(w.owner, MONDAY).text() == (
        "孙丽娜，2026-12-07 待办提醒\n"
        "已超期（1）：\n"
        "· 线索「比亚迪电池基地」已超过研判时限\n"
        "即将到期（1）：\n"
        "· 线索「华润万象城」研判时限明天到期"
    )
    assert person_digest(w.colleague, MONDAY).text() == (
        "周敏，2026-12-07 待办提醒\n"
        "已超期（2）：\n"
        "· 节点「万象城项目：签订投资协议」12-05 到期\n"
        "· 节点「万象城项目：完成规划方案」12-06 到期\n"
        "即将到期（1）：\n"
        "· 节点「万象城项目：完成土地挂牌」12-10 到期"
    )
    scan.run(MONDAY)
    db.session.commit()
    messages = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.kind == "digest")).all()
    by_channel = {m.channel.name: m.payload["text"] for m in messages}
    assert set(by_channel) == {"孙丽娜邮箱", "周敏邮箱", "资规局群", "王建国邮箱"}
    assert by_channel["资规局群"] == (
        "区自然资源局 2026-12-07 待办提醒\n已超期（1）：\n· 问题「科创园项目：用地指标未落实」时限 11-29"
    )
    assert "节点「万象城项目：完成规划方案」12-06 到期" in by_channel["王建国邮箱"]
    # Once a day: the second run queues nothing more.
    scan.run(MONDAY)
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).where(OutboxMessage.kind == "digest")) == 4


def test_nothing_due_no_digest(set_today):
    set_today(MONDAY)
    quiet = factories.user(Role.STAFF, name="清闲")
    db.session.add(NotifyChannel(kind=ChannelKind.EMAIL, name="邮箱", user_id=quiet.id, target="q@example.cn"))
    db.session.commit()
    assert person_digest(quiet, MONDAY).empty
    scan.run(MONDAY)
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 0

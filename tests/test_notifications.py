"""Notifications (issue 23): each event tells exactly the people the issue
names — and nobody out of scope; muting; the inbox rows and the outbox
messages are written in the transaction of the change and rolled back with it."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from app import clock
from app.approvals import services as approvals
from app.companies import conflicts
from app.db import db
from app.lookups import ref_id
from app.models import (
    ChannelKind,
    CompanyConflict,
    ImportBatch,
    Notification,
    NotifyChannel,
    NotifyPreference,
    OutboxMessage,
    RefKind,
    Role,
)
from app.notify.emitter import emit
from app.problems import services as problems
from app.projects import instructions
from tests import factories
from tests import factories_leads as fl
from tests import factories_projects as fp

TODAY = clock.today()


def told(kind: str) -> set[int]:
    """The users holding a notification of `kind`."""
    return set(db.session.scalars(sa.select(Notification.user_id).where(Notification.kind == kind)))


@pytest.fixture
def world():
    """A project of department A with a leader and a two-person team (one of
    them from department C); staff of A off the team; department B, which
    problems are assigned to, with two staff; an outsider department D; an
    admin and a viewer."""

    class W:
        pass

    w = W()
    w.a, w.b, w.c, w.d = (factories.department(name) for name in ("东城街道", "区自然资源局", "区发改委", "西城街道"))
    w.leader = factories.user(Role.LEADER, name="王建国")
    w.other_leader = factories.user(Role.LEADER, name="李副区长")
    w.member = factories.user(Role.STAFF, department=w.a, name="孙丽娜")
    w.member_c = factories.user(Role.STAFF, department=w.c, name="周敏")
    w.a_staff = factories.user(Role.STAFF, department=w.a, name="东城其他人")
    w.b1 = factories.user(Role.STAFF, department=w.b, name="资规一")
    w.b2 = factories.user(Role.STAFF, department=w.b, name="资规二")
    w.d_staff = factories.user(Role.STAFF, department=w.d, name="西城人员")
    w.admin = factories.user(Role.ADMIN, name="管理员")
    w.viewer = factories.user(Role.VIEWER, name="督查")
    w.project = fp.complete_project(leader=w.leader, department=w.a, team=[w.member, w.member_c], name="万象城项目")
    db.session.commit()
    return w


def _problem(w):
    problem = problems.raise_problem(w.project, ref_id(RefKind.PROBLEM_CATEGORY, "土地"), "用地指标未落实", w.member)
    db.session.commit()
    return problem


def test_a_new_instruction_tells_the_team_only(world):
    instructions.post_instruction(world.project, "本月底前完成供地", world.leader)
    db.session.commit()
    assert told("instruction_new") == {world.member.id, world.member_c.id}
    note = db.session.scalar(sa.select(Notification).where(Notification.user_id == world.member.id))
    assert note.record_kind == "project" and note.record_id == world.project.id
    assert "王建国" in note.text and "万象城项目" in note.text and "本月底前完成供地" in note.text


def test_an_answered_instruction_tells_the_leader_by_name(world):
    instruction = instructions.post_instruction(world.project, "加快供地", world.leader)
    instructions.answer_instruction(instruction, "已完成挂牌前准备", world.member, version=instruction.version)
    db.session.commit()
    assert told("instruction_answered") == {world.leader.id}


def test_an_assigned_problem_tells_the_team_and_the_responsible_department(world):
    problem = _problem(world)
    problems.assign_problem(problem, world.b.id, TODAY + dt.timedelta(days=10), world.admin, version=problem.version)
    db.session.commit()
    assert told("problem_assigned") == {world.member.id, world.member_c.id, world.b1.id, world.b2.id}


def test_a_problem_sent_back_tells_the_team_and_the_department(world):
    problem = _problem(world)
    problems.assign_problem(problem, world.b.id, TODAY + dt.timedelta(days=10), world.admin, version=problem.version)
    problems.answer_problem(problem, "已协调", world.b1, version=problem.version)
    problems.return_problem(problem, "未落实指标", world.member, version=problem.version)
    db.session.commit()
    # The one who sent it back is not told of their own step.
    assert told("problem_returned") == {world.member_c.id, world.b1.id, world.b2.id}


def test_a_leaders_supervision_tells_the_responsible_department_only(world):
    problem = _problem(world)
    problems.assign_problem(problem, world.b.id, TODAY + dt.timedelta(days=10), world.admin, version=problem.version)
    problems.supervise_problem(problem, "请本周内协调到位", world.leader, version=problem.version)
    db.session.commit()
    assert told("problem_supervised") == {world.b1.id, world.b2.id}
    text = db.session.scalar(sa.select(Notification.text).where(Notification.kind == "problem_supervised"))
    assert "王建国" in text and "蓝色督办" in text


def test_an_approval_item_tells_the_approving_department(world):
    approvals.add_item(
        world.project,
        {"type_id": ref_id(RefKind.APPROVAL_TYPE, "施工许可"), "department_id": world.b.id, "due_on": TODAY},
        world.member,
    )
    db.session.commit()
    assert told("approval_assigned") == {world.b1.id, world.b2.id}


def test_a_new_conflict_tells_the_admins_and_its_ruling_the_leads_owner(world):
    company = fl.company("华润置业有限公司")
    fl.lead(company=company, department=world.a, owner=world.a_staff)
    claim = fl.lead(company=company, department=world.d, owner=world.d_staff, title="华润万象城二期")
    db.session.commit()
    assert told("conflict_opened") == {world.admin.id}
    conflict = db.session.scalar(sa.select(CompanyConflict))
    conflicts.rule_conflict(conflict, "share", world.admin, {"note": "共同跟进"})
    db.session.commit()
    assert told("conflict_ruled") == {world.d_staff.id}
    note = db.session.scalar(sa.select(Notification).where(Notification.kind == "conflict_ruled"))
    assert note.record_kind == "lead" and note.record_id == claim.id and "华润万象城二期" in note.text


def test_a_batch_of_conflicts_sends_one_summary(world):
    second_admin = factories.user(Role.ADMIN)
    companies = [fl.company(f"企业{i}") for i in range(3)]
    for company in companies:
        fl.lead(company=company, department=world.a, owner=world.a_staff)
    db.session.commit()
    from app.models import Lead, LeadStatus

    leads = []
    for company in companies:
        lead = Lead(
            company_id=company.id,
            title="导入的线索",
            owner_department_id=world.d.id,
            received_on=TODAY,
            status=LeadStatus.NEW,
            status_changed_at=clock.utcnow(),
        )
        lead.company = company
        db.session.add(lead)
        leads.append(lead)
    db.session.flush()
    conflicts.sync_new_leads_conflicts(leads, world.d_staff)
    db.session.commit()
    rows = db.session.scalars(sa.select(Notification).where(Notification.kind == "conflict_opened")).all()
    assert sorted(r.user_id for r in rows) == sorted([world.admin.id, second_admin.id])
    assert all("3 起撞单" in r.text for r in rows)


def test_a_failed_import_tells_the_admins(world, monkeypatch):
    from app.imports import streaming

    batch = ImportBatch(kind="leads", filename="线索台账.xlsx", content=b"x", uploaded_by_id=world.a_staff.id)
    db.session.add(batch)
    db.session.commit()

    def boom(*_args, **_kwargs):
        raise RuntimeError("disk full")
        yield  # pragma: no cover

    monkeypatch.setattr(streaming, "iter_commit_batch", boom)
    outcomes = list(streaming.commit_streaming(batch, world.a_staff))
    assert not outcomes[-1]
    db.session.rollback()
    assert told("import_failed") == {world.admin.id}


def test_people_who_may_not_see_the_record_are_not_told(world):
    """A department whose staff cannot see the project: nobody there gets a
    row, and its robot gets only the kind, no project name."""
    channel = NotifyChannel(kind=ChannelKind.WECOM, name="西城群", department_id=world.d.id, target="http://x/")
    db.session.add(channel)
    db.session.flush()
    result = emit("problem_assigned", "万象城项目：机密", world.project, departments=[world.d.id], admins=True)
    db.session.commit()
    assert set(result.users) == {world.admin.id}
    message = db.session.scalar(sa.select(OutboxMessage))
    assert message.channel_id == channel.id and "万象城" not in message.payload["text"]


def test_a_muted_kind_is_not_delivered_but_one_addressed_by_name_is(world):
    db.session.add(NotifyPreference(user_id=world.member.id, kind="instruction_new"))
    db.session.add(NotifyPreference(user_id=world.leader.id, kind="instruction_answered"))  # cannot be muted
    db.session.commit()
    instruction = instructions.post_instruction(world.project, "加快供地", world.leader)
    instructions.answer_instruction(instruction, "已完成", world.member_c, version=instruction.version)
    db.session.commit()
    assert told("instruction_new") == {world.member_c.id}
    assert told("instruction_answered") == {world.leader.id}


def test_the_outbox_is_written_with_the_change_and_rolled_back_with_it(world):
    db.session.add_all(
        [
            NotifyChannel(kind=ChannelKind.WECOM, name="资规局群", department_id=world.b.id, target="http://x/"),
            NotifyChannel(kind=ChannelKind.EMAIL, name="孙丽娜邮箱", user_id=world.member.id, target="s@x.cn"),
        ]
    )
    problem = _problem(world)
    problems.assign_problem(problem, world.b.id, TODAY + dt.timedelta(days=10), world.admin, version=problem.version)
    assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 2  # flushed in the same transaction
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(Notification.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 0
    problem = db.session.get(type(problem), problem.id)
    assert problem.responsible_department_id is None  # the change itself went too

    problems.assign_problem(problem, world.b.id, TODAY + dt.timedelta(days=10), world.admin, version=problem.version)
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 2
    assert told("problem_assigned") == {world.member.id, world.member_c.id, world.b1.id, world.b2.id}


def test_a_ledger_of_items_for_one_department_asks_for_its_staff_once(world, count_queries):
    """An import adds many approval items in one transaction: after the first,
    an item's notification costs only its own INSERT (staff, mutes and
    channels are read once per transaction)."""
    data = {"type_id": ref_id(RefKind.APPROVAL_TYPE, "施工许可"), "department_id": world.b.id, "due_on": TODAY}
    approvals.add_item(world.project, data, world.member)
    item = approvals.add_item(
        world.project, dict(data, type_id=ref_id(RefKind.APPROVAL_TYPE, "环评批复")), world.member
    )
    from app.notify import events

    with count_queries() as sent:
        events.approval_assigned(item, "环评批复", world.member)
    assert sent() <= 2  # the INSERT of its two rows (one each on SQLite), nothing read
    db.session.commit()
    assert len(db.session.scalars(sa.select(Notification).where(Notification.user_id == world.b1.id)).all()) == 3


def test_an_inspections_rectification_request_tells_the_responsible_department(world):
    from app.inspections import services as inspections
    from app.models import RefItem

    finding = db.session.scalar(sa.select(RefItem.id).where(RefItem.kind == RefKind.INSPECTION_FINDING))
    inspection = inspections.record_inspection(
        {
            "inspected_on": TODAY,
            "kind": "inspection",
            "department_id": world.d.id,
            "responsible_department_id": world.b.id,
            "finding_ids": [finding],
            "description": "窗口办件超时",
            "requirement": "十日内完成整改并报送整改情况",
            "deadline": TODAY + dt.timedelta(days=10),
        },
        world.viewer,
    )
    db.session.commit()
    assert told("inspection_rectification") == {world.b1.id, world.b2.id}
    note = db.session.scalar(sa.select(Notification).where(Notification.kind == "inspection_rectification"))
    assert note.record_kind == "inspection" and note.record_id == inspection.id
    assert "十日内完成整改" in note.text

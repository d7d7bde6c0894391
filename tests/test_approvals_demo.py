"""`flask seed-demo`'s 联审联批 step: the key projects past 签约 get their
approval items in every status, each owned by its approving department,
overdue ones at all three 督办 levels turning projects red, two meetings
deciding several items, a sign-in for the 住建局's approvals; twice adds
nothing."""

from __future__ import annotations

import sqlalchemy as sa

from app import clock
from app.approvals.rules import escalation_expression
from app.auth.passwords import DEMO_PASSWORD
from app.db import db
from app.demo import DEMO_SIGN_INS, DemoContext
from app.demo import approvals as demo_approvals
from app.demo import org as demo_org
from app.demo import projects as demo_projects
from app.models import (
    ApprovalDecision,
    ApprovalItem,
    ApprovalMeeting,
    ApprovalStatus,
    AuditLog,
    Department,
    Project,
    RefItem,
    Stage,
    User,
)
from app.permissions import can_approve_item
from app.projects.lights import light_details


def counts() -> tuple[int, ...]:
    return tuple(
        db.session.scalar(sa.select(sa.func.count()).select_from(model))
        for model in (ApprovalItem, ApprovalMeeting, ApprovalDecision, AuditLog)
    )


def _seed(today):
    ctx = DemoContext(today=today)
    demo_org.seed(ctx)
    demo_projects.seed(ctx)
    return demo_approvals.seed(ctx)


def test_the_demo_projects_have_approvals_in_every_status_overdue_at_every_level_and_meetings():
    today = clock.today()
    summary = _seed(today)
    assert "审批事项新增" in summary and "联审联批会新增 2 次" in summary

    statuses = set(db.session.scalars(sa.select(ApprovalItem.status).distinct()))
    assert statuses == set(ApprovalStatus)
    reasons = db.session.scalars(
        sa.select(ApprovalItem.not_needed_reason).where(ApprovalItem.status == ApprovalStatus.NOT_NEEDED)
    ).all()
    assert reasons and all(reasons)
    levels = set(db.session.scalars(sa.select(escalation_expression(today)).distinct()))
    assert levels == {0, 1, 2, 3}  # 蓝, 黄 and 红 督办 all show

    # Only key projects past 签约 have items; every one of them has some.
    stages = set(db.session.scalars(sa.select(Project.stage).join(ApprovalItem.project).distinct()))
    assert stages <= {Stage.SIGNED, Stage.LANDED, Stage.CONSTRUCTION, Stage.PRODUCTION}
    past_signing = set(
        db.session.scalars(
            sa.select(Project.id).where(
                Project.is_key.is_(True),
                Project.archived_at.is_(None),
                Project.stage.in_([Stage.SIGNED, Stage.LANDED, Stage.CONSTRUCTION, Stage.PRODUCTION]),
            )
        )
    )
    assert set(db.session.scalars(sa.select(ApprovalItem.project_id).distinct())) == past_signing

    # Built projects had every item settled by their 开工.
    built = db.session.scalars(
        sa.select(ApprovalItem)
        .join(ApprovalItem.project)
        .where(Project.stage.in_([Stage.CONSTRUCTION, Stage.PRODUCTION]))
    ).all()
    assert built and all(not item.is_open for item in built)
    assert all(
        item.approved_on <= item.project.construction_on for item in built if item.status is ApprovalStatus.APPROVED
    )

    # Each type is owned by its approving department.
    owners = (
        sa.select(RefItem.name, Department.name)
        .select_from(ApprovalItem)
        .join(RefItem, RefItem.id == ApprovalItem.type_id)
        .join(Department, Department.id == ApprovalItem.department_id)
        .distinct()
    )
    pairs = db.session.execute(owners).all()
    owner = dict(pairs)
    assert len(owner) == len(pairs)  # one department per type
    assert owner["施工许可"] == owner["消防设计审查"] == "区住房和城乡建设局"
    assert owner["立项（备案/核准）"] == owner["节能审查"] == "区发展和改革委员会"
    assert owner["建设用地规划许可"] == "区自然资源局"
    assert owner["环评批复"] == "区生态环境分局"

    meetings = db.session.scalars(sa.select(ApprovalMeeting)).all()
    assert len(meetings) == 2 and all(len(m.decisions) >= 3 for m in meetings)
    assert all(m.held_on <= today and m.chair is not None for m in meetings)

    lights = light_details(past_signing, today)
    late = [r for info in lights.values() for r in info.reasons if r.startswith("审批『") and "逾期" in r]
    assert len(late) >= 3

    before = counts()
    assert demo_approvals.seed(DemoContext(today=today)).startswith("联审联批：审批事项新增 0 项")
    assert counts() == before


def test_the_housing_bureau_signs_in_and_approves_its_items(client):
    _seed(clock.today())
    assert "zjj" in dict(DEMO_SIGN_INS)
    zjj = db.session.scalar(sa.select(User).where(User.username == "zjj"))
    open_items = db.session.scalars(
        sa.select(ApprovalItem).where(ApprovalItem.status.in_([ApprovalStatus.PENDING, ApprovalStatus.SUBMITTED]))
    ).all()
    own = [item for item in open_items if item.department_id == zjj.department_id]
    assert own and all(can_approve_item(zjj, item) for item in own)
    assert not any(can_approve_item(zjj, item) for item in open_items if item.department_id != zjj.department_id)
    db.session.commit()
    response = client.post("/auth/login", data={"username": "zjj", "password": DEMO_PASSWORD})
    assert response.status_code == 302

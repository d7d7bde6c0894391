"""联审联批: approval items' status moves and their refusals (an approval
before its submission, a future 办结, another department's item), escalation
on its boundaries with a fixed clock, the light's reason, and the 开工 guard
with its note (容缺受理)."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from app.approvals import rules, services
from app.approvals.services import ApprovalError
from app.db import db
from app.escalation import Escalation
from app.models import ApprovalItem, ApprovalStatus, AuditLog, Light, Project, Stage, StageChange
from app.projects.lights import light_details, light_expression
from app.projects.services import StageError, move_stage
from tests import factories
from tests import factories_approvals as fa
from tests import factories_projects as fp

TODAY = dt.date(2026, 7, 10)


@pytest.fixture
def world(set_today):
    set_today(TODAY)
    east = factories.department("东城街道")
    housing = factories.department("区住建局")
    world = {
        "east": east,
        "housing": housing,
        "admin": factories.user("admin"),
        "team": factories.user("staff", department=east),
        "approver": factories.user("staff", department=housing),
        "project": fp.project(
            name="智能装备产业园",
            department=east,
            stage=Stage.LANDED,
            created_on=dt.date(2026, 1, 5),
            last_progress_on=TODAY,
        ),
    }
    db.session.commit()
    return world


def test_an_item_moves_from_pending_to_submitted_to_approved(world):
    item = fa.item(world["project"], world["team"], world["housing"], due_on=TODAY + dt.timedelta(days=30))
    assert item.status is ApprovalStatus.PENDING
    services.submit(item, TODAY - dt.timedelta(days=3), world["team"])
    assert (item.status, item.submitted_on) == (ApprovalStatus.SUBMITTED, TODAY - dt.timedelta(days=3))
    services.approve(item, TODAY, world["approver"])
    assert (item.status, item.approved_on) == (ApprovalStatus.APPROVED, TODAY)
    actions = db.session.scalars(
        sa.select(AuditLog.summary).where(AuditLog.entity == "approval_item", AuditLog.entity_id == item.id)
    ).all()
    assert len(actions) == 3 and actions[-1].endswith("施工许可 办结")


def test_refusals_name_what_is_wrong(world):
    item = fa.item(
        world["project"], world["team"], world["housing"], due_on=TODAY, submitted_on=TODAY - dt.timedelta(days=2)
    )
    with pytest.raises(ApprovalError, match="办结日期 2026-07-07 早于申报日期 2026-07-08"):
        services.approve(item, TODAY - dt.timedelta(days=3), world["approver"])
    with pytest.raises(ApprovalError, match="办结日期不能晚于今天"):
        services.approve(item, TODAY + dt.timedelta(days=1), world["approver"])
    with pytest.raises(ApprovalError, match="由区住建局审批，只有该部门可以标记办结"):
        services.approve(item, TODAY, world["team"])
    with pytest.raises(ApprovalError, match="申报日期不能晚于今天"):
        fa.item(
            world["project"], world["team"], world["housing"], due_on=TODAY, submitted_on=TODAY + dt.timedelta(days=1)
        )
    with pytest.raises(ApprovalError, match="办结须由审批部门（区住建局）标记"):
        fa.item(world["project"], world["team"], world["housing"], due_on=TODAY, approved_on=TODAY)
    with pytest.raises(ApprovalError, match="须写明原因"):
        services.not_needed(item, " ", world["team"])
    assert item.status is ApprovalStatus.SUBMITTED


@pytest.mark.parametrize(
    ("overdue_days", "level"),
    [
        (0, Escalation.NONE),
        (1, Escalation.BLUE),
        (7, Escalation.BLUE),
        (8, Escalation.YELLOW),
        (14, Escalation.YELLOW),
        (15, Escalation.RED),
    ],
)
def test_escalation_by_overdue_weeks(world, overdue_days, level):
    item = fa.item(world["project"], world["team"], world["housing"], due_on=TODAY - dt.timedelta(days=overdue_days))
    assert rules.escalation_of(item, TODAY) is level
    by_sql = db.session.scalar(sa.select(rules.escalation_expression(TODAY)).where(ApprovalItem.id == item.id))
    assert by_sql == int(level)
    assert (
        db.session.scalar(sa.select(sa.func.count(ApprovalItem.id)).where(rules.escalation_condition(level, TODAY)))
        == 1
    )


def _light(project: Project) -> tuple[Light | None, list[str]]:
    by_sql = db.session.scalar(sa.select(light_expression(TODAY)).where(Project.id == project.id))
    info = light_details([project.id], TODAY)[project.id]
    assert (info.light.value if info.light else None) == by_sql
    return info.light, info.reasons


def test_an_overdue_item_is_a_red_reason_and_an_approved_one_is_not(world):
    project = world["project"]
    assert _light(project)[0] is Light.GREEN
    item = fa.item(project, world["team"], world["housing"], due_on=TODAY - dt.timedelta(days=9))
    assert _light(project) == (Light.RED, ["审批『施工许可』逾期 9 天"])
    services.approve(item, TODAY, world["approver"])
    assert _light(project)[0] is Light.GREEN
    fa.item(project, world["team"], world["housing"], kind="环评批复", due_on=TODAY + dt.timedelta(days=3))
    assert _light(project) == (Light.YELLOW, ["审批『环评批复』3 天后到期"])


def test_starting_construction_with_open_items_needs_a_note_and_records_them(world):
    project = world["project"]
    fa.item(project, world["team"], world["housing"], due_on=TODAY + dt.timedelta(days=20))
    fa.item(project, world["team"], world["housing"], kind="消防设计审查", due_on=TODAY + dt.timedelta(days=20))
    with pytest.raises(
        StageError, match="尚有 2 项审批事项未办结（施工许可、消防设计审查），开工须在说明中写明容缺受理情况"
    ):
        move_stage(project, Stage.CONSTRUCTION, world["team"])
    assert project.stage is Stage.LANDED
    move_stage(project, Stage.CONSTRUCTION, world["team"], note="容缺受理：施工许可承诺 30 日内补齐")
    change = db.session.scalar(sa.select(StageChange).where(StageChange.to_stage == Stage.CONSTRUCTION))
    assert change.note.startswith("容缺受理")
    entry = db.session.scalar(sa.select(AuditLog).where(AuditLog.entity == "project", AuditLog.action == "stage"))
    assert entry.changes["open_approvals"] == ["施工许可", "消防设计审查"]


def test_construction_without_open_items_needs_no_note(world):
    project = world["project"]
    item = fa.item(project, world["team"], world["housing"], due_on=TODAY)
    services.not_needed(item, "已并入规划许可一并办理", world["team"])
    move_stage(project, Stage.CONSTRUCTION, world["team"])
    assert project.stage is Stage.CONSTRUCTION


def test_an_approved_item_keeps_its_submission_date(world):
    item = fa.item(world["project"], world["team"], world["housing"], due_on=TODAY, submitted_on=TODAY)
    services.approve(item, TODAY, world["approver"])
    with pytest.raises(ApprovalError, match="已办结的事项须保留申报日期"):
        services.update_item(item, {"submitted_on": None}, world["team"], version=item.version)
    assert item.submitted_on == TODAY

"""One small district built through the services, for the trust tests (the
access matrix, the bad-input corpus): departments, the eight actors of the
access table, and one of every record a URL can point at — a lead with a
visit, its company, a key project with leader, team, milestone,
instruction, progress, a problem, an agreement with a scan, funding, a
signing event, an import batch, API tokens, a 撞单 conflict, the year's
plan and a monthly investment report, an approval item addressed to the
team member's department (开发区管委会 approves it) with its 批复文件 — plus spare
records for the routes that archive or delete what they point at."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from werkzeug.datastructures import FileStorage

from app import attachments, clock
from app.activities import services as activity_services
from app.agreements import services as agreement_services
from app.agreements.funding import record_funding
from app.api.tokens import issue_token
from app.approvals import services as approval_services
from app.db import db
from app.delivery import campaigns as campaign_services
from app.delivery import investments as delivery_investments
from app.delivery import plans as delivery_plans
from app.imports import service as import_service
from app.leads import pipeline
from app.leads import services as lead_services
from app.leads.visits import log_visit
from app.lookups import ref_id
from app.models import (
    AgreementKind,
    Batch,
    CompanyConflict,
    DataScope,
    ImportBatch,
    RefItem,
    RefKind,
    Role,
    Stage,
    User,
)
from app.problems import services as problem_services
from app.projects import follow_through
from app.projects.services import create_project
from app.reviews import services as review_services
from tests import factories, factories_chains, factories_inspections

PASSWORD = "Correct-Horse-42"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64

# The actors of the access table, in its column order.
ACTORS = (
    "anon",
    "admin",
    "leader_assigned",
    "leader_other",
    "staff_own",
    "staff_other",
    "team_member",
    "viewer",
)


@dataclass
class World:
    users: dict[str, User]
    ids: dict[str, int] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)

    def user(self, actor: str) -> User | None:
        return self.users.get(actor)


def _lead(actor: User, department_id: int, title: str, company_name: str, **extra: Any):
    data = {
        "title": title,
        "company_name": company_name,
        "owner_department_id": department_id,
        "owner_user_id": actor.id if actor.department_id == department_id else None,
        "intended_investment": Decimal("20000"),
        "received_on": clock.today() - dt.timedelta(days=5),
        **extra,
    }
    return lead_services.create_lead(data, actor, confirm_duplicate=True)


def ledger_bytes() -> bytes:
    """A one-row lead ledger the import service accepts for preview."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["企业名称", "投资意向", "责任单位"])
    sheet.append(["导入测试科技有限公司", "导入的线索", "东城街道"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def build(*, tokens: bool = False) -> World:
    """The district, committed. `tokens=True` also issues a bearer token per
    signed-in actor (World.tokens)."""
    own = factories.department("东城街道")
    other = factories.department("西城街道")
    team_dept = factories.department("开发区管委会")
    users = {
        "admin": factories.user(Role.ADMIN, username="t_admin", name="管理员甲"),
        "leader_assigned": factories.user(Role.LEADER, username="t_leader", name="分包领导甲", title="副区长"),
        "leader_other": factories.user(Role.LEADER, username="t_leader2", name="分包领导乙"),
        "staff_own": factories.user(Role.STAFF, username="t_staff", name="东城招商员", department=own),
        "staff_other": factories.user(Role.STAFF, username="t_other", name="西城招商员", department=other),
        "team_member": factories.user(Role.STAFF, username="t_team", name="专班成员", department=team_dept),
        "viewer": factories.user(Role.VIEWER, username="t_viewer", name="督查员"),
    }
    target = factories.user(Role.STAFF, username="t_target", name="待编辑用户", department=own)
    admin, staff = users["admin"], users["staff_own"]
    world = World(users=users)
    ids = world.ids
    ids.update(own_dept=own.id, other_dept=other.id, team_dept=team_dept.id, target_user=target.id)

    lead = _lead(staff, own.id, "东城机密投资意向", "华润置业有限公司")
    spare_lead = _lead(staff, own.id, "可归档的线索", "宇通客车股份有限公司")
    archived_lead = _lead(staff, own.id, "已归档的线索", "海尔智家股份有限公司")
    delete_lead = _lead(staff, own.id, "刚录错的线索", "格力电器股份有限公司")
    pipeline.archive_lead(archived_lead, staff, "录入重复")
    # Another department reports the same company: a 撞单 conflict for admin.
    _lead(users["staff_other"], other.id, "西城的同一企业线索", "华润置业有限公司", company_id=lead.company_id)
    visit = log_visit(
        {"visited_on": clock.today(), "summary": "介绍营商环境", "participant_ids": [staff.id]},
        staff,
        lead=lead,
    )
    spare_visit = log_visit({"visited_on": clock.today(), "summary": "可撤回的拜访"}, staff, lead=lead)
    ids.update(
        lead=lead.id,
        spare_lead=spare_lead.id,
        archived_lead=archived_lead.id,
        delete_lead=delete_lead.id,
        company=lead.company_id,
        visit=visit.id,
        spare_visit=spare_visit.id,
    )
    ids["conflict"] = db.session.scalar(sa.select(sa.func.min(CompanyConflict.id)))

    project = create_project(
        {
            "name": "东城智能制造产业园",
            "planned_investment": Decimal("50000"),
            "is_key": True,
            "lead_department_id": own.id,
            "responsible_leader_id": users["leader_assigned"].id,
            "company_id": lead.company_id,
            "plan_text": "年内供地开工",
        },
        staff,
        stage=Stage.ATTRACTING,
    )
    project.team = [users["team_member"]]
    spare_project = create_project(
        {"name": "可归档的项目", "planned_investment": Decimal("100"), "lead_department_id": own.id}, staff
    )
    db.session.flush()
    milestone = follow_through.add_milestone(project, "土地挂牌", clock.today() + dt.timedelta(days=40), staff)
    spare_milestone = follow_through.add_milestone(
        project, "可删除的节点", clock.today() + dt.timedelta(days=90), staff
    )
    instruction = follow_through.post_instruction(project, "加快推进", users["leader_assigned"])
    follow_through.add_progress(project, "召开推进会", staff)
    category = ref_id(RefKind.PROBLEM_CATEGORY, "土地")
    problem = problem_services.raise_problem(project, category, "用地指标未落实", staff)
    problem_services.assign_problem(
        problem, own.id, clock.today() + dt.timedelta(days=10), admin, version=problem.version
    )
    agreement = agreement_services.record_agreement(
        project,
        {
            "kind": AgreementKind.INVESTMENT,
            "signed_on": clock.today() - dt.timedelta(days=3),
            "agreed_investment": Decimal("50000"),
            "is_capital_increase": False,
            "our_signatory": "王建国",
            "their_signatory": "企业法人",
        },
        staff,
    )
    agreement_data = {
        "kind": AgreementKind.SUPPLEMENTARY,
        "signed_on": clock.today() - dt.timedelta(days=2),
        "agreed_investment": Decimal("100"),
        "is_capital_increase": False,
    }
    spare_agreement = agreement_services.record_agreement(project, agreement_data, staff)
    archived_agreement = agreement_services.record_agreement(project, agreement_data, staff)
    agreement_services.archive_agreement(archived_agreement, staff, "录入重复")
    scan = attachments.store("agreement", agreement.id, FileStorage(io.BytesIO(PDF), "协议.pdf"), staff)
    spare_scan = attachments.store("agreement", agreement.id, FileStorage(io.BytesIO(PDF), "副本.pdf"), staff)
    funding, _created = record_funding(project, clock.today().replace(day=1), Decimal("1000"), staff)
    spare_funding, _created = record_funding(
        project, (clock.today().replace(day=1) - dt.timedelta(days=1)).replace(day=1), Decimal("500"), staff
    )
    this_year = clock.today().year
    plan, _created = delivery_plans.save_plan(project, this_year, {"planned_investment": Decimal("12000")}, admin)
    spare_plan, _created = delivery_plans.save_plan(
        spare_project, this_year, {"planned_investment": Decimal("100")}, admin
    )
    report = delivery_investments.file_report(project, clock.today().replace(day=1), Decimal("800"), "主体施工", staff)
    report_photo = delivery_investments.add_photo(report, FileStorage(io.BytesIO(PNG), "现场.png"), staff)
    spare_photo = delivery_investments.add_photo(report, FileStorage(io.BytesIO(PNG), "副本.png"), staff)
    event = agreement_services.create_event(
        {"name": "春季签约大会", "held_on": clock.today() - dt.timedelta(days=3), "place": "区行政中心"}, staff
    )
    period = {"starts_on": clock.today() - dt.timedelta(days=30), "ends_on": clock.today() + dt.timedelta(days=60)}
    campaign = campaign_services.save_campaign({"name": "三个一批活动", **period}, admin)
    campaign_item = campaign_services.add_item(campaign, project, Batch.START, admin)
    spare_campaign_item = campaign_services.add_item(campaign, project, Batch.PRODUCE, admin)
    spare_campaign = campaign_services.save_campaign({"name": "可归档的活动", **period}, admin)
    archived_campaign = campaign_services.save_campaign({"name": "已归档的活动", **period}, admin)
    campaign_services.archive_campaign(archived_campaign, admin)
    ids.update(
        campaign=campaign.id,
        campaign_item=campaign_item.id,
        spare_campaign_item=spare_campaign_item.id,
        spare_campaign=spare_campaign.id,
        archived_campaign=archived_campaign.id,
    )
    approval = approval_services.add_item(
        project,
        {
            "type_id": ref_id(RefKind.APPROVAL_TYPE, "施工许可"),
            "department_id": team_dept.id,
            "due_on": clock.today() + dt.timedelta(days=30),
        },
        staff,
    )
    approval_file = attachments.store("approval_item", approval.id, FileStorage(io.BytesIO(PDF), "批复.pdf"), staff)
    spare_approval_file = attachments.store(
        "approval_item", approval.id, FileStorage(io.BytesIO(PDF), "批复副本.pdf"), staff
    )
    meeting = approval_services.save_meeting(
        {"title": "联审联批会", "held_on": clock.today()}, {approval.id: "限期办结"}, admin
    )
    ids.update(
        approval_item=approval.id,
        approval_file=approval_file.id,
        spare_approval_file=spare_approval_file.id,
        meeting=meeting.id,
    )
    activity_plan = activity_services.create_plan(
        {"year": clock.today().year, "title": "赴长三角招商计划", "department_id": own.id}, staff
    )
    spare_activity_plan = activity_services.create_plan(
        {"year": clock.today().year, "title": "可归档的计划", "department_id": own.id}, staff
    )
    trip = {
        "kind_id": ref_id(RefKind.ACTIVITY_KIND, "外出招商"),
        "start_on": clock.today() - dt.timedelta(days=2),
        "end_on": clock.today(),
        "away": True,
        "regions": "上海、苏州",
        "department_id": own.id,
        "leader_ids": [users["leader_assigned"].id],
        "participant_ids": [staff.id],
    }
    activity = activity_services.create_activity(
        {**trip, "title": "赴上海苏州招商", "plan_id": activity_plan.id}, staff
    )
    spare_activity = activity_services.create_activity({**trip, "title": "可归档的活动"}, staff)
    activity_file = attachments.store("activity", activity.id, FileStorage(io.BytesIO(PDF), "考察报告.pdf"), staff)
    spare_activity_file = attachments.store(
        "activity", activity.id, FileStorage(io.BytesIO(PDF), "报告副本.pdf"), staff
    )
    ids.update(
        activity=activity.id,
        spare_activity=spare_activity.id,
        activity_plan=activity_plan.id,
        spare_activity_plan=spare_activity_plan.id,
        activity_file=activity_file.id,
        spare_activity_file=spare_activity_file.id,
    )
    ids.update(factories_chains.trust_world(users, own))
    ids.update(factories_inspections.trust_world(users, own))
    # 观摩评比: an open event scored by the assigned leader, the own staff and the team member.
    review = review_services.create_event(
        {"name": "季度项目观摩", "held_on": clock.today(), "kind": "季度项目观摩"}, admin
    )
    review_entry = review_services.add_project(review, project.id, admin)
    spare_review_entry = review_services.add_project(review, spare_project.id, admin)
    for reviewer in (users["leader_assigned"], staff, users["team_member"]):
        review_services.add_reviewer(review, reviewer.id, admin)
    ids.update(
        review=review.id,
        review_entry=review_entry.id,
        spare_review_entry=spare_review_entry.id,
        review_criterion=review.criteria[-1].id,
        review_reviewer=users["team_member"].id,
    )
    data = ledger_bytes()
    preview = import_service.preview_upload("leads", data, staff)
    batch = import_service.store("leads", data, "台账.xlsx", staff, preview)
    ids.update(
        project=project.id,
        spare_project=spare_project.id,
        milestone=milestone.id,
        spare_milestone=spare_milestone.id,
        instruction=instruction.id,
        problem=problem.id,
        agreement=agreement.id,
        spare_agreement=spare_agreement.id,
        archived_agreement=archived_agreement.id,
        attachment=scan.id,
        spare_attachment=spare_scan.id,
        funding=funding.id,
        spare_funding=spare_funding.id,
        event=event.id,
        batch=batch.id,
        plan=plan.id,
        plan_year=this_year,
        spare_plan=spare_plan.id,
        report=report.id,
        report_photo=report_photo.id,
        spare_photo=spare_photo.id,
        ref_item=db.session.scalar(
            sa.select(RefItem.id).where(RefItem.kind == RefKind.SOURCE).order_by(RefItem.sort_order).limit(1)
        ),
    )
    if tokens:
        for actor, user in users.items():
            clear, row = issue_token(user, f"{actor} 令牌")
            world.tokens[actor] = clear
            ids[f"token_{actor}"] = row.id
        _clear, spare_token = issue_token(admin, "可注销的令牌")
        ids["spare_token"] = spare_token.id
        ids["staff_token"] = ids["token_staff_own"]
    db.session.commit()
    assert db.session.get(ImportBatch, batch.id) is not None
    assert users["staff_own"].scope is DataScope.DEPARTMENT
    return world

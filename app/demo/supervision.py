"""Demo step: supervision (issue 22) — 企业诉求 raised for companies alone by
the 东城街道 staff (`staff`): one 销号 on time, one assigned to the 住建局 and
overdue (黄色督办), one awaiting 交办; and two inspections by the supervision
office (`viewer`): an 暗访 of the 东城街道 whose rectification is overdue, and
a 回访企业 whose 整改情况 the 自然资源局 has answered, awaiting 销号.

Through the services (audited); the overdue deadlines are set back after
交办 (a deadline cannot be given in the past). Idempotent: nothing is added
once a company problem or an inspection exists."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from app.db import db
from app.demo import DemoContext
from app.inspections import services as inspections
from app.lookups import ref_id
from app.models import Company, Department, Inspection, InspectionKind, Problem, RefKind, User
from app.problems import company_problems
from app.problems import services as problems

EAST, ZJJ, ZRJ = "东城街道", "区住房和城乡建设局", "区自然资源局"


def seed(ctx: DemoContext) -> str:
    if db.session.scalar(sa.select(Problem.id).where(Problem.company_id.is_not(None)).limit(1)) or db.session.scalar(
        sa.select(Inspection.id).limit(1)
    ):
        return "企业诉求与督查：已有，跳过"
    users = {
        u.username: u
        for u in db.session.scalars(
            sa.select(User).where(User.username.in_(["admin", "staff", "viewer", "zjj", "zrj"]))
        )
    }
    departments = {
        d.name: d for d in db.session.scalars(sa.select(Department).where(Department.name.in_([EAST, ZJJ, ZRJ])))
    }
    companies = db.session.scalars(
        sa.select(Company).where(Company.archived_at.is_(None)).order_by(Company.id).limit(3)
    ).all()
    if len(users) < 5 or len(departments) < 3 or len(companies) < 3:
        return "企业诉求与督查：缺少演示用户、部门或企业，跳过"
    today = ctx.today
    admin, staff, viewer = users["admin"], users["staff"], users["viewer"]

    def need(name: str) -> int:
        return ref_id(RefKind.COMPANY_NEED, name)

    solved = company_problems.raise_company_problem(
        companies[0],
        need("用工"),
        "新厂区投产在即，一线技术工人缺口约80人，请协调人社部门组织专场招聘。",
        staff,
        raised_on=today - dt.timedelta(days=20),
    )
    problems.assign_problem(solved, departments[EAST].id, today + dt.timedelta(days=5), admin, version=solved.version)
    problems.answer_problem(
        solved, "已联合区人社局举办专场招聘会，企业签约62人，余下岗位纳入下月招聘计划。", staff, version=solved.version
    )
    problems.accept_problem(solved, staff, version=solved.version)
    overdue = company_problems.raise_company_problem(
        companies[1],
        need("水电"),
        "厂房扩建用电增容申请提交两个月未批复，影响新生产线调试。",
        staff,
        raised_on=today - dt.timedelta(days=30),
    )
    problems.assign_problem(overdue, departments[ZJJ].id, today, admin, version=overdue.version)
    overdue.deadline = today - dt.timedelta(days=10)  # 黄色督办 (backdated for the demo)
    company_problems.raise_company_problem(
        companies[2],
        need("融资"),
        "企业申请技改贷款缺少抵押物，请协调政府性融资担保。",
        staff,
        raised_on=today - dt.timedelta(days=2),
    )

    def finding(name: str) -> int:
        return ref_id(RefKind.INSPECTION_FINDING, name)

    inspections.record_inspection(
        {
            "inspected_on": today - dt.timedelta(days=25),
            "kind": InspectionKind.UNANNOUNCED.value,
            "department_id": departments[EAST].id,
            "finding_ids": [finding("慢作为"), finding("推诿扯皮")],
            "description": "暗访便民服务中心企业开办窗口：工作时间窗口无人，企业办事需多次往返。",
            "requirement": "落实首问负责和限时办结制度，窗口工作时间不得空岗，整改情况书面报督查室。",
            "deadline": today - dt.timedelta(days=9),
        },
        viewer,
    )
    visit = inspections.record_inspection(
        {
            "inspected_on": today - dt.timedelta(days=12),
            "kind": InspectionKind.COMPANY_VISIT.value,
            "department_id": departments[ZRJ].id,
            "company_id": companies[0].id,
            "finding_ids": [finding("政策落实不到位")],
            "description": "回访企业：用地手续办理进度企业不掌握，承诺的容缺受理未落实。",
            "requirement": "明确专人对接企业，十个工作日内答复办理进度。",
            "deadline": today + dt.timedelta(days=2),
        },
        viewer,
    )
    inspections.answer_inspection(
        visit, "已明确审批科专人对接，向企业书面答复办理进度，容缺受理已落实。", users["zrj"], version=visit.version
    )
    db.session.flush()
    return "企业诉求 3 个（已销号 1、超期 1、待交办 1），督查 2 次（超期整改 1、待销号 1）"

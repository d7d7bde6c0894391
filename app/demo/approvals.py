"""Demo step: 联审联批 — the approval items (审批事项) of the key projects past
签约, each owned by its approving department (立项 and 节能审查 by the
发改委, land and planning by the 自然资源局, 环评 by the 生态环境分局, drawings,
fire design and the construction permit by the 住建局). Projects under
construction or producing have theirs 已办结 before their 开工; signed and
landed projects a mix of 已办结, 已申报 and 待申报 with some overdue by one to
three weeks (蓝, 黄 and 红 督办 all show), one 无需办理 with its reason; and
two 联审联批会 deciding several open items.

Through the approval services (audited): the project's team records the
items and 申报, the approving department's staff mark them 已办结 (`zjj`
signs in for the 住建局). Idempotent: a project that has items and a
meeting whose title exists are left alone; every choice is seeded per
project."""

from __future__ import annotations

import datetime as dt
import random

import sqlalchemy as sa

from app.approvals import services
from app.db import db
from app.demo import DemoContext
from app.lookups import ref_id
from app.models import (
    ApprovalItem,
    ApprovalMeeting,
    ApprovalStatus,
    Department,
    Project,
    RefKind,
    Role,
    Stage,
    User,
)

FGW, ZRJ, ZJJ, STHJ = "区发展和改革委员会", "区自然资源局", "区住房和城乡建设局", "区生态环境分局"
# The usual order of a project's approvals, its approving department and
# when it is due, in days after signing.
CHAIN: list[tuple[str, str, int]] = [
    ("立项（备案/核准）", FGW, 20),
    ("用地预审与选址", ZRJ, 35),
    ("环评批复", STHJ, 60),
    ("节能审查", FGW, 65),
    ("建设用地规划许可", ZRJ, 80),
    ("建设工程规划许可", ZRJ, 115),
    ("施工图审查", ZJJ, 135),
    ("消防设计审查", ZJJ, 145),
    ("施工许可", ZJJ, 165),
]
# How many of the chain a signed or landed project has finished.
DONE = {Stage.SIGNED: (0, 2), Stage.LANDED: (3, 5)}
# Days overdue of the first open item of every fourth signed/landed project:
# 蓝, 黄 and 红 督办 in turn.
OVERDUE_DAYS = [(2, 6), (9, 13), (16, 21)]
NOT_NEEDED = {
    "节能审查": (
        "年综合能源消费量不足1000吨标准煤且年电力消费量不足500万千瓦时，按规定不单独进行节能审查，实行节能承诺管理。"
    ),
    "环评批复": "项目列入《建设项目环境影响评价分类管理名录》登记表类别，实行网上备案，无需审批。",
}
NOTES = [
    None,
    None,
    "企业已委托第三方编制申报材料。",
    "实行并联审批，材料同步流转。",
    "已纳入“拿地即开工”服务清单。",
    "部分材料容缺受理，承诺期内补齐。",
]
MEETINGS = [
    (20, "第一次"),
    (6, "第二次"),
]


def _approvers() -> dict[int, User]:
    """The first staff member of each department: who marks its items 已办结."""
    approvers: dict[int, User] = {}
    for user in db.session.scalars(
        sa.select(User)
        .where(User.role == Role.STAFF, User.active.is_(True), User.department_id.is_not(None))
        .order_by(User.username.in_(["zrj", "zjj", "sthj"]).desc(), User.id)
    ):
        approvers.setdefault(user.department_id, user)
    return approvers


def seed(ctx: DemoContext) -> str:
    today = ctx.today
    admin = db.session.scalar(sa.select(User).where(User.username == "admin")) or db.session.scalar(
        sa.select(User).where(User.role == Role.ADMIN).order_by(User.id)
    )
    departments = {
        d.name: d for d in db.session.scalars(sa.select(Department).where(Department.name.in_([FGW, ZRJ, ZJJ, STHJ])))
    }
    if admin is None or len(departments) < 4:
        return "联审联批：缺少管理员或审批部门，未生成"
    approvers = _approvers()
    projects = list(
        db.session.scalars(
            sa.select(Project)
            .where(
                Project.is_key.is_(True),
                Project.stage.in_([Stage.SIGNED, Stage.LANDED, Stage.CONSTRUCTION, Stage.PRODUCTION]),
                Project.archived_at.is_(None),
            )
            .order_by(Project.id)
        )
    )
    having = set(db.session.scalars(sa.select(ApprovalItem.project_id).distinct()))
    added = 0
    waiting = built = 0  # positions among the signed/landed and the built projects
    for project in projects:
        rng = random.Random(f"approvals-{project.id}")
        team = project.team[0] if project.team else admin
        if project.stage in DONE:
            position, waiting = waiting, waiting + 1
        else:
            position, built = built, built + 1
        if project.id in having:
            continue
        if project.stage in DONE:
            added += _waiting(project, team, admin, approvers, departments, today, rng, position)
        else:
            added += _built(project, team, admin, approvers, departments, today, rng, position)
    db.session.flush()
    meetings = _meetings(admin, today)
    total = db.session.scalar(sa.select(sa.func.count(ApprovalItem.id)))
    return f"联审联批：审批事项新增 {added} 项（共 {total} 项），联审联批会新增 {meetings} 次"


def _add(
    project: Project,
    step: int,
    team: User,
    departments: dict[str, Department],
    due_on: dt.date,
    rng: random.Random,
) -> ApprovalItem:
    name, department, _days = CHAIN[step]
    return services.add_item(
        project,
        {
            "type_id": ref_id(RefKind.APPROVAL_TYPE, name),
            "department_id": departments[department].id,
            "due_on": due_on,
            "notes": rng.choice(NOTES),
        },
        team,
    )


def _approver(item: ApprovalItem, approvers: dict[int, User], admin: User) -> User:
    return approvers.get(item.department_id, admin)


def _built(
    project: Project,
    team: User,
    admin: User,
    approvers: dict[int, User],
    departments: dict[str, Department],
    today: dt.date,
    rng: random.Random,
    position: int,
) -> int:
    """Under construction or producing: the whole chain done before 开工
    (施工许可 a few days before); one project's 环评 only registered."""
    signed = project.signed_on or (today - dt.timedelta(days=300))
    started = project.construction_on or today
    started = min(max(started, signed + dt.timedelta(days=len(CHAIN))), today)
    span = (started - signed).days
    last_day = CHAIN[-1][2]
    previous = signed
    for step, (name, _department, days) in enumerate(CHAIN):
        due = signed + dt.timedelta(days=max(step + 1, span * days // last_day))
        item = _add(project, step, team, departments, due, rng)
        if position == 2 and name == "环评批复":
            services.not_needed(item, NOT_NEEDED[name], team)
            continue
        # 申报 some days before it is due, 办结 around the due date, in order.
        approved = min(started, due + dt.timedelta(days=rng.randint(-6, 4)))
        approved = max(approved, previous)
        submitted = max(previous, approved - dt.timedelta(days=rng.randint(5, 20)))
        if name == "施工许可":
            approved = max(previous, started - dt.timedelta(days=rng.randint(1, 6)))
            submitted = max(previous, approved - dt.timedelta(days=rng.randint(3, 10)))
        services.submit(item, submitted, team)
        services.approve(item, approved, _approver(item, approvers, admin))
        previous = submitted
    return len(CHAIN)


def _waiting(
    project: Project,
    team: User,
    admin: User,
    approvers: dict[int, User],
    departments: dict[str, Department],
    today: dt.date,
    rng: random.Random,
    position: int,
) -> int:
    """Signed or landed: the first items 已办结, the next 已申报, the rest
    待申报; every fourth project has its first open item overdue; one needs no
    节能审查."""
    signed = project.signed_on or (today - dt.timedelta(days=60))
    low, high = DONE[project.stage]
    done = rng.randint(low, high)
    # The finished ones fall between signing and a week ago.
    window = max(len(CHAIN), (today - dt.timedelta(days=7) - signed).days)
    previous = signed
    overdue = OVERDUE_DAYS[(position // 4) % len(OVERDUE_DAYS)] if position % 4 == 0 else None
    next_due = None
    for step, (name, _department, _days) in enumerate(CHAIN):
        if step < done:
            approved = min(today, signed + dt.timedelta(days=window * (step + 1) // (done + 1)))
            approved = max(approved, previous)
            item = _add(project, step, team, departments, approved + dt.timedelta(days=rng.randint(0, 5)), rng)
            if position == 1 and name == "节能审查":
                services.not_needed(item, NOT_NEEDED[name], team)
                continue
            submitted = max(previous, approved - dt.timedelta(days=rng.randint(3, 15)))
            services.submit(item, submitted, team)
            services.approve(item, approved, _approver(item, approvers, admin))
            previous = submitted
            continue
        if next_due is None:
            # The first open item: overdue for some, due in the weeks ahead for the others.
            if overdue is not None:
                next_due = today - dt.timedelta(days=rng.randint(*overdue))
            else:
                next_due = today + dt.timedelta(days=rng.randint(5, 40))
        else:
            next_due += dt.timedelta(days=rng.randint(10, 30))
        item = _add(project, step, team, departments, next_due, rng)
        if position == 1 and name == "节能审查":
            services.not_needed(item, NOT_NEEDED[name], team)
        elif step <= done + 1 and rng.random() < 0.7:
            # The next one or two are in the approving department's hands.
            submitted = min(today, max(previous, next_due - dt.timedelta(days=rng.randint(10, 25))))
            services.submit(item, submitted, team)
    return len(CHAIN)


def _meetings(admin: User, today: dt.date) -> int:
    """Two 联审联批会, each deciding the open items most at risk then."""
    chair = db.session.scalar(sa.select(User).where(User.username == "leader"))
    open_items = list(
        db.session.scalars(
            sa.select(ApprovalItem)
            .where(ApprovalItem.status.in_([ApprovalStatus.PENDING, ApprovalStatus.SUBMITTED]))
            .order_by(ApprovalItem.due_on, ApprovalItem.id)
        )
    )
    added = 0
    for index, (days_ago, ordinal) in enumerate(MEETINGS):
        held = today - dt.timedelta(days=days_ago)
        title = f"{held.year}年{ordinal}重点项目联审联批会"
        if db.session.scalar(sa.select(ApprovalMeeting.id).where(ApprovalMeeting.title == title)):
            continue
        decided = open_items[index * 4 : index * 4 + 4]
        decisions = {item.id: _decision(item, held, n) for n, item in enumerate(decided)}
        services.save_meeting(
            {
                "held_on": held,
                "title": title,
                "chair_id": chair.id if chair else None,
                "notes": "区发改委、区自然资源局、区住建局、区生态环境分局及项目属地参会，逐项会商审批堵点。",
            },
            decisions,
            admin,
        )
        added += 1
    return added


def _decision(item: ApprovalItem, held: dt.date, n: int) -> str:
    by = held + dt.timedelta(days=10 + 5 * n)
    department = item.department.name
    return [
        f"{department}于{by.month}月{by.day}日前办结，逾期纳入督办通报。",
        f"同意容缺受理，企业30日内补齐材料，{department}先行审查。",
        f"实行并联审批，{department}牵头，相关部门5个工作日内出具意见。",
        f"项目属地协助企业完善申报材料，{by.month}月{by.day}日前报{department}。",
    ][n % 4]

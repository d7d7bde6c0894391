"""Demo step 1: the district's departments (18 town/street offices, 3
management committees, industry lead departments, the investment bureau,
the approving departments), leaders with titles, staff, a viewer, the four
demo sign-ins and the approving departments' staff (`zjj` signs in for the
住建局's approvals)."""

from __future__ import annotations

import sqlalchemy as sa

from app.auth.passwords import hash_password
from app.db import db
from app.demo import DEMO_PASSWORD, DemoContext
from app.models import DataScope, Department, DepartmentKind, Role, User
from app.reference import ensure_reference_data

TOWNS = [
    "东城街道",
    "西城街道",
    "南湖街道",
    "北山街道",
    "新华街道",
    "文昌街道",
    "龙泉街道",
    "金桥街道",
    "城东街道",
    "城西街道",
    "河口镇",
    "柳林镇",
    "石桥镇",
    "马坊镇",
    "白沙镇",
    "青山镇",
    "双河镇",
    "桃源镇",
]
ZONES = ["经济技术开发区管委会", "高新技术产业园区管委会", "临港物流园区管委会"]
INDUSTRY_DEPTS = [
    "区发展和改革委员会",
    "区工业和信息化局",
    "区商务局",
    "区科学技术局",
    "区文化和旅游局",
    "区金融服务中心",
]
BUREAU = "区投资促进局"
SUB_UNITS = {"经济技术开发区管委会": ["开发区招商一局", "开发区招商二局"]}
OTHER = ["区委督查室"]
# Approving departments (联审联批) besides 区发展和改革委员会 above; after the
# sub-units so the staff usernames numbered by department stay what they were.
APPROVING = ["区自然资源局", "区住房和城乡建设局", "区生态环境分局"]
# Their approval staff: (username, name, department, title); the 发改委's
# own staff approve its items.
APPROVERS = [
    ("zrj", "韩立新", "区自然资源局", "审批科科长"),
    ("zjj", "冯雅琴", "区住房和城乡建设局", "行政审批科科长"),
    ("sthj", "魏思远", "区生态环境分局", "环评审批科科长"),
]

LEADERS = [
    ("leader", "王建国", "常务副区长"),
    ("leader2", "李红梅", "副区长"),
    ("leader3", "张志强", "副区长"),
    ("leader4", "刘振华", "区人大常委会副主任"),
    ("leader5", "陈晓燕", "区政协副主席"),
]

SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜"
GIVEN = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "磊",
    "洋",
    "勇",
    "艳",
    "杰",
    "涛",
    "明",
    "超",
    "霞",
    "平",
    "刚",
    "丽",
    "强",
    "军",
    "鹏",
]


def _department(name: str, kind: DepartmentKind, order: int, parent: Department | None = None) -> Department:
    dept = db.session.scalar(sa.select(Department).where(Department.name == name))
    if dept is None:
        dept = Department(name=name, kind=kind, sort_order=order, parent=parent, active=True)
        db.session.add(dept)
    return dept


def _user(
    username: str,
    name: str,
    role: Role,
    dept: Department | None,
    title: str | None = None,
    scope: DataScope = DataScope.DEPARTMENT,
    password_hash: str = "",
) -> User:
    user = db.session.scalar(sa.select(User).where(User.username == username))
    if user is None:
        user = User(
            username=username,
            name=name,
            role=role,
            department=dept,
            title=title,
            scope=scope,
            password_hash=password_hash,
            active=True,
        )
        db.session.add(user)
    return user


def seed(ctx: DemoContext) -> str:
    ensure_reference_data()
    order = 0
    departments: dict[str, Department] = {}
    for names, kind in (
        (TOWNS, DepartmentKind.TOWN),
        (ZONES, DepartmentKind.ZONE),
        (INDUSTRY_DEPTS, DepartmentKind.INDUSTRY),
        ([BUREAU], DepartmentKind.BUREAU),
        (OTHER, DepartmentKind.OTHER),
    ):
        for name in names:
            order += 10
            departments[name] = _department(name, kind, order)
    for parent_name, children in SUB_UNITS.items():
        for child in children:
            order += 10
            departments[child] = _department(child, DepartmentKind.ZONE, order, departments[parent_name])
    for name in APPROVING:
        order += 10
        departments[name] = _department(name, DepartmentKind.OTHER, order)
    db.session.flush()

    pw = hash_password(DEMO_PASSWORD)  # one hash for all demo users: seeding stays fast
    admin = _user("admin", "系统管理员", Role.ADMIN, departments[BUREAU], "信息科科长", DataScope.ALL, pw)
    _user("viewer", "周督查", Role.VIEWER, departments["区委督查室"], "督查专员", DataScope.ALL, pw)
    leaders = [_user(u, n, Role.LEADER, None, t, DataScope.ALL, pw) for u, n, t in LEADERS]
    _user("staff", "孙丽娜", Role.STAFF, departments["东城街道"], "招商专员", DataScope.DEPARTMENT, pw)
    _user("bureau", "何志明", Role.STAFF, departments[BUREAU], "招商科科长", DataScope.ALL, pw)
    _user("kfq", "吕国栋", Role.STAFF, departments["经济技术开发区管委会"], "招商局局长", DataScope.DEPARTMENT_TREE, pw)

    rng = ctx.rng
    staff: list[User] = []
    for index, dept in enumerate(departments.values(), start=1):
        if dept.kind is DepartmentKind.OTHER:
            continue
        for slot in (1, 2):
            person = SURNAMES[(index * 3 + slot) % len(SURNAMES)] + rng.choice(GIVEN) + rng.choice(GIVEN)
            staff.append(_user(f"s{index:02d}{slot}", person, Role.STAFF, dept, "招商专员", DataScope.DEPARTMENT, pw))
    approvers = [_user(u, n, Role.STAFF, departments[d], t, DataScope.DEPARTMENT, pw) for u, n, d, t in APPROVERS]
    db.session.flush()
    ctx.data.update(departments=departments, leaders=leaders, staff=staff, admin=admin, approvers=approvers)
    return (
        f"部门 {len(departments)} 个，领导 {len(leaders)} 名，招商人员 {len(staff) + 3} 名，"
        f"审批部门人员 {len(approvers)} 名"
    )

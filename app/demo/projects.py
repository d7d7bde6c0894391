"""Demo step: the district's project library — about seventy projects named
like those in public district reports, in every stage (exits included), key
ones under the 五个一 mechanism: a responsible leader, a lead department, a
working team, a plan with milestones (some overdue, some due soon), progress
updates of varied age, instructions (some not yet acknowledged) and problems
in every state of their life cycle — a believable mix of red, yellow and
green lights.

Stage history goes through the project services (one StageChange per move,
back-dated); follow-through records are back-dated directly so the demo has a
past. Idempotent: a project whose name exists is left alone."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa

from app.db import db
from app.demo import DemoContext
from app.lookups import ref_id
from app.models import (
    STAGE_ORDER,
    Department,
    Instruction,
    LeaderHandover,
    Milestone,
    Problem,
    ProblemEvent,
    ProblemStatus,
    ProgressUpdate,
    Project,
    RefKind,
    Role,
    Stage,
    User,
)
from app.projects import services

P, A, S, L, C, R, X = (
    Stage.PLANNING,
    Stage.ATTRACTING,
    Stage.SIGNED,
    Stage.LANDED,
    Stage.CONSTRUCTION,
    Stage.PRODUCTION,
    Stage.EXITED,
)


@dataclass(frozen=True)
class Spec:
    name: str
    company: str | None
    industry: str
    amount: int  # 万元
    stage: Stage
    key: bool
    department: str
    location: str | None = None
    exit_reason: str | None = None


SPECS: list[Spec] = [
    # 谋划库
    Spec("郑大一附院TOD综合开发", None, "健康服务", 600000, P, True, "区发展和改革委员会", "大学路沿线"),
    Spec("黄河流域水质监测中心", None, "科技服务", 30000, P, False, "高新技术产业园区管委会"),
    Spec("老城东片区城市更新综合开发", None, "现代商贸", 350000, P, True, "东城街道", "老城东片区"),
    Spec("数字经济产业园二期", None, "科技服务", 120000, P, True, "高新技术产业园区管委会", "科创大道"),
    Spec("冷链物流集散中心", None, "现代物流", 80000, P, False, "临港物流园区管委会"),
    Spec("南湖生态文旅小镇", None, "文化旅游", 150000, P, True, "南湖街道", "南湖湿地公园北侧"),
    Spec("智慧康养综合体", None, "健康服务", 45000, P, False, "西城街道"),
    Spec("新能源重卡换电站网络", None, "现代物流", 25000, P, False, "区发展和改革委员会"),
    Spec("北山农文旅融合示范区", None, "文化旅游", 60000, P, False, "北山街道"),
    Spec("总部经济楼宇提升工程", None, "楼宇经济", 40000, P, False, "区商务局"),
    Spec("氢能产业示范园", None, "智能制造", 200000, P, True, "经济技术开发区管委会", "开发区南区"),
    Spec("跨境电商产业园", None, "现代商贸", 50000, P, False, "临港物流园区管委会"),
    # 招引库
    Spec("华润科技文化智慧城", "华润置地（郑州）有限公司", "科技服务", 800000, A, True, "新华街道", "嵩山路"),
    Spec("中铁·泰和里沉浸式文化商业街区", "中铁置业集团有限公司", "特色商业", 150000, A, True, "文昌街道"),
    Spec("星驾科技氢燃料电池组智能制造基地", "星驾科技有限公司", "智能制造", 50000, A, True, "经济技术开发区管委会"),
    Spec("粤浦·联东智慧健康产业园", "联东投资（集团）有限公司", "健康服务", 180000, A, True, "河口镇"),
    Spec("均和云谷", "均和（厦门）控股有限公司", "楼宇经济", 100000, A, False, "区商务局"),
    Spec("MAH药品持有人转化平台", None, "健康服务", 15000, A, False, "区科学技术局"),
    Spec("京东亚洲一号智能物流园", "北京京东世纪贸易有限公司", "现代物流", 120000, A, True, "临港物流园区管委会"),
    Spec(
        "宁德时代储能电池研发中心",
        "宁德时代新能源科技股份有限公司",
        "智能制造",
        300000,
        A,
        True,
        "高新技术产业园区管委会",
    ),
    Spec("万达广场城市综合体", "大连万达商业管理集团股份有限公司", "现代商贸", 250000, A, True, "东城街道"),
    Spec("安踏华中运营总部", "安踏（中国）有限公司", "总部经济", 60000, A, False, "东城街道"),
    Spec(
        "海康威视智慧城市创新中心",
        "杭州海康威视数字技术股份有限公司",
        "科技服务",
        40000,
        A,
        False,
        "区工业和信息化局",
    ),
    Spec("中原银行金融科技中心", "中原银行股份有限公司", "现代金融", 35000, A, False, "区金融服务中心"),
    Spec("顺丰华中航空物流枢纽", "顺丰控股股份有限公司", "现代物流", 200000, A, True, "临港物流园区管委会"),
    Spec("蜜雪冰城研发生产基地", "蜜雪冰城股份有限公司", "精密制造", 80000, A, True, "柳林镇"),
    Spec("正威国际新材料产业园", "正威国际集团有限公司", "精密制造", 500000, A, True, "经济技术开发区管委会"),
    Spec("小米之家区域旗舰店", "小米通讯技术有限公司", "现代商贸", 3000, A, False, "西城街道"),
    # 签约库
    Spec(
        "比亚迪新能源汽车零部件产业园",
        "比亚迪股份有限公司",
        "智能制造",
        1000000,
        S,
        True,
        "经济技术开发区管委会",
        "开发区北区",
    ),
    Spec("比亚迪品牌形象体验中心", "比亚迪汽车销售有限公司", "现代商贸", 12000, S, True, "新华街道", "商圈核心区"),
    Spec("全民健身运动中心", "郑州体育产业投资有限公司", "文化旅游", 45000, S, True, "区文化和旅游局"),
    Spec("杉杉奥莱", "杉杉商业集团有限公司", "现代商贸", 200000, S, True, "高新技术产业园区管委会"),
    Spec("唐久总部", "唐久便利店连锁有限公司", "总部经济", 50000, S, False, "区商务局"),
    Spec("赞华中原科创孵化产业园", "赞华（中国）电子系统有限公司", "科技服务", 60000, S, True, "区科学技术局"),
    Spec("华智龙科技人工智能产业基地", "华智龙科技有限公司", "智能制造", 40000, S, False, "区工业和信息化局"),
    Spec("时事通医疗器械产业园", "时事通医疗科技有限公司", "健康服务", 25000, S, False, "石桥镇"),
    Spec("中国建筑中原总部基地", "中国建筑第七工程局有限公司", "总部经济", 150000, S, True, "东城街道"),
    Spec("格力智能装备产业园", "珠海格力电器股份有限公司", "智能制造", 220000, S, True, "开发区招商一局"),
    Spec(
        "中国移动（河南）数据中心",
        "中国移动通信集团河南有限公司",
        "科技服务",
        180000,
        S,
        True,
        "高新技术产业园区管委会",
    ),
    Spec("盒马鲜生区域配送中心", "盒马（中国）有限公司", "现代物流", 30000, S, False, "马坊镇"),
    Spec("牧原食品深加工项目", "牧原食品股份有限公司", "精密制造", 90000, S, True, "白沙镇"),
    Spec("宇通客车零部件配套产业园", "宇通客车股份有限公司", "智能制造", 130000, S, True, "开发区招商二局"),
    # 落地库：落地（注册）
    Spec("陕西建工河南区域总部", "陕西建工集团股份有限公司", "总部经济", 20000, L, True, "龙泉街道", "京广路"),
    Spec("德邦物流区域分拨中心", "德邦物流股份有限公司", "现代物流", 28000, L, False, "临港物流园区管委会"),
    Spec("招商银行区域金融服务中心", "招商银行股份有限公司", "现代金融", 15000, L, False, "区金融服务中心"),
    Spec("紫光集团智能终端研发中心", "紫光集团有限公司", "科技服务", 70000, L, True, "高新技术产业园区管委会"),
    Spec("华为（河南）鲲鹏生态创新中心", "华为技术有限公司", "科技服务", 50000, L, True, "区工业和信息化局"),
    Spec("新希望乳业华中生产基地", "新希望乳业股份有限公司", "精密制造", 65000, L, True, "青山镇"),
    Spec("永辉超市区域总部", "永辉超市股份有限公司", "总部经济", 12000, L, False, "金桥街道"),
    Spec("银基国际旅游度假区二期", "银基集团有限公司", "文化旅游", 300000, L, True, "区文化和旅游局"),
    # 落地库：开工
    Spec("仲景医药健康产业园", "仲景宛西制药股份有限公司", "健康服务", 35000, C, True, "双河镇", "大学路沿线"),
    Spec(
        "名扬5G智能化生产线及研发中心",
        "名扬窗饰（郑州）有限公司",
        "精密制造",
        31800,
        C,
        True,
        "经济技术开发区管委会",
    ),
    Spec("郑州市农业科技创新中心", "郑州市农业科学研究院", "科技服务", 22000, C, False, "桃源镇"),
    Spec("富士康精密模组产业园", "鸿富锦精密工业（深圳）有限公司", "精密制造", 400000, C, True, "开发区招商一局"),
    Spec("中储粮现代物流园", "中国储备粮管理集团有限公司", "现代物流", 85000, C, True, "临港物流园区管委会"),
    Spec("奥克斯智能家电产业园", "奥克斯集团有限公司", "智能制造", 160000, C, True, "经济技术开发区管委会"),
    Spec("恒瑞医药创新药研发中心", "江苏恒瑞医药股份有限公司", "健康服务", 55000, C, True, "区科学技术局"),
    Spec("城东商业综合体", "郑州城东置业有限公司", "现代商贸", 90000, C, False, "城东街道"),
    Spec("三全食品智能工厂", "三全食品股份有限公司", "精密制造", 70000, C, True, "城西街道"),
    Spec("中原文化艺术中心", "河南文化旅游投资集团有限公司", "文化旅游", 110000, C, True, "文昌街道"),
    # 落地库：投产
    Spec("顶津饮料生产线增资扩产", "郑州顶津食品有限公司", "精密制造", 8000, R, False, "经济技术开发区管委会"),
    Spec("思念食品扩产项目", "思念食品有限公司", "精密制造", 30000, R, True, "柳林镇"),
    Spec(
        "安图生物体外诊断产业园",
        "安图实验仪器（郑州）有限公司",
        "健康服务",
        60000,
        R,
        True,
        "高新技术产业园区管委会",
    ),
    Spec("中铁装备盾构再制造基地", "中铁工程装备集团有限公司", "智能制造", 45000, R, True, "开发区招商二局"),
    Spec("好想你健康食品产业园", "好想你健康食品股份有限公司", "精密制造", 20000, R, False, "石桥镇"),
    Spec("卫龙食品华中基地", "卫龙美味全球控股有限公司", "精密制造", 35000, R, False, "马坊镇"),
    # 退出
    Spec("锂电池回收综合利用项目", "格林美股份有限公司", "智能制造", 40000, X, False, "河口镇", None, "环保不达标"),
    Spec("星级酒店及会展中心", "锦江国际（集团）有限公司", "文化旅游", 120000, X, True, "南湖街道", None, "选址他处"),
    Spec("光伏组件生产基地", "隆基绿能科技股份有限公司", "智能制造", 150000, X, False, "青山镇", None, "资金不到位"),
    Spec("大型主题乐园", "华侨城集团有限公司", "文化旅游", 500000, X, False, "北山街道", None, "用地无法保障"),
]

MILESTONES: dict[Stage, list[str]] = {
    P: ["完成项目策划方案", "完成可行性研究", "对接意向投资方", "纳入年度重点项目库"],
    A: ["首轮高层洽谈", "企业实地考察", "确定合作框架", "签订投资协议"],
    S: ["完成项目公司注册", "土地挂牌出让", "规划方案审批", "取得施工许可"],
    L: ["土地挂牌出让", "规划方案审批", "取得施工许可", "开工建设"],
    C: ["主体结构封顶", "设备安装调试", "竣工验收", "投产运营"],
    R: ["达产达效", "纳统入库", "二期扩产论证"],
    X: ["首轮高层洽谈"],
}

UPDATES: dict[Stage, list[str]] = {
    P: [
        "召开项目策划专题会，明确功能定位和投资规模。",
        "委托第三方机构开展可行性研究，已完成初稿。",
        "梳理意向投资企业名单 6 家，拟分批对接。",
        "与区发改委对接，争取纳入市级重点项目储备库。",
    ],
    A: [
        "带队赴企业总部开展高层洽谈，企业对选址地块表示认可。",
        "陪同企业考察团实地踏勘地块，介绍配套和政策。",
        "召开项目推进会，就投资强度和政策支持达成初步一致。",
        "与企业视频会议，修改完善投资协议文本。",
        "企业提交项目可研报告，组织相关部门联审。",
    ],
    S: [
        "项目公司已完成工商注册，协调办理银行开户。",
        "土地组卷材料已上报，待市自然资源局审批。",
        "召开专班会议，倒排工期，明确各节点责任人。",
        "协调供电、供水部门现场踏勘，明确接入方案。",
        "规划设计方案已提交，组织专家评审。",
    ],
    L: [
        "施工图审查通过，施工许可材料已提交。",
        "协调解决地块内管线迁改问题，已完成 70%。",
        "企业施工队伍已进场，开展场地平整。",
        "召开项目服务日现场办公会，解决临时用电问题。",
    ],
    C: [
        "主体结构施工至第 8 层，形象进度达 45%。",
        "协调渣土外运和夜间施工许可，保障施工进度。",
        "设备采购合同已签订，计划下月进场安装。",
        "现场办公解决施工用水压力不足问题。",
        "钢结构厂房完成吊装，进入屋面施工。",
    ],
    R: [
        "一期生产线正式投产，首批产品下线。",
        "企业已纳入规上工业统计，月产值稳步提升。",
        "协调企业用工需求，组织专场招聘会。",
    ],
    X: ["企业投资意向调整，项目暂停推进。"],
}

PROBLEMS: list[tuple[str, str]] = [
    ("土地", "项目用地指标尚未落实，需协调自然资源部门调整用地规划。"),
    ("审批", "施工许可办理周期较长，请求实行并联审批、容缺受理。"),
    ("环评", "环评批复需上级生态环境部门审批，请求协调加快办理。"),
    ("融资", "企业项目贷款授信进度慢，请求协调银行加快审批。"),
    ("基础配套", "地块周边道路及供水管网尚未接通，影响开工。"),
    ("用工人才", "企业急需技术工人约 200 名，请求组织专场招聘。"),
    ("规划", "项目规划指标需调整容积率，请求规划部门组织论证。"),
    ("其他", "企业反映周边施工噪音投诉较多，请求属地协调。"),
]

INSTRUCTIONS = [
    "请专班倒排工期，确保本月底前完成土地挂牌。",
    "该项目是全区重点项目，各相关部门要主动服务，特事特办。",
    "请投资促进局牵头，下周召开专题协调会。",
    "要盯紧节点，每周报送进展，遇到问题及时上报。",
    "请属地做好要素保障，确保项目按期开工。",
]

# Days past the deadline of the overdue demo problems: 蓝, 黄 and 红 督办.
OVERDUE_DAYS = (3, 10, 20)

# Light scenario per key project, cycled: a believable district mix.
SCENARIOS = ["green", "red", "yellow", "green", "yellow", "green", "red", "green", "yellow", "green", "red", "yellow"]


def _department(departments: dict[str, Department], name: str) -> Department | None:
    if name in departments:
        return departments[name]
    return db.session.scalar(sa.select(Department).where(Department.name == name))


def _context_users(ctx: DemoContext) -> tuple[list[User], list[User], User]:
    leaders = ctx.data.get("leaders") or list(
        db.session.scalars(sa.select(User).where(User.role == Role.LEADER).order_by(User.id))
    )
    staff = ctx.data.get("staff") or list(
        db.session.scalars(sa.select(User).where(User.role == Role.STAFF).order_by(User.id))
    )
    admin = db.session.scalar(sa.select(User).where(User.username == "admin")) or db.session.scalar(
        sa.select(User).where(User.role == Role.ADMIN).order_by(User.id)
    )
    return leaders, staff, admin


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    """A back-dated moment, stored naive UTC (Beijing office hours)."""
    return dt.datetime.combine(day, dt.time(hour % 24, 0)) - dt.timedelta(hours=8)


def _stage_dates(target: Stage, today: dt.date, rng: random.Random) -> list[tuple[Stage, dt.date]]:
    """Back-dated moves from planning/attracting up to `target`."""
    path = STAGE_ORDER[: STAGE_ORDER.index(target) + 1] if target in STAGE_ORDER else [P, A]
    # Projects older in the pipeline started earlier; the current stage began 5–150 days ago.
    current_since = today - dt.timedelta(days=rng.randint(5, 150))
    dates = [current_since]
    for _ in path[:-1]:
        dates.append(dates[-1] - dt.timedelta(days=rng.randint(25, 120)))
    dates.reverse()
    return list(zip(path, dates, strict=True))


def _team(department: Department | None, staff: list[User], extra: list[User], rng: random.Random) -> list[User]:
    members = [u for u in staff if department is not None and u.department_id == department.id]
    if department is not None and department.parent_id is not None:
        members += [u for u in staff if u.department_id == department.parent_id][:1]
    team = members[:2] if members else rng.sample(staff, k=min(2, len(staff)))
    for person in extra:
        if person not in team:
            team.append(person)
    return team


def _milestones(project: Project, stage: Stage, scenario: str, today: dt.date, rng: random.Random) -> None:
    names = MILESTONES[stage]
    done = max(0, len(names) - 3)
    # Earlier milestones were met; the current one carries the scenario.
    for index, name in enumerate(names):
        if index < done or (stage is R and index == 0):
            due = today - dt.timedelta(days=30 * (len(names) - index) + rng.randint(0, 10))
            db.session.add(
                Milestone(
                    project_id=project.id, name=name, due_on=due, done_on=due - dt.timedelta(days=rng.randint(0, 6))
                )
            )
            continue
        if index == done:
            if scenario == "red" and rng.random() < 0.6:
                due = today - dt.timedelta(days=rng.randint(3, 40))
            elif scenario == "yellow" and rng.random() < 0.5:
                due = today + dt.timedelta(days=rng.randint(1, 7))
            else:
                due = today + dt.timedelta(days=rng.randint(12, 45))
        else:
            due = today + dt.timedelta(days=45 + 35 * (index - done) + rng.randint(0, 20))
        db.session.add(Milestone(project_id=project.id, name=name, due_on=due))


def _updates(
    project: Project, stage: Stage, scenario: str, team: list[User], today: dt.date, rng: random.Random
) -> None:
    if scenario == "red" and rng.random() < 0.5:
        last = rng.randint(33, 60)
    elif scenario == "yellow" and rng.random() < 0.5:
        last = rng.randint(16, 28)
    elif scenario in ("red", "yellow"):
        last = rng.randint(1, 12)
    else:
        last = rng.randint(0, 10)
    texts = UPDATES[stage]
    count = rng.randint(2, 5)
    offsets = sorted({last + step * rng.randint(8, 20) for step in range(count)})
    for offset in offsets:
        day = today - dt.timedelta(days=offset)
        author = rng.choice(team) if team else None
        db.session.add(
            ProgressUpdate(
                project_id=project.id,
                happened_on=day,
                author_id=author.id if author else None,
                text=rng.choice(texts),
                created_at=_at(day, 17),
            )
        )
    latest = today - dt.timedelta(days=offsets[0])
    if project.last_progress_on is None or latest > project.last_progress_on:
        project.last_progress_on = latest


def _problem(
    project: Project,
    status: ProblemStatus,
    raised_by: User | None,
    department: Department | None,
    today: dt.date,
    rng: random.Random,
    *,
    overdue_days: int | None = None,
    admin: User | None = None,
) -> None:
    category, text = rng.choice(PROBLEMS)
    raised_on = today - dt.timedelta(days=rng.randint(20, 60) + (overdue_days or 0))
    assigned_on = raised_on + dt.timedelta(days=rng.randint(1, 4))
    if overdue_days is not None:
        deadline = today - dt.timedelta(days=overdue_days)
    else:
        deadline = today + dt.timedelta(days=rng.randint(5, 25))
    problem = Problem(
        project_id=project.id,
        category_id=ref_id(RefKind.PROBLEM_CATEGORY, category),
        description=text,
        raised_by_id=raised_by.id if raised_by else None,
        raised_on=raised_on,
        status=status,
        created_at=_at(raised_on, 9),
    )
    db.session.add(problem)
    db.session.flush()
    actor_id = admin.id if admin else None
    leader_id = project.responsible_leader_id or actor_id

    def event(frm: ProblemStatus | None, to: ProblemStatus, day: dt.date, who: int | None, note: str | None) -> None:
        db.session.add(
            ProblemEvent(problem_id=problem.id, from_status=frm, to_status=to, actor_id=who, at=_at(day), note=note)
        )

    event(None, ProblemStatus.REPORTED, raised_on, problem.raised_by_id, None)
    if status is ProblemStatus.REPORTED or department is None:
        return
    handler = db.session.scalar(
        sa.select(User.id).where(User.department_id == department.id, User.role == Role.STAFF).limit(1)
    )
    problem.responsible_department_id = department.id
    problem.deadline = deadline
    event(
        ProblemStatus.REPORTED,
        ProblemStatus.ASSIGNED,
        assigned_on,
        leader_id,
        f"交办 {department.name}，时限 {deadline.isoformat()}",
    )
    if status is ProblemStatus.ASSIGNED:
        return
    started = assigned_on + dt.timedelta(days=2)
    event(ProblemStatus.ASSIGNED, ProblemStatus.IN_PROGRESS, started, handler, "已与企业对接，正在协调办理。")
    if status is ProblemStatus.IN_PROGRESS:
        return
    answered = min(today, started + dt.timedelta(days=rng.randint(3, 12)))
    problem.resolution = "经协调，相关部门已出具办理意见，问题已解决。"
    problem.answered_on = answered
    event(ProblemStatus.IN_PROGRESS, ProblemStatus.ANSWERED, answered, handler, problem.resolution)
    if status is ProblemStatus.ANSWERED:
        return
    problem.resolved_on = min(today, answered + dt.timedelta(days=rng.randint(1, 5)))
    event(
        ProblemStatus.ANSWERED, ProblemStatus.CLOSED, problem.resolved_on, problem.raised_by_id, "企业确认，同意销号。"
    )


def _instructions(project: Project, leader: User, team: list[User], today: dt.date, rng: random.Random) -> None:
    for index in range(rng.randint(1, 2)):
        issued = today - dt.timedelta(days=rng.randint(2, 40))
        instruction = Instruction(
            project_id=project.id, leader_id=leader.id, text=rng.choice(INSTRUCTIONS), issued_at=_at(issued, 15)
        )
        if team and (index > 0 or rng.random() < 0.55):
            instruction.acknowledged_by_id = rng.choice(team).id
            instruction.acknowledged_at = _at(min(today, issued + dt.timedelta(days=rng.randint(0, 3))), 16)
            instruction.acknowledgement = "已签收，专班抓紧落实。"
        db.session.add(instruction)


def seed(ctx: DemoContext) -> str:
    today, rng = ctx.today, ctx.rng
    departments: dict[str, Department] = ctx.data.get("departments") or {}
    leaders, staff, admin = _context_users(ctx)
    if admin is None or not leaders or not staff:
        return "项目库：缺少管理员、领导或招商人员，未生成项目演示数据"
    existing = set(db.session.scalars(sa.select(Project.name)))
    demo_staff = db.session.scalar(sa.select(User).where(User.username == "staff"))
    bureau = db.session.scalar(sa.select(User).where(User.username == "bureau"))
    all_staff = [*staff, *(u for u in (demo_staff, bureau) if u is not None and u not in staff)]
    dept_handlers = [
        d
        for d in (
            _department(departments, "东城街道"),
            _department(departments, "区发展和改革委员会"),
            _department(departments, "区自然资源局") or _department(departments, "区工业和信息化局"),
            _department(departments, "区投资促进局"),
        )
        if d is not None
    ]

    created = key_count = red_seen = yellow_seen = 0
    problem_plan = [
        ProblemStatus.REPORTED,
        ProblemStatus.ASSIGNED,
        ProblemStatus.IN_PROGRESS,
        ProblemStatus.ANSWERED,
        ProblemStatus.CLOSED,
    ]
    for index, spec in enumerate(SPECS):
        if spec.name in existing:
            continue
        department = _department(departments, spec.department)
        moves = _stage_dates(spec.stage, today, rng)
        first_stage, first_on = moves[0]
        company = services.resolve_company(spec.company, admin, department.id if department else None)
        project = services.create_project(
            {
                "name": spec.name,
                "company_id": company.id if company else None,
                "industry_id": ref_id(RefKind.INDUSTRY, spec.industry),
                "is_key": spec.key,
                "planned_investment": Decimal(spec.amount),
                "land_area": Decimal(rng.randint(20, 600)) if spec.amount >= 30000 else None,
                "expected_output": Decimal(spec.amount * rng.randint(8, 20) // 10),
                "expected_tax": Decimal(spec.amount * rng.randint(3, 9) // 100),
                "location": spec.location,
                "description": f"{spec.name}，计划总投资约 {spec.amount / 10000:.1f} 亿元。",
                "lead_department_id": department.id if department else None,
            },
            admin,
            stage=first_stage,
            on=first_on,
        )
        project.created_at = _at(first_on, 9)
        for stage, on in moves[1:]:
            services.move_stage(project, stage, admin, on=on)
        if spec.stage is X:
            reason_id = ref_id(RefKind.REASON, spec.exit_reason or "其他")
            exit_on = min(today, moves[-1][1] + dt.timedelta(days=rng.randint(20, 60)))
            services.move_stage(
                project, X, admin, reason_id=reason_id, note="经研判，项目暂不具备推进条件。", on=exit_on
            )
        db.session.flush()
        created += 1

        extra = []
        if demo_staff is not None and spec.department == "东城街道":
            extra.append(demo_staff)
        if bureau is not None and spec.key and index % 4 == 0:
            extra.append(bureau)
        team = _team(department, all_staff, extra, rng)
        if not spec.key:
            # Ordinary projects: a team, a plan now and then, a few updates.
            if spec.stage is not X and rng.random() < 0.7:
                project.team = team[:1]
                _updates(project, spec.stage, "green", team[:1], today, rng)
            continue

        key_count += 1
        scenario = SCENARIOS[key_count % len(SCENARIOS)] if spec.stage is not X else "green"
        leader = leaders[0] if key_count % 4 == 1 else leaders[key_count % len(leaders)]
        project.responsible_leader_id = leader.id
        db.session.add(
            LeaderHandover(
                project_id=project.id,
                from_leader_id=None,
                to_leader_id=leader.id,
                reason="区委区政府确定分包领导",
                changed_by_id=admin.id,
                changed_at=_at(first_on + dt.timedelta(days=3)),
            )
        )
        # Some key projects still lack a piece of the five ones (落实率 < 100%).
        complete = key_count % 7 != 3
        project.team = team if complete or key_count % 2 else []
        if complete or key_count % 2 == 0:
            project.plan_text = (
                f"围绕“{spec.name}”按照“一个项目、一名领导、一个班子、一套方案、一抓到底”要求，"
                f"由{spec.department}牵头组建工作专班，倒排工期、挂图作战，"
                f"每周调度一次、每月向分包领导专题汇报，确保按节点推进。"
            )
            _milestones(project, spec.stage if spec.stage is not X else X, scenario, today, rng)
        if spec.stage is X:
            continue
        _updates(project, spec.stage, scenario, project.team or team, today, rng)
        _instructions(project, leader, project.team, today, rng)

        # Problems, deterministic so every state and every escalation level
        # shows: red projects carry overdue ones (蓝/黄/红 督办 in turn),
        # yellow ones open ones in each state, and half have a closed one.
        handler = dept_handlers[key_count % len(dept_handlers)] if dept_handlers else department
        if scenario == "red" and key_count % 3 != 2:
            red_seen += 1
            _problem(
                project,
                ProblemStatus.ASSIGNED if red_seen % 2 else ProblemStatus.IN_PROGRESS,
                rng.choice(team),
                handler,
                today,
                rng,
                overdue_days=OVERDUE_DAYS[red_seen % len(OVERDUE_DAYS)],
                admin=admin,
            )
        elif scenario == "yellow" and key_count % 3 != 0:
            yellow_seen += 1
            _problem(project, problem_plan[yellow_seen % 4], rng.choice(team), handler, today, rng, admin=admin)
        if key_count % 2:
            _problem(project, ProblemStatus.CLOSED, rng.choice(team), department, today, rng, admin=admin)

    adopted = _adopt_key_projects(leaders, all_staff, admin, today, rng)
    _advance_converted(admin, today)
    db.session.flush()
    total = db.session.scalar(sa.select(sa.func.count(Project.id))) or 0
    return (
        f"项目库：新增项目 {created} 个（重点项目 {key_count} 个），"
        f"为 {adopted} 个转化而来的重点项目落实五个一，共 {total} 个项目"
    )


def _adopt_key_projects(leaders: list[User], staff: list[User], admin: User, today: dt.date, rng: random.Random) -> int:
    """Key projects other steps created (lead conversions) without a leader:
    name one, form the team, write the plan — as a district would within
    weeks of conversion. Projects with a leader are left alone (idempotent)."""
    orphans = db.session.scalars(
        sa.select(Project)
        .where(
            Project.is_key.is_(True),
            Project.responsible_leader_id.is_(None),
            Project.stage != Stage.EXITED,
            Project.archived_at.is_(None),
        )
        .order_by(Project.id)
    ).all()
    for number, project in enumerate(orphans):
        leader = leaders[number % len(leaders)]
        project.responsible_leader_id = leader.id
        db.session.add(
            LeaderHandover(
                project_id=project.id,
                from_leader_id=None,
                to_leader_id=leader.id,
                reason="区委区政府确定分包领导",
                changed_by_id=admin.id,
            )
        )
        department = project.lead_department
        team = _team(department, staff, [], rng)
        project.team = team
        project.plan_text = "按照“五个一”工作机制，专班倒排工期、挂图作战，每周调度一次。"
        scenario = SCENARIOS[(number * 5) % len(SCENARIOS)]
        _milestones(project, project.stage, scenario, today, rng)
        if project.last_progress_on is None or (today - project.last_progress_on).days > 20:
            _updates(project, project.stage, scenario, team, today, rng)
        _instructions(project, leader, team, today, rng)
    return len(orphans)


# How far converted leads have come: by project id, so a second run picks the
# same projects (already moved on, hence skipped).
CONVERTED_PATH = ((10, Stage.PRODUCTION), (6, Stage.CONSTRUCTION), (4, Stage.LANDED), (2, Stage.SIGNED))


def _advance_converted(admin: User, today: dt.date) -> int:
    """Some projects converted from leads go on to sign, land, start
    construction and production — so the funnel's later steps (signed,
    construction, production) are not empty in the demo."""
    from app.projects.services import move_stage

    projects = db.session.scalars(
        sa.select(Project)
        .where(Project.lead_id.is_not(None), Project.stage == Stage.ATTRACTING, Project.archived_at.is_(None))
        .order_by(Project.id)
    ).all()
    moved = 0
    for project in projects:
        target = next((stage for every, stage in CONVERTED_PATH if project.id % every == 0), None)
        if target is None:
            continue
        start = project.stage_changed_at.date()
        steps = STAGE_ORDER[STAGE_ORDER.index(Stage.SIGNED) : STAGE_ORDER.index(target) + 1]
        room = (today - start).days - 1
        if room < len(steps) * 3:
            continue  # converted too recently to have come this far
        gap = room // (len(steps) + 1)
        for number, stage in enumerate(steps, start=1):
            move_stage(project, stage, admin, note="按计划推进", on=start + dt.timedelta(days=gap * number))
        moved += 1
    return moved

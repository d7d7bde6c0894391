"""Demo step 2: companies, a few hundred leads over the last eight months
across many departments, their visits, statuses spread along the pipeline
(some shelved, some converted into projects in 招引库), and companies
followed by two departments at once (撞单), a few already ruled on.

Everything goes through the real services, so the maintained columns,
status history, conflicts and audit rows are what the app itself would
write. Runs once: a database that already has leads is left alone."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

import sqlalchemy as sa

from app.companies import credit_code as cc
from app.companies.conflicts import rule_conflict
from app.companies.services import create_company
from app.db import db
from app.demo import DemoContext
from app.leads import pipeline, services, visits
from app.models import (
    Company,
    CompanyConflict,
    ConflictStatus,
    Department,
    DepartmentKind,
    Lead,
    LeadStatus,
    RefItem,
    RefKind,
    Role,
    User,
    Visit,
)

# (name, industry, tiers, HQ region)
COMPANIES = [
    ("华润置业有限公司", "楼宇经济", ["世界500强", "央企"], "北京"),
    ("万科企业股份有限公司", "楼宇经济", ["世界500强", "上市公司"], "深圳"),
    ("比亚迪股份有限公司", "智能制造", ["世界500强", "民营500强", "上市公司"], "深圳"),
    ("宁德时代新能源科技股份有限公司", "智能制造", ["世界500强", "上市公司"], "福建宁德"),
    ("中国建筑第七工程局有限公司", "总部经济", ["央企"], "郑州"),
    ("宇通客车股份有限公司", "智能制造", ["中国500强", "上市公司"], "郑州"),
    ("郑州煤矿机械集团股份有限公司", "精密制造", ["中国500强", "上市公司"], "郑州"),
    ("顺丰速运有限公司", "现代物流", ["世界500强", "民营500强"], "深圳"),
    ("京东物流供应链有限公司", "现代物流", ["世界500强"], "北京"),
    ("海尔智家股份有限公司", "智能制造", ["世界500强", "上市公司"], "青岛"),
    ("美的集团股份有限公司", "智能制造", ["世界500强", "民营500强", "上市公司"], "佛山"),
    ("三一重工股份有限公司", "精密制造", ["中国500强", "上市公司"], "长沙"),
    ("隆基绿能科技股份有限公司", "智能制造", ["中国500强", "上市公司"], "西安"),
    ("科大讯飞股份有限公司", "科技服务", ["上市公司", "高新技术企业"], "合肥"),
    ("杭州海康威视数字技术股份有限公司", "科技服务", ["上市公司", "高新技术企业"], "杭州"),
    ("立讯精密工业股份有限公司", "精密制造", ["民营500强", "上市公司"], "东莞"),
    ("牧原食品股份有限公司", "现代商贸", ["中国500强", "上市公司"], "河南南阳"),
    ("河南双汇投资发展股份有限公司", "现代商贸", ["中国500强", "上市公司"], "河南漯河"),
    ("三全食品股份有限公司", "现代商贸", ["上市公司"], "郑州"),
    ("郑州安图生物工程股份有限公司", "健康服务", ["上市公司", "高新技术企业"], "郑州"),
    ("华兰生物工程股份有限公司", "健康服务", ["上市公司"], "河南新乡"),
    ("超聚变数字技术有限公司", "科技服务", ["独角兽", "高新技术企业"], "郑州"),
    ("新华三技术有限公司", "科技服务", ["高新技术企业"], "杭州"),
    ("中原银行股份有限公司", "现代金融", ["地方国企"], "郑州"),
    ("万达商业管理集团有限公司", "特色商业", ["民营500强"], "北京"),
    ("红星美凯龙家居集团股份有限公司", "现代商贸", ["上市公司"], "上海"),
    ("永辉超市股份有限公司", "现代商贸", ["上市公司"], "福州"),
    ("蜜雪冰城股份有限公司", "特色商业", ["民营500强"], "郑州"),
    ("锅圈食品（上海）股份有限公司", "现代商贸", ["上市公司"], "上海"),
    ("瑞幸咖啡（中国）有限公司", "特色商业", ["外资企业"], "厦门"),
    ("施耐德电气（中国）有限公司", "智能制造", ["世界500强", "外资企业"], "北京"),
    ("西门子（中国）有限公司", "智能制造", ["世界500强", "外资企业"], "北京"),
    ("博世（中国）投资有限公司", "精密制造", ["世界500强", "外资企业"], "上海"),
    ("富士康科技集团有限公司", "精密制造", ["世界500强", "外资企业"], "深圳"),
    ("中国平安财产保险股份有限公司", "现代金融", ["世界500强"], "深圳"),
    ("中原大数据研究院有限公司", "科技服务", ["高校院所"], "郑州"),
    ("郑州大学产业技术研究院有限公司", "科技服务", ["高校院所"], "郑州"),
    ("河南中原文化旅游投资集团有限公司", "文化旅游", ["地方国企"], "郑州"),
    ("建业文旅集团有限公司", "文化旅游", ["民营500强"], "郑州"),
    ("中铁工程装备集团有限公司", "精密制造", ["央企", "专精特新"], "郑州"),
    ("国药控股河南股份有限公司", "健康服务", ["央企"], "郑州"),
    ("九州通医药集团股份有限公司", "健康服务", ["上市公司", "民营500强"], "武汉"),
    ("传化物流集团有限公司", "现代物流", ["民营500强"], "杭州"),
    ("普洛斯投资（上海）有限公司", "现代物流", ["外资企业"], "上海"),
    ("汉威科技集团股份有限公司", "精密制造", ["上市公司", "专精特新"], "郑州"),
    ("郑州宇通重工有限公司", "智能制造", ["专精特新"], "郑州"),
    ("河南许继电气股份有限公司", "智能制造", ["央企", "上市公司"], "河南许昌"),
    ("平高电气股份有限公司", "精密制造", ["央企", "上市公司"], "河南平顶山"),
    ("河南翔宇医疗设备股份有限公司", "健康服务", ["上市公司", "专精特新"], "河南安阳"),
    ("好想你健康食品股份有限公司", "现代商贸", ["上市公司"], "河南新郑"),
]
# Local firms: 字号 × trade, for the long tail of smaller leads.
_BRANDS_TEXT = """
中科 华瑞 鼎信 博睿 恒通 瑞丰 天元 金鹰 宏达 卓越 启明 汇智 云帆 华亿 正弘 鸿运 嘉禾 天能 铭泰 中原 弘毅 润泽 锦程 睿合
"""
BRANDS = _BRANDS_TEXT.split()
TRADES = [
    ("智能装备有限公司", "智能制造"),
    ("精密机械制造有限公司", "精密制造"),
    ("新材料科技有限公司", "智能制造"),
    ("供应链管理有限公司", "现代物流"),
    ("冷链物流有限公司", "现代物流"),
    ("医疗器械有限公司", "健康服务"),
    ("康养产业发展有限公司", "健康服务"),
    ("信息技术有限公司", "科技服务"),
    ("检验检测技术服务有限公司", "科技服务"),
    ("商业运营管理有限公司", "特色商业"),
    ("文化传媒有限公司", "文化旅游"),
    ("股权投资基金管理有限公司", "现代金融"),
    ("跨境电子商务有限公司", "现代商贸"),
]
# The same company entered twice under another spelling: the merge demo.
VARIANTS = {
    "华润置业有限公司": "郑州华润置业有限责任公司",
    "比亚迪股份有限公司": "比亚迪股份公司",
    "蜜雪冰城股份有限公司": "蜜雪冰城（河南）股份有限公司",
}
TITLES = [
    "拟在我区设立{region}区域总部",
    "新建{industry}生产基地项目",
    "投资建设研发中心及中试基地",
    "设立区域分拨中心",
    "拟租赁标准厂房扩大产能",
    "商业综合体运营合作",
    "建设{industry}产业园",
    "设立区域结算中心",
    "产业链配套项目落地意向",
    "拟合作设立产业基金",
]
SUMMARIES = [
    "赴企业总部拜访，介绍我区产业基础和要素保障，对方对{industry}布局表示兴趣。",
    "企业负责人来访考察，实地察看意向地块，就用地指标、配套政策进行了交流。",
    "电话沟通项目进展，企业正在进行内部投资评审，预计下月给出初步方案。",
    "视频会议对接，企业提出对标准厂房层高和电力容量的具体需求。",
    "参加洽谈会，双方就投资规模、建设周期和政策支持达成初步共识。",
    "陪同企业考察园区配套，企业关注人才公寓和员工通勤。",
]
OUTCOMES = ["企业同意进一步考察", "已提供政策清单和地块资料", "对方将提交项目建议书", "初步确定投资规模", ""]
NEXT_STEPS = [
    "报送项目研判材料",
    "邀请企业高层来访",
    "对接自然资源部门核实用地",
    "准备框架协议文本",
    "跟进企业内部决策",
]
COUNTERPARTS = [
    "王总（董事长）",
    "李经理（投资发展部）",
    "陈总（副总裁）、赵经理（战略部）",
    "刘总监（区域拓展）",
    "周总（总经理）",
]
PLACES = ["企业总部", "区政府会议室", "意向地块现场", "招商服务中心", "线上"]

LEADS = 300
DAYS = 240


def _credit_code(rng, index: int) -> str:
    """A well-formed (but invented) credit code with a correct check character."""
    body = "91" + "4101" + f"{rng.randint(0, 99):02d}" + "MA" + "".join(rng.choice(cc.CHARSET) for _ in range(7))
    return body + cc.check_character(body)


def _ref_ids() -> dict[RefKind, dict[str, int]]:
    ids: dict[RefKind, dict[str, int]] = defaultdict(dict)
    for item in db.session.scalars(sa.select(RefItem)):
        ids[item.kind][item.name] = item.id
    return ids


def _company_specs(ctx: DemoContext, refs: dict[RefKind, dict[str, int]]):
    """Company data, well-known names interleaved with local firms."""
    rng = ctx.rng
    famous = []
    for index, (name, industry, tiers, region) in enumerate(COMPANIES):
        famous.append(
            {
                "name": name,
                "industry_id": refs[RefKind.INDUSTRY].get(industry),
                "tier_ids": [refs[RefKind.TIER][t] for t in tiers if t in refs[RefKind.TIER]],
                "hq_region": region,
                "credit_code": _credit_code(rng, index) if index % 3 else None,
            }
        )
    local = []
    for b, brand in enumerate(BRANDS):
        for t, (trade, industry) in enumerate(TRADES):
            region = ["郑州", "河南", "洛阳", "新乡", "许昌", "开封"][(b + t) % 6]
            name = (
                f"{region}{brand}{trade}"
                if (b + t) % 2
                else f"{brand}{trade.replace('有限公司', '')}（{region}）有限公司"
            )
            local.append(
                {
                    "name": name,
                    "industry_id": refs[RefKind.INDUSTRY].get(industry),
                    "tier_ids": [refs[RefKind.TIER]["专精特新"]] if (b * 7 + t) % 11 == 0 else [],
                    "hq_region": region,
                }
            )
    rng.shuffle(local)
    rng.shuffle(famous)
    specs = []
    while famous or local:
        if famous and (not local or rng.random() < 0.2):
            specs.append(famous.pop())
        else:
            specs.append(local.pop())
    return specs


def _people(ctx: DemoContext) -> tuple[dict[int, list[User]], User, list[User]]:
    staff_by_dept: dict[int, list[User]] = defaultdict(list)
    for user in db.session.scalars(
        sa.select(User).where(User.role == Role.STAFF, User.active.is_(True), User.department_id.is_not(None))
    ):
        staff_by_dept[user.department_id].append(user)
    admin = db.session.scalar(sa.select(User).where(User.username == "admin"))
    leaders = list(db.session.scalars(sa.select(User).where(User.role == Role.LEADER)))
    return staff_by_dept, admin, leaders


def _visit(ctx: DemoContext, lead: Lead, actor: User, on: dt.date, refs, leaders: list[User], follow_up: bool) -> None:
    rng = ctx.rng
    industry = lead.industry.name if lead.industry else "相关产业"
    data = {
        "visited_on": on,
        "kind_id": rng.choice(list(refs[RefKind.VISIT_KIND].values())),
        "place": rng.choice(PLACES),
        "leader_present_id": rng.choice(leaders).id if leaders and rng.random() < 0.25 else None,
        "counterpart": rng.choice(COUNTERPARTS),
        "summary": rng.choice(SUMMARIES).format(industry=industry),
        "outcome": rng.choice(OUTCOMES) or None,
        "next_step": rng.choice(NEXT_STEPS),
        "follow_up_on": on + dt.timedelta(days=rng.randint(3, 14)) if follow_up else None,
        "participant_ids": [actor.id],
    }
    visits.log_visit(data, actor, lead=lead)


def _visit_days(ctx: DemoContext, start: dt.date, end: dt.date) -> list[dt.date]:
    """Visits from `start` to `end`, one every one to three weeks."""
    days, day = [start], start
    while True:
        day += dt.timedelta(days=ctx.rng.randint(7, 21))
        if day > end:
            return days
        days.append(day)


def _life(ctx: DemoContext, lead: Lead, actor: User, amount: Decimal, age: int, refs, leaders: list[User]) -> str:
    """Play a lead's story so far through the services; returns its outcome."""
    rng, today = ctx.rng, ctx.today
    received = lead.received_on
    if age <= 2 or (rng.random() < 0.05 and age < 60):
        return "new"  # not yet contacted (older ones overdue for first contact)
    first = min(today, received + dt.timedelta(days=rng.choice([0, 1, 1, 2, 3])))
    roll = rng.random()
    if age > 45 and roll < 0.2:
        outcome = "converted"
        end = received + dt.timedelta(days=rng.randint(30, min(age, 150)))
    elif age > 20 and roll < 0.32:
        outcome = "shelved"
        end = received + dt.timedelta(days=rng.randint(10, min(age, 90)))
    else:
        # Assessed within days, bar a few stuck ones (overdue on 研判).
        outcome = "contacted" if age <= 4 or roll > 0.93 else "negotiating"
        # Most open leads are being worked; a few have lapsed (overdue, stale).
        end = today - dt.timedelta(days=rng.randint(0, 10)) if rng.random() < 0.88 else first
    end = max(first, min(end, today))
    days = _visit_days(ctx, first, end)
    if days[-1] < end:
        days.append(end)  # the latest contact
    for index, on in enumerate(days):
        last = index == len(days) - 1
        # The latest visit of a lead being worked promises the next one.
        recent = (today - on).days <= 12
        _visit(
            ctx, lead, actor, on, refs, leaders, follow_up=last and recent and outcome in ("contacted", "negotiating")
        )
    if outcome in ("negotiating", "converted") and len(days) > 1:
        pipeline.advance(lead, LeadStatus.NEGOTIATING, actor, on=days[1])
    if outcome == "converted":
        # Making a project key is the admin's call (as the convert form rules).
        key = amount >= 10000
        converter = (ctx.data.get("admin") or actor) if key else actor
        pipeline.convert_lead(lead, converter, {"on": end, "is_key": key})
    elif outcome == "shelved":
        names = [n for n in refs[RefKind.REASON] if n != "其他"]
        reason = rng.choice(names)
        pipeline.shelve(lead, actor, reason_id=refs[RefKind.REASON][reason], note="经研判暂不具备落地条件。", on=end)
    elif outcome == "negotiating" and len(days) == 1:
        pipeline.advance(lead, LeadStatus.NEGOTIATING, actor, on=end)
    return outcome


def seed(ctx: DemoContext) -> str:
    if db.session.scalar(sa.select(sa.func.count(Lead.id))):
        return "招商线索：已有数据，跳过"
    rng = ctx.rng
    today = ctx.today
    refs = _ref_ids()
    staff_by_dept, admin, leaders = _people(ctx)
    departments = {
        d.id: d
        for d in db.session.scalars(sa.select(Department).where(Department.kind != DepartmentKind.OTHER))
        if staff_by_dept.get(d.id)
    }
    dept_ids = sorted(departments)
    demo_staff = db.session.scalar(sa.select(User).where(User.username == "staff"))
    specs = iter(_company_specs(ctx, refs))
    companies: list[Company] = []
    used_by: dict[int, int] = {}  # company id → the department of its first lead
    variants: list[Company] = []
    sources = list(refs[RefKind.SOURCE].values())
    counts = defaultdict(int)
    # Entered in the order received, so 首报 goes to the first department.
    dates = sorted(today - dt.timedelta(days=int(DAYS * rng.random() ** 1.3)) for _ in range(LEADS))
    for number, received in enumerate(dates):
        # The demo sign-in `staff` gets a desk's worth of leads.
        if demo_staff is not None and number % 12 == 0:
            actor = demo_staff
        else:
            actor = rng.choice(staff_by_dept[rng.choice(dept_ids)])
        dept_id = actor.department_id
        # Mostly a company new to the district; some already followed by
        # another department (撞单), some a second lead of the same one.
        others = [cid for cid, d in used_by.items() if d != dept_id]
        own = [cid for cid, d in used_by.items() if d == dept_id]
        roll = rng.random()
        if others and roll < 0.06:
            company = db.session.get(Company, rng.choice(others))
        elif own and roll < 0.12:
            company = db.session.get(Company, rng.choice(own))
        elif variants and roll < 0.14:
            company = variants.pop()
        else:
            spec = next(specs, None)
            company = create_company(spec, admin) if spec else db.session.get(Company, rng.choice(own or others))
            companies.append(company)
            variant = VARIANTS.get(company.name)
            if variant:
                # The same company entered again under another spelling: the merge demo.
                copy = create_company(
                    {"name": variant, "industry_id": company.industry_id, "hq_region": company.hq_region}, admin
                )
                companies.append(copy)
                variants.append(copy)
        industry_id = company.industry_id or rng.choice(list(refs[RefKind.INDUSTRY].values()))
        industry_name = next((n for n, i in refs[RefKind.INDUSTRY].items() if i == industry_id), "")
        amount = Decimal(rng.choice([500, 1000, 2000, 3000, 5000, 8000, 10000, 20000, 30000, 50000, 100000]))
        data = {
            "company_choice": str(company.id),
            "company_name": company.name,
            "title": rng.choice(TITLES).format(region="华中", industry=industry_name or "先进制造"),
            "source_id": rng.choice(sources),
            "industry_id": industry_id,
            "intended_investment": amount,
            "contact_name": rng.choice(["王", "李", "张", "刘", "陈", "杨"]) + rng.choice(["经理", "总", "主任"]),
            "contact_phone": f"1{rng.choice([3, 5, 8])}{rng.randint(100000000, 999999999)}",
            "intended_location": departments[dept_id].name,
            "description": "客商通过"
            + rng.choice(["展会", "商协会", "以商招商", "驻外招商"])
            + "渠道对接，具体需求待进一步研判。",
            "owner_department_id": dept_id,
            "owner_user_id": actor.id,
            "received_on": received,
        }
        lead = services.create_lead(data, actor, confirm_duplicate=True, on=received)
        used_by.setdefault(company.id, dept_id)
        counts["leads"] += 1

        age = (today - received).days
        counts[_life(ctx, lead, actor, amount, age, refs, leaders)] += 1
    db.session.flush()

    # Detected when the claiming lead was entered (the demo back-dates entries).
    for conflict in db.session.scalars(sa.select(CompanyConflict)):
        received = db.session.get(Lead, conflict.lead_id).received_on
        conflict.detected_at = dt.datetime.combine(received, dt.time(2, 30))
    # Rule on two of the conflicts, so the admin's history is not empty.
    open_conflicts = db.session.scalars(
        sa.select(CompanyConflict).where(CompanyConflict.status == ConflictStatus.OPEN).order_by(CompanyConflict.id)
    ).all()
    for conflict, ruling in zip(open_conflicts[:2], ("share", "reassign"), strict=False):
        if conflict.status is not ConflictStatus.OPEN:
            continue
        holder = conflict.company.first_department_id
        rule_conflict(
            conflict,
            ruling,
            admin,
            {
                "department_id": holder,
                "note": "经协调，两部门联合跟进。" if ruling == "share" else "由首报部门统一跟进。",
            },
        )
    conflicts = db.session.scalar(sa.select(sa.func.count(CompanyConflict.id)))
    counts["visits"] = db.session.scalar(sa.select(sa.func.count(Visit.id)))
    db.session.flush()
    return (
        f"企业 {len(companies)} 家，线索 {counts['leads']} 条"
        f"（转项目 {counts['converted']}、搁置 {counts['shelved']}），拜访 {counts['visits']} 次，撞单 {conflicts} 起"
    )

"""Demo step: 产业链 — two chains as a district draws them. 生物医药 under the
常务副区长 (链长, the `leader` sign-in) with the 区投资促进局 leading:
原料药 → 制剂 (化学药, 生物药) → 医疗器械 → 医药流通, where 原料药 and 生物药
are gaps (缺链); 智能制造 under another leader with the 区工业和信息化局:
核心零部件 (减速器, 伺服电机) → 工业机器人 → 智能装备 → 系统集成, where
减速器 is a gap. Local companies (链主企业 flagged) on the filled segments,
the district's signed projects in 智能制造/精密制造 placed on 智能装备, and a
dozen target companies with region, tier, reason and priority — one of them
already a lead of the 东城街道 (its target shows it contacted).

Through the chain services (audited). Idempotent: a chain whose name exists
is left alone."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from app.chains import services
from app.companies.services import create_company
from app.db import db
from app.demo import DemoContext
from app.lookups import ref_id
from app.models import Chain, Department, Project, RefItem, RefKind, Role, Stage, User

# (chain, 链长 username or None for the second leader, lead department, description,
#  segments: (name, stage, parent name, [(local company, 链主?)]),
#  targets: (name, segment, tier, region, priority, reason))
CHAINS = [
    (
        "生物医药",
        "leader",
        "区投资促进局",
        "以化学制剂和医疗器械为基础，补齐原料药和生物药环节，打造区域医药产业集群。",
        [
            ("原料药", "upstream", None, []),
            ("制剂", "midstream", None, []),
            ("化学药", "midstream", "制剂", [("华辰制药有限公司", True), ("康源药业有限公司", False)]),
            ("生物药", "midstream", "制剂", []),
            ("医疗器械", "midstream", None, [("瑞康医疗器械有限公司", False)]),
            ("医药流通", "downstream", None, [("九州通医药集团股份有限公司", False)]),
        ],
        [
            ("浙江华海药业股份有限公司", "原料药", "上市公司", "浙江台州", "high", "特色原料药龙头，补原料药缺链"),
            ("山东新华制药股份有限公司", "原料药", "地方国企", "山东淄博", "medium", "解热镇痛类原料药产能外溢"),
            (
                "江苏恒瑞医药股份有限公司",
                "生物药",
                "上市公司",
                "江苏连云港",
                "high",
                "创新药龙头，布局生物药产业化基地",
            ),
            ("药明生物技术有限公司", "生物药", "外资企业", "江苏无锡", "high", "生物药CDMO，带动上下游配套"),
            ("迈瑞医疗国际股份有限公司", "医疗器械", "上市公司", "深圳", "medium", "医疗器械链主，强链"),
            ("鱼跃医疗设备股份有限公司", "医疗器械", "上市公司", "江苏丹阳", "low", "家用医疗器械，配套本地产能"),
        ],
    ),
    (
        "智能制造",
        None,
        "区工业和信息化局",
        "依托装备制造基础，向核心零部件和工业机器人延链，建设智能装备产业园。",
        [
            ("核心零部件", "upstream", None, []),
            ("减速器", "upstream", "核心零部件", []),
            ("伺服电机", "upstream", "核心零部件", [("中原精密电机有限公司", False)]),
            ("工业机器人", "midstream", None, [("豫智机器人科技有限公司", False)]),
            (
                "智能装备",
                "midstream",
                None,
                [("郑州煤矿机械集团股份有限公司", True), ("中铁工程装备集团有限公司", False)],
            ),
            ("系统集成", "downstream", None, [("汉威科技集团股份有限公司", False), ("智联工业软件有限公司", False)]),
        ],
        [
            (
                "绿的谐波传动科技股份有限公司",
                "减速器",
                "专精特新",
                "江苏苏州",
                "high",
                "谐波减速器国产龙头，补减速器缺链",
            ),
            ("南通振康焊接机电有限公司", "减速器", "专精特新", "江苏南通", "medium", "RV减速器，配套本地机器人企业"),
            ("汇川技术股份有限公司", "伺服电机", "上市公司", "深圳", "high", "伺服系统龙头，强链"),
            ("埃斯顿自动化股份有限公司", "工业机器人", "上市公司", "江苏南京", "high", "工业机器人整机，引进区域总部"),
            ("新松机器人自动化股份有限公司", "工业机器人", "上市公司", "辽宁沈阳", "medium", "移动机器人与洁净机器人"),
            ("郑州宇通重工有限公司", "智能装备", "专精特新", "郑州", "low", "本地配套延伸"),
        ],
    ),
]
# The target that is already a lead of the 东城街道 (its target shows 已有对接).
FOLLOWED = "埃斯顿自动化股份有限公司"


def _company(name: str, admin: User):
    found = services.company_by_name(name)
    return found or create_company({"name": name, "hq_region": "本区"}, admin)


def seed(ctx: DemoContext) -> str:
    admin = db.session.scalar(sa.select(User).where(User.role == Role.ADMIN).order_by(User.id))
    if admin is None:
        return "产业链：缺少管理员，未生成"
    leaders = db.session.scalars(
        sa.select(User).where(User.role == Role.LEADER, User.active.is_(True)).order_by(User.id)
    ).all()
    departments = {d.name: d.id for d in db.session.scalars(sa.select(Department))}
    tiers = {r.name: r.id for r in db.session.scalars(sa.select(RefItem).where(RefItem.kind == RefKind.TIER))}
    made, segments_made, targets_made = 0, 0, 0
    for name, leader_name, department, description, segments, targets in CHAINS:
        if db.session.scalar(sa.select(Chain.id).where(Chain.name == name)):
            continue
        leader = next((u for u in leaders if u.username == leader_name), None) if leader_name else None
        if leader is None and leaders:
            leader = leaders[min(1, len(leaders) - 1)]
        chain = services.create_chain(
            {
                "name": name,
                "chain_leader_id": leader.id if leader else None,
                "department_id": departments.get(department),
                "description": description,
                "sort_order": made,
            },
            admin,
        )
        made += 1
        by_name = {}
        for order, (segment_name, stage, parent, locals_) in enumerate(segments):
            segment = services.add_segment(
                chain,
                {
                    "name": segment_name,
                    "stage": stage,
                    "parent_id": by_name[parent].id if parent else None,
                    "sort_order": order,
                },
                admin,
            )
            by_name[segment_name] = segment
            segments_made += 1
            for company_name, master in locals_:
                placed_on = ctx.today - dt.timedelta(days=730)
                if company_name in ("瑞康医疗器械有限公司", "豫智机器人科技有限公司"):
                    placed_on = ctx.today.replace(month=1, day=1)  # gaps closed this year
                services.place_company(
                    segment, _company(company_name, admin), admin, chain_master=master, placed_on=placed_on
                )
        if name == "智能制造":
            industries = [ref_id(RefKind.INDUSTRY, "智能制造"), ref_id(RefKind.INDUSTRY, "精密制造")]
            projects = db.session.scalars(
                sa.select(Project)
                .where(
                    Project.industry_id.in_([i for i in industries if i]),
                    Project.archived_at.is_(None),
                    Project.stage.in_((Stage.ATTRACTING, Stage.SIGNED, Stage.CONSTRUCTION, Stage.PRODUCTION)),
                )
                .order_by(Project.id)
                .limit(4)
            ).all()
            for project in projects:
                services.place_project(by_name["智能装备"], project, admin)
        for target_name, segment_name, tier, region, priority, reason in targets:
            target = services.create_target(
                {
                    "name": target_name,
                    "chain_id": chain.id,
                    "segment_id": by_name[segment_name].id,
                    "tier_id": tiers.get(tier),
                    "region": region,
                    "priority": priority,
                    "reason": reason,
                    "department_id": departments.get(department),
                },
                admin,
            )
            targets_made += 1
            if target_name == FOLLOWED:
                staff = db.session.scalar(sa.select(User).where(User.username == "staff"))
                if staff is not None:
                    services.target_to_lead(target, staff, {"received_on": ctx.today}, confirm_duplicate=True)
    db.session.flush()
    return f"产业链：{made} 条，环节 {segments_made} 个，目标企业 {targets_made} 家"

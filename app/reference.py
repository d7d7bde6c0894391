"""The reference lists of DESIGN.md and the idempotent step that seeds them
into any database (production included)."""

from __future__ import annotations

import sqlalchemy as sa

from app.db import db
from app.models import RefItem, RefKind

DEFAULTS: dict[RefKind, list[str]] = {
    RefKind.SOURCE: [
        "外出招商",
        "驻地招商",
        "小分队招商",
        "以商招商",
        "产业链招商",
        "展会论坛",
        "中介机构",
        "网络平台",
        "上级推介",
        "企业来访",
        "其他",
    ],
    RefKind.TIER: [
        "世界500强",
        "中国500强",
        "民营500强",
        "央企",
        "地方国企",
        "上市公司",
        "外资企业",
        "独角兽",
        "专精特新",
        "高新技术企业",
        "高校院所",
    ],
    RefKind.INDUSTRY: [
        "现代商贸",
        "特色商业",
        "健康服务",
        "精密制造",
        "智能制造",
        "科技服务",
        "总部经济",
        "楼宇经济",
        "现代物流",
        "现代金融",
        "文化旅游",
        "其他",
    ],
    RefKind.VISIT_KIND: ["外出拜访", "来访接待", "电话沟通", "视频会议", "洽谈会", "实地考察"],
    RefKind.PROBLEM_CATEGORY: ["规划", "审批", "环评", "土地", "融资", "用工人才", "基础配套", "其他"],
    RefKind.REASON: [
        "投资意向取消",
        "选址他处",
        "资金不到位",
        "政策条件不符",
        "用地无法保障",
        "环保不达标",
        "长期无进展",
        "其他",
    ],
    RefKind.PROJECT_KIND: ["产业项目", "城建项目", "社会民生"],
    RefKind.APPROVAL_TYPE: [
        "立项（备案/核准）",
        "用地预审与选址",
        "建设用地规划许可",
        "建设工程规划许可",
        "环评批复",
        "节能审查",
        "施工图审查",
        "施工许可",
        "消防设计审查",
        "其他",
    ],
    RefKind.ACTIVITY_KIND: ["外出招商", "招商推介会", "展会论坛", "驻地招商", "小分队招商", "来访接待"],
    RefKind.COMPANY_NEED: ["用工", "融资", "审批", "水电", "用地", "物流", "政策兑现", "市场开拓", "其他"],
    RefKind.INSPECTION_FINDING: ["不作为", "慢作为", "乱作为", "推诿扯皮", "吃拿卡要", "政策落实不到位", "其他"],
}

# Entries whose choice requires a written note.
NEEDS_NOTE = {(RefKind.REASON, "其他")}


def ensure_reference_data() -> int:
    """Add any missing default entry; returns how many were added."""
    existing = {(kind, name) for kind, name in db.session.execute(sa.select(RefItem.kind, RefItem.name))}
    added = 0
    for kind, names in DEFAULTS.items():
        for order, name in enumerate(names, start=1):
            if (kind, name) in existing:
                continue
            db.session.add(
                RefItem(kind=kind, name=name, sort_order=order * 10, active=True, needs_note=(kind, name) in NEEDS_NOTE)
            )
            added += 1
    db.session.flush()
    return added

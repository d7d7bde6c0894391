"""产业链 for the benchmark data (bench/seed.py calls it): a chain per fifty
departments (at least two), two segments per department spread over them
(a third of them sub-segments: 400 at L, a hundred per chain), local companies on half the
segments (a 链主企业 now and then), projects on a quarter of them, and a
target company per ten leads (10,000 at L) — a third linked to a company on
file, so the list's 对接情况 has something to find — with a tenth of the
targets' leads remembering chain and target. The chain map and the target
list are measured on it (bench/cases.py)."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import sqlalchemy as sa

from app.db import db
from app.models import (
    Chain,
    ChainSegment,
    Lead,
    RefKind,
    SegmentCompany,
    SegmentProject,
    SegmentStage,
    TargetCompany,
    TargetPriority,
    TargetStatus,
)

CHAIN_NAMES = ["生物医药", "智能制造", "现代商贸", "新能源汽车", "新材料", "电子信息", "现代物流", "文化旅游"]
SEGMENT_NAMES = ["原料", "研发", "零部件", "整机", "制剂", "器械", "检测", "流通", "服务", "应用", "回收", "软件"]
REGIONS = ["上海", "深圳", "广州", "北京", "杭州", "苏州", "南京", "成都", "武汉", "江苏连云港", "浙江台州", "山东济南"]
STAGES = list(SegmentStage)
CHUNK = 5_000
TABLES = ("chain", "chain_segment", "segment_company", "segment_project", "target_company")


def _insert(table: sa.Table, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), CHUNK):
        db.session.execute(sa.insert(table), rows[start : start + CHUNK])


def seed_chains(
    rng: random.Random,
    today: dt.date,
    now: dt.datetime,
    refs: dict[RefKind, list[int]],
    dept_ids: list[int],
    leader_ids: list[int],
    company_rows: list[dict[str, Any]],
    project_rows: list[dict[str, Any]],
    lead_rows: list[dict[str, Any]],
) -> dict[str, int]:
    stamp = {"created_at": now, "updated_at": now}
    chain_count = max(2, len(dept_ids) // 50)
    chain_rows = [
        {
            "id": i,
            "name": f"{CHAIN_NAMES[(i - 1) % len(CHAIN_NAMES)]}{'' if i <= len(CHAIN_NAMES) else i}产业链",
            "chain_leader_id": leader_ids[(i - 1) % len(leader_ids)] if leader_ids else None,
            "department_id": dept_ids[(i - 1) % len(dept_ids)],
            "sort_order": i,
            "version": 1,
            **stamp,
        }
        for i in range(1, chain_count + 1)
    ]
    _insert(Chain.__table__, chain_rows)

    segment_rows: list[dict[str, Any]] = []
    tops: dict[int, list[int]] = {}
    for n in range(len(dept_ids) * 2):
        chain_id = n % chain_count + 1
        ident = len(segment_rows) + 1
        parent = rng.choice(tops[chain_id]) if tops.get(chain_id) and n % 3 == 2 else None
        stage = STAGES[(n // chain_count) % 3] if parent is None else None
        if parent is not None:
            stage = next(s["stage"] for s in segment_rows if s["id"] == parent)
        else:
            tops.setdefault(chain_id, []).append(ident)
        segment_rows.append(
            {
                "id": ident,
                "chain_id": chain_id,
                "parent_id": parent,
                "name": f"{SEGMENT_NAMES[n % len(SEGMENT_NAMES)]}{ident:04d}",
                "stage": stage,
                "sort_order": n,
                **stamp,
            }
        )
    _insert(ChainSegment.__table__, segment_rows)

    local_rows, placed = [], set()
    for segment in segment_rows[::2]:
        for _n in range(rng.randint(0, 4)):
            company = rng.choice(company_rows)["id"]
            if (segment["id"], company) in placed:
                continue
            placed.add((segment["id"], company))
            local_rows.append(
                {
                    "segment_id": segment["id"],
                    "company_id": company,
                    "is_chain_master": rng.random() < 0.08,
                    "placed_on": today - dt.timedelta(days=rng.randint(0, 900)),
                    "created_at": now,
                }
            )
    _insert(SegmentCompany.__table__, local_rows)
    project_placements, seen = [], set()
    for segment in segment_rows[::4]:
        for _n in range(rng.randint(1, 3)):
            project = rng.choice(project_rows)["id"]
            if (segment["id"], project) not in seen:
                seen.add((segment["id"], project))
                project_placements.append({"segment_id": segment["id"], "project_id": project, "created_at": now})
    _insert(SegmentProject.__table__, project_placements)

    tiers = refs.get(RefKind.TIER, [])
    target_rows = []
    for ident in range(1, max(20, len(lead_rows) // 10) + 1):
        segment = rng.choice(segment_rows)
        linked = rng.random() < 0.33
        target_rows.append(
            {
                "id": ident,
                "name": f"目标企业{ident:05d}有限公司",
                "company_id": rng.choice(company_rows)["id"] if linked else None,
                "chain_id": segment["chain_id"],
                "segment_id": segment["id"],
                "tier_id": rng.choice(tiers) if tiers and rng.random() < 0.7 else None,
                "region": rng.choice(REGIONS),
                "reason": "补链：本地缺少该环节龙头企业",
                "priority": rng.choice(list(TargetPriority)),
                "department_id": rng.choice(dept_ids),
                "status": rng.choices(list(TargetStatus), weights=(6, 3, 1, 1))[0],
                "version": 1,
                **stamp,
            }
        )
    _insert(TargetCompany.__table__, target_rows)
    followed = [t for t in target_rows if t["status"] is TargetStatus.FOLLOWING][: len(lead_rows) // 10]
    picked = rng.sample(lead_rows, min(len(followed), len(lead_rows)))
    if picked:
        db.session.execute(
            sa.update(Lead.__table__)
            .where(Lead.__table__.c.id == sa.bindparam("lead_id"))
            .values(chain_id=sa.bindparam("chain"), target_id=sa.bindparam("target")),
            [
                {"lead_id": lead["id"], "chain": t["chain_id"], "target": t["id"]}
                for lead, t in zip(picked, followed, strict=False)
            ],
        )
    return {
        "chains": len(chain_rows),
        "chain_segments": len(segment_rows),
        "segment_companies": len(local_rows),
        "segment_projects": len(project_placements),
        "target_companies": len(target_rows),
    }


def busiest_chain_id() -> int | None:
    """The chain with the most segments: the heaviest map."""
    return db.session.scalar(
        sa.select(ChainSegment.chain_id)
        .group_by(ChainSegment.chain_id)
        .order_by(sa.func.count().desc(), ChainSegment.chain_id)
        .limit(1)
    )

"""产业链招商 report (/reports/chains): per chain and segment — the leads
opened on the segment's target companies (or, on the chain's row, every
lead that remembers the chain), the projects placed on it in 洽谈 (谋划/招引),
those signed (the counting rule of `app/chains/strength.py`, i.e.
`app/counting.py`), their planned investment (亿元, one decimal in the
page and the workbook), the segment's strength today, and the gaps closed
this year (缺链 at the end of last year, filled today). Leads count within
the report's period (received); projects as they stand today. A fixed
number of queries for any number of chains and segments."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from app.chains.strength import (
    STRENGTH_LABELS,
    SegmentCounts,
    segment_counts,
    segment_tree,
    signed_condition,
    walk,
)
from app.db import db
from app.models import Chain, ChainSegment, Lead, Project, SegmentProject, Stage, TargetCompany
from app.reports.filters import ReportQuery, in_period

ZERO = Decimal("0")


@dataclass
class SegmentRow:
    name: str
    depth: int
    strength: str
    leads: int = 0
    negotiating: int = 0
    signed: int = 0
    planned: Decimal = ZERO
    closed: bool = False

    @property
    def strength_label(self) -> str:
        return str(STRENGTH_LABELS[self.strength]) if self.strength else ""


@dataclass
class ChainBlock:
    chain: Chain
    rows: list[SegmentRow] = field(default_factory=list)
    total: SegmentRow | None = None
    gaps_closed: list[str] = field(default_factory=list)


@dataclass
class ChainsReport:
    query: ReportQuery
    blocks: list[ChainBlock]
    year: int


def chains_report(query: ReportQuery) -> ChainsReport:
    period, today = query.period, query.today
    chains = db.session.scalars(
        sa.select(Chain).where(Chain.archived_at.is_(None)).order_by(Chain.sort_order, Chain.id)
    ).all()
    if query.filters.chain_id is not None:
        chains = [c for c in chains if c.id == query.filters.chain_id]
    chain_ids = [c.id for c in chains]
    segments = db.session.scalars(sa.select(ChainSegment).where(ChainSegment.chain_id.in_(chain_ids))).all()
    ids = sa.select(ChainSegment.id).where(ChainSegment.chain_id.in_(chain_ids))
    now = segment_counts(ids, today)
    before = segment_counts(ids, dt.date(today.year - 1, 12, 31))
    live_lead = [Lead.archived_at.is_(None), in_period(Lead.received_on, period)]
    leads_by_segment = dict(
        db.session.execute(
            sa.select(TargetCompany.segment_id, sa.func.count(Lead.id))
            .join(TargetCompany, TargetCompany.id == Lead.target_id)
            .where(TargetCompany.segment_id.in_(ids), *live_lead)
            .group_by(TargetCompany.segment_id)
        ).all()
    )
    leads_by_chain = dict(
        db.session.execute(
            sa.select(Lead.chain_id, sa.func.count(Lead.id))
            .where(Lead.chain_id.in_(chain_ids), *live_lead)
            .group_by(Lead.chain_id)
        ).all()
    )
    planned = {
        segment_id: amount or ZERO
        for segment_id, amount in db.session.execute(
            sa.select(SegmentProject.segment_id, sa.func.sum(Project.planned_investment))
            .join(Project, Project.id == SegmentProject.project_id)
            .where(SegmentProject.segment_id.in_(ids), Project.archived_at.is_(None), Project.stage != Stage.EXITED)
            .where(sa.or_(signed_condition(), Project.stage.in_((Stage.PLANNING, Stage.ATTRACTING))))
            .group_by(SegmentProject.segment_id)
        )
    }
    by_chain: dict[int, list[ChainSegment]] = {}
    for segment in segments:
        by_chain.setdefault(segment.chain_id, []).append(segment)
    blocks = []
    for chain in chains:
        tree = segment_tree(by_chain.get(chain.id, []), now)
        was = {n.segment.id: n.strength for n in walk(segment_tree(by_chain.get(chain.id, []), before))}
        block = ChainBlock(chain)
        total = SegmentRow(_("合计"), 0, "", leads=leads_by_chain.get(chain.id, 0))
        depth: dict[int, int] = {}
        for node in walk(tree):
            seg = node.segment
            depth[seg.id] = depth[seg.parent_id] + 1 if seg.parent_id in depth else 0
            own: SegmentCounts = node.own
            row = SegmentRow(
                seg.name,
                depth[seg.id],
                node.strength,
                leads=leads_by_segment.get(seg.id, 0),
                negotiating=own.negotiating,
                signed=own.signed,
                planned=planned.get(seg.id, ZERO),
                closed=was.get(seg.id) == "gap" and node.strength != "gap",
            )
            block.rows.append(row)
            total.negotiating += row.negotiating
            total.signed += row.signed
            total.planned += row.planned
            if row.closed:
                block.gaps_closed.append(seg.name)
        block.total = total
        blocks.append(block)
    return ChainsReport(query, blocks, today.year)


HEADS = ["环节", "强弱", "线索", "洽谈项目", "签约项目", "计划总投资(亿元)", "今年补链"]


def _yi(amount: Decimal) -> Decimal:
    return (amount / Decimal(10000)).quantize(Decimal("0.1"))


def sheets(report: ChainsReport) -> list[tuple[str, list[str], list[list[Any]]]]:
    out = []
    for block in report.blocks:
        rows: list[list[Any]] = [
            [
                "　" * r.depth + r.name,
                r.strength_label,
                r.leads,
                r.negotiating,
                r.signed,
                _yi(r.planned),
                "是" if r.closed else "",
            ]
            for r in block.rows
        ]
        t = block.total
        if t is not None:
            rows.append([t.name, "", t.leads, t.negotiating, t.signed, _yi(t.planned), len(block.gaps_closed)])
        out.append((block.chain.name, HEADS, rows))
    return out

"""What the chain pages show, each gathered in one function: the chain list
(every chain's segment strengths at a glance), the chain map (the segment
tree with counts, and the chart's data for `static/js/chains.js`) and one
segment (its local companies, projects and target companies). A fixed
number of queries whatever the number of chains, segments or rows."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask import url_for
from sqlalchemy import orm

from app.chains.queries import PRIORITY_ORDER, Contact, contacts
from app.chains.strength import (
    GAP,
    STRENGTH_LABELS,
    STRONG,
    WEAK,
    SegmentCounts,
    SegmentNode,
    segment_counts,
    segment_tree,
    signed_condition,
    walk,
)
from app.db import db
from app.models import (
    Chain,
    ChainSegment,
    Company,
    Project,
    SegmentCompany,
    SegmentProject,
    SegmentStage,
    TargetCompany,
    User,
)
from app.permissions.chains import chain_filter

COLORS = {GAP: "#dc3545", WEAK: "#ffc107", STRONG: "#198754"}


@dataclass
class ChainSummary:
    chain: Chain
    segments: int
    by_strength: Counter
    targets: int


def chain_list(user: User) -> list[ChainSummary]:
    """Every chain `user` sees, with its segments counted by strength."""
    chains = db.session.scalars(
        sa.select(Chain)
        .options(orm.joinedload(Chain.chain_leader), orm.joinedload(Chain.department))
        .where(chain_filter(user))
        .order_by(Chain.sort_order, Chain.id)
    ).all()
    segments = db.session.scalars(
        sa.select(ChainSegment).where(ChainSegment.chain_id.in_([c.id for c in chains]))
    ).all()
    counts = segment_counts(sa.select(ChainSegment.id).where(ChainSegment.chain_id.in_([c.id for c in chains])))
    by_chain: dict[int, list[ChainSegment]] = {}
    for segment in segments:
        by_chain.setdefault(segment.chain_id, []).append(segment)
    summaries = []
    for chain in chains:
        nodes = list(walk(segment_tree(by_chain.get(chain.id, []), counts)))
        leaves = [n for n in nodes if not n.children]
        summaries.append(
            ChainSummary(
                chain,
                len(nodes),
                Counter(n.strength for n in leaves),
                sum(n.own.targets for n in nodes),
            )
        )
    return summaries


@dataclass
class ChainMap:
    chain: Chain
    stages: list[tuple[SegmentStage, list[SegmentNode]]]
    nodes: list[SegmentNode]
    total: SegmentCounts
    by_strength: Counter
    chart: dict[str, Any] = field(default_factory=dict)


def _chart_node(node: SegmentNode) -> dict[str, Any]:
    total = node.total
    return {
        "name": node.segment.name,
        "strength": node.strength,
        "label": str(STRENGTH_LABELS[node.strength]),
        "color": COLORS[node.strength],
        "local": total.local,
        "masters": total.masters,
        "projects": total.projects,
        "signed": total.signed,
        "targets": total.targets,
        "url": url_for("chains.segment", segment_id=node.segment.id),
        "children": [_chart_node(child) for child in node.children],
    }


def chain_map(chain: Chain) -> ChainMap:
    """The chain's segments as a tree under 上游 / 中游 / 下游, counted."""
    segments = db.session.scalars(
        sa.select(ChainSegment)
        .where(ChainSegment.chain_id == chain.id)
        .order_by(ChainSegment.sort_order, ChainSegment.id)
    ).all()
    counts = segment_counts([s.id for s in segments])
    roots = segment_tree(list(segments), counts)
    stages = [(stage, [r for r in roots if r.segment.stage is stage]) for stage in SegmentStage]
    nodes = list(walk(roots))
    total = SegmentCounts()
    for root in roots:
        total.add(root.total)
    leaves = [n for n in nodes if not n.children]
    chart = {
        "name": chain.name,
        "children": [
            {"name": stage.label, "stage": True, "children": [_chart_node(n) for n in stage_roots]}
            for stage, stage_roots in stages
            if stage_roots
        ],
    }
    return ChainMap(chain, stages, nodes, total, Counter(n.strength for n in leaves), chart)


@dataclass
class SegmentView:
    segment: ChainSegment
    node: SegmentNode
    locals: list[SegmentCompany]
    projects: list[tuple[SegmentProject, bool]]  # (placement, signed)
    targets: list[TargetCompany]
    contacts: dict[int, Contact]


def segment_view(segment: ChainSegment) -> SegmentView:
    """One segment: its strength (its subtree counted), its local companies
    (链主企业 first), its projects (signed or not, by the counting rule) and
    the target companies on it."""
    chain_segments = db.session.scalars(sa.select(ChainSegment).where(ChainSegment.chain_id == segment.chain_id)).all()
    counts = segment_counts([s.id for s in chain_segments])
    node = next(n for n in walk(segment_tree(list(chain_segments), counts)) if n.segment.id == segment.id)
    locals_ = db.session.scalars(
        sa.select(SegmentCompany)
        .join(Company, Company.id == SegmentCompany.company_id)
        .options(orm.contains_eager(SegmentCompany.company))
        .where(SegmentCompany.segment_id == segment.id, Company.archived_at.is_(None))
        .order_by(SegmentCompany.is_chain_master.desc(), Company.name)
    ).all()
    projects = [
        (placement, bool(signed))
        for placement, signed in db.session.execute(
            sa.select(SegmentProject, signed_condition())
            .join(Project, Project.id == SegmentProject.project_id)
            .options(orm.contains_eager(SegmentProject.project).joinedload(Project.lead_department))
            .where(SegmentProject.segment_id == segment.id, Project.archived_at.is_(None))
            .order_by(Project.name)
        )
    ]
    targets = db.session.scalars(
        sa.select(TargetCompany)
        .options(orm.joinedload(TargetCompany.tier), orm.joinedload(TargetCompany.department))
        .where(TargetCompany.segment_id == segment.id, TargetCompany.archived_at.is_(None))
        .order_by(PRIORITY_ORDER, TargetCompany.name)
        .limit(200)
    ).all()
    return SegmentView(segment, node, list(locals_), projects, list(targets), contacts(targets))

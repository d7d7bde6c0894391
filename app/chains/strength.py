"""A segment's strength — 缺链 / 弱链 / 强链 — counted, never typed.

What fills a segment (as of a day):

- a **local company** (本地企业) placed on it on or before that day
  (`SegmentCompany.placed_on`), the company not archived;
- a **signed project** placed on it: not archived, not exited, and signed by
  that day — by the counting rule of `app/counting.py` (a project counts as
  signed at its first live agreement: `signed_amount_subquery`), or because
  its stage reached 签约 or later (`Project.signed_on` … `production_on`,
  for a project moved on without an agreement on file). A project still in
  谋划/招引 (在谈) is shown but does not fill the segment.

The thresholds (`STRONG_AT`):

- **gap 缺链**: nothing fills it — no local company and no signed project;
- **strong 强链**: a 链主企业 among its local companies, or at least
  `STRONG_AT` (3) local companies and signed projects together;
- **weak 弱链**: otherwise (one or two).

A segment with sub-segments is judged by its whole subtree (a 上游 segment
whose sub-segments hold three companies is strong). Counts come in three
GROUP BY queries for any number of segments (`segment_counts`), so the map,
the chain list and the report read the same numbers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.counting import signed_amount_subquery
from app.db import db
from app.models import ChainSegment, Company, Project, SegmentCompany, SegmentProject, Stage, TargetCompany

GAP, WEAK, STRONG = "gap", "weak", "strong"
STRENGTH_LABELS = {GAP: _l("缺链"), WEAK: _l("弱链"), STRONG: _l("强链")}
STRONG_AT = 3
# Stages that show a project is at least signed (reaching one implies 签约).
_PAST_SIGNING_DATES = ("signed_on", "landed_on", "construction_on", "production_on")


@dataclass
class SegmentCounts:
    """What one segment holds (its own placements; `total` adds its subtree)."""

    local: int = 0  # 本地企业
    masters: int = 0  # 链主企业 among them
    projects: int = 0  # live projects placed (any stage but exited)
    negotiating: int = 0  # in 谋划/招引 (在谈)
    signed: int = 0  # signed or later, by the rule above
    targets: int = 0  # live target companies

    def add(self, other: SegmentCounts) -> None:
        for name in ("local", "masters", "projects", "negotiating", "signed", "targets"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def filled(self) -> int:
        return self.local + self.signed

    @property
    def strength(self) -> str:
        if self.filled == 0:
            return GAP
        if self.masters or self.filled >= STRONG_AT:
            return STRONG
        return WEAK


def signed_condition(as_of: dt.date | None = None) -> sa.ColumnElement[bool]:
    """SQL on `Project`: signed by `as_of` (today's state when None), live
    and not exited."""
    signed = signed_amount_subquery(as_of=as_of, name="chain_signed")
    by_agreement = Project.id.in_(sa.select(signed.c.project_id))
    by_stage = sa.or_(
        *(
            getattr(Project, column).is_not(None) if as_of is None else getattr(Project, column) <= as_of
            for column in _PAST_SIGNING_DATES
        )
    )
    if as_of is None:
        by_stage = sa.or_(
            by_stage, Project.stage.in_((Stage.SIGNED, Stage.LANDED, Stage.CONSTRUCTION, Stage.PRODUCTION))
        )
    return sa.and_(Project.archived_at.is_(None), Project.stage != Stage.EXITED, sa.or_(by_agreement, by_stage))


def _count_if(condition: sa.ColumnElement[bool]) -> sa.ColumnElement[int]:
    return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)


def segment_counts(segment_ids: sa.Select | Iterable[int], as_of: dt.date | None = None) -> dict[int, SegmentCounts]:
    """{segment id: its own counts} for the segments `segment_ids` (a select
    of ids, or ids), as of a day (today's placements and signings when None)."""
    ids = segment_ids if isinstance(segment_ids, sa.Select) else list(segment_ids)
    counts: dict[int, SegmentCounts] = {}

    def at(segment_id: int) -> SegmentCounts:
        return counts.setdefault(segment_id, SegmentCounts())

    local_conditions = [SegmentCompany.segment_id.in_(ids), Company.archived_at.is_(None)]
    if as_of is not None:
        local_conditions.append(SegmentCompany.placed_on <= as_of)
    for segment_id, local, masters in db.session.execute(
        sa.select(
            SegmentCompany.segment_id,
            sa.func.count(SegmentCompany.id),
            _count_if(SegmentCompany.is_chain_master.is_(True)),
        )
        .join(Company, Company.id == SegmentCompany.company_id)
        .where(*local_conditions)
        .group_by(SegmentCompany.segment_id)
    ):
        at(segment_id).local, at(segment_id).masters = local, masters

    negotiating = Project.stage.in_((Stage.PLANNING, Stage.ATTRACTING))
    for segment_id, projects, talking, signed in db.session.execute(
        sa.select(
            SegmentProject.segment_id,
            sa.func.count(Project.id),
            _count_if(negotiating),
            _count_if(signed_condition(as_of)),
        )
        .join(Project, Project.id == SegmentProject.project_id)
        .where(SegmentProject.segment_id.in_(ids), Project.archived_at.is_(None), Project.stage != Stage.EXITED)
        .group_by(SegmentProject.segment_id)
    ):
        row = at(segment_id)
        row.projects, row.negotiating, row.signed = projects, talking, signed

    if as_of is None:
        for segment_id, targets in db.session.execute(
            sa.select(TargetCompany.segment_id, sa.func.count(TargetCompany.id))
            .where(TargetCompany.segment_id.in_(ids), TargetCompany.archived_at.is_(None))
            .group_by(TargetCompany.segment_id)
        ):
            at(segment_id).targets = targets
    return counts


@dataclass
class SegmentNode:
    """A segment with its own counts, its subtree's and its children."""

    segment: ChainSegment
    own: SegmentCounts
    total: SegmentCounts
    children: list[SegmentNode] = field(default_factory=list)

    @property
    def strength(self) -> str:
        return self.total.strength

    @property
    def strength_label(self) -> str:
        return str(STRENGTH_LABELS[self.strength])


def segment_tree(segments: list[ChainSegment], counts: dict[int, SegmentCounts]) -> list[SegmentNode]:
    """The segments of one chain as a tree (roots in order), each node with
    its subtree's totals."""
    nodes = {s.id: SegmentNode(s, counts.get(s.id, SegmentCounts()), SegmentCounts()) for s in segments}
    roots: list[SegmentNode] = []
    for segment in sorted(segments, key=lambda s: (s.sort_order, s.id)):
        node = nodes[segment.id]
        parent = nodes.get(segment.parent_id) if segment.parent_id else None
        (parent.children if parent else roots).append(node)

    def total(node: SegmentNode) -> SegmentCounts:
        node.total = SegmentCounts()
        node.total.add(node.own)
        for child in node.children:
            node.total.add(total(child))
        return node.total

    for root in roots:
        total(root)
    return roots


def walk(nodes: Iterable[SegmentNode]) -> Iterable[SegmentNode]:
    """Every node of a tree, parents before their children."""
    for node in nodes:
        yield node
        yield from walk(node.children)


def strengths(segments: list[ChainSegment], as_of: dt.date | None = None) -> dict[int, str]:
    """{segment id: gap/weak/strong} for one chain's segments (subtrees counted)."""
    tree = segment_tree(segments, segment_counts([s.id for s in segments], as_of))
    return {node.segment.id: node.strength for node in walk(tree)}


def gaps_closed(segments: list[ChainSegment], year: int, today: dt.date) -> list[ChainSegment]:
    """Segments that were gaps at the end of last year and are filled today
    (补链: gaps closed this year)."""
    before = strengths(segments, dt.date(year - 1, 12, 31))
    now = strengths(segments, today)
    return [s for s in segments if before.get(s.id) == GAP and now.get(s.id) != GAP]

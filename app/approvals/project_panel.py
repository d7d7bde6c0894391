"""The 联审联批 panel of a project page: the project's approval items (type,
approving department, 计划完成日期, 申报, 办结, status, days overdue and the
督办 level), how many are done out of those to do and the 完成率, and what
the viewer may do — one query for the items (the approving departments of
the viewer come from the request's department cache)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa
from sqlalchemy import orm

from app import clock
from app.approvals.rules import days_overdue, escalation_of
from app.db import db
from app.escalation import Escalation
from app.models import ApprovalItem, ApprovalStatus, Project, Stage, User
from app.permissions import can_approve_item, can_keep_approvals


@dataclass
class PanelRow:
    item: ApprovalItem
    days_overdue: int
    level: Escalation
    can_approve: bool


@dataclass
class ApprovalPanel:
    project: Project
    rows: list[PanelRow] = field(default_factory=list)
    can_keep: bool = False

    @property
    def to_do(self) -> int:
        """Items to be approved: all but those marked 无需办理."""
        return sum(1 for row in self.rows if row.item.status is not ApprovalStatus.NOT_NEEDED)

    @property
    def approved(self) -> int:
        return sum(1 for row in self.rows if row.item.status is ApprovalStatus.APPROVED)

    @property
    def overdue(self) -> int:
        return sum(1 for row in self.rows if row.days_overdue)

    @property
    def rate(self) -> Decimal | None:
        """完成率 (%): 已办结 over the items to do, one decimal."""
        if not self.to_do:
            return None
        return (Decimal(100) * self.approved / self.to_do).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def approval_panel(project: Project, user: User, *, today: dt.date | None = None) -> ApprovalPanel:
    today = today or clock.today()
    items = db.session.scalars(
        sa.select(ApprovalItem)
        .where(ApprovalItem.project_id == project.id, ApprovalItem.archived_at.is_(None))
        .options(orm.joinedload(ApprovalItem.type), orm.joinedload(ApprovalItem.department))
        .order_by(ApprovalItem.due_on, ApprovalItem.id)
    ).all()
    rows = [
        PanelRow(item, days_overdue(item, today), escalation_of(item, today), can_approve_item(user, item))
        for item in items
    ]
    return ApprovalPanel(
        project=project,
        rows=rows,
        can_keep=can_keep_approvals(user, project) and project.stage is not Stage.EXITED,
    )

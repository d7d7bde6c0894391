"""The fulfilment list (履约跟踪): every signed project with the investor's
current commitments (the latest live agreement that states each date), the
actual stage dates, days late and 到位率 — one SELECT per page, scoped by
`app.permissions.project_filter` like every project list.

Days late: for a commitment that was met, the days between the committed and
the actual date (0 when on time); for one not yet met, the days since the
committed date passed (0 before it). A project is *overdue* while a
committed date has passed and the stage has not been reached (exited
projects are no longer followed)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from app.agreements.funding import funding_rate, received_subquery
from app.counting import latest_committed_date, signed_amount_subquery
from app.db import db
from app.models import Agreement, Project, Stage, User
from app.pagination import Page, first_rows
from app.permissions import project_filter


@dataclass
class FulfilmentFilters:
    department_id: int | None = None
    event_id: int | None = None
    overdue_only: bool = False
    q: str = ""
    leader_id: int | None = None  # the responsible leader's projects only


@dataclass
class FulfilmentRow:
    project: Project
    first_signed_on: dt.date | None
    agreement_count: int
    signed_amount: Decimal
    committed_construction_on: dt.date | None
    committed_production_on: dt.date | None
    received: Decimal
    today: dt.date

    @property
    def construction_late(self) -> int | None:
        return days_late(self.committed_construction_on, self.project.construction_on, self.today)

    @property
    def production_late(self) -> int | None:
        return days_late(self.committed_production_on, self.project.production_on, self.today)

    @property
    def construction_overdue(self) -> bool:
        return is_overdue(self.committed_construction_on, self.project.construction_on, self.project.stage, self.today)

    @property
    def production_overdue(self) -> bool:
        return is_overdue(self.committed_production_on, self.project.production_on, self.project.stage, self.today)

    @property
    def overdue(self) -> bool:
        return self.construction_overdue or self.production_overdue

    @property
    def rate(self) -> Decimal | None:
        return funding_rate(self.received, self.signed_amount)


def days_late(committed: dt.date | None, actual: dt.date | None, today: dt.date) -> int | None:
    """Days behind a commitment (see module doc); None without a commitment."""
    if committed is None:
        return None
    reference = actual if actual is not None else today
    return max(0, (reference - committed).days)


def is_overdue(committed: dt.date | None, actual: dt.date | None, stage: Stage, today: dt.date) -> bool:
    return committed is not None and actual is None and stage is not Stage.EXITED and committed < today


def committed_date_expression(column: str, name: str) -> sa.Label:
    """Per project: the committed date of the latest live agreement that
    states one (`counting.latest_committed_date`), labelled `name`."""
    return latest_committed_date(column, name).label(name)


def fulfilment_query(
    user: User, filters: FulfilmentFilters, today: dt.date, project_ids: list[int] | None = None
) -> sa.Select:
    """Rows: (Project, first_signed_on, agreement_count, signed_amount,
    committed_construction_on, committed_production_on, received) — of the
    projects `project_ids` only when given (the sums then read only their
    agreements and funds)."""
    signed = signed_amount_subquery(project_ids=project_ids)
    received = received_subquery(project_ids=project_ids)
    construction = committed_date_expression("committed_construction_on", "committed_construction_on")
    production = committed_date_expression("committed_production_on", "committed_production_on")
    stmt = (
        sa.select(
            Project,
            signed.c.first_signed_on,
            signed.c.agreement_count,
            signed.c.signed_amount,
            construction,
            production,
            sa.func.coalesce(received.c.received, Decimal("0")).label("received"),
        )
        .join(signed, signed.c.project_id == Project.id)
        .outerjoin(received, received.c.project_id == Project.id)
        .options(joinedload(Project.lead_department), joinedload(Project.responsible_leader))
        .where(project_filter(user), Project.archived_at.is_(None))
    )
    if project_ids is not None:
        stmt = stmt.where(Project.id.in_(project_ids))
    return stmt.where(*_filter_conditions(filters, construction, production, today)).order_by(
        signed.c.first_signed_on.desc(), Project.id.desc()
    )


def _filter_conditions(
    filters: FulfilmentFilters, construction: Any, production: Any, today: dt.date
) -> list[sa.ColumnElement[bool]]:
    conditions: list[sa.ColumnElement[bool]] = []
    if filters.department_id:
        conditions.append(Project.lead_department_id == filters.department_id)
    if filters.leader_id:
        conditions.append(Project.responsible_leader_id == filters.leader_id)
    if filters.event_id:
        conditions.append(
            sa.exists().where(
                Agreement.project_id == Project.id,
                Agreement.signing_event_id == filters.event_id,
                Agreement.archived_at.is_(None),
            )
        )
    if filters.q:
        like = f"%{filters.q}%"
        conditions.append(sa.or_(Project.name.ilike(like), Project.search_text.ilike(like)))
    if filters.overdue_only:
        conditions.extend(
            [
                Project.stage != Stage.EXITED,
                sa.or_(
                    sa.and_(Project.construction_on.is_(None), construction.element < today),
                    sa.and_(Project.production_on.is_(None), production.element < today),
                ),
            ]
        )
    return conditions


def fulfilment_page(user: User, filters: FulfilmentFilters, today: dt.date, page: int, per_page: int) -> Page:
    """One page of the list: the count and the page's project ids from the
    projects and their first signing date alone, then the full rows of
    those projects (sums over their own agreements and funds only) — not
    every signed project's sums to show twenty."""
    first = (
        sa.select(Agreement.project_id, sa.func.min(Agreement.signed_on).label("first_signed_on"))
        .where(Agreement.archived_at.is_(None))
        .group_by(Agreement.project_id)
        .subquery("first_signed")
    )
    construction = committed_date_expression("committed_construction_on", "committed_construction_on")
    production = committed_date_expression("committed_production_on", "committed_production_on")
    base = (
        sa.select(Project.id)
        .join(first, first.c.project_id == Project.id)
        .where(
            project_filter(user),
            Project.archived_at.is_(None),
            *_filter_conditions(filters, construction, production, today),
        )
    )
    ordered = base.order_by(first.c.first_signed_on.desc(), Project.id.desc())
    if page == 1:  # the first page's ids and the total in one query
        ids, total = first_rows(ordered, per_page)
    else:
        total = db.session.scalar(sa.select(sa.func.count()).select_from(base.subquery())) or 0
        ids = list(db.session.scalars(ordered.limit(per_page).offset((page - 1) * per_page)))
    rows = db.session.execute(fulfilment_query(user, filters, today, ids)).unique().all() if ids else []
    return Page(items=list(rows), page=page, per_page=per_page, total=total)


def to_rows(result_rows: list[Any], today: dt.date) -> list[FulfilmentRow]:
    return [
        FulfilmentRow(
            project=r[0],
            first_signed_on=r.first_signed_on,
            agreement_count=r.agreement_count,
            signed_amount=r.signed_amount,
            committed_construction_on=r.committed_construction_on,
            committed_production_on=r.committed_production_on,
            received=r.received,
            today=today,
        )
        for r in result_rows
    ]


def export_rows(rows: list[FulfilmentRow]) -> list[list[Any]]:
    """The .xlsx rows: the same columns as the page."""
    out = []
    for n, row in enumerate(rows, 1):
        p = row.project
        out.append(
            [
                n,
                p.name,
                p.lead_department.name if p.lead_department else "",
                p.stage.label,
                row.first_signed_on,
                row.signed_amount,
                row.committed_construction_on,
                p.construction_on,
                row.construction_late,
                row.committed_production_on,
                p.production_on,
                row.production_late,
                row.received,
                row.rate,
                _("逾期") if row.overdue else "",
            ]
        )
    return out


EXPORT_HEADERS = [
    _l("序号"),
    _l("项目名称"),
    _l("牵头部门"),
    _l("当前阶段"),
    _l("首次签约日期"),
    _l("签约额（万元）"),
    _l("承诺开工日期"),
    _l("实际开工日期"),
    _l("开工滞后天数"),
    _l("承诺投产日期"),
    _l("实际投产日期"),
    _l("投产滞后天数"),
    _l("累计到位（万元）"),
    _l("到位率（%）"),
    _l("履约状态"),
]

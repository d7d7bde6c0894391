"""Reads of the 三个一批 pages: the campaign list with each campaign's
planned / achieved counts per batch, and one campaign's page (its items by
batch with their 销号 state, and the summaries by department and leader),
which its 台账 export reads too.

Every figure counts only the items the viewer may see (`project_filter`)
on live projects (an archived project drops out of the campaign's figures
with its rows): a scoped viewer's page says so, and never how many rows it
leaves out. The summaries are built from the very rows shown, so a
department's or a leader's figures always add up to the rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import contains_eager, joinedload

from app.db import db
from app.delivery.campaigns import ACHIEVED_COLUMN, ItemState, state_of
from app.delivery.schedule import rate
from app.models import Batch, Campaign, CampaignItem, Project, Stage, User
from app.permissions import can_manage_campaigns, project_filter, sees_everything
from app.search import keyword_condition

BATCHES = (Batch.SIGN, Batch.START, Batch.PRODUCE)

# The project date that ticks an item off, as SQL (the list's counts).
ACHIEVED_ON = sa.case(
    (CampaignItem.batch == Batch.SIGN, Project.signed_on),
    (CampaignItem.batch == Batch.START, Project.construction_on),
    else_=Project.production_on,
)


@dataclass
class Tally:
    """Planned vs achieved: items and their planned investment (万元)."""

    planned: int = 0
    achieved: int = 0
    overdue: int = 0
    planned_amount: Decimal = Decimal(0)
    achieved_amount: Decimal = Decimal(0)

    @property
    def rate(self) -> Decimal | None:
        """销号率 in percent (one decimal); None with nothing planned."""
        return rate(Decimal(self.achieved), Decimal(self.planned))

    def add(self, amount: Decimal, state: ItemState) -> None:
        self.planned += 1
        self.planned_amount += amount
        if state.achieved:
            self.achieved += 1
            self.achieved_amount += amount
        elif state.overdue:
            self.overdue += 1


# --- the list --------------------------------------------------------------------------


def list_statement(user: User) -> sa.Select:
    """Campaigns, latest period first; archived ones for admin only."""
    stmt = sa.select(Campaign).order_by(Campaign.starts_on.desc(), Campaign.id.desc())
    if not can_manage_campaigns(user):
        stmt = stmt.where(Campaign.archived_at.is_(None))
    return stmt


def tallies(campaign_ids: list[int], user: User, today: dt.date) -> dict[int, dict[Batch, Tally]]:
    """{campaign id: {batch: Tally}} for these campaigns, within `user`'s
    scope (one GROUP BY)."""
    result = {campaign_id: {batch: Tally() for batch in BATCHES} for campaign_id in campaign_ids}
    if not campaign_ids:
        return result
    deadline = sa.func.coalesce(CampaignItem.planned_on, Campaign.ends_on)
    rows = db.session.execute(
        sa.select(
            CampaignItem.campaign_id,
            CampaignItem.batch,
            sa.func.count(CampaignItem.id).label("planned"),
            sa.func.count(ACHIEVED_ON).label("achieved"),
            sa.func.count(sa.case((sa.and_(ACHIEVED_ON.is_(None), deadline < today), 1))).label("overdue"),
            sa.func.coalesce(sa.func.sum(Project.planned_investment), 0).label("planned_amount"),
            sa.func.coalesce(
                sa.func.sum(sa.case((ACHIEVED_ON.is_not(None), Project.planned_investment), else_=0)), 0
            ).label("achieved_amount"),
        )
        .join(CampaignItem.project)
        .join(CampaignItem.campaign)
        .where(CampaignItem.campaign_id.in_(campaign_ids), Project.archived_at.is_(None), project_filter(user))
        .group_by(CampaignItem.campaign_id, CampaignItem.batch)
    )
    for row in rows:
        result[row.campaign_id][row.batch] = Tally(
            row.planned, row.achieved, row.overdue, Decimal(row.planned_amount), Decimal(row.achieved_amount)
        )
    return result


def overall(batches: dict[Batch, Tally]) -> Tally:
    total = Tally()
    for tally in batches.values():
        total.planned += tally.planned
        total.achieved += tally.achieved
        total.overdue += tally.overdue
        total.planned_amount += tally.planned_amount
        total.achieved_amount += tally.achieved_amount
    return total


# --- one campaign ----------------------------------------------------------------------


@dataclass
class Row:
    item: CampaignItem
    state: ItemState

    @property
    def project(self) -> Project:
        return self.item.project


@dataclass
class Section:
    batch: Batch
    rows: list[Row] = field(default_factory=list)
    tally: Tally = field(default_factory=Tally)


@dataclass
class Group:
    """A department's or a leader's items across the three batches."""

    name: str
    by_batch: dict[Batch, Tally] = field(default_factory=lambda: {batch: Tally() for batch in BATCHES})

    @property
    def total(self) -> Tally:
        return overall(self.by_batch)


@dataclass
class CampaignPage:
    campaign: Campaign
    sections: list[Section]
    departments: list[Group]
    leaders: list[Group]
    total: Tally
    scoped: bool  # the figures cover only the viewer's scope


def item_rows(campaign: Campaign, user: User) -> list[CampaignItem]:
    """The campaign's items `user` may see, on live projects (one query)."""
    return list(
        db.session.scalars(
            sa.select(CampaignItem)
            .join(CampaignItem.project)
            .options(
                contains_eager(CampaignItem.project).options(
                    joinedload(Project.lead_department), joinedload(Project.responsible_leader)
                )
            )
            .where(CampaignItem.campaign_id == campaign.id, Project.archived_at.is_(None), project_filter(user))
            .order_by(CampaignItem.planned_on.is_(None), CampaignItem.planned_on, Project.name, CampaignItem.id)
        ).unique()
    )


def campaign_page(campaign: Campaign, user: User, today: dt.date) -> CampaignPage:
    sections = {batch: Section(batch) for batch in BATCHES}
    departments: dict[int | None, Group] = {}
    leaders: dict[int | None, Group] = {}
    for item in item_rows(campaign, user):
        state = state_of(item, today)
        section = sections[item.batch]
        section.rows.append(Row(item, state))
        amount = item.project.planned_investment or Decimal(0)
        section.tally.add(amount, state)
        project = item.project
        department = departments.setdefault(
            project.lead_department_id,
            Group(project.lead_department.name if project.lead_department else _("未明确牵头部门")),
        )
        department.by_batch[item.batch].add(amount, state)
        leader = leaders.setdefault(
            project.responsible_leader_id,
            Group(project.responsible_leader.display if project.responsible_leader else _("未明确责任领导")),
        )
        leader.by_batch[item.batch].add(amount, state)
    return CampaignPage(
        campaign=campaign,
        sections=list(sections.values()),
        departments=_ordered(departments),
        leaders=_ordered(leaders),
        total=overall({section.batch: section.tally for section in sections.values()}),
        scoped=not sees_everything(user),
    )


def _ordered(groups: dict[int | None, Group]) -> list[Group]:
    """Most items first, then by name; the unassigned group last."""
    named = sorted(
        (group for key, group in groups.items() if key is not None), key=lambda g: (-g.total.planned, g.name)
    )
    return named + ([groups[None]] if None in groups else [])


# --- picking projects for a batch ------------------------------------------------------


def candidates_statement(campaign: Campaign, batch: Batch, user: User, q: str, pending_only: bool) -> sa.Select:
    """Projects that may join `batch`: live, not exited, not in the batch
    yet; with `pending_only`, only those that have not reached the batch's
    stage (a 签约一批 of projects already signed would be ticked off the day
    it is made — allowed, but not offered first)."""
    in_batch = sa.select(CampaignItem.project_id).where(
        CampaignItem.campaign_id == campaign.id, CampaignItem.batch == batch
    )
    stmt = (
        sa.select(Project)
        .options(joinedload(Project.lead_department), joinedload(Project.responsible_leader))
        .where(
            Project.archived_at.is_(None),
            Project.stage != Stage.EXITED,
            Project.id.not_in(in_batch),
            project_filter(user),
        )
        .order_by(Project.name, Project.id)
    )
    if pending_only:
        stmt = stmt.where(ACHIEVED_COLUMN[batch].is_(None))
    if q:
        stmt = stmt.where(keyword_condition(Project.search_text, q))
    return stmt


def projects_by_ids(ids: Iterable[int], user: User) -> list[Project]:
    """The chosen projects `user` may see, in the order chosen (one query)."""
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return []
    found = {
        p.id: p for p in db.session.scalars(sa.select(Project).where(Project.id.in_(wanted), project_filter(user)))
    }
    return [found[i] for i in wanted if i in found]

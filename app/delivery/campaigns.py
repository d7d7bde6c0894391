"""三个一批 campaigns (签约一批、开工一批、投产一批): a campaign names projects
in each batch with a planned date; an item is ticked off (销号) when its
project actually signs / starts construction / starts production — read from
the dates the agreements and stage changes maintain on the project
(`signed_on`, `construction_on`, `production_on`), never ticked by hand."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from app import audit, clock
from app.concurrency import check_version
from app.db import db
from app.models import Batch, Campaign, CampaignItem, Project, Stage, User
from app.refusals import Refusal

CAMPAIGN_FIELDS = ("name", "starts_on", "ends_on", "notes")

# The project date that ticks off each batch.
ACHIEVED_COLUMN = {
    Batch.SIGN: Project.signed_on,
    Batch.START: Project.construction_on,
    Batch.PRODUCE: Project.production_on,
}


class CampaignError(Refusal):
    """A refused campaign change; `field` names the form field."""


def achieved_on(item: CampaignItem) -> dt.date | None:
    """The day the item's project reached its batch's stage (None: not yet)."""
    return getattr(item.project, ACHIEVED_COLUMN[item.batch].key)


@dataclass(frozen=True)
class ItemState:
    """An item's 销号 state as the campaign page and its 台账 show it."""

    achieved_on: dt.date | None
    overdue: bool  # planned date passed, not achieved

    @property
    def label(self) -> str:
        if self.achieved_on is not None:
            return _("已销号")
        return _("逾期未销号") if self.overdue else _("未销号")


def state_of(item: CampaignItem, today: dt.date | None = None) -> ItemState:
    today = today or clock.today()
    done = achieved_on(item)
    deadline = item.planned_on or item.campaign.ends_on
    return ItemState(done, done is None and deadline < today)


def save_campaign(
    data: dict[str, Any], actor: User, campaign: Campaign | None = None, *, version: Any = None
) -> Campaign:
    name = (data.get("name") or "").strip()
    if not name:
        raise CampaignError(_("请填写活动名称。"), "name")
    starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
    if starts_on is None or ends_on is None:
        raise CampaignError(_("请填写起止日期。"), "starts_on" if starts_on is None else "ends_on")
    if ends_on < starts_on:
        raise CampaignError(_("结束日期不能早于开始日期。"), "ends_on")
    created = campaign is None
    if campaign is None:
        campaign = Campaign(created_by_id=actor.id)
        db.session.add(campaign)
        before: dict[str, Any] = {}
    else:
        if version is not None:
            check_version(campaign, "campaign", version)
        before = audit.snapshot(campaign, CAMPAIGN_FIELDS)
    campaign.name, campaign.starts_on, campaign.ends_on = name, starts_on, ends_on
    campaign.notes = (data.get("notes") or "").strip() or None
    db.session.flush()
    after = audit.snapshot(campaign, CAMPAIGN_FIELDS)
    changes = after if created else audit.diff(before, after)
    if changes:
        audit.record(
            "create" if created else "update", "campaign", campaign.id, changes=changes, summary=name, user_id=actor.id
        )
    return campaign


def add_item(
    campaign: Campaign,
    project: Project,
    batch: Batch,
    actor: User,
    *,
    planned_on: dt.date | None = None,
    note: str | None = None,
) -> CampaignItem:
    if project.stage is Stage.EXITED:
        raise CampaignError(_("项目已退出，不能列入三个一批。"), "project_id")
    if planned_on is not None and not (campaign.starts_on <= planned_on <= campaign.ends_on):
        raise CampaignError(
            _(
                "计划日期须在活动期内（%(start)s 至 %(end)s）。",
                start=campaign.starts_on.isoformat(),
                end=campaign.ends_on.isoformat(),
            ),
            "planned_on",
        )
    exists = db.session.scalar(
        sa.select(CampaignItem.id).where(
            CampaignItem.campaign_id == campaign.id, CampaignItem.project_id == project.id, CampaignItem.batch == batch
        )
    )
    if exists is not None:
        raise CampaignError(
            _("「%(project)s」已在%(batch)s中。", project=project.name, batch=batch.label), "project_id"
        )
    item = CampaignItem(
        campaign_id=campaign.id,
        project_id=project.id,
        batch=batch,
        planned_on=planned_on,
        note=(note or "").strip() or None,
    )
    db.session.add(item)
    db.session.flush()
    audit.record(
        "create",
        "campaign_item",
        item.id,
        changes={
            "campaign_id": campaign.id,
            "project_id": project.id,
            "batch": batch.value,
            "planned_on": audit.plain(planned_on),
        },
        summary=_(
            "%(campaign)s：%(project)s 列入%(batch)s", campaign=campaign.name, project=project.name, batch=batch.label
        ),
        user_id=actor.id,
    )
    return item


def remove_item(item: CampaignItem, actor: User) -> None:
    audit.record(
        "delete",
        "campaign_item",
        item.id,
        changes={"campaign_id": item.campaign_id, "project_id": item.project_id, "batch": item.batch.value},
        summary=_("%(project)s 移出%(batch)s", project=item.project.name, batch=item.batch.label),
        user_id=actor.id,
    )
    db.session.delete(item)

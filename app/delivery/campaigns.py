"""三个一批 campaigns (签约一批、开工一批、投产一批): a campaign names projects
in each batch with a planned date; an item is ticked off (销号) when its
project actually signs / starts construction / starts production — read from
the dates the agreements and stage changes maintain on the project
(`signed_on`, `construction_on`, `production_on`), never ticked by hand.

A stage reached before the campaign started still ticks the item off (the
project is where the campaign wanted it), marked 活动前已完成; one reached
after its planned date is ticked off too, marked 晚于计划. The dates are the
business dates of the stage change (a back-dated move counts on the day it
names), so the page and the 台账 never disagree with the project.

An archived campaign is read-only until an admin restores it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from app import audit, clock
from app.concurrency import check_version
from app.db import db, utcnow
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
    before_campaign: bool = False  # achieved before the campaign started
    late: bool = False  # achieved after its planned date (or the campaign's end)

    @property
    def achieved(self) -> bool:
        return self.achieved_on is not None

    @property
    def label(self) -> str:
        if self.achieved_on is not None:
            return _("已销号")
        return _("逾期未销号") if self.overdue else _("未销号")

    @property
    def remark(self) -> str:
        """活动前已完成 / 晚于计划, or ''."""
        if self.before_campaign:
            return _("活动前已完成")
        return _("晚于计划") if self.late else ""


def deadline_of(item: CampaignItem) -> dt.date:
    """The item's planned date, else the campaign's last day."""
    return item.planned_on or item.campaign.ends_on


def state_of(item: CampaignItem, today: dt.date | None = None) -> ItemState:
    today = today or clock.today()
    done = achieved_on(item)
    deadline = deadline_of(item)
    if done is None:
        return ItemState(None, deadline < today)
    return ItemState(done, False, before_campaign=done < item.campaign.starts_on, late=done > deadline)


def _check_open(campaign: Campaign) -> None:
    if campaign.archived_at is not None:
        raise CampaignError(_("该活动已归档，恢复后才能修改。"))


def _check_planned_on(campaign: Campaign, planned_on: dt.date | None) -> None:
    if planned_on is not None and not (campaign.starts_on <= planned_on <= campaign.ends_on):
        raise CampaignError(
            _(
                "计划日期须在活动期内（%(start)s 至 %(end)s）。",
                start=campaign.starts_on.isoformat(),
                end=campaign.ends_on.isoformat(),
            ),
            "planned_on",
        )


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
        _check_open(campaign)
        if version is not None:
            check_version(campaign, "campaign", version)
        _check_items_within(campaign, starts_on, ends_on)
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


def _check_items_within(campaign: Campaign, starts_on: dt.date, ends_on: dt.date) -> None:
    """A new period must still hold every planned date already given."""
    outside = db.session.execute(
        sa.select(Project.name, CampaignItem.planned_on)
        .join(CampaignItem.project)
        .where(
            CampaignItem.campaign_id == campaign.id,
            sa.or_(CampaignItem.planned_on < starts_on, CampaignItem.planned_on > ends_on),
        )
        .order_by(CampaignItem.planned_on)
        .limit(1)
    ).first()
    if outside is not None:
        raise CampaignError(
            _(
                "「%(project)s」的计划日期 %(date)s 不在新的活动期内，请先调整该项目的计划日期。",
                project=outside.name,
                date=outside.planned_on.isoformat(),
            ),
            "starts_on" if outside.planned_on < starts_on else "ends_on",
        )


def archive_campaign(campaign: Campaign, actor: User) -> None:
    """Hide a campaign from everyone but admin (nothing is deleted)."""
    _check_open(campaign)
    campaign.archived_at = utcnow()
    audit.record("archive", "campaign", campaign.id, summary=campaign.name, user_id=actor.id)


def restore_campaign(campaign: Campaign, actor: User) -> None:
    if campaign.archived_at is None:
        raise CampaignError(_("该活动未归档。"))
    campaign.archived_at = None
    audit.record("restore", "campaign", campaign.id, summary=campaign.name, user_id=actor.id)


def add_item(
    campaign: Campaign,
    project: Project,
    batch: Batch,
    actor: User,
    *,
    planned_on: dt.date | None = None,
    note: str | None = None,
) -> CampaignItem:
    _check_open(campaign)
    if project.stage is Stage.EXITED:
        raise CampaignError(_("「%(project)s」已退出，不能列入三个一批。", project=project.name), "project_id")
    if project.archived_at is not None:
        raise CampaignError(_("「%(project)s」已归档，不能列入三个一批。", project=project.name), "project_id")
    _check_planned_on(campaign, planned_on)
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


def add_items(
    campaign: Campaign,
    projects: list[Project],
    batch: Batch,
    actor: User,
    *,
    planned_on: dt.date | None = None,
    note: str | None = None,
) -> list[CampaignItem]:
    """Name several projects in one batch with the same planned date: all of
    them or (on the first refusal, which names its project) none."""
    if not projects:
        raise CampaignError(_("请至少选择一个项目。"), "project_ids")
    return [add_item(campaign, project, batch, actor, planned_on=planned_on, note=note) for project in projects]


def update_item(item: CampaignItem, planned_on: dt.date | None, note: str | None, actor: User) -> CampaignItem:
    """Change an item's planned date or note (the batch and project stay:
    remove and add again for those)."""
    campaign = item.campaign
    _check_open(campaign)
    _check_planned_on(campaign, planned_on)
    before = {"planned_on": audit.plain(item.planned_on), "note": item.note}
    item.planned_on = planned_on
    item.note = (note or "").strip() or None
    changes = audit.diff(before, {"planned_on": audit.plain(item.planned_on), "note": item.note})
    if changes:
        db.session.flush()
        audit.record(
            "update",
            "campaign_item",
            item.id,
            changes=changes,
            summary=_(
                "%(campaign)s：%(project)s（%(batch)s）",
                campaign=campaign.name,
                project=item.project.name,
                batch=item.batch.label,
            ),
            user_id=actor.id,
        )
    return item


def remove_item(item: CampaignItem, actor: User) -> None:
    _check_open(item.campaign)
    audit.record(
        "delete",
        "campaign_item",
        item.id,
        changes={"campaign_id": item.campaign_id, "project_id": item.project_id, "batch": item.batch.value},
        summary=_("%(project)s 移出%(batch)s", project=item.project.name, batch=item.batch.label),
        user_id=actor.id,
    )
    db.session.delete(item)

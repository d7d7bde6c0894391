"""Schemas of projects, stage moves and progress updates, and the one
function that turns projects into `ProjectOut` (lights and teams in one
query each, whatever the number of projects). Limits mirror the project
forms (`app.projects.forms`); the services re-check the rules."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Literal

import sqlalchemy as sa
from pydantic import BaseModel, Field, field_validator

from app import clock
from app.api.common import AreaIn, ConfirmAmount, MoneyIn, Version, check_plausible
from app.api.schemas import DateTimeOut, Day, Id, PageQuery, Strict
from app.db import db
from app.models import STAGE_LIBRARY, Project, RefItem, project_team
from app.projects.lights import LightInfo, light_details
from app.projects.queries import SORTS

StageName = Literal["planning", "attracting", "signed", "landed", "construction", "production"]
AnyStage = Literal["planning", "attracting", "signed", "landed", "construction", "production", "exited"]
ProjectSort = Literal[tuple(SORTS)]  # type: ignore[valid-type]
LevelName = Literal["province", "city", "district"]
LEVEL_TEXT = "项目级别：province 省重点、city 市重点、district 区重点"


class ProjectQuery(PageQuery):
    library: Literal["planning", "attracting", "signed", "landed"] | None = Field(None, description="四库")
    stage: AnyStage | None = Field(None, description="不填 library/stage 时列出未退出的全部项目")
    department_id: Id | None = Field(None, description="牵头部门")
    leader_id: Id | None = Field(None, description="责任领导")
    industry_id: Id | None = None
    level: LevelName | None = Field(None, description=LEVEL_TEXT)
    kind_id: Id | None = Field(None, description="项目类型（参考列表「项目类型」的编号）")
    chain_id: Id | None = Field(None, description="产业链：放在其环节上或由其线索转化的项目")
    key: bool = Field(False, description="只看重点项目")
    light: Literal["red", "yellow", "green"] | None = None
    five_ones: Literal["complete", "incomplete"] | None = None
    q: str | None = Field(None, max_length=50)
    sort: ProjectSort = "investment"


class ProjectOut(BaseModel):
    id: int
    name: str
    company_id: int | None
    company_name: str | None
    lead_id: int | None = Field(description="来源线索")
    industry_id: int | None
    stage: str
    library: str | None = Field(description="所在库（planning/attracting/signed/landed），退出为 null")
    days_in_stage: int
    is_key: bool
    level: LevelName | None = Field(description=LEVEL_TEXT + "；未定级为 null")
    kind_id: int | None = Field(description="项目类型")
    kind_name: str | None = Field(description="项目类型名称")
    light: Literal["red", "yellow", "green"] | None = Field(description="重点项目的红黄绿灯")
    planned_investment: Decimal
    completed_investment: Decimal = Field(description="开工以来累计完成投资（万元），由投资月报汇总")
    land_area: Decimal | None
    expected_output: Decimal | None
    expected_tax: Decimal | None
    location: str | None
    description: str | None
    notes: str | None = Field(description="备注")
    lead_department_id: int | None
    responsible_leader_id: int | None
    team_ids: list[int]
    plan_text: str | None
    signed_on: dt.date | None
    landed_on: dt.date | None
    construction_on: dt.date | None
    production_on: dt.date | None
    last_progress_on: dt.date | None
    exit_reason_id: int | None
    exit_note: str | None
    activity_id: int | None = Field(description="项目所属招商活动（由线索转入的项目随来源线索）")
    version: int


class _ProjectFacts(Strict):
    confirm_amount: ConfirmAmount = False
    company_name: str | None = Field(None, max_length=200, description="投资方；企业库中没有时新建")
    industry_id: Id | None = None
    is_key: bool | None = Field(None, description="重点项目（仅管理员可设，其他人提交的值被忽略，同页面表单）")
    level: LevelName | None = Field(
        None, description=LEVEL_TEXT + "；null 为不定级（仅管理员可设，其他人提交的值被忽略，同页面表单）"
    )
    kind_id: Id | None = Field(None, description="项目类型（参考列表「项目类型」的编号）")
    planned_investment: MoneyIn | None = None
    land_area: AreaIn | None = Field(None, description="用地（亩）")
    expected_output: MoneyIn | None = None
    expected_tax: MoneyIn | None = None
    location: str | None = Field(None, max_length=200)
    description: str | None = Field(None, max_length=5000)
    notes: str | None = Field(None, max_length=5000, description="备注")
    activity_id: Id | None = Field(
        None,
        description="项目所属招商活动（您可查看、未归档的活动）；由线索转入的项目随来源线索，不能在项目上修改",
    )

    _plausible = field_validator("planned_investment")(check_plausible)


class ProjectIn(_ProjectFacts):
    name: str = Field(min_length=1, max_length=200)
    stage: StageName = "planning"
    stage_note: str | None = Field(None, max_length=1000)
    lead_department_id: Id | None = Field(None, description="牵头部门；招商人员不填为本人所在部门")


class ProjectUpdate(_ProjectFacts):
    """Only the fields sent change. Leader, lead department, team and plan
    are the 五个一 assignment: admin for every project, lead-department
    staff for non-key projects (as on the 五个一 page)."""

    version: Version
    name: str | None = Field(None, min_length=1, max_length=200)
    responsible_leader_id: Id | None = None
    handover_reason: str | None = Field(None, max_length=500, description="更换责任领导时必填")
    lead_department_id: Id | None = None
    team_ids: list[Id] | None = Field(None, max_length=100)
    plan_text: str | None = Field(None, max_length=10000)


class StageIn(Strict):
    to: AnyStage
    note: str | None = Field(None, max_length=2000, description="跨阶段推进、退回、重新启用时必填")
    reason_id: Id | None = Field(None, description="退出原因（退出时必填）")
    on: Day | None = Field(None, description="变更日期，默认今天")
    version: Version | None = None


class ProgressOut(BaseModel):
    id: int
    project_id: int
    happened_on: dt.date
    author_id: int | None
    text: str
    created_at: DateTimeOut


class ProgressIn(Strict):
    text: str = Field(min_length=1, max_length=5000)
    happened_on: Day | None = None


def project_outs(
    projects: Sequence[Project], today: dt.date | None = None, lights: dict[int, LightInfo] | None = None
) -> list[ProjectOut]:
    """`ProjectOut` for each project: three queries (lights unless given,
    teams, kind names) in all."""
    today = today or clock.today()
    ids = [p.id for p in projects]
    if lights is None:
        lights = light_details([p.id for p in projects if p.is_key], today)
    teams: dict[int, list[int]] = {i: [] for i in ids}
    if ids:
        rows = db.session.execute(
            sa.select(project_team.c.project_id, project_team.c.user_id)
            .where(project_team.c.project_id.in_(ids))
            .order_by(project_team.c.user_id)
        )
        for project_id, user_id in rows:
            teams[project_id].append(user_id)
    kind_ids = {p.kind_id for p in projects if p.kind_id is not None}
    kinds: dict[int, str] = {}
    if kind_ids:
        rows = db.session.execute(sa.select(RefItem.id, RefItem.name).where(RefItem.id.in_(kind_ids)))
        kinds = dict(rows.all())
    return [_out(p, lights.get(p.id, LightInfo(None)), teams[p.id], kinds, today) for p in projects]


def project_out(project: Project) -> ProjectOut:
    return project_outs([project])[0]


def _out(p: Project, light: LightInfo, team: list[int], kinds: dict[int, str], today: dt.date) -> ProjectOut:
    library = STAGE_LIBRARY.get(p.stage)
    return ProjectOut(
        id=p.id,
        name=p.name,
        company_id=p.company_id,
        company_name=p.company.name if p.company else None,
        lead_id=p.lead_id,
        industry_id=p.industry_id,
        stage=p.stage.value,
        library=library.value if library else None,
        days_in_stage=max(0, (today - p.stage_changed_at.date()).days),
        is_key=p.is_key,
        level=p.level.value if p.level else None,
        kind_id=p.kind_id,
        kind_name=kinds.get(p.kind_id) if p.kind_id is not None else None,
        light=light.light.value if light.light else None,
        planned_investment=p.planned_investment,
        completed_investment=p.completed_investment,
        land_area=p.land_area,
        expected_output=p.expected_output,
        expected_tax=p.expected_tax,
        location=p.location,
        description=p.description,
        notes=p.notes,
        lead_department_id=p.lead_department_id,
        responsible_leader_id=p.responsible_leader_id,
        team_ids=team,
        plan_text=p.plan_text,
        signed_on=p.signed_on,
        landed_on=p.landed_on,
        construction_on=p.construction_on,
        production_on=p.production_on,
        last_progress_on=p.last_progress_on,
        exit_reason_id=p.exit_reason_id,
        exit_note=p.exit_note,
        activity_id=p.activity_id,
        version=p.version,
    )

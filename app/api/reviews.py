"""观摩评比 over the API — the events (list, one event with its sheet,
projects, reviewers, the caller's own scores and, for who may read them, the
results) and a reviewer's scores of one project, through
`app.reviews.services` with the page's rules: only the event's reviewers
score (403 otherwise), every criterion at once, 0–100; a closed event is
locked (409). Also `GET /reports/ranking?start&end`, the composite 比学赶超
ranking (`app.reports.ranking`) with each part beside the total."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from flask_login import current_user
from pydantic import BaseModel, Field
from sqlalchemy import orm

from app import clock
from app.api import bp
from app.api.common import forbid_unless, saving
from app.api.core import ApiError, operation
from app.api.schemas import Day, Id, Page, PageQuery, Query, Strict
from app.models import ReviewEvent
from app.pagination import paginate
from app.permissions import get_visible_or_404
from app.permissions.reviews import can_score_review, can_view_review_results, is_reviewer
from app.reports import ranking
from app.reports.filters import parse_query
from app.reviews import queries, results, services
from app.reviews.scoring import plain, rounded

TAG = "观摩评比"
Score = Field(description="分数（0–100，最多 2 位小数）的十进制字符串")


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(rounded(value))


class ReviewOut(BaseModel):
    id: int
    name: str
    held_on: dt.date
    kind: str
    status: str = Field(description="open 评分中；closed 已结束（评分锁定）")
    drop_extremes: bool = Field(description="去掉一个最高分和一个最低分（评委 3 人及以上时）")
    is_reviewer: bool = Field(description="调用者是否为本次观摩的评委")


class CriterionOut(BaseModel):
    id: int
    name: str
    weight: str


class ProjectOut(BaseModel):
    project_id: int
    name: str
    department_id: int | None
    department: str | None
    my_scores: dict[str, str] = Field(description="调用者（评委）已打的分：{criterion_id: 分数}")
    score: str | None = Field(None, description="项目得分（有权查看结果时）")
    rank: int | None = Field(None, description="名次（同分同名次；有权查看结果时）")
    reviewers_scored: int | None = Field(None, description="已评完的评委数（有权查看结果时）")


class DepartmentOut(BaseModel):
    department_id: int | None
    name: str
    projects: int
    score: str | None
    rank: int | None


class ReviewDetail(ReviewOut):
    criteria: list[CriterionOut]
    reviewers: list[str]
    projects: list[ProjectOut]
    departments: list[DepartmentOut] | None = Field(
        None, description="部门排名（有权查看结果时：结束后所有人；评分中限管理员、领导、督查）"
    )


class ScoreIn(Strict):
    """一名评委对一个观摩项目的评分：评分表的每项指标都要打分（0–100）；再次提交即修改（评分结束前）。"""

    project_id: Id = Field(description="观摩项目（项目库中的项目 id）")
    scores: dict[Id, Decimal] = Field(description="{criterion_id: 分数}，覆盖评分表的全部指标")


class ScoreOut(BaseModel):
    project_id: int
    scores: dict[str, str]
    weighted: str = Field(description="该评委对该项目的加权得分")


def _summary(event: ReviewEvent) -> ReviewOut:
    return ReviewOut(
        id=event.id,
        name=event.name,
        held_on=event.held_on,
        kind=event.kind,
        status=event.status.value,
        drop_extremes=event.drop_extremes,
        is_reviewer=is_reviewer(current_user, event),
    )


LOADED = (orm.selectinload(ReviewEvent.reviewers), orm.selectinload(ReviewEvent.criteria))


@operation(
    bp, "GET", "/reviews", summary="观摩评比列表（最近的在前）", tag=TAG, query=PageQuery, response=Page[ReviewOut]
)
def list_reviews(query: PageQuery):
    page = paginate(queries.list_statement().options(*LOADED), query.page, query.per_page)
    return Page[ReviewOut](
        items=[_summary(e) for e in page.items], page=page.page, per_page=page.per_page, total=page.total
    )


@operation(
    bp,
    "GET",
    "/reviews/<int:review_id>",
    summary="一次观摩：评分表、观摩项目、评委、我的评分，及（有权查看时）项目和部门排名",
    tag=TAG,
    response=ReviewDetail,
    errors=(404,),
)
def get_review(review_id: int):
    event = get_visible_or_404(ReviewEvent, review_id, options=LOADED)
    mine = queries.finished_items(event, current_user)
    shown = can_view_review_results(current_user, event)
    outcome = results.event_results(event)
    by_item = {p.item.id: p for p in outcome.projects}
    projects = []
    for item in event.projects:
        result = by_item[item.id]
        projects.append(
            ProjectOut(
                project_id=item.project_id,
                name=item.project.name,
                department_id=item.department_id,
                department=item.department.name if item.department else None,
                my_scores={str(cid): str(v) for cid, v in mine.get(item.id, {}).items()},
                score=_text(result.score.score) if shown else None,
                rank=result.rank if shown else None,
                reviewers_scored=result.score.reviewers if shown else None,
            )
        )
    departments = (
        [
            DepartmentOut(
                department_id=d.department_id, name=d.name, projects=d.projects, score=_text(d.score), rank=d.rank
            )
            for d in outcome.departments
        ]
        if shown
        else None
    )
    return ReviewDetail(
        **_summary(event).model_dump(),
        criteria=[CriterionOut(id=c.id, name=c.name, weight=plain(c.weight)) for c in event.criteria],
        reviewers=[r.name for r in event.reviewers],
        projects=projects,
        departments=departments,
    )


@operation(
    bp,
    "POST",
    "/reviews/<int:review_id>/scores",
    summary="评委对一个观摩项目打分（限本次观摩的评委；结束后锁定，答 409）",
    tag=TAG,
    body=ScoreIn,
    response=ScoreOut,
    errors=(403, 404, 409, 422),
)
def post_scores(review_id: int, body: ScoreIn):
    event = get_visible_or_404(ReviewEvent, review_id, options=LOADED)
    forbid_unless(can_score_review(current_user, event), "您不是本次观摩的评委，不能评分。")
    item = next((i for i in event.projects if i.project_id == body.project_id), None)
    if item is None:
        raise ApiError(422, "该项目不在本次观摩中。", {"project_id": "该项目不在本次观摩中。"})
    with saving():
        saved = services.save_scores(event, item, current_user, body.scores)
    weights = {c.id: c.weight for c in event.criteria}
    sheet = {s.criterion_id: s.score for s in saved}
    weighted = sum((weights[cid] * value for cid, value in sheet.items()), Decimal(0)) / sum(weights.values())
    return ScoreOut(
        project_id=item.project_id, scores={str(k): str(v) for k, v in sheet.items()}, weighted=str(rounded(weighted))
    )


# --- the composite ranking --------------------------------------------------------------


class RankingParams(Query):
    start: Day | None = Field(None, description="统计期间开始日期（含）；与 end 同时给出，默认本年")
    end: Day | None = Field(None, description="统计期间结束日期（含），不早于 start")


class PartOut(BaseModel):
    score: str | None = Field(description="该部分得分（0–100）；null 为该部门本期无此项数据，不计入")
    detail: str


class RankingRowOut(BaseModel):
    rank: int | None
    department_id: int
    name: str
    total: str | None
    parts: dict[str, PartOut] = Field(
        description="targets 目标完成、reviews 观摩评比、problems 问题按期解决、rectifications 督查整改按期"
    )


class RankingOut(BaseModel):
    start: dt.date
    end: dt.date
    weights: dict[str, str]
    missing: list[str] = Field(description="本期全无数据、权重已按其余部分折算的部分")
    note: str
    rows: list[RankingRowOut]


@operation(
    bp,
    "GET",
    "/reports/ranking",
    summary="比学赶超综合排名（龙虎榜）：各部分得分与综合得分",
    tag="统计报表",
    query=RankingParams,
    response=RankingOut,
)
def ranking_api(query: RankingParams):
    args: dict[str, str] = {"period": "year"}
    if query.start is not None or query.end is not None:
        args["period"] = "custom"
        args.update({k: v.isoformat() for k, v in (("start", query.start), ("end", query.end)) if v is not None})
    with saving():  # a bad period is a refusal: 422 naming it
        report = ranking.ranking_report(parse_query(args, clock.today()))
    return RankingOut(
        start=report.query.period.start,
        end=report.query.period.end,
        weights=report.weight_texts,
        missing=report.missing,
        note=report.note,
        rows=[
            RankingRowOut(
                rank=row.rank,
                department_id=row.department_id,
                name=row.name,
                total=_text(row.total),
                parts={k: PartOut(score=_text(p.score), detail=p.detail) for k, p in row.parts.items()},
            )
            for row in report.rows
        ],
    )

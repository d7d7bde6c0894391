"""Companies (企业库) over the API: the list, one company, create and edit
with the duplicate check of the company pages, and the duplicate finder
the lead form uses (which other departments follow a company — department
and date only, never their records)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

import sqlalchemy as sa
from flask_login import current_user
from pydantic import BaseModel, Field
from sqlalchemy.orm import selectinload

from app.api import bp
from app.api.common import Version, check_choice, check_choices, forbid_unless, saving
from app.api.core import ApiError, operation
from app.api.schemas import Id, Page, PageQuery, Query, Strict
from app.companies import credit_code as cc
from app.companies import queries, services
from app.companies.services import Match
from app.lookups import ref_choices
from app.models import Company, RefKind, Role
from app.pagination import paginate
from app.params import clean_text
from app.permissions import can_edit_company, get_visible_or_404

EDITORS = (Role.ADMIN, Role.STAFF)
TAG = "企业"
NOT_ALLOWED = "所选项不存在或不可选，请重新选择。"


class CompanyQuery(PageQuery):
    q: str | None = Field(None, max_length=100, description="名称、拼音、首字母或信用代码")
    tier_id: Id | None = None
    industry_id: Id | None = None
    conflict: bool = Field(False, description="只看有待裁定撞单的企业")


class CompanyOut(BaseModel):
    id: int
    name: str
    credit_code: str | None
    hq_region: str | None
    industry_id: int | None
    tier_ids: list[int]
    first_department_id: int | None = Field(description="首报部门")
    first_reported_on: dt.date | None
    merged_into_id: int | None = Field(description="已合并入的企业")
    notes: str | None
    version: int


class CompanyIn(Strict):
    name: str = Field(min_length=1, max_length=200)
    credit_code: str | None = Field(None, max_length=30)
    hq_region: str | None = Field(None, max_length=100)
    industry_id: Id | None = None
    tier_ids: list[Id] = Field(default_factory=list, max_length=20)
    notes: str | None = Field(None, max_length=5000)
    confirm_duplicate: bool = Field(False, description="已核对不是同一家企业，仍然保存")


class CompanyUpdate(Strict):
    """Only the fields sent change; `version` is the one read."""

    version: Version
    name: str | None = Field(None, min_length=1, max_length=200)
    credit_code: str | None = Field(None, max_length=30)
    hq_region: str | None = Field(None, max_length=100)
    industry_id: Id | None = None
    tier_ids: list[Id] | None = Field(None, max_length=20)
    notes: str | None = Field(None, max_length=5000)
    confirm_duplicate: bool = False


class DuplicateQuery(Query):
    name: str | None = Field(None, max_length=200)
    credit_code: str | None = Field(None, max_length=30)
    exclude_id: Id | None = Field(None, description="排除的企业（编辑时为本企业）")
    department_id: Id | None = Field(None, description="本方部门，不列为其他跟进部门；默认本人所在部门")


class FollowerOut(BaseModel):
    department_id: int
    department_name: str
    since: dt.date | None
    holder: bool = Field(description="首报部门")


class MatchOut(BaseModel):
    company: CompanyOut
    reason: Literal["credit_code", "name", "fuzzy"]
    score: int
    followers: list[FollowerOut] = Field(description="其他跟进部门（仅部门与日期）")


class DuplicatesOut(BaseModel):
    credit_code_problem: str | None
    matches: list[MatchOut]


def company_out(c: Company) -> CompanyOut:
    return CompanyOut(
        id=c.id,
        name=c.name,
        credit_code=c.credit_code,
        hq_region=c.hq_region,
        industry_id=c.industry_id,
        tier_ids=[t.id for t in c.tiers],
        first_department_id=c.first_department_id,
        first_reported_on=c.first_reported_on,
        merged_into_id=c.merged_into_id,
        notes=c.notes,
        version=c.version,
    )


@operation(bp, "GET", "/companies", summary="企业列表", tag=TAG, query=CompanyQuery, response=Page[CompanyOut])
def list_companies(query: CompanyQuery):
    filters = queries.CompanyFilters(
        q=clean_text(query.q), tier_id=query.tier_id, industry_id=query.industry_id, conflict=bool(query.conflict)
    )
    stmt = (
        sa.select(Company)
        .where(*queries.company_conditions(filters))
        .options(selectinload(Company.tiers))
        .order_by(Company.updated_at.desc(), Company.id.desc())
    )
    page = paginate(stmt, query.page, query.per_page)
    return Page[CompanyOut](
        items=[company_out(c) for c in page.items], page=page.page, per_page=page.per_page, total=page.total
    )


def _matches_out(matches: list[Match], department_id: int | None) -> list[MatchOut]:
    followers = services.followers(m.company.id for m in matches)
    return [
        MatchOut(
            company=company_out(m.company),
            reason=m.reason,  # type: ignore[arg-type]
            score=m.score,
            followers=[
                FollowerOut(
                    department_id=f.department_id, department_name=f.department_name, since=f.since, holder=f.holder
                )
                for f in followers[m.company.id]
                if f.department_id != department_id
            ],
        )
        for m in matches
    ]


@operation(
    bp,
    "GET",
    "/companies/duplicates",
    summary="查重：企业库中可能是同一家的企业及其跟进部门",
    tag=TAG,
    query=DuplicateQuery,
    response=DuplicatesOut,
    roles=EDITORS,
)
def find_duplicates(query: DuplicateQuery):
    code = cc.clean(query.credit_code)
    matches = services.find_matches(query.name, code, exclude_id=query.exclude_id)
    department_id = query.department_id or current_user.department_id
    return DuplicatesOut(
        credit_code_problem=cc.problem(code) if code else None, matches=_matches_out(matches, department_id)
    )


@operation(bp, "GET", "/companies/<int:company_id>", summary="企业详情", tag=TAG, response=CompanyOut, errors=(404,))
def get_company(company_id: int):
    return company_out(get_visible_or_404(Company, company_id))


def _check_company_choices(data: dict[str, Any], company: Company | None) -> None:
    """The ids the company form would offer (its select lists)."""
    industries = ref_choices(RefKind.INDUSTRY, blank=None, include_id=company.industry_id if company else None)
    check_choice(data.get("industry_id"), industries, "industry_id", NOT_ALLOWED)
    check_choices(data.get("tier_ids") or [], ref_choices(RefKind.TIER, blank=None), "tier_ids", NOT_ALLOWED)


def _look_alikes(matches: list[Match]) -> ApiError:
    found = "；".join(f"#{m.company.id} {m.company.name}（{m.reason_label}）" for m in matches)
    message = f"企业库中可能已有该企业：{found}。如确认不是同一家企业，请以 confirm_duplicate=true 重新提交。"
    return ApiError(409, message, {"name": message})


@operation(
    bp,
    "POST",
    "/companies",
    summary="新建企业（先查重）",
    tag=TAG,
    body=CompanyIn,
    response=CompanyOut,
    status=201,
    roles=EDITORS,
    errors=(403, 409, 422),
)
def create_company(body: CompanyIn):
    data = body.model_dump(exclude={"confirm_duplicate"})
    _check_company_choices(data, None)
    matches = services.find_matches(body.name, body.credit_code)
    if any(m.reason == "credit_code" for m in matches):
        message = "该统一社会信用代码已登记在企业库中的另一家企业。"
        raise ApiError(422, message, {"credit_code": message})
    if matches and not body.confirm_duplicate:
        raise _look_alikes(matches)
    with saving():
        company = services.create_company(data, current_user)
    return company_out(company), 201


@operation(
    bp,
    "PATCH",
    "/companies/<int:company_id>",
    summary="修改企业",
    tag=TAG,
    body=CompanyUpdate,
    response=CompanyOut,
    errors=(403, 404, 409, 422),
)
def update_company(company_id: int, body: CompanyUpdate):
    company = get_visible_or_404(Company, company_id)
    forbid_unless(company.merged_into_id is None and can_edit_company(current_user, company), "您没有权限修改该企业。")
    data = body.model_dump(exclude_unset=True, exclude={"confirm_duplicate", "version"})
    if "tier_ids" in data and data["tier_ids"] is None:
        data["tier_ids"] = []
    _check_company_choices(data, company)
    if data.get("name") and not body.confirm_duplicate:
        renamed = services.normalize_company_name(data["name"]) != company.normalized_name
        if renamed:
            matches = [
                m for m in services.find_matches(data["name"], exclude_id=company.id) if m.reason != "credit_code"
            ]
            if matches:
                raise _look_alikes(matches)
    with saving():
        services.update_company(company, data, current_user, version=body.version)
    return company_out(company)

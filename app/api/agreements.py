"""Agreements (签约协议) over the API: a project's agreements, recording one
(a project before 签约 moves to 签约 with it), one agreement and editing it
under optimistic locking — through `app.agreements.services`, with the
agreement pages' permission checks."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

import sqlalchemy as sa
from flask_login import current_user
from pydantic import BaseModel, Field

from app.agreements import services
from app.api import bp
from app.api.common import AreaIn, MoneyIn, UsdMoneyIn, Version, forbid_unless, saving
from app.api.core import operation
from app.api.schemas import Day, Id, Page, PageQuery, Strict
from app.models import Agreement, AgreementKind, Project
from app.pagination import paginate
from app.permissions import can_edit_project, get_visible_or_404

TAG = "签约"
Kind = Literal["framework", "investment", "supplementary"]


class AgreementOut(BaseModel):
    id: int
    project_id: int
    kind: str
    signed_on: dt.date
    signing_event_id: int | None
    agreed_investment: Decimal
    is_capital_increase: bool
    foreign_investment: Decimal | None = Field(description="外资额（万美元）")
    our_signatory: str | None
    their_signatory: str | None
    land_area: Decimal | None
    committed_output: Decimal | None
    committed_tax: Decimal | None
    committed_construction_on: dt.date | None
    committed_production_on: dt.date | None
    notes: str | None
    version: int


class _AgreementFields(Strict):
    signing_event_id: Id | None = Field(None, description="签约活动")
    is_capital_increase: bool = Field(False, description="增资（仅补充协议；金额只填增资部分）")
    foreign_investment: UsdMoneyIn | None = None
    our_signatory: str | None = Field(None, max_length=100)
    their_signatory: str | None = Field(None, max_length=100)
    land_area: AreaIn | None = None
    committed_output: MoneyIn | None = None
    committed_tax: MoneyIn | None = None
    committed_construction_on: Day | None = None
    committed_production_on: Day | None = None
    notes: str | None = Field(None, max_length=5000)


class AgreementIn(_AgreementFields):
    kind: Kind
    signed_on: Day
    agreed_investment: MoneyIn


class AgreementUpdate(_AgreementFields):
    """Only the fields sent change; `version` is the one read."""

    version: Version
    kind: Kind | None = None
    signed_on: Day | None = None
    agreed_investment: MoneyIn | None = None
    is_capital_increase: bool | None = None  # type: ignore[assignment]


def agreement_out(a: Agreement) -> AgreementOut:
    return AgreementOut(
        id=a.id,
        project_id=a.project_id,
        kind=a.kind.value,
        signed_on=a.signed_on,
        signing_event_id=a.signing_event_id,
        agreed_investment=a.agreed_investment,
        is_capital_increase=a.is_capital_increase,
        foreign_investment=a.foreign_investment,
        our_signatory=a.our_signatory,
        their_signatory=a.their_signatory,
        land_area=a.land_area,
        committed_output=a.committed_output,
        committed_tax=a.committed_tax,
        committed_construction_on=a.committed_construction_on,
        committed_production_on=a.committed_production_on,
        notes=a.notes,
        version=a.version,
    )


@operation(
    bp,
    "GET",
    "/projects/<int:project_id>/agreements",
    summary="项目的签约协议",
    tag=TAG,
    query=PageQuery,
    response=Page[AgreementOut],
    errors=(404,),
)
def list_agreements(project_id: int, query: PageQuery):
    project = get_visible_or_404(Project, project_id)
    stmt = (
        sa.select(Agreement)
        .where(Agreement.project_id == project.id, Agreement.archived_at.is_(None))
        .order_by(Agreement.signed_on, Agreement.id)
    )
    page = paginate(stmt, query.page, query.per_page)
    return Page[AgreementOut](
        items=[agreement_out(a) for a in page.items], page=page.page, per_page=page.per_page, total=page.total
    )


def _data(values: dict[str, Any]) -> dict[str, Any]:
    kind = values.get("kind")
    return {**values, "kind": AgreementKind(kind) if kind else None}


@operation(
    bp,
    "POST",
    "/projects/<int:project_id>/agreements",
    summary="录入签约协议（签约前的项目随之进入签约库）",
    tag=TAG,
    body=AgreementIn,
    response=AgreementOut,
    status=201,
    errors=(403, 404, 422),
)
def create_agreement(project_id: int, body: AgreementIn):
    project = get_visible_or_404(Project, project_id)
    forbid_unless(can_edit_project(current_user, project), "您没有权限为该项目录入协议。")
    with saving():
        agreement = services.record_agreement(project, _data(body.model_dump()), current_user)
    return agreement_out(agreement), 201


@operation(
    bp, "GET", "/agreements/<int:agreement_id>", summary="协议详情", tag=TAG, response=AgreementOut, errors=(404,)
)
def get_agreement(agreement_id: int):
    return agreement_out(get_visible_or_404(Agreement, agreement_id))


@operation(
    bp,
    "PATCH",
    "/agreements/<int:agreement_id>",
    summary="修改协议（带 version）",
    tag=TAG,
    body=AgreementUpdate,
    response=AgreementOut,
    errors=(403, 404, 409, 422),
)
def update_agreement(agreement_id: int, body: AgreementUpdate):
    agreement = get_visible_or_404(Agreement, agreement_id)
    forbid_unless(
        can_edit_project(current_user, agreement.project) and agreement.archived_at is None, "您没有权限修改该协议。"
    )
    current = {field: getattr(agreement, field) for field in services.AGREEMENT_FIELDS}
    data = {**current, **body.model_dump(exclude_unset=True, exclude={"version"})}
    with saving():
        services.update_agreement(agreement, _data(data), current_user, body.version)
    return agreement_out(agreement)

"""Token endpoints: sign in for a token, list and revoke tokens."""

from __future__ import annotations

import sqlalchemy as sa
from flask import request
from flask_login import current_user

from app.api import bp
from app.api.common import saving
from app.api.core import ApiError, not_found, operation
from app.api.schemas import Page, PageQuery, TokenInfo, TokenOut, TokenRequest
from app.api.tokens import current_token_id, issue_token, revoke, visible_tokens_filter
from app.auth.services import RateLimitedError, sign_in
from app.db import db
from app.models import ApiToken
from app.pagination import paginate


def _info(row: ApiToken) -> TokenInfo:
    return TokenInfo(
        id=row.id,
        user_id=row.user_id,
        name=row.name,
        created_at=row.created_at,
        expires_at=row.expires_at,
        last_used_at=row.last_used_at,
        revoked=row.revoked_at is not None,
        scope=row.scope,
    )


@operation(
    bp,
    "POST",
    "/tokens",
    summary="用户名密码换取令牌",
    tag="令牌",
    body=TokenRequest,
    response=TokenOut,
    status=201,
    auth=False,
    errors=(401, 429),
)
def create_token(body: TokenRequest):
    with saving():  # a refused sign-in is committed too: its audit row and rate-limit count stay
        result = sign_in(body.username, body.password, request.remote_addr, device=False)
        if result.user is not None:
            clear, row = issue_token(result.user, body.name, scope=body.scope, days=body.days)
    if isinstance(result.refusal, RateLimitedError):
        raise ApiError(429, result.refusal.message, headers={"Retry-After": str(result.refusal.retry_after)})
    if result.refusal is not None:
        raise ApiError(401, result.refusal.message)
    return TokenOut(token=clear, scope=row.scope, expires_at=row.expires_at)


@operation(
    bp, "GET", "/tokens", summary="我的令牌（管理员：全部）", tag="令牌", query=PageQuery, response=Page[TokenInfo]
)
def list_tokens(query: PageQuery):
    stmt = sa.select(ApiToken).where(visible_tokens_filter()).order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    page = paginate(stmt, query.page, query.per_page)
    return Page[TokenInfo](
        items=[_info(t) for t in page.items], page=page.page, per_page=page.per_page, total=page.total
    )


@operation(
    bp,
    "DELETE",
    "/tokens/current",
    summary="注销当前令牌",
    tag="令牌",
    status=204,
    endpoint="revoke_current",
    read_ok=True,
)
def revoke_current():
    row = db.session.get(ApiToken, current_token_id())
    with saving():
        revoke(row, current_user)


@operation(
    bp,
    "DELETE",
    "/tokens/<int:token_id>",
    summary="注销令牌（本人或管理员）",
    tag="令牌",
    status=204,
    errors=(404,),
)
def revoke_token(token_id: int):
    row = db.session.scalar(sa.select(ApiToken).where(ApiToken.id == token_id, visible_tokens_filter()))
    if row is None:
        raise not_found()
    with saving():
        revoke(row, current_user)

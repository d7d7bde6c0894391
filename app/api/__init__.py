"""JSON API (/api/v1): bearer tokens, the same access and business rules as
the pages (it calls the features' services), OpenAPI generated from the
pydantic schemas that validate requests."""

from flask import Blueprint

from app.extensions import csrf, login_manager

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# Bearer-token requests carry no cookie credentials, so CSRF does not apply.
csrf.exempt(bp)


@bp.record_once
def _setup(state) -> None:
    from app.api.tokens import init_api_auth

    init_api_auth(state.app, login_manager)


from app.api import (  # noqa: E402,F401
    activities,
    agreements,
    approvals,
    chains,
    companies,
    delivery,
    docs,
    imports,
    inspections,
    leads,
    notifications,
    org,
    problems,
    projects,
    reports,
    reviews,
    tokens_routes,
    visits,
)

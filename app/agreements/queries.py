"""Reads of the signing-events page: each event with its counted amount
(统计口径) and number of agreements, the agreements of a page of events that
the viewer may see, and the years that have events."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager

from app.agreements import services
from app.db import db
from app.models import Agreement, Project, SigningEvent, User
from app.permissions import project_filter


def events_statement(year: int | None) -> sa.Select:
    """Events newest first, with the number and counted amount of their live
    agreements on live projects (district-wide figures)."""
    counted = services.counted_amount_expression()
    live_agreements = sa.and_(
        Agreement.signing_event_id == SigningEvent.id,
        Agreement.archived_at.is_(None),
        Agreement.project_id.in_(sa.select(Project.id).where(Project.archived_at.is_(None))),
    )
    stmt = (
        sa.select(
            SigningEvent,
            sa.func.count(Agreement.id).label("agreement_count"),
            sa.func.coalesce(sa.func.sum(counted), 0).label("total"),
        )
        .outerjoin(Agreement, live_agreements)
        .group_by(SigningEvent.id)
        .order_by(SigningEvent.held_on.desc(), SigningEvent.id.desc())
    )
    if year:
        stmt = stmt.where(SigningEvent.held_on.between(dt.date(year, 1, 1), dt.date(year, 12, 31)))
    return stmt


def visible_agreements(event_ids: list[int], user: User) -> dict[int, list[Agreement]]:
    """The agreements of these events that `user` may see (one query)."""
    visible: dict[int, list[Agreement]] = {event_id: [] for event_id in event_ids}
    if not event_ids:
        return visible
    rows = db.session.scalars(
        sa.select(Agreement)
        .join(Agreement.project)
        .options(contains_eager(Agreement.project).joinedload(Project.lead_department))
        .where(
            Agreement.signing_event_id.in_(event_ids),
            Agreement.archived_at.is_(None),
            Project.archived_at.is_(None),
            project_filter(user),
        )
        .order_by(Agreement.signed_on, Agreement.id)
    )
    for agreement in rows:
        visible[agreement.signing_event_id].append(agreement)
    return visible


def event_years() -> list[int]:
    year_of = sa.extract("year", SigningEvent.held_on)
    years = db.session.scalars(sa.select(year_of).distinct().order_by(year_of.desc())).all()
    return [int(y) for y in years if y is not None]

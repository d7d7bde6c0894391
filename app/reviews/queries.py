"""Reads of the review pages: the events list with its counts, the events a
user is to score, the projects that can still join an event and a
reviewer's progress through one event."""

from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa

from app.db import db
from app.models import (
    Project,
    ReviewCriterion,
    ReviewEvent,
    ReviewProject,
    ReviewScore,
    ReviewStatus,
    Stage,
    User,
    review_reviewer,
)
from app.permissions.reviews import reviewing_condition


def list_statement() -> sa.Select:
    return sa.select(ReviewEvent).order_by(ReviewEvent.held_on.desc(), ReviewEvent.id.desc())


def counts(event_ids: list[int]) -> dict[int, tuple[int, int]]:
    """{event id: (projects visited, reviewers)} in one query."""
    if not event_ids:
        return {}
    projects = (
        sa.select(ReviewProject.event_id, sa.func.count().label("n"))
        .where(ReviewProject.event_id.in_(event_ids))
        .group_by(ReviewProject.event_id)
        .subquery()
    )
    reviewers = (
        sa.select(review_reviewer.c.event_id, sa.func.count().label("n"))
        .where(review_reviewer.c.event_id.in_(event_ids))
        .group_by(review_reviewer.c.event_id)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(ReviewEvent.id, sa.func.coalesce(projects.c.n, 0), sa.func.coalesce(reviewers.c.n, 0))
        .outerjoin(projects, projects.c.event_id == ReviewEvent.id)
        .outerjoin(reviewers, reviewers.c.event_id == ReviewEvent.id)
        .where(ReviewEvent.id.in_(event_ids))
    ).all()
    return {row[0]: (row[1], row[2]) for row in rows}


def to_score(user: User) -> list[ReviewEvent]:
    """Open events `user` is a reviewer on, the soonest first."""
    return list(
        db.session.scalars(
            sa.select(ReviewEvent)
            .where(ReviewEvent.status == ReviewStatus.OPEN, reviewing_condition(user))
            .order_by(ReviewEvent.held_on, ReviewEvent.id)
        )
    )


def project_choices(event: ReviewEvent) -> list[tuple[int, str]]:
    """Projects of the library that can join `event`: not exited, not
    archived, not already visited; key projects first."""
    taken = sa.select(ReviewProject.project_id).where(ReviewProject.event_id == event.id)
    rows = db.session.execute(
        sa.select(Project.id, Project.name, Project.is_key)
        .where(Project.archived_at.is_(None), Project.stage != Stage.EXITED, Project.id.not_in(taken))
        .order_by(Project.is_key.desc(), Project.name)
    ).all()
    return [(r.id, f"{r.name}（重点）" if r.is_key else r.name) for r in rows]


def finished_items(event: ReviewEvent, reviewer: User) -> dict[int, dict[int, object]]:
    """{item id: {criterion id: score}} of `reviewer`'s sheets on `event`
    (complete or not: the page shows what they entered)."""
    sheets: dict[int, dict[int, object]] = defaultdict(dict)
    rows = db.session.execute(
        sa.select(ReviewScore.item_id, ReviewScore.criterion_id, ReviewScore.score)
        .join(ReviewCriterion, ReviewCriterion.id == ReviewScore.criterion_id)
        .where(ReviewScore.event_id == event.id, ReviewScore.reviewer_id == reviewer.id)
    )
    for row in rows:
        sheets[row.item_id][row.criterion_id] = row.score
    return dict(sheets)

"""Who may see and do what in a 观摩评比 (review event), and who sets the
weights of the composite 比学赶超 ranking:

- see an event (its sheet, projects visited, reviewers and scoring
  progress): everyone signed in — a 观摩 is a district-wide occasion;
- manage it (create, edit, sheet, projects, reviewers, close): admin;
- score: only the reviewers named on the event, each their own sheet, and
  only while it is open (after closing the services refuse every score);
  admin manages but does not score unless named a reviewer;
- read the results (rankings, 通报, .xlsx): while the event is open admin,
  leaders and the 督查 (viewer) — staff reviewers see their own scores
  only, so nobody scores against the running totals; once closed the
  results are published and everyone signed in reads them (the 通报 is
  circulated to every department);
- ranking weights: admin.
"""

from __future__ import annotations

import sqlalchemy as sa

from app.models import ReviewEvent, Role, User, review_reviewer
from app.permissions.loading import register

RESULT_READERS = (Role.ADMIN, Role.LEADER, Role.VIEWER)


def can_manage_reviews(user: User) -> bool:
    return user.role is Role.ADMIN


def can_view_review(user: User, event: ReviewEvent) -> bool:
    return True


def is_reviewer(user: User, event: ReviewEvent) -> bool:
    return any(reviewer.id == user.id for reviewer in event.reviewers)


def can_score_review(user: User, event: ReviewEvent) -> bool:
    """Named on the event (whether it is still open is the services' rule,
    so a late score is refused with a reason rather than hidden)."""
    return is_reviewer(user, event)


def can_view_review_results(user: User, event: ReviewEvent) -> bool:
    return not event.is_open or user.role in RESULT_READERS


def can_set_ranking_weights(user: User) -> bool:
    return user.role is Role.ADMIN


def reviewing_condition(user: User) -> sa.ColumnElement[bool]:
    """SQL: events `user` is a reviewer on."""
    mine = sa.select(review_reviewer.c.event_id).where(review_reviewer.c.user_id == user.id)
    return ReviewEvent.id.in_(mine)


register(ReviewEvent, view=can_view_review, edit=lambda user, event: can_manage_reviews(user))

"""The results of a review event, read once (three queries: the projects
visited with their departments, the scores, the reviewers) and combined by
`scoring.py`: projects ranked, departments ranked, the reviewers' progress,
the 通报 (先进 / 后进) and the per-reviewer breakdown the .xlsx carries.

Also `department_review_scores(start, end)`: each department's 观摩 score
over the closed events held in a period (the average of its per-event
scores), which the composite 比学赶超 ranking reads — four queries
whatever the number of events."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy import orm

from app.db import db
from app.models import ReviewEvent, ReviewProject, ReviewScore, ReviewStatus, User
from app.reviews import scoring

# The 通报 names at most this many projects (and departments) each as 先进 and 后进.
BULLETIN_SIZE = 3


@dataclass
class ProjectResult:
    item: ReviewProject
    department: str
    score: scoring.ProjectScore
    # reviewer id → their weighted score (complete sheets only)
    by_reviewer: dict[int, Decimal] = field(default_factory=dict)
    rank: int | None = None


@dataclass
class DepartmentResult:
    department_id: int | None
    name: str
    score: Decimal | None
    projects: int
    rank: int | None = None


@dataclass
class Results:
    event: ReviewEvent
    projects: list[ProjectResult]  # best first, unscored last
    departments: list[DepartmentResult]
    reviewers: list[User]
    # reviewer id → projects they have finished
    finished: dict[int, int]
    # (reviewer id, item id) → {criterion id: score}
    sheets: dict[tuple[int, int], dict[int, Decimal]]

    @property
    def sheets_done(self) -> int:
        return sum(self.finished.values())

    @property
    def sheets_expected(self) -> int:
        return len(self.reviewers) * len(self.projects)

    @property
    def advanced(self) -> list[ProjectResult]:
        return _top([p for p in self.projects if p.rank is not None])

    @property
    def lagging(self) -> list[ProjectResult]:
        return _bottom([p for p in self.projects if p.rank is not None], self.advanced)

    @property
    def advanced_departments(self) -> list[DepartmentResult]:
        return _top([d for d in self.departments if d.rank is not None])

    @property
    def lagging_departments(self) -> list[DepartmentResult]:
        return _bottom([d for d in self.departments if d.rank is not None], self.advanced_departments)


def _size(count: int) -> int:
    """How many go on each list: 3, or fewer so the two lists never meet."""
    return min(BULLETIN_SIZE, count // 2)


def _top(ranked: list) -> list:
    size = _size(len(ranked))
    if not size:
        return []
    cut = ranked[size - 1].rank
    return [row for row in ranked if row.rank <= cut]  # ties at the cut are all named


def _bottom(ranked: list, top: list) -> list:
    size = _size(len(ranked))
    if not size:
        return []
    cut = ranked[-size].rank
    named = {id(row) for row in top}
    return [row for row in reversed(ranked) if row.rank >= cut and id(row) not in named]


def _items(event_ids: list[int]) -> list[ReviewProject]:
    return list(
        db.session.scalars(
            sa.select(ReviewProject)
            .where(ReviewProject.event_id.in_(event_ids))
            .options(orm.joinedload(ReviewProject.project), orm.joinedload(ReviewProject.department))
            .order_by(ReviewProject.position, ReviewProject.id)
        )
    )


def _sheets(event_ids: list[int]) -> dict[int, dict[tuple[int, int], dict[int, Decimal]]]:
    """{event id: {(reviewer id, item id): {criterion id: score}}}."""
    sheets: dict[int, dict[tuple[int, int], dict[int, Decimal]]] = defaultdict(lambda: defaultdict(dict))
    for row in db.session.execute(
        sa.select(
            ReviewScore.event_id,
            ReviewScore.reviewer_id,
            ReviewScore.item_id,
            ReviewScore.criterion_id,
            ReviewScore.score,
        ).where(ReviewScore.event_id.in_(event_ids))
    ):
        sheets[row.event_id][(row.reviewer_id, row.item_id)][row.criterion_id] = row.score
    return sheets


def event_results(event: ReviewEvent) -> Results:
    return _results(event, _items([event.id]), _sheets([event.id]).get(event.id, {}))


def _results(
    event: ReviewEvent, items: list[ReviewProject], sheets: dict[tuple[int, int], dict[int, Decimal]]
) -> Results:
    weights = {c.id: c.weight for c in event.criteria}
    reviewers = list(event.reviewers)
    reviewer_ids = {r.id for r in reviewers}
    finished: dict[int, int] = dict.fromkeys(reviewer_ids, 0)
    projects = []
    for item in items:
        by_reviewer = {}
        for reviewer_id in reviewer_ids:
            value = scoring.reviewer_score(sheets.get((reviewer_id, item.id), {}), weights)
            if value is not None:
                by_reviewer[reviewer_id] = value
                finished[reviewer_id] += 1
        score = scoring.project_score(by_reviewer.values(), drop_extremes=event.drop_extremes)
        name = item.department.name if item.department else "—"
        projects.append(ProjectResult(item, name, score, by_reviewer))
    ranked_projects = []
    for rank, result in scoring.ranks(projects, lambda p: p.score.score):
        result.rank = rank
        ranked_projects.append(result)
    departments = _departments(projects)
    return Results(event, ranked_projects, departments, reviewers, finished, dict(sheets))


def _departments(projects: list[ProjectResult]) -> list[DepartmentResult]:
    names: dict[int | None, str] = {}
    counts: dict[int | None, int] = defaultdict(int)
    for p in projects:
        names[p.item.department_id] = p.department
        counts[p.item.department_id] += 1
    averages = scoring.department_scores((p.item.department_id, p.score.score) for p in projects)
    rows = [DepartmentResult(d, names[d], averages.get(d), counts[d]) for d in names]
    ranked = []
    for rank, row in scoring.ranks(rows, lambda r: r.score):
        row.rank = rank
        ranked.append(row)
    return ranked


def department_review_scores(start: dt.date, end: dt.date) -> tuple[dict[int, Decimal], int]:
    """({department id: average of its per-event 观摩 scores}, number of
    closed events held in [start, end])."""
    events = list(
        db.session.scalars(
            sa.select(ReviewEvent)
            .where(ReviewEvent.status == ReviewStatus.CLOSED, ReviewEvent.held_on.between(start, end))
            .options(orm.selectinload(ReviewEvent.criteria), orm.selectinload(ReviewEvent.reviewers))
            .order_by(ReviewEvent.held_on, ReviewEvent.id)
        )
    )
    ids = [event.id for event in events]
    items: dict[int, list[ReviewProject]] = defaultdict(list)
    for item in _items(ids) if ids else []:
        items[item.event_id].append(item)
    sheets = _sheets(ids) if ids else {}
    per_department: dict[int, list[Decimal]] = defaultdict(list)
    for event in events:
        for row in _results(event, items[event.id], sheets.get(event.id, {})).departments:
            if row.department_id is not None and row.score is not None:
                per_department[row.department_id].append(row.score)
    return {d: scoring.average(v) for d, v in per_department.items()}, len(events)  # type: ignore[misc]

"""`flask seed-demo`'s 观摩评比 step: one closed, scored review (5+ projects,
3+ reviewers, highest and lowest dropped) whose results rank and whose
departments reach the composite ranking; an open one for the phone page;
twice adds nothing."""

from __future__ import annotations

import sqlalchemy as sa

from app import clock
from app.db import db
from app.demo import DemoContext
from app.demo import org as demo_org
from app.demo import projects as demo_projects
from app.demo import reviews as demo_reviews
from app.models import AuditLog, ReviewEvent, ReviewScore, ReviewStatus
from app.reports import ranking
from app.reports.filters import Filters, ReportQuery
from app.reports.periods import Period
from app.reviews.results import event_results


def _seed(today):
    ctx = DemoContext(today=today)
    demo_org.seed(ctx)
    demo_projects.seed(ctx)
    return demo_reviews.seed(ctx)


def test_the_demo_has_a_closed_scored_review_and_an_open_one():
    today = clock.today()
    summary = _seed(today)
    assert "已结束" in summary and "评分中" in summary
    db.session.commit()
    closed = db.session.scalar(sa.select(ReviewEvent).where(ReviewEvent.status == ReviewStatus.CLOSED))
    assert closed.drop_extremes and closed.held_on.year == today.year
    assert len(closed.reviewers) >= 3 and len(closed.projects) >= 5
    results = event_results(closed)
    assert results.sheets_done == results.sheets_expected
    assert all(p.score.score is not None and p.score.dropped for p in results.projects)
    assert results.projects[0].rank == 1 and results.advanced and results.lagging
    q = ReportQuery(Period(today.replace(month=1, day=1), today, "custom"), Filters(), today)
    scored = [row for row in ranking.ranking_report(q).rows if row.parts["reviews"].score is not None]
    assert len(scored) >= 2
    opened = db.session.scalar(sa.select(ReviewEvent).where(ReviewEvent.status == ReviewStatus.OPEN))
    assert {u.username for u in opened.reviewers} == {"leader", "staff"} and len(opened.projects) == 3

    before = [db.session.scalar(sa.select(sa.func.count()).select_from(m)) for m in (ReviewScore, AuditLog)]
    assert "未重复生成" in _seed(today)
    after = [db.session.scalar(sa.select(sa.func.count()).select_from(m)) for m in (ReviewScore, AuditLog)]
    assert before == after

"""对接走访统计 per person: each visit counts for each of its participants, or
for its author when it lists none (nobody: 未指定, no row) — the report's
numbers against the same rule worked out in Python over the visits, and
each person's numbers against the drill-down's list."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
import sqlalchemy as sa

from app import clock
from app.db import db
from app.lookups import ref_id
from app.models import RefKind, Visit
from app.reports import activity
from app.reports import measures as m
from app.reports.filters import parse_query
from tests import factories
from tests import factories_leads as fl

PERIOD = {"period": "h1", "year": "2025"}
KINDS = ("外出拜访", "洽谈会", "电话沟通", "实地考察")


@pytest.fixture
def visits(app):
    """Visits in and out of H1 2025 with none, one or two participants, with
    and without an author, of every kind, one archived."""
    a, b = factories.department("东城街道"), factories.department("西城街道")
    people = [factories.user("staff", department=a if i % 2 else b, name=f"人员{i}") for i in range(4)]
    companies = [fl.company() for _ in range(3)]
    leads = [
        fl.lead(company=companies[i % 3], department=a if i % 2 else b, received_on=dt.date(2025, 1, 5))
        for i in range(5)
    ]
    shapes = itertools.cycle([(), (0,), (1, 2), (3,), (0, 3), ()])
    for i in range(24):
        author = people[i % 4] if i % 5 else None
        item = fl.visit(
            leads[i % 5],
            by=author,
            visited_on=dt.date(2025, 1 + i % 8, 1 + i),
            kind_id=ref_id(RefKind.VISIT_KIND, KINDS[i % 4]),
        )
        item.participants = [people[p] for p in next(shapes)]
        if i == 7:
            item.archived_at = clock.now()
    db.session.commit()
    return people


def _expected() -> tuple[dict[int, set[int]], dict[int, set[int]]]:
    """Per person: the visits counted and the companies contacted."""
    start, end = dt.date(2025, 1, 1), dt.date(2025, 6, 30)
    per_visits: dict[int, set[int]] = {}
    per_companies: dict[int, set[int]] = {}
    for v in db.session.scalars(sa.select(Visit)):
        if v.archived_at is not None or not start <= v.visited_on <= end:
            continue
        who = [p.id for p in v.participants] or ([v.created_by_id] if v.created_by_id else [])
        for person in who:
            per_visits.setdefault(person, set()).add(v.id)
            per_companies.setdefault(person, set()).add(v.lead.company_id)
    return per_visits, per_companies


def test_each_participant_or_else_the_author_counts_the_visit(visits):
    report = activity.activity_report(parse_query(PERIOD, clock.today()))
    per_visits, per_companies = _expected()
    names = {p.id: p.name for p in visits}
    shown = {name: [c.count for c in main] for name, main, _kinds in report.by_user}
    expected = {
        names[person]: [0, len(per_companies[person]), len(seen)] for person, seen in per_visits.items() if seen
    }
    assert shown == expected
    # Nobody's visits (no participant, no author) are in the total, not in a person's row.
    in_period = db.session.scalar(
        sa.select(sa.func.count(Visit.id)).where(
            Visit.archived_at.is_(None), Visit.visited_on.between(dt.date(2025, 1, 1), dt.date(2025, 6, 30))
        )
    )
    assert report.totals[2].count == in_period
    assert sum(c.count for c in report.kind_totals) == in_period
    assert sum(main[2].count for _n, main, _k in report.by_department) == in_period
    for _name, main, kinds in [*report.by_user, *report.by_department]:
        assert main[2].count == sum(c.count for c in kinds)


def test_a_persons_numbers_drill_into_lists_of_the_same_size(visits):
    q = parse_query(PERIOD, clock.today())
    report = activity.activity_report(q)
    for _name, main, kinds in report.by_user:
        for c in [*main[1:], *kinds]:
            measure = m.build(c.measure, q)
            dims = {name: None if value == m.NONE_KEY else int(value) for name, value in c.dims}
            listed = db.session.execute(m.drill_ids(measure, dims)).all()
            assert len(listed) == c.count

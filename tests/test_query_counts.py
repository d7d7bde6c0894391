"""Query counts follow the page, not the data: every page the benchmark
lists — the lead list, the project library, the leader's desk, the company
page, the problem ledger, the fulfilment list and the reports — sends the
same number of SQL statements at 5 and at 50 rows per page, and with three
times the rows, for every role and data scope the benchmark measures; the
list pages and the home page stay within 10. The data comes from the benchmark's bulk seeder
(bench/seed.py) at a tiny size, so every page has something to show."""

from __future__ import annotations

import dataclasses
import re

import pytest
import sqlalchemy as sa

from app.db import db
from app.reference import ensure_reference_data
from bench.cases import CASES, PERSONA_LABELS, Case, context
from bench.client import PASSWORD
from bench.seed import Size, seed
from tests import factories

ONE = Size(leads=150, visits=600, projects=60, agreements=24, problems=60, departments=6, users=60)
THREE = dataclasses.replace(ONE, leads=450, visits=1800, projects=180, agreements=72, problems=180)
PAGES = [case for case in CASES if case.kind in ("list", "page", "report")]
LIST_LIMIT = 10
# The home page is held to a list's limit, for every role: each panel is one
# query (its first rows and their total together), whatever the panels show;
# so is the leader's desk, the busiest leader's home.
LIMITED = ("list",)
LIMITED_PAGES = ("home", "desk")
# How many rows a page shows: a list's pager total, the company page's visits.
ROWS = (re.compile(r"共 (\d+) 条"), re.compile(r"拜访记录 <span[^>]*>(\d+)</span>"))


def _reseed(size: Size) -> None:
    """Empty every table and seed `size` (as the suite's own fixture does
    before each test, then the seeder)."""
    factories.wipe_database()
    ensure_reference_data()
    db.session.commit()
    seed(size)
    db.session.commit()


def _statements(client, url: str) -> tuple[list[str], bool]:
    """The SQL statements one GET of `url` sends (after a warm-up GET), and
    whether the page had rows (queries per row, eager loads included, run
    only when there are rows to load)."""
    client.get(url)  # warm-up: per-process caches
    sent: list[str] = []

    def before(_conn, _cursor, statement, *_args):
        sent.append(" ".join(statement.split())[:160])

    sa.event.listen(db.engine, "before_cursor_execute", before)
    try:
        response = client.get(url)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", before)
    assert response.status_code == 200, f"{url}: HTTP {response.status_code}"
    body = response.get_data(as_text=True)
    shown = [int(match.group(1)) for pattern in ROWS if (match := pattern.search(body))]
    return sent, all(shown)


def _with_per_page(url: str, per_page: int) -> str:
    return f"{url}{'&' if '?' in url else '?'}per_page={per_page}"


def _counts(app, case: Case, size: Size) -> dict[tuple[str, int | None], tuple[list[str], bool]]:
    """{(persona, per_page): statements} for `case` on data of `size`."""
    _reseed(size)
    ctx = context()
    counts = {}
    for persona in case.personas:
        client = app.test_client()
        signed_in = client.post("/auth/login", data={"username": ctx.users[persona], "password": PASSWORD})
        assert signed_in.status_code == 302, persona
        url = case.url(ctx, persona)
        for per_page in (5, 50) if case.kind == "list" else (None,):
            target = _with_per_page(url, per_page) if per_page else url
            counts[(persona, per_page)] = _statements(client, target)
    return counts


@pytest.mark.parametrize("case", PAGES, ids=[case.key for case in PAGES])
def test_query_count_does_not_grow_with_page_size_or_rows(app, client, case):
    # `client` makes app.test_client() the suite's client (CSRF token on posts).
    one = _counts(app, case, ONE)
    three = _counts(app, case, THREE)
    compared = 0
    for (persona, per_page), (sent, has_rows) in one.items():
        who = f"{case.key} as {PERSONA_LABELS[persona]}"
        if case.kind in LIMITED or case.key in LIMITED_PAGES:
            assert len(sent) <= LIST_LIMIT, f"{who}: {len(sent)} statements (a list page may send {LIST_LIMIT})"
        if not has_rows:  # an empty list skips its per-row queries: nothing to compare
            continue
        compared += 1
        more, _rows = three[(persona, per_page)]
        assert len(more) <= len(sent), f"{who}: {len(sent)} statements, {len(more)} with 3× the rows:\n" + _diff(
            sent, more
        )
        if per_page == 5:
            wide, _rows = one[(persona, 50)]
            assert len(wide) <= len(sent), f"{who}: {len(sent)} statements at 5 per page, {len(wide)} at 50:\n" + _diff(
                sent, wide
            )
    assert compared, f"{case.key}: no role saw any rows, so nothing was compared"


def _diff(before: list[str], after: list[str]) -> str:
    extra = list(after)
    for statement in before:
        if statement in extra:
            extra.remove(statement)
    return "\n".join(extra)


def test_the_seeded_data_fills_the_pages(app):
    """The counts above mean something only if the pages have rows."""
    _reseed(ONE)
    from app.models import Agreement, ApprovalItem, Lead, Problem, Project, Visit

    for model, least in ((Lead, 150), (Visit, 600), (Project, 60), (Agreement, 1), (Problem, 60), (ApprovalItem, 20)):
        assert (db.session.scalar(sa.select(sa.func.count()).select_from(model)) or 0) >= least, model.__name__


# --- 招商活动: the list and the month calendar ------------------------------------------------
# Not a benchmark case yet (the bench seeder has no activities): the bench data of ONE, plus
# activities recorded through the services — each with its leaders, participants and regions,
# and some of the seeded leads, visits and projects credited to it, so every row has outcomes.
ACTIVITY_PAGES = ("/activities/", "/activities/calendar")


def _seed_activities(count: int) -> None:
    import datetime as dt
    import itertools

    from app import clock
    from app.activities import services as activity_services
    from app.models import Activity, Department, Lead, Project, RefItem, RefKind, Role, User, Visit

    admin = db.session.scalar(sa.select(User).where(User.role == Role.ADMIN).order_by(User.id).limit(1))
    kinds = db.session.scalars(sa.select(RefItem.id).where(RefItem.kind == RefKind.ACTIVITY_KIND)).all()
    departments = db.session.scalars(sa.select(Department.id).where(Department.active.is_(True))).all()
    leaders = db.session.scalars(sa.select(User.id).where(User.role == Role.LEADER, User.active.is_(True))).all()
    staff = db.session.scalars(sa.select(User.id).where(User.role == Role.STAFF, User.active.is_(True))).all()
    regions = itertools.cycle(["上海、苏州", "深圳", "广州、东莞、佛山", "北京"])
    first = clock.today().replace(day=1)
    for n in range(count):
        start = first + dt.timedelta(days=(n * 3) % 27)
        activity_services.create_activity(
            {
                "kind_id": kinds[n % len(kinds)],
                "title": f"招商活动{n}",
                "start_on": start,
                "end_on": start + dt.timedelta(days=n % 4),
                "away": True,
                "regions": next(regions),
                "department_id": departments[n % len(departments)],
                "leader_ids": [leaders[n % len(leaders)], leaders[(n + 1) % len(leaders)]],
                "participant_ids": [staff[n % len(staff)], staff[(n + 7) % len(staff)]],
            },
            admin,
        )
    db.session.flush()
    ids = db.session.scalars(sa.select(Activity.id).order_by(Activity.id)).all()
    for model in (Lead, Visit, Project):
        picked = db.session.scalars(sa.select(model.id).order_by(model.id).limit(len(ids) * 3)).all()
        for index, ident in enumerate(picked):
            db.session.execute(sa.update(model).where(model.id == ident).values(activity_id=ids[index % len(ids)]))
    db.session.commit()


def _activity_counts(app, count: int) -> dict[tuple[str, str, int], tuple[list[str], bool]]:
    _reseed(ONE)
    _seed_activities(count)
    ctx = context()
    counts = {}
    for persona in PERSONA_LABELS:
        client = app.test_client()
        signed_in = client.post("/auth/login", data={"username": ctx.users[persona], "password": PASSWORD})
        assert signed_in.status_code == 302, persona
        for path in ACTIVITY_PAGES:
            for per_page in (5, 50):
                counts[(persona, path, per_page)] = _statements(client, _with_per_page(path, per_page))
    return counts


def test_activity_pages_query_count_does_not_grow(app, client):
    one = _activity_counts(app, 20)
    three = _activity_counts(app, 60)
    compared = 0
    for (persona, path, per_page), (sent, has_rows) in one.items():
        who = f"{path}?per_page={per_page} as {PERSONA_LABELS[persona]}"
        assert len(sent) <= LIST_LIMIT, f"{who}: {len(sent)} statements:\n" + "\n".join(sent)
        more, _rows = three[(persona, path, per_page)]
        assert len(more) <= len(sent), f"{who}: {len(sent)} statements, {len(more)} with 3× the activities:\n" + _diff(
            sent, more
        )
        wide, _rows = one[(persona, path, 50)]
        assert len(wide) <= len(sent), f"{who}: {len(wide)} statements at 50 per page:\n" + _diff(sent, wide)
        compared += has_rows and path == "/activities/"
    assert compared, "no persona saw any activity, so nothing was compared"


# --- notifications (issue 23): the inbox, the bell and the admin lists --------------------

NOTIFICATION_PAGES = (
    "/notifications/",
    "/notifications/bell",
    "/notifications/admin/channels",
    "/notifications/admin/failed",
)


def _seed_notifications(count: int) -> dict[str, object]:
    """`count` notifications for a staff member and for an admin, pointing at
    projects, problems, leads and approval items (the inbox checks which the
    reader may still see, in one query), plus channels and failed deliveries."""
    from app.models import ChannelKind, Notification, NotifyChannel, OutboxMessage, OutboxStatus, Role
    from tests import factories_leads as fl
    from tests import factories_projects as fp

    factories.wipe_database()
    ensure_reference_data()
    dept = factories.department("东城街道")
    staff = factories.user(Role.STAFF, department=dept, password=PASSWORD)
    admin = factories.user(Role.ADMIN, password=PASSWORD)
    project = fp.complete_project(department=dept, team=[staff])
    problem = fp.problem(project, department=dept)
    lead = fl.lead(department=dept, owner=staff)
    hidden = fp.project(department=factories.department())  # another department's: out of the staff's sight
    records = [("project", project.id), ("problem", problem.id), ("lead", lead.id), ("project", hidden.id)]
    for n in range(count):
        kind, ident = records[n % len(records)]
        for person in (staff, admin):
            note = Notification(user_id=person.id, kind="milestone_due", text=f"消息{n}", record_kind=kind)
            note.record_id = ident
            db.session.add(note)
    for n in range(max(1, count // 5)):
        channel = NotifyChannel(kind=ChannelKind.WECOM, name=f"群{n}", department_id=dept.id, target="http://x/")
        db.session.add(channel)
        db.session.flush()
        failed = OutboxMessage(channel_id=channel.id, kind="digest", payload={"title": "t", "text": "x"})
        failed.status, failed.attempts, failed.last_error = OutboxStatus.FAILED, 6, "HTTP 500"
        db.session.add(failed)
    db.session.commit()
    return {"staff": staff.username, "admin": admin.username}


def _notification_counts(app, count: int) -> dict[tuple[str, str, int], tuple[list[str], bool]]:
    users = _seed_notifications(count)
    counts = {}
    for persona, username in users.items():
        client = app.test_client()
        assert client.post("/auth/login", data={"username": username, "password": PASSWORD}).status_code == 302
        for path in NOTIFICATION_PAGES:
            if persona != "admin" and "/admin/" in path:
                continue
            for per_page in (5, 50):
                counts[(persona, path, per_page)] = _statements(client, _with_per_page(path, per_page))
    return counts


def test_notification_pages_query_count_does_not_grow(app, client):
    one = _notification_counts(app, 12)
    three = _notification_counts(app, 36)
    for key, (sent, _rows) in one.items():
        who = f"{key[1]}?per_page={key[2]} as {key[0]}"
        assert len(sent) <= LIST_LIMIT, f"{who}: {len(sent)} statements:\n" + "\n".join(sent)
        more, _rows = three[key]
        assert len(more) <= len(sent), f"{who}: {len(sent)} statements, {len(more)} with 3× the rows:\n" + _diff(
            sent, more
        )


# --- 观摩评比 (issue 22): the events list, an event's page, the results, the reviewer's
# phone page and the composite ranking ----------------------------------------------------


def _seed_reviews(count: int) -> dict[str, object]:
    """`count` open events (the list) and one closed event and one open event with
    `count` projects and 3 reviewers (the closed one fully scored)."""
    import datetime as dt

    from app import clock
    from app.models import Role
    from app.reviews import services as review_services
    from tests import factories_projects as fp

    factories.wipe_database()
    ensure_reference_data()
    admin = factories.user(Role.ADMIN, password=PASSWORD)
    reviewers = [factories.user(Role.STAFF, password=PASSWORD) for _n in range(3)]
    viewer = factories.user(Role.VIEWER, password=PASSWORD)
    departments = [factories.department() for _n in range(4)]
    projects = [fp.project(department=departments[n % 4]) for n in range(count)]
    today = clock.today()
    for n in range(count):
        review_services.create_event(
            {"name": f"观摩{n}", "held_on": today - dt.timedelta(days=n), "kind": "季度项目观摩"}, admin
        )
    events = []
    for name in ("已结束的观摩", "评分中的观摩"):
        event = review_services.create_event(
            {"name": name, "held_on": today, "kind": "百日攻坚观摩", "drop_extremes": True}, admin
        )
        for reviewer in reviewers:
            review_services.add_reviewer(event, reviewer.id, admin)
        for project in projects:
            item = review_services.add_project(event, project.id, admin)
            if name == "已结束的观摩":
                for reviewer in reviewers:
                    review_services.save_scores(event, item, reviewer, {c.id: 80 for c in event.criteria})
        events.append(event)
    review_services.close_event(events[0], admin)
    db.session.commit()
    return {
        "ids": {"closed": events[0].id, "opened": events[1].id},
        "users": {"admin": admin.username, "reviewer": reviewers[0].username, "viewer": viewer.username},
        "pages": {
            "admin": ["/reviews/", "/reviews/{opened}", "/reviews/{closed}/results", "/reports/ranking"],
            "reviewer": ["/reviews/", "/reviews/{opened}/score", "/reviews/{closed}/results"],
            "viewer": ["/reviews/", "/reviews/{closed}", "/reviews/{closed}/bulletin", "/reports/ranking"],
        },
    }


def _review_counts(app, count: int) -> dict[tuple[str, str], list[str]]:
    world = _seed_reviews(count)
    counts = {}
    for persona, username in world["users"].items():
        client = app.test_client()
        assert client.post("/auth/login", data={"username": username, "password": PASSWORD}).status_code == 302
        for path in world["pages"][persona]:
            counts[(persona, path)] = _statements(client, path.format(**world["ids"]))[0]
    return counts


def test_review_pages_query_count_does_not_grow(app, client):
    one = _review_counts(app, 6)
    three = _review_counts(app, 18)
    for (persona, path), sent in one.items():
        who = f"{path} as {persona}"
        if path == "/reviews/":
            assert len(sent) <= LIST_LIMIT, f"{who}: {len(sent)} statements:\n" + "\n".join(sent)
        more = three[(persona, path)]
        assert len(more) <= len(sent), f"{who}: {len(sent)} statements, {len(more)} with 3× the rows:\n" + _diff(
            sent, more
        )


# --- 营商环境督办 and 问题解决情况 (issue 22): the inspection ledger, its report, the
# problems report, and the home page of the department and of the supervision office ----

SUPERVISION_PAGES = {
    "viewer": ["/inspections/", "/inspections/report", "/reports/problems?by=department", "/", "/inspections/panel"],
    "staff": ["/inspections/", "/inspections/report", "/reports/problems", "/", "/inspections/panel"],
}


def _seed_supervision(count: int) -> dict[str, str]:
    """`count` inspections (half overdue) and `count` company problems, for
    two departments; a viewer and a staff member of the first."""
    import datetime as dt

    from app import clock
    from app.lookups import ref_id
    from app.models import RefKind, Role
    from app.problems import company_problems
    from app.problems import services as problem_services
    from tests import factories_inspections as fi
    from tests import factories_leads as fl

    factories.wipe_database()
    ensure_reference_data()
    today = clock.today()
    departments = [factories.department() for _n in range(2)]
    viewer = factories.user(Role.VIEWER, password=PASSWORD)
    staff = factories.user(Role.STAFF, department=departments[0], password=PASSWORD)
    admin = factories.user(Role.ADMIN)
    need = ref_id(RefKind.COMPANY_NEED, "用工")
    for n in range(count):
        dept = departments[n % 2]
        fi.inspection(
            viewer,
            dept,
            inspected_on=today - dt.timedelta(days=30),
            deadline=today - dt.timedelta(days=n % 20) if n % 2 else today + dt.timedelta(days=5),
        )
        problem = company_problems.raise_company_problem(
            fl.company(), need, f"诉求{n}", staff, raised_on=today - dt.timedelta(days=n % 25)
        )
        problem_services.assign_problem(problem, dept.id, today + dt.timedelta(days=3), admin, version=problem.version)
    db.session.commit()
    return {"viewer": viewer.username, "staff": staff.username}


def _supervision_counts(app, count: int) -> dict[tuple[str, str, int | None], tuple[list[str], bool]]:
    users = _seed_supervision(count)
    counts = {}
    for persona, username in users.items():
        client = app.test_client()
        assert client.post("/auth/login", data={"username": username, "password": PASSWORD}).status_code == 302
        for path in SUPERVISION_PAGES[persona]:
            sizes = (5, 50) if path == "/inspections/" else (None,)
            for per_page in sizes:
                url = _with_per_page(path, per_page) if per_page else path
                counts[(persona, path, per_page)] = _statements(client, url)
    return counts


def test_supervision_pages_query_count_does_not_grow(app, client):
    one = _supervision_counts(app, 10)
    three = _supervision_counts(app, 30)
    for key, (sent, _rows) in one.items():
        who = f"{key[1]} (per_page={key[2]}) as {key[0]}"
        assert len(sent) <= LIST_LIMIT, f"{who}: {len(sent)} statements:\n" + "\n".join(sent)
        more, _rows = three[key]
        assert len(more) <= len(sent), f"{who}: {len(sent)} statements, {len(more)} with 3× the rows:\n" + _diff(
            sent, more
        )

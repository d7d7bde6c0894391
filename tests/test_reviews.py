"""观摩评比 through the pages: the admin sets up an event (sheet, projects,
reviewers), each reviewer scores on the phone page one project at a time,
the admin closes it and every later score is refused; results rank projects
and departments (dropping the highest and lowest), the 通报 lists 先进 and
后进, the .xlsx carries the same numbers; who may do what; every change is
audited."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from app.db import db
from app.models import AuditLog, ReviewEvent, ReviewScore, ReviewStatus, Role
from app.reviews import services
from tests import factories
from tests import factories_projects as fp

TODAY = dt.date(2026, 9, 20)


@pytest.fixture
def login_as(client, login_as):
    """Signing in as someone else signs the previous person out first."""

    def _login(who):
        client.post("/auth/logout")
        return login_as(who)

    return _login


@pytest.fixture
def world(set_today):
    set_today(TODAY)
    east = factories.department("东城街道")
    west = factories.department("西城街道")
    south = factories.department("南城街道")
    admin = factories.user(Role.ADMIN, name="管理员")
    leader = factories.user(Role.LEADER, name="王副区长")
    viewer = factories.user(Role.VIEWER, name="督查员")
    east_staff = factories.user(Role.STAFF, name="东城评委", department=east)
    west_staff = factories.user(Role.STAFF, name="西城评委", department=west)
    outsider = factories.user(Role.STAFF, name="非评委", department=east)
    projects = [
        fp.project(name="智能装备产业园", department=east),
        fp.project(name="东城数据中心", department=east),
        fp.project(name="西城物流港", department=west),
        fp.project(name="南城文旅小镇", department=south),
    ]
    event = services.create_event(
        {"name": "2026年三季度项目观摩", "held_on": TODAY, "kind": "季度项目观摩", "drop_extremes": True}, admin
    )
    for project in projects:
        services.add_project(event, project.id, admin)
    for reviewer in (leader, east_staff, west_staff):
        services.add_reviewer(event, reviewer.id, admin)
    db.session.commit()
    return {
        "admin": admin,
        "leader": leader,
        "viewer": viewer,
        "east_staff": east_staff,
        "west_staff": west_staff,
        "outsider": outsider,
        "projects": projects,
        "event": event,
        "east": east,
    }


def _score_all(event: ReviewEvent, reviewer, values: dict[str, list[int]]) -> None:
    """values: project name → the four criterion scores."""
    for item in event.projects:
        raw = dict(zip([c.id for c in event.criteria], values[item.project.name], strict=True))
        services.save_scores(event, item, reviewer, raw)
    db.session.commit()


def _box(event: ReviewEvent, scores: list[int | str]) -> dict[str, str]:
    return {f"score-{c.id}": str(s) for c, s in zip(event.criteria, scores, strict=True)}


def test_the_admin_sets_up_an_event_with_the_default_sheet(client, login_as, world):
    login_as(world["admin"])
    response = client.post(
        "/reviews/new",
        data={"name": "百日攻坚第一次观摩", "held_on": "2026-09-18", "kind": "百日攻坚观摩", "drop_extremes": "y"},
    )
    assert response.status_code == 302
    event = db.session.scalar(sa.select(ReviewEvent).where(ReviewEvent.name == "百日攻坚第一次观摩"))
    assert [(c.name, c.weight) for c in event.criteria] == [
        ("投资规模", 30),
        ("建设进度", 30),
        ("科技含量", 20),
        ("带动作用", 20),
    ]
    assert event.drop_extremes and event.status is ReviewStatus.OPEN
    page = client.get(f"/reviews/{event.id}").get_data(as_text=True)
    assert "评分表" in page and ">30<" in page and "E+" not in page
    # change the sheet: drop one criterion, add another
    criterion = event.criteria[-1]
    assert client.post(f"/reviews/{event.id}/criteria/{criterion.id}/delete").status_code == 302
    assert client.post(f"/reviews/{event.id}/criteria", data={"name": "安全生产", "weight": "15"}).status_code == 302
    assert client.post(f"/reviews/{event.id}/criteria", data={"name": "坏权重", "weight": "-3"}).status_code == 302
    db.session.expire_all()
    assert [c.name for c in db.session.get(ReviewEvent, event.id).criteria] == [
        "投资规模",
        "建设进度",
        "科技含量",
        "安全生产",
    ]
    project = world["projects"][0]
    assert client.post(f"/reviews/{event.id}/projects", data={"project_id": project.id}).status_code == 302
    assert client.post(f"/reviews/{event.id}/reviewers", data={"user_id": world["leader"].id}).status_code == 302
    db.session.expire_all()
    event = db.session.get(ReviewEvent, event.id)
    assert [i.project_id for i in event.projects] == [project.id]
    assert [i.department_id for i in event.projects] == [world["east"].id]
    assert [r.id for r in event.reviewers] == [world["leader"].id]
    actions = db.session.scalars(
        sa.select(AuditLog.action).where(AuditLog.entity == "review_event", AuditLog.entity_id == event.id)
    ).all()
    assert actions.count("update") == 4 and "create" in actions


def test_a_reviewer_scores_one_project_at_a_time_then_the_next(client, login_as, world):
    event = world["event"]
    login_as(world["east_staff"])
    page = client.get(f"/reviews/{event.id}/score")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "智能装备产业园" in text and "第 1 / 4 个项目" in text
    first, second = event.projects[0], event.projects[1]
    response = client.post(f"/reviews/{event.id}/score/{first.id}", data=_box(event, [90, 80, 70, 60]))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/reviews/{event.id}/score?entry={second.id}")
    scores = db.session.scalars(sa.select(ReviewScore.score).where(ReviewScore.item_id == first.id)).all()
    assert sorted(scores) == [60, 70, 80, 90]
    # a missing box or a score over 100 is refused, nothing written, the input kept
    refused = client.post(f"/reviews/{event.id}/score/{second.id}", data=_box(event, [90, 80, 70, 120]))
    assert refused.status_code == 422
    assert "0–100" in refused.get_data(as_text=True)
    refused = client.post(f"/reviews/{event.id}/score/{second.id}", data=_box(event, [90, 80, 70, ""]))
    assert refused.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count()).where(ReviewScore.item_id == second.id)) == 0
    # scoring again replaces the reviewer's own sheet
    client.post(f"/reviews/{event.id}/score/{first.id}", data=_box(event, [91, 80, 70, 60]))
    assert db.session.scalar(sa.select(sa.func.count()).where(ReviewScore.item_id == first.id)) == 4
    audit = db.session.scalars(sa.select(AuditLog).where(AuditLog.action == "score")).all()
    assert len(audit) == 2 and audit[-1].changes["投资规模"] == ["90.00", "91"]


def test_after_the_last_project_the_page_says_all_are_done(client, login_as, world):
    event = world["event"]
    login_as(world["leader"])
    for item in event.projects:
        response = client.post(f"/reviews/{event.id}/score/{item.id}", data=_box(event, [80, 80, 80, 80]))
    assert "all_done=1" in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "全部 4 个项目已评完" in page


def test_only_the_events_reviewers_score(client, login_as, world):
    event = world["event"]
    item = event.projects[0]
    for who in ("outsider", "admin", "viewer"):
        login_as(world[who])
        assert client.get(f"/reviews/{event.id}/score").status_code == 403
        assert client.post(f"/reviews/{event.id}/score/{item.id}", data=_box(event, [1, 2, 3, 4])).status_code == 403
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReviewScore)) == 0
    # and the service says so too, whatever the surface
    with pytest.raises(services.ReviewError):
        services.save_scores(event, item, world["outsider"], {c.id: 50 for c in event.criteria})


def _scored_world(world):
    event = world["event"]
    values = {
        "智能装备产业园": [[90, 90, 90, 90], [80, 80, 80, 80], [100, 100, 100, 100]],  # drop 100, 80 → 90
        "东城数据中心": [[70, 70, 70, 70], [60, 60, 60, 60], [75, 75, 75, 75]],  # → 70
        "西城物流港": [[85, 85, 85, 85], [85, 85, 85, 85], [85, 85, 85, 85]],  # → 85
        "南城文旅小镇": [[85, 85, 85, 85], [90, 90, 90, 90], [80, 80, 80, 80]],  # → 85
    }
    for n, reviewer in enumerate((world["leader"], world["east_staff"], world["west_staff"])):
        _score_all(event, reviewer, {name: v[n] for name, v in values.items()})
    return event


def test_closing_locks_every_score(client, login_as, world):
    event = _scored_world(world)
    login_as(world["admin"])
    response = client.post(f"/reviews/{event.id}/close", data={"version": event.version})
    assert response.status_code == 302
    db.session.expire_all()
    event = db.session.get(ReviewEvent, event.id)
    assert event.status is ReviewStatus.CLOSED and event.closed_by_id == world["admin"].id
    before = db.session.scalars(sa.select(ReviewScore.score).order_by(ReviewScore.id)).all()
    login_as(world["east_staff"])
    late = client.post(f"/reviews/{event.id}/score/{event.projects[0].id}", data=_box(event, [1, 1, 1, 1]))
    assert late.status_code == 409
    assert "已锁定" in late.get_data(as_text=True)
    assert db.session.scalars(sa.select(ReviewScore.score).order_by(ReviewScore.id)).all() == before
    with pytest.raises(services.ReviewLocked):
        services.save_scores(event, event.projects[0], world["east_staff"], {c.id: 1 for c in event.criteria})
    db.session.rollback()
    # nor can the admin change the sheet, the projects, the reviewers or the event
    login_as(world["admin"])
    client.post(f"/reviews/{event.id}/criteria", data={"name": "补加指标", "weight": "5"})
    client.post(f"/reviews/{event.id}/reviewers", data={"user_id": world["outsider"].id})
    with pytest.raises(services.ReviewLocked):
        services.update_event(
            event, {"name": "改名", "held_on": TODAY, "kind": "x"}, world["admin"], version=event.version
        )
    db.session.rollback()
    db.session.expire_all()
    event = db.session.get(ReviewEvent, event.id)
    assert len(event.criteria) == 4 and len(event.reviewers) == 3
    assert event.name == "2026年三季度项目观摩"


def test_the_sheet_is_fixed_once_scoring_started(world):
    event = world["event"]
    services.save_scores(event, event.projects[0], world["leader"], {c.id: 80 for c in event.criteria})
    with pytest.raises(services.ReviewError, match="评分表"):
        services.add_criterion(event, "新增指标", "10", world["admin"])
    with pytest.raises(services.ReviewError, match="已有评分"):
        services.remove_project(event, event.projects[0], world["admin"])
    with pytest.raises(services.ReviewError, match="已评分"):
        services.remove_reviewer(event, world["leader"], world["admin"])
    services.remove_project(event, event.projects[1], world["admin"])  # not scored yet: fine


def test_an_event_without_scores_cannot_close(world):
    with pytest.raises(services.ReviewError, match="还没有任何评分"):
        services.close_event(world["event"], world["admin"])


def test_results_rank_projects_and_departments_with_ties(client, login_as, world):
    event = _scored_world(world)
    services.close_event(event, world["admin"])
    db.session.commit()
    login_as(world["outsider"])  # published: every signed-in user reads them
    page = client.get(f"/reviews/{event.id}/results")
    assert page.status_code == 200
    from app.reviews.results import event_results

    results = event_results(event)
    assert [(p.rank, p.item.project.name, p.score.score) for p in results.projects] == [
        (1, "智能装备产业园", Decimal(90)),
        (2, "西城物流港", Decimal(85)),
        (2, "南城文旅小镇", Decimal(85)),
        (4, "东城数据中心", Decimal(70)),
    ]
    assert [(d.rank, d.name, d.score) for d in results.departments] == [
        (1, "西城街道", Decimal(85)),
        (1, "南城街道", Decimal(85)),
        (3, "东城街道", Decimal(80)),
    ]
    text = page.get_data(as_text=True)
    assert "90.00" in text and "85.00" in text
    assert [p.item.project.name for p in results.advanced] == ["智能装备产业园", "西城物流港", "南城文旅小镇"]
    # 4 projects: two each; the tie at rank 2 puts both on 先进, so 后进 holds the last one only
    assert [p.item.project.name for p in results.lagging] == ["东城数据中心"]


def test_the_bulletin_prints_the_advanced_and_lagging(client, login_as, world):
    event = _scored_world(world)
    services.close_event(event, world["admin"])
    db.session.commit()
    login_as(world["viewer"])
    text = client.get(f"/reviews/{event.id}/bulletin").get_data(as_text=True)
    assert "关于2026年三季度项目观摩评比结果的通报" in text
    assert text.index("一、先进项目") < text.index("智能装备产业园") < text.index("二、后进项目")
    assert text.index("二、后进项目") < text.index("东城数据中心")
    assert "css/reviews.css" in text  # the A4 page rules


def test_the_workbook_carries_the_same_numbers(client, login_as, world):
    event = _scored_world(world)
    login_as(world["leader"])
    response = client.get(f"/reviews/{event.id}/results.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    ranking = book["项目排名"]
    assert ranking.freeze_panes == "A3" and ranking.auto_filter.ref
    rows = list(ranking.iter_rows(min_row=3, values_only=True))
    assert [(r[0], r[1], r[3]) for r in rows] == [
        (1, "智能装备产业园", 90),
        (2, "西城物流港", 85),
        (2, "南城文旅小镇", 85),
        (4, "东城数据中心", 70),
    ]
    assert len(list(book["评分明细"].iter_rows(min_row=3))) == 12


def test_running_results_are_for_admin_leaders_and_the_supervisor(client, login_as, world):
    event = _scored_world(world)
    for who, status in (("admin", 200), ("leader", 200), ("viewer", 200), ("east_staff", 403), ("outsider", 403)):
        login_as(world[who])
        assert client.get(f"/reviews/{event.id}/results").status_code == status, who
        assert client.get(f"/reviews/{event.id}/bulletin").status_code == status, who


def test_the_list_shows_a_reviewer_their_open_events(client, login_as, world):
    login_as(world["west_staff"])
    text = client.get("/reviews/").get_data(as_text=True)
    assert "待我评分" in text and f"/reviews/{world['event'].id}/score" in text
    login_as(world["outsider"])
    text = client.get("/reviews/").get_data(as_text=True)
    assert "待我评分" not in text and "2026年三季度项目观摩" in text


def test_only_the_admin_manages(client, login_as, world):
    event = world["event"]
    for who in ("leader", "viewer", "east_staff"):
        login_as(world[who])
        assert client.get("/reviews/new").status_code == 403
        assert client.post(f"/reviews/{event.id}/close", data={}).status_code == 403
        assert client.post(f"/reviews/{event.id}/criteria", data={"name": "x", "weight": "1"}).status_code == 403


def test_the_audit_trail_reads_in_words(app, world):
    from app.audit_display import entries_for_display

    event = world["event"]
    services.save_scores(event, event.projects[0], world["leader"], {c.id: 80 for c in event.criteria})
    db.session.commit()
    logs = db.session.scalars(sa.select(AuditLog).where(AuditLog.entity == "review_event").order_by(AuditLog.id)).all()
    with app.test_request_context():
        entries = entries_for_display(logs, world["admin"])
    assert {e.entity for e in entries} == {"观摩评比"}
    assert {e.action for e in entries} >= {"新建", "修改", "评分"}
    shown: dict[str, list[str]] = {}
    for entry in entries:
        for change in entry.changes:
            shown.setdefault(change.label, []).extend(s.text for s in change.new)
    assert set(shown["新增评委"]) == {"王副区长", "东城评委", "西城评委"}
    assert "新增观摩项目" in shown and "观摩类型" in shown and "项目" in shown

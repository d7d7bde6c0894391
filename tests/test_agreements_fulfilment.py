"""The fulfilment list (履约跟踪) and its export, and the signing events page."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from app import clock
from app.agreements.fulfilment import FulfilmentFilters, days_late, fulfilment_query, is_overdue, to_rows
from app.db import db, utcnow
from app.models import AgreementKind, AuditLog, SigningEvent, Stage
from app.projects.services import move_stage
from tests import factories
from tests import factories_agreements as fa

TODAY = clock.today()


def ago(days: int) -> dt.date:
    return TODAY - dt.timedelta(days=days)


# --- days late ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("committed", "actual", "late", "overdue"),
    [
        (None, None, None, False),
        (dt.date(2026, 6, 30), None, 0, False),  # due today: not late yet
        (dt.date(2026, 6, 29), None, 1, True),  # one day past
        (dt.date(2026, 7, 10), None, 0, False),  # still ahead
        (dt.date(2026, 6, 1), dt.date(2026, 6, 12), 11, False),  # started 11 days late
        (dt.date(2026, 6, 20), dt.date(2026, 6, 12), 0, False),  # started early
    ],
)
def test_days_late_on_the_boundaries(committed, actual, late, overdue):
    today = dt.date(2026, 6, 30)
    assert days_late(committed, actual, today) == late
    assert is_overdue(committed, actual, Stage.SIGNED, today) is overdue


def test_exited_projects_are_not_overdue():
    assert not is_overdue(dt.date(2026, 1, 1), None, Stage.EXITED, dt.date(2026, 6, 30))


# --- the list ------------------------------------------------------------------------------


def rows_for(user, **filters):
    result = db.session.execute(fulfilment_query(user, FulfilmentFilters(**filters), TODAY)).all()
    return {row.project.name: row for row in to_rows(result, TODAY)}


def test_rows_carry_commitments_actual_dates_days_late_and_rate():
    admin = fa.actor()
    late = fa.project(name="逾期未开工项目", on=ago(200))
    fa.agreement(late, signed_on=ago(150), committed_construction_on=ago(30), committed_production_on=ago(-300))
    fa.funding(late, ago(100), "12500")
    started = fa.project(name="已开工项目", on=ago(200))
    fa.agreement(started, signed_on=ago(150), committed_construction_on=ago(60), committed_production_on=ago(-200))
    move_stage(started, Stage.LANDED, admin, on=ago(55))
    move_stage(started, Stage.CONSTRUCTION, admin, on=ago(50))
    db.session.commit()

    rows = rows_for(admin)
    row = rows["逾期未开工项目"]
    assert row.committed_construction_on == ago(30) and row.construction_late == 30 and row.construction_overdue
    assert row.signed_amount == Decimal(50000) and row.received == Decimal(12500) and row.rate == Decimal("25.0")
    assert row.overdue and row.production_late == 0
    row = rows["已开工项目"]
    assert row.project.construction_on == ago(50) and row.construction_late == 10 and not row.construction_overdue
    assert not row.overdue


def test_a_later_agreement_that_moves_the_committed_date_wins():
    project = fa.project(name="延期项目")
    fa.agreement(project, signed_on=ago(100), committed_construction_on=ago(10), committed_production_on=None)
    fa.agreement(
        project,
        kind=AgreementKind.SUPPLEMENTARY,
        signed_on=ago(20),
        agreed_investment=Decimal(0),
        committed_construction_on=ago(-60),
        committed_production_on=None,
    )
    db.session.commit()
    row = rows_for(fa.actor())["延期项目"]
    assert row.committed_construction_on == ago(-60) and not row.overdue
    # …and an archived one no longer does.
    project.agreements[-1].archived_at = utcnow()
    db.session.commit()
    assert rows_for(fa.actor())["延期项目"].committed_construction_on == ago(10)


def test_filters_overdue_department_and_event():
    east, west = factories.department("东城街道"), factories.department("西城街道")
    event = fa.event("2026年一季度重大项目集中签约活动", held_on=ago(120))
    overdue = fa.project(name="东城逾期", department=east)
    fa.agreement(overdue, signed_on=ago(120), signing_event_id=event.id, committed_construction_on=ago(5))
    on_time = fa.project(name="东城未到期", department=east)
    fa.agreement(on_time, signed_on=ago(120), committed_construction_on=ago(-5))
    exited = fa.project(name="西城已退出", department=west)
    fa.agreement(exited, signed_on=ago(120), signing_event_id=event.id, committed_construction_on=ago(5))
    reason = db.session.execute(db.text("SELECT id FROM ref_item WHERE kind='reason' LIMIT 1")).scalar()
    move_stage(exited, Stage.EXITED, fa.actor(), reason_id=reason, note="测试")
    fa.project(name="未签约项目", department=east)
    db.session.commit()
    admin = fa.actor()

    assert set(rows_for(admin)) == {"东城逾期", "东城未到期", "西城已退出"}
    assert set(rows_for(admin, overdue_only=True)) == {"东城逾期"}
    assert set(rows_for(admin, department_id=west.id)) == {"西城已退出"}
    assert set(rows_for(admin, event_id=event.id)) == {"东城逾期", "西城已退出"}
    assert set(rows_for(admin, q="未到期")) == {"东城未到期"}


def test_staff_see_only_their_scope(client, login_as):
    east, west = factories.department("东城街道"), factories.department("西城街道")
    fa.agreement(fa.project(name="东城项目", department=east))
    fa.agreement(fa.project(name="西城项目", department=west))
    db.session.commit()
    login_as("staff", department=east)
    html = client.get("/agreements/").get_data(as_text=True)
    assert "东城项目" in html and "西城项目" not in html
    export = load_workbook(io.BytesIO(client.get("/agreements/export.xlsx").data))
    names = [r[1] for r in export.active.iter_rows(min_row=3, values_only=True) if r[0] != "合计"]
    assert names == ["东城项目"]


def test_the_page_shows_overdue_rows_and_filters(client, login_as):
    login_as("leader")
    project = fa.project(name="承诺开工已过项目")
    fa.agreement(project, signed_on=ago(90), committed_construction_on=ago(12))
    db.session.commit()
    html = client.get("/agreements/?overdue=1").get_data(as_text=True)
    assert "承诺开工已过项目" in html and "逾期" in html and "table-danger" in html
    assert client.get("/agreements/?department=abc&event=-1&page=x").status_code == 200


def test_list_query_count_does_not_grow_with_rows(client, login_as, count_queries):
    login_as("admin")

    def make(n):
        for _ in range(n):
            project = fa.project(department=factories.department())
            fa.agreement(project, signed_on=ago(90), committed_construction_on=ago(10))
            fa.funding(project, ago(40), "100")
        db.session.commit()

    make(2)
    with count_queries() as small:
        assert client.get("/agreements/").status_code == 200
    make(15)
    with count_queries() as large:
        html = client.get("/agreements/").get_data(as_text=True)
    assert html.count("badge-overdue") >= 17
    assert large() == small()


def test_export_has_a_caption_header_and_the_filtered_rows(client, login_as):
    login_as("viewer")
    project = fa.project(name='=HYPERLINK("x")项目')
    fa.agreement(project, signed_on=ago(90), committed_construction_on=ago(12))
    fa.funding(project, ago(30), "5000")
    fa.agreement(fa.project(name="按期项目"), signed_on=ago(90), committed_construction_on=ago(-12))
    db.session.commit()
    response = client.get("/agreements/export.xlsx?overdue=1")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0].startswith("履约跟踪") and "仅逾期" in rows[0][0]
    assert rows[1][:4] == ("序号", "项目名称", "牵头部门", "当前阶段")
    assert len(rows) == 4 and rows[3][0] == "合计"  # the 台账's total under the amounts
    data = rows[2]
    assert data[1] == '=HYPERLINK("x")项目'  # as typed: a text cell with the quote-prefix style …
    cell = load_workbook(io.BytesIO(response.data)).active["B3"]
    assert (cell.data_type, cell.quotePrefix) == ("s", True)  # … which Excel never runs
    assert data[8] == 12 and data[12] == 5000 and data[13] == 10 and data[14] == "逾期"


# --- signing events ---------------------------------------------------------------------------


def test_events_page_shows_count_and_total_of_each_event(client, login_as):
    east, west = factories.department("东城街道"), factories.department("西城街道")
    event = fa.event("2026年一季度重大项目集中签约活动", held_on=ago(100), place="区会议中心")
    other = fa.event("2025年秋季投资洽谈会", held_on=dt.date(2025, 10, 1))
    a = fa.project(name="东城智能制造项目", department=east)
    fa.agreement(a, signed_on=ago(100), signing_event_id=event.id, agreed_investment=Decimal(52000))
    b = fa.project(name="西城商贸项目", department=west)
    fa.agreement(b, signed_on=ago(100), signing_event_id=event.id, agreed_investment=Decimal(48000))
    fa.agreement(
        b,
        kind=AgreementKind.SUPPLEMENTARY,
        signed_on=ago(100),
        signing_event_id=event.id,
        agreed_investment=Decimal(99999),  # not an increase: adds nothing
    )
    archived = fa.agreement(fa.project(department=east), signed_on=ago(100), signing_event_id=event.id)
    archived.archived_at = utcnow()
    of_archived_project = fa.project(department=east)
    fa.agreement(of_archived_project, signed_on=ago(100), signing_event_id=event.id)
    of_archived_project.archived_at = utcnow()
    db.session.commit()

    login_as("leader")
    html = client.get("/agreements/events").get_data(as_text=True)
    assert "2026年一季度重大项目集中签约活动" in html and "区会议中心" in html
    assert "<strong>3</strong>" in html  # three live agreements
    assert "<strong>10.0</strong>" in html  # 100000 万元 = 10.0 亿元
    assert "东城智能制造项目" in html and "西城商贸项目" in html
    assert "2025年秋季投资洽谈会" in html and "该活动尚未录入签约协议" in html
    year = client.get(f"/agreements/events?year={other.held_on.year}").get_data(as_text=True)
    assert "2025年秋季投资洽谈会" in year and "2026年一季度重大项目集中签约活动" not in year

    client.post("/auth/logout")
    login_as("staff", department=east)
    html = client.get("/agreements/events").get_data(as_text=True)
    assert "东城智能制造项目" in html and "西城商贸项目" not in html
    assert "<strong>3</strong>" in html  # totals stay district-wide
    assert "另有 2 项签约属于您数据范围以外的项目" in html


def test_events_page_query_count_does_not_grow(client, login_as, count_queries):
    login_as("admin")

    def make(n):
        for _ in range(n):
            event = fa.event(held_on=ago(50))
            for _k in range(2):
                fa.agreement(
                    fa.project(department=factories.department()), signed_on=ago(50), signing_event_id=event.id
                )
        db.session.commit()

    make(1)
    with count_queries() as small:
        client.get("/agreements/events")
    make(6)
    with count_queries() as large:
        client.get("/agreements/events")
    assert large() == small()


def test_staff_create_and_edit_their_events_viewers_cannot(client, login_as):
    staff = login_as("staff")
    response = client.post(
        "/agreements/events/new", data={"name": "2026年二季度集中签约", "held_on": "2026-06-18", "place": "开发区"}
    )
    assert response.status_code == 302
    event = db.session.scalar(db.select(SigningEvent))
    assert event.created_by_id == staff.id
    assert (
        client.post(
            f"/agreements/events/{event.id}/edit",
            data={"name": "2026年二季度重大项目集中签约", "held_on": "2026-06-18"},
        ).status_code
        == 302
    )
    db.session.refresh(event)
    assert event.name == "2026年二季度重大项目集中签约"
    assert [a for (a,) in db.session.execute(db.select(AuditLog.action).where(AuditLog.entity == "signing_event"))] == [
        "create",
        "update",
    ]
    dup = client.post("/agreements/events/new", data={"name": "2026年二季度重大项目集中签约", "held_on": "2026-06-18"})
    assert "同名同日的签约活动已存在" in dup.get_data(as_text=True)

    client.post("/auth/logout")
    login_as("viewer")
    assert client.get("/agreements/events/new").status_code == 403
    assert (
        client.post(f"/agreements/events/{event.id}/edit", data={"name": "x", "held_on": "2026-06-18"}).status_code
        == 403
    )


# --- home panel ---------------------------------------------------------------------------------


def test_home_page_warns_of_overdue_commitments_in_scope(client, login_as):
    east, west = factories.department("东城街道"), factories.department("西城街道")
    fa.agreement(fa.project(name="东城逾期项目", department=east), signed_on=ago(90), committed_construction_on=ago(9))
    fa.agreement(fa.project(name="西城逾期项目", department=west), signed_on=ago(90), committed_construction_on=ago(9))
    fa.agreement(fa.project(name="东城按期项目", department=east), signed_on=ago(90), committed_construction_on=ago(-9))
    db.session.commit()
    login_as("staff", department=east)
    html = client.get("/").get_data(as_text=True)
    assert "履约预警" in html and "东城逾期项目" in html and "已逾期 9 天" in html
    assert "西城逾期项目" not in html and "东城按期项目" not in html


def test_viewers_get_no_warning_panel(client, login_as):
    fa.agreement(fa.project(name="逾期项目"), signed_on=ago(90), committed_construction_on=ago(9))
    db.session.commit()
    login_as("viewer")
    assert "履约预警" not in client.get("/").get_data(as_text=True)

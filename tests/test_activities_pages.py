"""招商活动 pages: the list's filters and its scope (another department's staff
do not see 东城's trip, but see the one they took part in), the month
calendar (a trip across a month's end, Monday first, a day list for the
phone), recording with refusals next to their fields and the input kept,
editing under optimistic locking, archiving, the activity page (its numbers
are `outcomes_for`'s, its lists limited to the viewer's scope), the trip
report's upload / download / delete, and the .xlsx 台账 (its 合计 row is the
sum of its rows; a bad filter is refused naming it)."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from app.activities import services
from app.activities.outcomes import outcomes_for
from app.db import db
from app.lookups import ref_id
from app.models import Activity, Attachment, AuditLog, DataScope, LeadStatus, RefKind, Stage
from tests import factories
from tests import factories_leads as fl
from tests import factories_projects as fp

TODAY = dt.date(2026, 7, 10)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def days(n: int) -> dt.date:
    return TODAY + dt.timedelta(days=n)


def kind(name: str = "外出招商") -> int:
    return ref_id(RefKind.ACTIVITY_KIND, name)


@pytest.fixture
def world(set_today):
    set_today(TODAY)
    east = factories.department("东城街道")
    west = factories.department("西城街道")
    w = {
        "east": east,
        "west": west,
        "admin": factories.user("admin", name="管理员"),
        "mayor": factories.user("leader", name="王副区长", title="副区长"),
        "director": factories.user("leader", name="李主任", title="商务局局长"),
        "staff": factories.user("staff", department=east, name="东城招商员"),
        "outsider": factories.user("staff", department=west, name="西城招商员"),
        "viewer": factories.user("viewer", name="督查员"),
    }
    db.session.commit()
    return w


def record(w, *, by: str = "staff", **data) -> Activity:
    values = {
        "kind_id": kind(),
        "title": "赴上海招商",
        "start_on": days(-3),
        "end_on": days(-1),
        "away": True,
        "regions": "上海",
        "department_id": w["east"].id,
        "leader_ids": [w["mayor"].id],
        **data,
    }
    activity = services.create_activity(values, w[by])
    db.session.commit()
    return activity


@pytest.fixture
def sign_in(client, login_as):
    def _sign_in(user):
        client.post("/auth/logout")
        return login_as(user)

    return _sign_in


def body(response) -> str:
    return response.get_data(as_text=True)


def listed(html: str) -> set[int]:
    """The activities of the list's table."""
    return {int(i) for i in re.findall(r'<tr data-activity="(\d+)"', html)}


def field_error(html: str, message: str) -> bool:
    return bool(re.search(r'class="invalid-feedback[^"]*">\s*' + re.escape(message), html))


# --- the list -----------------------------------------------------------------------------


def test_the_list_filters_by_kind_leader_department_region_and_period(client, world, sign_in):
    w = world
    shanghai = record(w, title="赴上海招商", regions="上海、苏州")
    fair = record(
        w,
        title="广交会",
        kind_id=kind("展会论坛"),
        regions="广州",
        start_on=dt.date(2026, 4, 15),
        end_on=dt.date(2026, 4, 17),
        leader_ids=[w["director"].id],
    )
    west_trip = record(
        w, by="admin", title="西城赴深圳", regions="深圳", department_id=w["west"].id, start_on=dt.date(2025, 11, 3)
    )
    sign_in(w["admin"])
    assert listed(body(client.get("/activities/"))) == {shanghai.id, fair.id, west_trip.id}
    assert listed(body(client.get(f"/activities/?kind_id={kind('展会论坛')}"))) == {fair.id}
    assert listed(body(client.get(f"/activities/?leader_id={w['mayor'].id}"))) == {shanghai.id, west_trip.id}
    assert listed(body(client.get(f"/activities/?department_id={w['west'].id}"))) == {west_trip.id}
    assert listed(body(client.get("/activities/?region=苏州"))) == {shanghai.id}
    assert listed(body(client.get("/activities/?year=2026"))) == {shanghai.id, fair.id}
    assert listed(body(client.get("/activities/?year=2026&quarter=2"))) == {fair.id}
    assert listed(body(client.get("/activities/?month=2025-11"))) == {west_trip.id}
    assert listed(body(client.get("/activities/?start=2026-04-16&end=2026-12-31"))) == {shanghai.id}
    # A bad value is ignored and said so; the other filters still apply.
    page = body(client.get(f"/activities/?department_id=abc&kind_id={kind('展会论坛')}&quarter=9"))
    assert listed(page) == {fair.id}
    assert "组织部门「abc」无效，已忽略。" in page and "季度应为 1–4 的整数，已忽略。" in page
    # The filter bar offers the leaders and regions in use.
    assert "王副区长（副区长）" in page and ">苏州</option>" in page


def test_staff_see_their_departments_activities_and_those_they_took_part_in(client, world, sign_in):
    w = world
    private = record(w, title="东城赴上海")
    joined = record(w, title="东城赴深圳（西城同去）", participant_ids=[w["outsider"].id])
    sign_in(w["outsider"])
    page = body(client.get("/activities/"))
    assert listed(page) == {joined.id} and "东城赴上海" not in page
    assert client.get(f"/activities/{private.id}").status_code == 404
    assert client.get(f"/activities/{joined.id}").status_code == 200
    assert "东城赴上海" not in body(client.get(f"/activities/calendar?month={TODAY:%Y-%m}"))
    sign_in(w["staff"])
    assert listed(body(client.get("/activities/"))) == {private.id, joined.id}
    # Leaders and supervisors see every activity.
    for reader in ("mayor", "viewer"):
        sign_in(w[reader])
        assert listed(body(client.get("/activities/"))) == {private.id, joined.id}


def test_each_row_shows_what_the_activity_produced(client, world, sign_in):
    w = world
    trip = record(w)
    company = fl.company("华润置业有限公司")
    lead = fl.lead(company=company, department=w["east"], activity_id=trip.id, status=LeadStatus.NEGOTIATING)
    fl.visit(lead, activity_id=trip.id, visited_on=days(-2))
    fl.visit(lead, activity_id=trip.id, visited_on=days(-1))
    db.session.commit()
    sign_in(w["staff"])
    page = body(client.get("/activities/"))
    row = re.search(rf'<tr data-activity="{trip.id}">(.*?)</tr>', page, re.S).group(1)
    cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r'<td class="text-end[^"]*">(.*?)</td>', row, re.S)]
    # 天数, 企业, 走访, 线索, 洽谈, 签约
    assert cells == ["3", "1", "2", "1", "1", "0"]
    assert "上海" in row and "王副区长" in row and "东城街道" in row


def test_the_list_pages(client, world, sign_in):
    w = world
    for n in range(7):
        record(w, title=f"活动{n}", start_on=days(-30 + n), end_on=days(-30 + n))
    sign_in(w["staff"])
    first, last = body(client.get("/activities/?per_page=5")), body(client.get("/activities/?per_page=5&page=2"))
    assert len(listed(first)) == 5 and len(listed(last)) == 2
    assert "共 7 条" in first and "共 7 条" in last
    assert "共 7 条" in body(client.get("/activities/?per_page=5&page=9"))  # past the end


def test_admin_can_list_the_archived_activities(client, world, sign_in):
    w = world
    live, gone = record(w, title="在用"), record(w, title="已归档的")
    services.archive_activity(gone, w["admin"], version=gone.version)
    db.session.commit()
    sign_in(w["admin"])
    assert listed(body(client.get("/activities/"))) == {live.id}
    assert listed(body(client.get("/activities/?archived=1"))) == {gone.id}
    sign_in(w["staff"])  # not for staff: the flag is ignored
    assert listed(body(client.get("/activities/?archived=1"))) == {live.id}


# --- the calendar ---------------------------------------------------------------------------


def bars(html: str) -> list[tuple[int, str, str, str]]:
    """(activity, first day, last day, classes) of each bar of the grid."""
    found = re.findall(
        r'<a class="cal-bar ([^"]*)"\s+href="[^"]*" data-activity="(\d+)" data-from="([\d-]+)" data-to="([\d-]+)"', html
    )
    return [(int(a), start, end, classes) for classes, a, start, end in found]


def test_the_calendar_spans_a_trip_across_the_months_end(client, world, sign_in):
    w = world
    # Thursday 30 July to Monday 3 August 2026.
    trip = record(w, title="跨月外出", start_on=dt.date(2026, 7, 30), end_on=dt.date(2026, 8, 3))
    other = record(w, title="驻地招商", kind_id=kind("驻地招商"), away=False, start_on=days(0), end_on=days(0))
    sign_in(w["staff"])
    july = body(client.get("/activities/calendar?month=2026-07"))
    assert "2026年7月" in july
    assert (trip.id, "2026-07-30", "2026-08-02") in [b[:3] for b in bars(july)]
    july_bar = next(b for b in bars(july) if b[0] == trip.id)
    assert "cs-4" in july_bar[3] and "sp-4" in july_bar[3] and "cont-r" in july_bar[3] and "cont-l" not in july_bar[3]
    assert any(b[0] == other.id and "cs-5 sp-1" in b[3] for b in bars(july))  # Friday 10 July
    august = body(client.get("/activities/calendar?month=2026-08"))
    pieces = [b for b in bars(august) if b[0] == trip.id]
    # August's grid starts on Monday 27 July: the trip's first week, then Monday 3 August.
    assert [(b[1], b[2]) for b in pieces] == [("2026-07-30", "2026-08-02"), ("2026-08-03", "2026-08-03")]
    assert "cs-1" in pieces[1][3] and "sp-1" in pieces[1][3] and "cont-l" in pieces[1][3]
    assert other.id not in [b[0] for b in bars(august)]
    # On a phone: the month's days, the trip on 1, 2 and 3 August (its days 3–5).
    phone = re.findall(rf'data-activity="{trip.id}" data-day="([\d-]+)"', august)
    assert phone == ["2026-08-01", "2026-08-02", "2026-08-03"]
    assert "第 5/5 天" in august
    # Previous and next month, keeping the filters.
    filtered = body(client.get(f"/activities/calendar?month=2026-08&kind_id={kind()}"))
    assert f"month=2026-07&amp;kind_id={kind()}" in filtered or f"kind_id={kind()}&amp;month=2026-07" in filtered
    assert other.id not in [
        b[0] for b in bars(body(client.get(f"/activities/calendar?month=2026-07&kind_id={kind()}")))
    ]


def test_the_calendar_stacks_overlapping_activities_in_lanes(client, world, sign_in):
    w = world
    long = record(w, title="长", start_on=dt.date(2026, 7, 6), end_on=dt.date(2026, 7, 9))
    short = record(w, title="短", start_on=dt.date(2026, 7, 7), end_on=dt.date(2026, 7, 7))
    after = record(w, title="后", start_on=dt.date(2026, 7, 10), end_on=dt.date(2026, 7, 10))
    sign_in(w["staff"])
    html = body(client.get("/activities/calendar?month=2026-07"))
    week = html.split('<div class="cal-week">')[2]  # 6–12 July
    lanes = [
        [int(i) for i in re.findall(r'data-activity="(\d+)"', lane)]
        for lane in week.split('<div class="cal-lane">')[1:]
    ]
    assert lanes == [[long.id, after.id], [short.id]]


def test_a_bad_month_is_ignored_and_said_so(client, world, sign_in):
    sign_in(world["staff"])
    page = body(client.get("/activities/calendar?month=2026-13"))
    assert "月份「2026-13」不是有效月份（YYYY-MM），已忽略。" in page and "2026年7月" in page


# --- recording, editing, archiving ---------------------------------------------------------------


def form_data(w, **changes):
    data = {
        "kind_id": str(kind()),
        "title": "赴深圳对接电子信息企业",
        "start_on": "2026-07-20",
        "end_on": "2026-07-22",
        "away": "y",
        "regions": "深圳，东莞",
        "leader_ids": [str(w["mayor"].id)],
        "participant_ids": [str(w["staff"].id)],
        "department_id": str(w["east"].id),
        "plan_id": "",
        "purpose": "拜访链主企业",
        "summary": "",
        "budget": "3.5",
    }
    data.update(changes)
    return data


def test_staff_record_an_activity_and_refusals_keep_what_was_typed(client, world, sign_in):
    w = world
    sign_in(w["staff"])
    page = body(client.get("/activities/new"))
    assert re.search(r'<input [^>]*checked [^>]*name="away"', page)  # 外出 on by default
    assert "王副区长（副区长）" in page.split('name="leader_ids"')[1].split("</select>")[0]
    response = client.post("/activities/new", data=form_data(w, end_on="2026-07-18"))
    html = body(response)
    assert response.status_code == 422 and field_error(html, "结束日期不能早于开始日期。")
    assert 'value="赴深圳对接电子信息企业"' in html and 'value="深圳，东莞"' in html and "拜访链主企业" in html
    response = client.post("/activities/new", data=form_data(w, leader_ids=[]))
    html = body(response)
    assert response.status_code == 422 and field_error(html, "请选择带队领导。")
    assert 'value="赴深圳对接电子信息企业"' in html
    assert db.session.scalar(sa.select(sa.func.count(Activity.id))) == 0
    response = client.post("/activities/new", data=form_data(w))
    activity = db.session.scalars(sa.select(Activity)).one()
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/activities/{activity.id}")
    assert activity.region_names == ["深圳", "东莞"] and activity.budget == Decimal("3.5")
    assert [u.id for u in activity.leaders] == [w["mayor"].id] and activity.away is True
    assert activity.days == 3


def test_leaders_and_viewers_do_not_see_the_record_button(client, world, sign_in):
    w = world
    record(w)
    for reader, shown in (("mayor", False), ("viewer", False), ("staff", True), ("admin", True)):
        sign_in(w[reader])
        assert ('href="/activities/new"' in body(client.get("/activities/"))) is shown, reader


def test_an_edit_on_a_stale_version_is_refused_and_keeps_the_input(client, world, sign_in):
    w = world
    activity = record(w, title="原名称")
    sign_in(w["mayor"])  # a leading leader writes up the trip he led
    page = body(client.get(f"/activities/{activity.id}/edit"))
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    services.update_activity(
        activity, {**services.edit_data(activity), "summary": "他人先保存"}, w["staff"], version=version
    )
    db.session.commit()
    data = form_data(w, title="我改的名称", summary="对接 12 家企业", version=version)
    response = client.post(f"/activities/{activity.id}/edit", data=data)
    html = body(response)
    assert response.status_code == 422 and "您的修改尚未保存" in html and "东城招商员" in html
    assert 'value="我改的名称"' in html and "对接 12 家企业" in html
    db.session.refresh(activity)
    assert activity.title == "原名称" and activity.summary == "他人先保存"
    # The form now carries the current version: saving again goes through.
    fresh = re.search(r'name="version" type="hidden" value="(\d+)"', html).group(1)
    assert client.post(f"/activities/{activity.id}/edit", data={**data, "version": fresh}).status_code == 302
    db.session.refresh(activity)
    assert activity.title == "我改的名称" and activity.summary == "对接 12 家企业"


def test_archiving_takes_the_activity_off_the_lists(client, world, sign_in):
    w = world
    activity = record(w)
    sign_in(w["director"])  # not its leader
    assert client.post(f"/activities/{activity.id}/archive", data={"version": activity.version}).status_code == 403
    sign_in(w["staff"])
    page = body(client.get(f"/activities/{activity.id}"))
    assert f"/activities/{activity.id}/archive" in page
    response = client.post(f"/activities/{activity.id}/archive", data={"version": activity.version})
    assert response.status_code == 302 and response.headers["Location"].endswith("/activities/")
    db.session.refresh(activity)
    assert activity.archived_at is not None
    assert db.session.scalar(sa.select(sa.func.count(AuditLog.id)).where(AuditLog.action == "archive")) == 1
    assert listed(body(client.get("/activities/"))) == set()
    assert client.get(f"/activities/{activity.id}").status_code == 404
    sign_in(w["admin"])
    page = body(client.get(f"/activities/{activity.id}"))
    assert "已归档" in page and f"/activities/{activity.id}/edit" not in page


def test_archiving_on_a_stale_version_is_refused(client, world, sign_in):
    w = world
    activity = record(w)
    sign_in(w["staff"])
    response = client.post(
        f"/activities/{activity.id}/archive", data={"version": activity.version + 5}, follow_redirects=True
    )
    assert "您的修改尚未保存" in body(response)
    db.session.refresh(activity)
    assert activity.archived_at is None


# --- the activity's page ------------------------------------------------------------------------


def test_the_page_shows_outcomes_for_and_lists_only_what_the_viewer_may_see(client, world, sign_in):
    w = world
    trip = record(w, title="赴上海苏州招商", regions="上海、苏州", participant_ids=[w["outsider"].id], budget="2")
    east_company, west_company = fl.company("华润置业有限公司"), fl.company("宇通客车股份有限公司")
    east_lead = fl.lead(
        company=east_company, department=w["east"], title="东城的意向", activity_id=trip.id, status=LeadStatus.CONVERTED
    )
    west_lead = fl.lead(company=west_company, department=w["west"], title="西城的意向", activity_id=trip.id)
    east_visit = fl.visit(east_lead, activity_id=trip.id, visited_on=days(-2), by=w["staff"])
    west_visit = fl.visit(west_lead, activity_id=trip.id, visited_on=days(-2), by=w["outsider"])
    project = fp.project(
        name="华润智造园", department=w["east"], stage=Stage.SIGNED, activity_id=trip.id, lead_id=east_lead.id
    )
    fp.agreement(project, signed_on=days(-1), amount=52000)
    db.session.commit()
    expected = outcomes_for([trip.id])[trip.id]
    assert (expected.companies, expected.visits, expected.leads, expected.signed) == (2, 2, 2, 1)

    def numbers(html: str) -> dict[str, str]:
        return dict(re.findall(r'data-outcome="(\w+)">([^<]*)<', html))

    sign_in(w["staff"])
    html = body(client.get(f"/activities/{trip.id}"))
    assert numbers(html) == {
        "companies": str(expected.companies),
        "visits": str(expected.visits),
        "leads": str(expected.leads),
        "discussed": str(expected.discussed),
        "signed": str(expected.signed),
        "signed_amount": "52,000.00",
    }
    assert re.findall(r'data-visit="(\d+)"', html) == [str(east_visit.id)]
    assert re.findall(r'data-lead="(\d+)"', html) == [str(east_lead.id)]
    assert re.findall(r'data-project="(\d+)"', html) == [str(project.id)]
    assert "华润置业有限公司" in html and "宇通客车" not in html and "西城的意向" not in html
    assert "以上为全区口径" in html
    assert "王副区长（副区长）" in html and "西城招商员" in html and "上海、苏州" in html and "2.00 万元" in html
    # The outsider took part: sees the page, the same numbers, only the west records.
    sign_in(w["outsider"])
    html = body(client.get(f"/activities/{trip.id}"))
    assert numbers(html)["visits"] == "2"
    assert re.findall(r'data-visit="(\d+)"', html) == [str(west_visit.id)]
    assert re.findall(r'data-project="(\d+)"', html) == []
    assert f"/activities/{trip.id}/edit" not in html  # took part, does not keep it
    sign_in(w["admin"])
    html = body(client.get(f"/activities/{trip.id}"))
    assert sorted(re.findall(r'data-lead="(\d+)"', html)) == sorted([str(east_lead.id), str(west_lead.id)])
    assert "以上为全区口径" not in html and f"/activities/{trip.id}/edit" in html


def test_the_page_leaves_a_place_for_the_logging_actions(app, client, world, sign_in):
    activity = record(world)
    sign_in(world["staff"])
    assert client.get(f"/activities/{activity.id}").status_code == 200
    source, *_rest = app.jinja_env.loader.get_source(app.jinja_env, "activities/detail.html")
    assert '{% block activity_actions %}{% include "activities/_log_actions.html" %}{% endblock %}' in source


def test_the_trip_report_is_uploaded_downloaded_and_deleted(client, world, sign_in):
    w = world
    activity = record(w)
    sign_in(w["mayor"])
    response = client.post(
        f"/activities/{activity.id}/files",
        data={"file": (io.BytesIO(PDF), "考察报告.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    attachment = db.session.scalars(sa.select(Attachment)).one()
    assert (attachment.owner_type, attachment.owner_id, attachment.filename) == (
        "activity",
        activity.id,
        "考察报告.pdf",
    )
    # A renamed non-PDF is refused next to the field, nothing stored.
    response = client.post(
        f"/activities/{activity.id}/files",
        data={"file": (io.BytesIO(b"MZ\x90\x00"), "报告.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422 and 'class="invalid-feedback"' in body(response)
    assert db.session.scalar(sa.select(sa.func.count(Attachment.id))) == 1
    sign_in(w["viewer"])  # reads, downloads, cannot delete
    page = body(client.get(f"/activities/{activity.id}"))
    assert "考察报告.pdf" in page and f"/activities/files/{attachment.id}/delete" not in page
    download = client.get(f"/activities/files/{attachment.id}")
    assert download.status_code == 200 and download.data == PDF
    assert client.post(f"/activities/files/{attachment.id}/delete").status_code == 403
    sign_in(w["outsider"])  # neither took part nor of the department
    assert client.get(f"/activities/files/{attachment.id}").status_code == 404
    sign_in(w["staff"])
    response = client.post(f"/activities/files/{attachment.id}/delete")
    assert response.status_code == 302
    db.session.refresh(attachment)
    assert attachment.deleted_at is not None
    assert client.get(f"/activities/files/{attachment.id}").status_code == 404


def test_a_lost_stored_file_says_so_instead_of_failing(client, world, sign_in):
    import os

    from app import attachments

    w = world
    activity = record(w)
    sign_in(w["mayor"])
    client.post(
        f"/activities/{activity.id}/files",
        data={"file": (io.BytesIO(PDF), "考察报告.pdf")},
        content_type="multipart/form-data",
    )
    attachment = db.session.scalars(sa.select(Attachment)).one()
    os.remove(attachments.stored_path(attachment.stored_key))
    response = client.get(f"/activities/files/{attachment.id}")
    assert response.status_code == 404 and "附件文件已丢失" in body(response)


# --- the ledger -------------------------------------------------------------------------------


def test_the_export_is_a_ledger_whose_total_row_is_the_sum(client, world, sign_in):
    w = world
    a = record(w, title="赴上海招商", budget="1.5")
    b = record(w, title="赴深圳招商", start_on=days(-20), end_on=days(-16), regions="深圳", budget="2.25")
    record(w, title="去年的", start_on=dt.date(2025, 5, 1), end_on=dt.date(2025, 5, 2))
    lead = fl.lead(department=w["east"], activity_id=a.id, status=LeadStatus.NEGOTIATING)
    fl.visit(lead, activity_id=a.id, visited_on=days(-2))
    project = fp.project(department=w["east"], stage=Stage.SIGNED, activity_id=b.id)
    fp.agreement(project, signed_on=days(-5), amount=30000)
    db.session.commit()
    sign_in(w["staff"])
    response = client.get("/activities/export.xlsx?year=2026")
    assert response.status_code == 200 and "spreadsheet" in response.mimetype
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0].startswith("招商活动台账") and "期间：2026年" in rows[0][0]
    headers, data, total = rows[1], rows[2:-1], rows[-1]
    assert headers[10:18] == (
        "天数",
        "考察/对接企业",
        "对接走访",
        "收集线索",
        "对接洽谈项目",
        "签约项目",
        "签约金额（万元）",
        "经费（万元）",
    )
    assert [r[4] for r in data] == ["赴上海招商", "赴深圳招商"]
    assert total[0] == "合计"
    for column in range(10, 18):
        assert total[column] == pytest.approx(sum(r[column] or 0 for r in data)), headers[column]
    assert total[10] == 8 and total[12] == 1 and total[15] == 1 and total[16] == 30000 and total[17] == 3.75
    assert sheet.freeze_panes == "A3" and sheet.auto_filter.ref


def test_the_export_refuses_a_filter_it_cannot_read(client, world, sign_in):
    sign_in(world["staff"])
    response = client.get("/activities/export.xlsx?leader_id=abc")
    assert response.status_code == 400 and "带队领导「abc」无效" in body(response)


# --- every role's view -------------------------------------------------------------------------


def test_the_pages_render_for_staff_a_leader_and_admin(client, world, sign_in):
    w = world
    activity = record(w)
    tree = factories.user("staff", department=w["east"], scope=DataScope.DEPARTMENT_TREE, name="片区招商员")
    db.session.commit()
    for reader in ("staff", "mayor", "admin", "viewer"):
        sign_in(w[reader])
        for path in ("/activities/", "/activities/calendar", f"/activities/{activity.id}"):
            response = client.get(path)
            assert response.status_code == 200, (reader, path)
            assert ">招商活动</a>" in body(response)  # in the menu
    sign_in(tree)
    assert listed(body(client.get("/activities/"))) == {activity.id}
    for keeper in ("staff", "mayor", "admin"):
        sign_in(w[keeper])
        assert client.get(f"/activities/{activity.id}/edit").status_code == 200, keeper
    for creator in ("staff", "admin"):
        sign_in(w[creator])
        assert client.get("/activities/new").status_code == 200

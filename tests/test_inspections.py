"""营商环境督办 through the pages: the supervision office (viewer) records an
inspection; the responsible department answers with its 整改情况; the
supervisor sends it back (退回) and then closes it (销号) — each step on the
record's timeline and in the audit trail. Departments see only their own
inspections; an overdue rectification shows on the department's and the
supervisor's home with its 督办 level; the ledger filters and exports; the
report by department adds up and its numbers open the ledger rows behind them."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from app.db import db
from app.inspections import services
from app.inspections.services import InspectionError
from app.lookups import ref_id
from app.models import AuditLog, Inspection, InspectionKind, InspectionStatus, RefKind
from tests import factories
from tests import factories_leads as fl

TODAY = dt.date(2026, 6, 15)


@pytest.fixture
def world(set_today):
    set_today(TODAY)
    east, west = factories.department("东城街道"), factories.department("西城街道")
    world = {
        "east": east,
        "west": west,
        "supervisor": factories.user("viewer", name="督查室李主任"),
        "east_staff": factories.user("staff", department=east, name="东城王科长"),
        "west_staff": factories.user("staff", department=west, name="西城赵科长"),
        "leader": factories.user("leader"),
        "admin": factories.user("admin"),
        "company": fl.company("恒达精密机械有限公司"),
    }
    db.session.commit()
    return world


def _finding(name: str) -> int:
    return ref_id(RefKind.INSPECTION_FINDING, name)


def _record(world, dept, deadline, *, kind=InspectionKind.INSPECTION, requirement="限期整改窗口服务", **data):
    inspection = services.record_inspection(
        {
            "inspected_on": TODAY - dt.timedelta(days=20),
            "kind": kind.value,
            "department_id": dept.id,
            "finding_ids": [_finding("慢作为")],
            "description": "企业反映办件超时",
            "requirement": requirement,
            "deadline": deadline,
            **data,
        },
        world["supervisor"],
    )
    db.session.commit()
    return inspection


def _switch(client, login_as, user):
    client.post("/auth/logout")
    login_as(user)


def test_the_life_cycle_through_the_pages(client, login_as, world):
    login_as(world["supervisor"])
    assert "记录督查" in client.get("/inspections/").get_data(as_text=True)
    form = {
        "inspected_on": TODAY.isoformat(),
        "kind": InspectionKind.COMPANY_VISIT.value,
        "department_id": world["east"].id,
        "company_name": "恒达精密机械有限公司",
        "finding_ids": [_finding("慢作为"), _finding("推诿扯皮")],
        "description": "回访企业：用电增容申请一个月无答复",
        "requirement": "十个工作日内答复企业并说明原因",
        "deadline": (TODAY + dt.timedelta(days=14)).isoformat(),
    }
    created = client.post("/inspections/new", data=form)
    assert created.status_code == 302, created.get_data(as_text=True)[:3000]
    inspection = db.session.scalars(sa.select(Inspection)).one()
    assert inspection.responsible_department_id == world["east"].id  # defaults to the unit inspected
    assert inspection.company_id == world["company"].id
    assert [f.name for f in inspection.findings] == ["慢作为", "推诿扯皮"]
    page = client.get(f"/inspections/{inspection.id}").get_data(as_text=True)
    assert "待整改" in page and "推诿扯皮" in page and "反馈整改情况" not in page

    _switch(client, login_as, world["east_staff"])
    page = client.get(f"/inspections/{inspection.id}").get_data(as_text=True)
    assert "反馈整改情况" in page and "整改到位，销号" not in page
    answered = client.post(f"/inspections/{inspection.id}/answer", data={"version": 1, "answer": "已答复企业"})
    assert answered.status_code == 302
    assert client.post(f"/inspections/{inspection.id}/close", data={"version": 2}).status_code == 403

    _switch(client, login_as, world["supervisor"])
    back = client.post(f"/inspections/{inspection.id}/return", data={"version": 2, "reason": "未附答复材料"})
    assert back.status_code == 302
    db.session.expire_all()
    assert db.session.get(Inspection, inspection.id).status is InspectionStatus.RECTIFYING

    _switch(client, login_as, world["east_staff"])
    client.post(f"/inspections/{inspection.id}/answer", data={"version": 3, "answer": "已补充答复函"})
    _switch(client, login_as, world["supervisor"])
    assert client.post(f"/inspections/{inspection.id}/close", data={"version": 4}).status_code == 302
    db.session.expire_all()
    closed = db.session.get(Inspection, inspection.id)
    assert (closed.status, closed.closed_on, closed.answer) == (InspectionStatus.CLOSED, TODAY, "已补充答复函")
    timeline = client.get(f"/inspections/{inspection.id}").get_data(as_text=True)
    assert "退回：未附答复材料" in timeline
    actions = db.session.scalars(
        sa.select(AuditLog.action).where(AuditLog.entity == "inspection").order_by(AuditLog.id)
    ).all()
    assert actions == ["create", "status", "status", "status", "status"]


def test_refusals_of_the_service(world):
    base = {
        "inspected_on": TODAY,
        "kind": InspectionKind.INSPECTION.value,
        "department_id": world["east"].id,
        "finding_ids": [_finding("乱作为")],
        "description": "x",
        "requirement": "y",
        "deadline": TODAY + dt.timedelta(days=3),
    }
    cases = [
        ({"finding_ids": []}, "finding_ids"),
        ({"finding_ids": [ref_id(RefKind.PROBLEM_CATEGORY, "规划")]}, "finding_ids"),
        ({"deadline": TODAY - dt.timedelta(days=1)}, "deadline"),
        ({"inspected_on": TODAY + dt.timedelta(days=1)}, "inspected_on"),
        ({"kind": InspectionKind.COMPANY_VISIT.value}, "company_id"),
        ({"requirement": " "}, "requirement"),
    ]
    for change, field in cases:
        with pytest.raises(InspectionError) as refused:
            services.record_inspection({**base, **change}, world["supervisor"])
        assert refused.value.field == field, change
    inspection = services.record_inspection(base, world["supervisor"])
    with pytest.raises(InspectionError):
        services.close_inspection(inspection, world["supervisor"], version=inspection.version)


@pytest.mark.parametrize(
    ("who", "sees_east", "sees_west"),
    [
        ("east_staff", True, False),
        ("west_staff", False, True),
        ("supervisor", True, True),
        ("leader", True, True),
        ("admin", True, True),
    ],
)
def test_departments_see_only_their_own_inspections(client, login_as, world, who, sees_east, sees_west):
    east = _record(world, world["east"], TODAY + dt.timedelta(days=5), requirement="东城整改事项")
    west = _record(world, world["west"], TODAY + dt.timedelta(days=5), requirement="西城整改事项")
    login_as(world[who])
    assert client.get(f"/inspections/{east.id}").status_code == (200 if sees_east else 404)
    assert client.get(f"/inspections/{west.id}").status_code == (200 if sees_west else 404)
    ledger = client.get("/inspections/").get_data(as_text=True)
    assert ("东城整改事项" in ledger, "西城整改事项" in ledger) == (sees_east, sees_west)
    sheet = load_workbook(io.BytesIO(client.get("/inspections/export.xlsx").data)).active
    values = {cell for row in sheet.iter_rows(values_only=True) for cell in row}
    assert ("东城整改事项" in values, "西城整改事项" in values) == (sees_east, sees_west)


def test_only_the_supervisor_and_admin_record_and_close(client, login_as, world):
    for who in ("east_staff", "leader"):
        _switch(client, login_as, world[who])
        assert client.get("/inspections/new").status_code == 403
    _switch(client, login_as, world["admin"])
    assert client.get("/inspections/new").status_code == 200


def _home(client):
    """The home page, with the 督查 panel htmx loads into it after the page."""
    page = client.get("/").get_data(as_text=True)
    assert 'hx-get="/inspections/panel"' in page
    return client.get("/inspections/panel").get_data(as_text=True)


def test_overdue_rectifications_on_the_department_and_supervisor_home(client, login_as, world):
    _record(world, world["east"], TODAY - dt.timedelta(days=9), requirement="超期的整改事项")
    _record(world, world["west"], TODAY + dt.timedelta(days=9), requirement="西城未到期事项")
    login_as(world["east_staff"])
    home = _home(client)
    assert "督查整改待办" in home and "超期的整改事项" in home and "黄色督办" in home
    assert "西城未到期事项" not in home
    _switch(client, login_as, world["supervisor"])
    home = _home(client)
    assert "督查事项待办" in home and "超期的整改事项" in home and "西城未到期事项" not in home
    _switch(client, login_as, world["west_staff"])
    home = _home(client)
    assert "西城未到期事项" in home and "超期的整改事项" not in home
    _switch(client, login_as, world["leader"])
    assert "/inspections/panel" not in client.get("/").get_data(as_text=True)
    assert client.get("/inspections/panel").get_data(as_text=True) == ""


def test_ledger_filters(client, login_as, world):
    _record(world, world["east"], TODAY - dt.timedelta(days=2), requirement="东城超期")
    _record(world, world["west"], TODAY + dt.timedelta(days=2), kind=InspectionKind.UNANNOUNCED, requirement="西城暗访")
    login_as(world["supervisor"])

    def shown(query):
        html = client.get(f"/inspections/?{query}").get_data(as_text=True)
        return {text for text in ("东城超期", "西城暗访") if text in html}

    assert shown("overdue=1") == {"东城超期"}
    assert shown("kind=unannounced") == {"西城暗访"}
    assert shown(f"responsible_department_id={world['west'].id}") == {"西城暗访"}
    assert shown("level=blue") == {"东城超期"}
    assert shown(f"finding_id={_finding('慢作为')}") == {"东城超期", "西城暗访"}
    assert shown("q=西城") == {"西城暗访"}  # the keyword searches 督查情况 and 整改要求
    assert "不是有效日期" in client.get("/inspections/?from=abc").get_data(as_text=True)
    assert client.get("/inspections/export.xlsx?from=abc").status_code == 400


def test_report_by_department_totals_equal_rows_and_drill_down(client, login_as, world, set_today):
    on_time = _record(world, world["east"], TODAY - dt.timedelta(days=1))
    _record(world, world["east"], TODAY - dt.timedelta(days=3))
    _record(world, world["west"], TODAY + dt.timedelta(days=3))
    set_today(TODAY - dt.timedelta(days=2))
    services.answer_inspection(on_time, "已整改", world["east_staff"], version=on_time.version)
    services.close_inspection(on_time, world["supervisor"], version=on_time.version)
    db.session.commit()
    set_today(TODAY)
    login_as(world["supervisor"])
    html = client.get("/inspections/report?from=2026-01-01&to=2026-12-31").get_data(as_text=True)
    assert "东城街道" in html and "西城街道" in html
    sheet = load_workbook(io.BytesIO(client.get("/inspections/report.xlsx?from=2026-01-01&to=2026-12-31").data)).active
    rows = {row[0]: row[1:] for row in sheet.iter_rows(min_row=3, values_only=True) if row[0]}
    assert rows["东城街道"][:5] == (2, 1, 1, 0, 1)
    assert rows["西城街道"][:5] == (1, 0, 0, 0, 0)
    assert rows["合计"][:5] == (3, 1, 1, 0, 1)
    # Each number opens the ledger rows behind it: as many rows as the number.
    links = re.findall(r'<a href="(/inspections/\?[^"]+)">(\d+)</a>', html)
    assert len(links) >= 5
    for link, number in links:
        listed = client.get(link.replace("&amp;", "&")).get_data(as_text=True)
        assert len(set(re.findall(r'href="/inspections/(\d+)"', listed))) == int(number), link

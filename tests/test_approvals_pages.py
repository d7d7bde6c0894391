"""联审联批 pages: adding an item from the project page, the item page with its
meetings and history, edit under optimistic locking, 申报 / 办结 / 无需办理
through HTTP with every refusal next to its field and nothing written,
another department's 办结 refused (403), who sees what (the project's
people, the approving department), the approval document, the ledger's
filters and counts, the printable export, the home panel of an approving
department, and query counts that do not grow with the rows."""

from __future__ import annotations

import datetime as dt
import io
import re
from urllib.parse import unquote

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from app.approvals import services
from app.db import db
from app.lookups import ref_id
from app.models import ApprovalItem, ApprovalStatus, Attachment, AuditLog, ProjectLevel, RefKind, Stage
from tests import factories
from tests import factories_approvals as fa
from tests import factories_projects as fp

TODAY = dt.date(2026, 7, 10)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def days(n: int) -> dt.date:
    return TODAY + dt.timedelta(days=n)


@pytest.fixture
def world(set_today):
    set_today(TODAY)
    east = factories.department("东城街道")
    west = factories.department("西城街道")
    housing = factories.department("区住建局")
    planning = factories.department("区自然资源局")
    w = {
        "east": east,
        "west": west,
        "housing": housing,
        "planning": planning,
        "admin": factories.user("admin", name="管理员"),
        "team": factories.user("staff", department=east, name="东城招商员"),
        "approver": factories.user("staff", department=housing, name="住建审批员"),
        "planner": factories.user("staff", department=planning, name="资规审批员"),
        "outsider": factories.user("staff", department=west, name="西城招商员"),
        "viewer": factories.user("viewer", name="督查员"),
        "project": fp.project(
            name="智能装备产业园",
            department=east,
            stage=Stage.LANDED,
            level=ProjectLevel.CITY,
            created_on=dt.date(2026, 1, 5),
            last_progress_on=TODAY,
        ),
    }
    db.session.commit()
    return w


@pytest.fixture
def sign_in(client, login_as):
    """sign_in(user): sign out whoever is signed in, then sign `user` in."""

    def _sign_in(user):
        client.post("/auth/logout")
        return login_as(user)

    return _sign_in


def add(w, *, kind="施工许可", department=None, due_on=None, **data) -> ApprovalItem:
    item = fa.item(w["project"], w["admin"], department or w["housing"], kind=kind, due_on=due_on or days(30), **data)
    db.session.commit()
    return item


def audit_count() -> int:
    return db.session.scalar(sa.select(sa.func.count(AuditLog.id)))


def body(response) -> str:
    return response.get_data(as_text=True)


def field_error(html: str, message: str) -> bool:
    """`message` shown as a field's error (invalid-feedback), not only flashed."""
    return bool(re.search(r'class="invalid-feedback[^"]*">\s*' + re.escape(message), html))


# --- adding an item -----------------------------------------------------------------------


def test_the_team_adds_an_item_from_the_project_page(client, world, sign_in):
    sign_in(world["team"])
    page = body(client.get(f"/projects/{world['project'].id}"))
    assert "联审联批" in page and f"/approvals/projects/{world['project'].id}/new" in page
    assert client.get(f"/approvals/projects/{world['project'].id}/new").status_code == 200
    response = client.post(
        f"/approvals/projects/{world['project'].id}/new",
        data={
            "type_id": ref_id(RefKind.APPROVAL_TYPE, "施工许可"),
            "department_id": world["housing"].id,
            "due_on": days(20).isoformat(),
            "submitted_on": days(-2).isoformat(),
            "notes": "容缺受理",
        },
    )
    item = db.session.scalars(sa.select(ApprovalItem)).one()
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/approvals/items/{item.id}")
    assert (item.status, item.submitted_on, item.department_id) == (
        ApprovalStatus.SUBMITTED,
        days(-2),
        world["housing"].id,
    )
    page = body(client.get(f"/projects/{world['project'].id}"))
    assert "施工许可" in page and "区住建局" in page and "已办结 0 / 1 项" in page


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"type_id": ""}, "type_id", "请选择审批事项类型。"),
        ({"department_id": ""}, "department_id", "请选择审批部门。"),
        ({"due_on": ""}, "due_on", "请填写计划完成日期。"),
        ({"submitted_on": days(1).isoformat()}, "submitted_on", "申报日期不能晚于今天。"),
        ({"approved_on": TODAY.isoformat()}, "approved_on", "办结须由审批部门（区住建局）标记。"),
    ],
)
def test_adding_refusals_are_shown_next_to_their_field(client, world, sign_in, data, field, message):
    sign_in(world["team"])
    before = audit_count()
    form = {
        "type_id": ref_id(RefKind.APPROVAL_TYPE, "施工许可"),
        "department_id": world["housing"].id,
        "due_on": days(20).isoformat(),
        **data,
    }
    response = client.post(f"/approvals/projects/{world['project'].id}/new", data=form)
    assert response.status_code == 422
    assert field_error(body(response), message), field
    assert db.session.scalar(sa.select(sa.func.count(ApprovalItem.id))) == 0
    assert audit_count() == before


def test_the_approving_department_may_record_an_item_already_approved(client, world, sign_in):
    world["project"].team = [world["approver"]]
    db.session.commit()
    sign_in(world["approver"])
    response = client.post(
        f"/approvals/projects/{world['project'].id}/new",
        data={
            "type_id": ref_id(RefKind.APPROVAL_TYPE, "施工许可"),
            "department_id": world["housing"].id,
            "due_on": days(-5).isoformat(),
            "approved_on": days(-1).isoformat(),
        },
    )
    assert response.status_code == 302
    item = db.session.scalars(sa.select(ApprovalItem)).one()
    assert (item.status, item.approved_on, item.submitted_on) == (ApprovalStatus.APPROVED, days(-1), days(-1))


# --- the status moves -------------------------------------------------------------------


def test_submit_approve_through_http_with_refusals(client, world, sign_in):
    item = add(world)
    url = f"/approvals/items/{item.id}"
    sign_in(world["team"])
    page = body(client.get(url))
    assert "记录申报" in page and "标记办结" not in page  # the team does not approve

    before = audit_count()
    refused = client.post(f"{url}/submit", data={"submitted_on": days(3).isoformat()})
    assert refused.status_code == 422 and field_error(body(refused), "申报日期不能晚于今天。")
    assert audit_count() == before
    db.session.expire_all()
    assert db.session.get(ApprovalItem, item.id).status is ApprovalStatus.PENDING

    assert client.post(f"{url}/submit", data={"submitted_on": days(-4).isoformat()}).status_code == 302
    again = client.post(f"{url}/submit", data={"submitted_on": days(-4).isoformat()})
    assert again.status_code == 422 and "当前为「已申报」，不能再申报" in body(again)

    # 办结 belongs to the approving department: the team and another department get 403.
    assert client.post(f"{url}/approve", data={"approved_on": TODAY.isoformat(), "version": 2}).status_code == 403
    sign_in(world["planner"])
    assert client.post(f"{url}/approve", data={"approved_on": TODAY.isoformat(), "version": 2}).status_code == 404
    sign_in(world["approver"])
    db.session.expire_all()
    version = db.session.get(ApprovalItem, item.id).version
    page = body(client.get(url))
    assert "标记办结" in page and "记录申报" not in page
    before = audit_count()
    early = client.post(f"{url}/approve", data={"approved_on": days(-5).isoformat(), "version": version})
    assert early.status_code == 422
    assert field_error(body(early), "办结日期 2026-07-05 早于申报日期 2026-07-06，请核对。")
    future = client.post(f"{url}/approve", data={"approved_on": days(1).isoformat(), "version": version})
    assert future.status_code == 422 and field_error(body(future), "办结日期不能晚于今天。")
    stale = client.post(f"{url}/approve", data={"approved_on": TODAY.isoformat(), "version": version - 1})
    assert stale.status_code == 422 and "您的修改尚未保存" in body(stale)
    assert audit_count() == before
    assert client.post(f"{url}/approve", data={"approved_on": TODAY.isoformat(), "version": version}).status_code == 302
    db.session.expire_all()
    done = db.session.get(ApprovalItem, item.id)
    assert (done.status, done.approved_on) == (ApprovalStatus.APPROVED, TODAY)


def test_another_department_staff_who_see_the_item_still_cannot_approve_it(client, world, sign_in):
    """The planner is on the project's team (sees and keeps it) but the item
    is the housing bureau's: 403, nothing written."""
    world["project"].team = [world["planner"]]
    item = add(world)
    sign_in(world["planner"])
    assert client.get(f"/approvals/items/{item.id}").status_code == 200
    response = client.post(
        f"/approvals/items/{item.id}/approve", data={"approved_on": TODAY.isoformat(), "version": item.version}
    )
    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(ApprovalItem, item.id).status is ApprovalStatus.PENDING


def test_not_needed_needs_a_reason(client, world, sign_in):
    item = add(world)
    url = f"/approvals/items/{item.id}"
    sign_in(world["team"])
    before = audit_count()
    refused = client.post(f"{url}/not-needed", data={"not_needed_reason": "  "})
    assert refused.status_code == 422 and field_error(body(refused), "标记无需办理须写明原因。")
    assert audit_count() == before
    assert client.post(f"{url}/not-needed", data={"not_needed_reason": "已并入立项审批"}).status_code == 302
    page = body(client.get(url))
    assert "无需办理" in page and "已并入立项审批" in page
    sign_in(world["approver"])
    assert client.post(f"{url}/not-needed", data={"not_needed_reason": "x"}).status_code == 403


def test_edit_under_optimistic_locking(client, world, sign_in):
    item = add(world)
    url = f"/approvals/items/{item.id}/edit"
    sign_in(world["team"])
    assert client.get(url).status_code == 200
    data = {
        "type_id": ref_id(RefKind.APPROVAL_TYPE, "环评批复"),
        "department_id": world["housing"].id,
        "due_on": days(40).isoformat(),
        "notes": "改由环保部门出具",
    }
    before = audit_count()
    stale = client.post(url, data={**data, "version": item.version + 5})
    assert stale.status_code == 422 and "您的修改尚未保存" in body(stale)
    blank = client.post(url, data={**data, "due_on": "", "version": item.version})
    assert blank.status_code == 422 and field_error(body(blank), "请填写计划完成日期。")
    assert audit_count() == before
    assert client.post(url, data={**data, "version": item.version}).status_code == 302
    db.session.expire_all()
    saved = db.session.get(ApprovalItem, item.id)
    assert (saved.type.name, saved.due_on, saved.notes) == ("环评批复", days(40), "改由环保部门出具")
    sign_in(world["approver"])
    assert client.get(url).status_code == 403  # the approving department approves; the team edits


def test_the_item_page_shows_its_meetings_and_history(client, world, sign_in):
    item = add(world)
    services.save_meeting(
        {"held_on": days(-3), "title": "第3次联审联批会"}, {item.id: "同意容缺受理，7月底前办结"}, world["admin"]
    )
    db.session.commit()
    sign_in(world["viewer"])
    page = body(client.get(f"/approvals/items/{item.id}"))
    assert "第3次联审联批会" in page and "同意容缺受理，7月底前办结" in page and "2026-07-07" in page
    assert "操作记录" in page and "智能装备产业园：审批事项『施工许可』" in page
    sign_in(world["team"])
    assert "操作记录" not in body(client.get(f"/approvals/items/{item.id}"))


# --- scope ----------------------------------------------------------------------------------


def test_who_sees_what(client, world, sign_in):
    item = add(world)
    sign_in(world["outsider"])
    assert client.get(f"/approvals/items/{item.id}").status_code == 404
    assert client.get(f"/projects/{world['project'].id}").status_code == 404
    assert client.get(f"/approvals/projects/{world['project'].id}/new").status_code == 404
    assert "智能装备产业园" not in body(client.get("/approvals/"))
    sign_in(world["approver"])
    assert client.get(f"/approvals/items/{item.id}").status_code == 200
    assert client.get(f"/projects/{world['project'].id}").status_code == 404
    assert client.post(f"/approvals/items/{item.id}/submit", data={}).status_code == 403
    assert "智能装备产业园" in body(client.get("/approvals/"))


# --- the approval document -------------------------------------------------------------


def test_the_approval_document(client, world, sign_in):
    item = add(world)
    url = f"/approvals/items/{item.id}"
    sign_in(world["approver"])
    fake = client.post(
        f"{url}/files", data={"file": (io.BytesIO(b"MZ\x90\x00"), "批复.pdf")}, content_type="multipart/form-data"
    )
    assert fake.status_code == 422 and field_error(body(fake), "文件内容不是 PDF、JPG 或 PNG")
    assert db.session.scalar(sa.select(sa.func.count(Attachment.id))) == 0
    response = client.post(
        f"{url}/files", data={"file": (io.BytesIO(PDF), "施工许可批复.pdf")}, content_type="multipart/form-data"
    )
    assert response.status_code == 302
    attachment = db.session.scalars(sa.select(Attachment)).one()
    assert attachment.owner_type == "approval_item" and attachment.owner_id == item.id
    sign_in(world["team"])
    assert "施工许可批复.pdf" in body(client.get(url))
    download = client.get(f"/approvals/files/{attachment.id}")
    assert download.status_code == 200 and download.data == PDF
    sign_in(world["outsider"])
    assert client.get(f"/approvals/files/{attachment.id}").status_code == 404
    assert client.post(f"/approvals/files/{attachment.id}/delete").status_code == 404
    sign_in(world["viewer"])
    assert client.post(f"/approvals/files/{attachment.id}/delete").status_code == 403
    sign_in(world["team"])
    assert client.post(f"/approvals/files/{attachment.id}/delete").status_code == 302
    assert client.get(f"/approvals/files/{attachment.id}").status_code == 404


# --- the ledger -------------------------------------------------------------------------


def ledger_world(w):
    """Five items on two projects: overdue 3 days (蓝), 10 days (黄), 20 days
    (红), one approved, one not needed."""
    other = fp.project(name="西城商业综合体", department=w["west"], stage=Stage.SIGNED, level=ProjectLevel.DISTRICT)
    db.session.commit()
    blue = add(w, kind="施工许可", due_on=days(-3))
    yellow = add(w, kind="环评批复", department=w["planning"], due_on=days(-10))
    red = fa.item(other, w["admin"], w["housing"], kind="施工图审查", due_on=days(-20), submitted_on=days(-25))
    approved = fa.item(other, w["admin"], w["planning"], kind="用地预审与选址", due_on=days(-40))
    services.approve(approved, days(-30), w["admin"])
    gone = add(w, kind="节能审查", due_on=days(5))
    services.not_needed(gone, "不涉及", w["admin"])
    db.session.commit()
    return {"blue": blue, "yellow": yellow, "red": red, "approved": approved, "gone": gone, "other": other}


def shown(html: str) -> list[str]:
    """The item types in the ledger's table, in order."""
    table = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r'/approvals/items/\d+">([^<]+)</a></td>', table)


def test_the_ledger_filters_and_counts(client, world, sign_in):
    ledger_world(world)
    sign_in(world["admin"])
    page = body(client.get("/approvals/"))
    assert shown(page) == ["施工图审查", "环评批复", "施工许可", "用地预审与选址", "节能审查"]  # most overdue first
    tabs = dict(re.findall(r'status=(\w+)">[^<]+ <span class="badge[^"]*">(\d+)</span>', page))
    assert tabs == {"open": "3", "pending": "2", "submitted": "1", "approved": "1", "not_needed": "1"}
    assert "逾期 20 天" in page and "红色督办" in page
    cases = {
        f"department_id={world['planning'].id}": ["环评批复", "用地预审与选址"],
        f"type_id={ref_id(RefKind.APPROVAL_TYPE, '施工许可')}": ["施工许可"],
        "status=open": ["施工图审查", "环评批复", "施工许可"],
        "status=approved": ["用地预审与选址"],
        "overdue=1": ["施工图审查", "环评批复", "施工许可"],
        "level=yellow": ["环评批复"],
        "level=red": ["施工图审查"],
        "project_level=district": ["施工图审查", "用地预审与选址"],
        f"lead_department_id={world['east'].id}": ["环评批复", "施工许可", "节能审查"],
        "q=商业": ["施工图审查", "用地预审与选址"],
        f"project_id={world['project'].id}&status=not_needed": ["节能审查"],
    }
    for query, expected in cases.items():
        assert shown(body(client.get(f"/approvals/?{query}"))) == expected, query
    bad = client.get("/approvals/?department_id=abc&level=purple")
    assert (
        bad.status_code == 200
        and "审批部门「abc」无效，已忽略。" in body(bad)
        and "督办等级「purple」无效" in body(bad)
    )
    assert len(shown(body(bad))) == 5


def test_the_ledger_in_the_viewers_scope(client, world, sign_in):
    ledger_world(world)
    sign_in(world["team"])  # 东城: its own project's three items
    assert sorted(shown(body(client.get("/approvals/")))) == ["施工许可", "环评批复", "节能审查"]
    sign_in(world["approver"])  # 区住建局: the items addressed to it, on any project
    assert shown(body(client.get("/approvals/"))) == ["施工图审查", "施工许可", "节能审查"]


def test_the_export_is_a_printable_ledger(client, world, sign_in):
    ledger_world(world)
    sign_in(world["admin"])
    response = client.get("/approvals/export.xlsx?overdue=1")
    assert response.status_code == 200
    assert unquote(response.headers["Content-Disposition"]).endswith("''联审联批事项台账-2026-07-10.xlsx")
    sheet = load_workbook(io.BytesIO(response.data)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0].startswith("联审联批事项台账") and "仅逾期：是" in rows[0][0]
    assert list(rows[1]) == [
        "序号",
        "项目名称",
        "审批事项",
        "审批部门",
        "计划完成时间",
        "申报时间",
        "办结时间",
        "办理状态",
        "逾期天数",
        "备注",
    ]
    assert [row[2] for row in rows[2:-1]] == ["施工图审查", "环评批复", "施工许可"]
    assert rows[2][:4] == (1, "西城商业综合体", "施工图审查", "区住建局")
    assert rows[2][8] == 20 and rows[2][9] == "红色督办"
    assert rows[-1][:2] == ("合计", "共 3 项") and rows[-1][7] == "已办结 0 项" and rows[-1][8] == "逾期 3 项"
    assert sheet.freeze_panes == "A3"
    assert sheet.auto_filter.ref.startswith("A2:J")
    assert sheet.page_setup.paperSize == 9 and sheet.page_setup.orientation == "landscape"
    assert sheet.column_dimensions["B"].width >= 12


def test_an_export_with_a_bad_filter_is_refused_naming_it(client, world, sign_in):
    sign_in(world["admin"])
    response = client.get("/approvals/export.xlsx?department_id=abc")
    assert response.status_code == 400 and "审批部门「abc」无效" in body(response)


# --- the home panel -----------------------------------------------------------------------


def test_the_home_panel_of_an_approving_department(client, world, sign_in):
    ledger_world(world)
    sign_in(world["approver"])
    page = body(client.get("/"))
    assert "审批事项待办" in page
    panel = page.split("审批事项待办", 1)[1].split("</section>", 1)[0]
    assert panel.index("西城商业综合体：施工图审查") < panel.index("智能装备产业园：施工许可")
    assert "逾期 20 天" in panel and "红色督办" in panel
    sign_in(world["viewer"])
    assert "审批事项待办" not in body(client.get("/"))


# --- query counts ---------------------------------------------------------------------------


def _statements(client, count_queries, url: str) -> int:
    client.get(url)  # warm-up
    with count_queries() as n:
        response = client.get(url)
    assert response.status_code == 200
    return n()


@pytest.mark.parametrize("who", ["admin", "team", "approver"])
def test_query_counts_do_not_grow_with_the_rows(client, world, sign_in, count_queries, who):
    sign_in(world[who])
    counts = []
    for size in (2, 14):
        while db.session.scalar(sa.select(sa.func.count(ApprovalItem.id))) < size:
            project = fp.project(department=world["east"], stage=Stage.LANDED, level=ProjectLevel.CITY)
            fa.item(project, world["admin"], world["housing"], due_on=days(-size))
            fa.item(world["project"], world["admin"], world["planning"], kind="环评批复", due_on=days(size))
        db.session.commit()
        counts.append(
            (
                _statements(client, count_queries, "/approvals/?per_page=50"),
                _statements(client, count_queries, f"/projects/{world['project'].id}") if who != "approver" else 0,
                _statements(client, count_queries, "/approvals/export.xlsx"),
            )
        )
    assert counts[0] == counts[1], counts
    assert counts[0][0] <= 10


def test_the_project_panel_takes_at_most_three_queries(world, count_queries):
    from app.approvals.project_panel import approval_panel

    for size in (2, 12):
        while db.session.scalar(sa.select(sa.func.count(ApprovalItem.id))) < size:
            add(world, due_on=days(-size))
        db.session.expire_all()
        project = db.session.get(type(world["project"]), world["project"].id)
        user = db.session.get(type(world["team"]), world["team"].id)
        project.team, user.department  # noqa: B018  (loaded as the project page has them)
        with count_queries() as n:
            panel = approval_panel(project, user)
            assert [row.item.type.name for row in panel.rows] == ["施工许可"] * size
            assert panel.to_do == size and panel.approved == 0 and panel.overdue == size
        assert n() <= 3, n()

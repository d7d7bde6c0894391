"""Projects: every stage-transition rule (service and HTTP, kanban included),
creating and editing with validation and optimistic locking, the 四库 list
with its tabs, filters and constant query count, and the export."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from app import clock
from app.db import db
from app.lookups import ref_id
from app.models import AuditLog, Company, Project, RefKind, Role, Stage, StageChange
from app.projects import services
from app.projects.services import StageError, create_project, move_stage
from tests import factories
from tests import factories_projects as fp

TODAY = clock.today()


def _project(stage: Stage = Stage.PLANNING, **data) -> tuple[Project, object]:
    admin = factories.user(Role.ADMIN)
    project = create_project({"name": data.pop("name", "测试项目"), **data}, admin, stage=stage)
    return project, admin


def _changes(project: Project) -> list[tuple]:
    return db.session.execute(
        sa.select(StageChange.from_stage, StageChange.to_stage, StageChange.note)
        .where(StageChange.project_id == project.id)
        .order_by(StageChange.id)
    ).all()


# --- stage rules (service) ----------------------------------------------------


def test_create_records_the_opening_stage_change_and_audit():
    project, _admin = _project(Stage.ATTRACTING, planned_investment=Decimal("5000"))
    assert _changes(project) == [(None, Stage.ATTRACTING, None)]
    assert db.session.scalar(sa.select(AuditLog.action).where(AuditLog.entity == "project")) == "create"


def test_forward_one_step_needs_no_note():
    project, admin = _project()
    move_stage(project, Stage.ATTRACTING, admin)
    assert project.stage is Stage.ATTRACTING
    assert _changes(project)[-1] == (Stage.PLANNING, Stage.ATTRACTING, None)


def test_skipping_ahead_needs_a_note():
    project, admin = _project()
    with pytest.raises(StageError, match="跨阶段推进") as exc:
        move_stage(project, Stage.SIGNED, admin)
    assert exc.value.field == "note"
    move_stage(project, Stage.SIGNED, admin, note="企业直接签约")
    assert project.stage is Stage.SIGNED
    # Skipping ahead marks the stages it passed as reached.
    assert project.signed_on == TODAY


def test_backward_move_needs_a_note():
    project, admin = _project(Stage.SIGNED)
    with pytest.raises(StageError, match="退回到「招引」须填写说明"):
        move_stage(project, Stage.ATTRACTING, admin, note="   ")
    move_stage(project, Stage.ATTRACTING, admin, note="协议解除，重新洽谈")
    assert project.stage is Stage.ATTRACTING
    assert project.signed_on is not None  # first-reached dates are kept


def test_exit_needs_a_reason_and_keeps_the_from_stage():
    project, admin = _project(Stage.ATTRACTING)
    with pytest.raises(StageError, match="退出原因") as exc:
        move_stage(project, Stage.EXITED, admin)
    assert exc.value.field == "reason_id"
    move_stage(project, Stage.EXITED, admin, reason_id=ref_id(RefKind.REASON, "选址他处"))
    assert project.stage is Stage.EXITED
    assert project.exit_from_stage is Stage.ATTRACTING
    assert project.exit_reason.name == "选址他处"


def test_exit_reason_other_needs_a_note():
    project, admin = _project()
    with pytest.raises(StageError, match="须填写说明"):
        move_stage(project, Stage.EXITED, admin, reason_id=ref_id(RefKind.REASON, "其他"))


def test_exit_reason_must_be_an_exit_reason():
    project, admin = _project()
    with pytest.raises(StageError, match="退出原因"):
        move_stage(project, Stage.EXITED, admin, reason_id=ref_id(RefKind.INDUSTRY, "其他"))


def test_only_admin_reopens_an_exited_project_and_with_a_note():
    project, admin = _project()
    move_stage(project, Stage.EXITED, admin, reason_id=ref_id(RefKind.REASON, "资金不到位"))
    staff = factories.user(Role.STAFF)
    with pytest.raises(StageError, match="只有管理员"):
        move_stage(project, Stage.PLANNING, staff, note="重新启动")
    with pytest.raises(StageError, match="重新启用项目须填写说明"):
        move_stage(project, Stage.PLANNING, admin)
    move_stage(project, Stage.ATTRACTING, admin, note="企业重新表达投资意向")
    assert project.stage is Stage.ATTRACTING
    assert project.exit_reason_id is None and project.exit_from_stage is None


def test_moving_to_the_same_stage_or_a_future_date_is_refused():
    project, admin = _project()
    with pytest.raises(StageError, match="已处于"):
        move_stage(project, Stage.PLANNING, admin)
    with pytest.raises(StageError, match="不能晚于今天"):
        move_stage(project, Stage.ATTRACTING, admin, on=TODAY + dt.timedelta(days=1))


def test_back_dated_move_sets_days_in_stage():
    project, admin = _project()
    move_stage(project, Stage.ATTRACTING, admin, on=TODAY - dt.timedelta(days=12))
    assert services.days_in_stage(project, TODAY) == 12
    assert _changes(project)[-1][1] is Stage.ATTRACTING


def test_new_project_cannot_start_exited_or_with_negative_investment():
    admin = factories.user(Role.ADMIN)
    with pytest.raises(StageError):
        create_project({"name": "x"}, admin, stage=Stage.EXITED)
    with pytest.raises(services.ProjectError, match="计划总投资不能为负数"):
        create_project({"name": "x", "planned_investment": Decimal("-1")}, admin)


# --- create and edit over HTTP -------------------------------------------------


def _form(**overrides) -> dict:
    data = {
        "name": "比亚迪新能源汽车零部件产业园",
        "company_name": "比亚迪股份有限公司",
        "industry_id": str(ref_id(RefKind.INDUSTRY, "智能制造")),
        "planned_investment": "1,000,000",
        "land_area": "520.5",
        "expected_output": "",
        "expected_tax": "",
        "location": "开发区北区",
        "description": "",
        "stage": "planning",
        "stage_note": "",
        "lead_department_id": "",
    }
    data.update(overrides)
    return data


def test_staff_creates_a_project_in_their_department(client, login_as):
    staff = login_as("staff")
    response = client.post("/projects/new", data=_form())
    assert response.status_code == 302
    project = db.session.scalar(sa.select(Project))
    assert project.lead_department_id == staff.department_id
    assert project.planned_investment == Decimal("1000000")
    assert project.company.name == "比亚迪股份有限公司"
    assert project.is_key is False  # staff cannot mark key projects
    # The same company name links the existing company record.
    client.post("/projects/new", data=_form(name="比亚迪二期", company_name="比亚迪股份有限公司"))
    assert db.session.scalar(sa.select(sa.func.count(Company.id))) == 1


def test_staff_cannot_set_key_or_another_department(client, login_as):
    staff = login_as("staff")
    other = factories.department()
    db.session.commit()
    response = client.post("/projects/new", data=_form(is_key="y", lead_department_id=str(other.id)))
    assert response.status_code == 200
    assert "所选项不存在或不可选" in response.get_data(as_text=True)
    client.post("/projects/new", data=_form(is_key="y", lead_department_id=str(staff.department_id)))
    assert db.session.scalar(sa.select(Project.is_key)) is False


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("planned_investment", "-5", "计划总投资（万元）：金额不能为负数"),
        ("planned_investment", "abc", "计划总投资（万元）：金额格式无法识别"),
        ("land_area", "-1", "用地面积不能为负数"),
        ("name", "", "请填写项目名称"),
    ],
)
def test_bad_project_input_is_refused_clearly(client, login_as, field, value, message):
    login_as("admin")
    response = client.post("/projects/new", data=_form(**{field: value}))
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Project.id))) == 0


def test_second_concurrent_edit_is_told_and_keeps_input(client, login_as):
    admin = login_as("admin")
    project = fp.project(name="原名称", department=admin.department or factories.department())
    db.session.commit()
    stale_version = project.version
    form = _form(name="第一人修改", version=str(stale_version))
    assert client.post(f"/projects/{project.id}/edit", data=form).status_code == 302
    response = client.post(f"/projects/{project.id}/edit", data=_form(name="第二人修改", version=str(stale_version)))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "修改" in html and "您的输入已保留" in html
    assert 'value="第二人修改"' in html
    db.session.expire_all()
    assert db.session.get(Project, project.id).name == "第一人修改"


def test_edit_form_offers_key_only_to_admin(client, login_as):
    staff = login_as("staff")
    project = fp.project(department=staff.department, is_key=False)
    db.session.commit()
    html = client.get(f"/projects/{project.id}/edit").get_data(as_text=True)
    assert 'name="is_key"' not in html
    client.post(f"/projects/{project.id}/edit", data=_form(is_key="y", version=str(project.version)))
    db.session.expire_all()
    assert db.session.get(Project, project.id).is_key is False


# --- stage moves over HTTP and the kanban --------------------------------------


def test_stage_form_shows_the_rule_message(client, login_as):
    staff = login_as("staff")
    project = fp.project(stage=Stage.SIGNED, department=staff.department)
    db.session.commit()
    response = client.post(f"/projects/{project.id}/stage", data={"to": "attracting", "note": ""})
    assert response.status_code == 302
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "退回到「招引」须填写说明" in html
    db.session.expire_all()
    assert db.session.get(Project, project.id).stage is Stage.SIGNED


def test_kanban_drag_posts_to_the_same_endpoint_and_gets_json(client, login_as):
    staff = login_as("staff")
    project = fp.project(stage=Stage.PLANNING, department=staff.department)
    db.session.commit()
    headers = {"Accept": "application/json"}
    refused = client.post(f"/projects/{project.id}/stage", data={"to": "signed"}, headers=headers)
    assert refused.status_code == 400
    assert refused.get_json() == {"ok": False, "message": "跨阶段推进（谋划 → 签约）须填写说明。", "field": "note"}
    moved = client.post(f"/projects/{project.id}/stage", data={"to": "attracting"}, headers=headers)
    assert moved.get_json()["ok"] is True
    db.session.expire_all()
    assert db.session.get(Project, project.id).stage is Stage.ATTRACTING


def test_kanban_move_without_rights_is_refused_in_json(client, login_as):
    login_as("staff")
    project = fp.project(stage=Stage.PLANNING, department=factories.department())
    db.session.commit()
    # Not visible to this staff member at all: 404, no existence leak.
    response = client.post(
        f"/projects/{project.id}/stage", data={"to": "attracting"}, headers={"Accept": "application/json"}
    )
    assert response.status_code == 404


def test_leader_and_viewer_cannot_move_stages(client, login_as):
    project = fp.project(stage=Stage.PLANNING)
    db.session.commit()
    login_as("viewer")
    assert client.post(f"/projects/{project.id}/stage", data={"to": "attracting"}).status_code == 403


def test_kanban_shows_columns_with_counts_and_sums(client, login_as):
    login_as("admin")
    fp.project(stage=Stage.PLANNING, planned_investment=15000, name="谋划甲")
    fp.project(stage=Stage.PLANNING, planned_investment=25000, name="谋划乙")
    fp.project(stage=Stage.SIGNED, planned_investment=100000, name="签约丙")
    db.session.commit()
    html = client.get("/projects/kanban").get_data(as_text=True)
    assert "2 个 · 4.0 亿元" in html
    assert "1 个 · 10.0 亿元" in html
    assert 'draggable="true"' in html
    assert "js/kanban.js" in html


# --- the list: tabs, filters, query count --------------------------------------


def _seed_library(department=None):
    rows = [
        ("谋划一", Stage.PLANNING, 12345, True),
        ("招引一", Stage.ATTRACTING, 50000, True),
        ("招引二", Stage.ATTRACTING, 30000, False),
        ("签约一", Stage.SIGNED, 100000, True),
        ("落地一", Stage.LANDED, 8000, False),
        ("开工一", Stage.CONSTRUCTION, 20000, True),
        ("投产一", Stage.PRODUCTION, 4000, False),
        ("退出一", Stage.EXITED, 60000, False),
    ]
    return [
        fp.project(name=n, stage=s, planned_investment=a, is_key=k, department=department, last_progress_on=TODAY)
        for n, s, a, k in rows
    ]


def test_library_tabs_show_count_and_yi(client, login_as):
    login_as("admin")
    _seed_library()
    db.session.commit()
    html = client.get("/projects/").get_data(as_text=True)
    assert "1 个 · 1.2 亿元" in html  # 谋划库 12345 万元 → 1.2 亿元
    assert "2 个 · 8.0 亿元" in html  # 招引库
    assert "1 个 · 10.0 亿元" in html  # 签约库
    assert "3 个 · 3.2 亿元" in html  # 落地库 = landed + construction + production
    assert "7 个 · 22.4 亿元" in html  # 全部在库 excludes the exited one
    landed = client.get("/projects/?library=landed").get_data(as_text=True)
    assert "落地一" in landed and "开工一" in landed and "投产一" in landed and "签约一" not in landed
    exited = client.get("/projects/?stage=exited").get_data(as_text=True)
    assert "退出一" in exited and "招引一" not in exited


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("key=1", {"谋划一", "招引一", "签约一", "开工一"}),
        ("stage=attracting", {"招引一", "招引二"}),
        ("library=attracting&stage=signed", set()),
        ("q=qianyue", {"签约一"}),
        ("q=zy", {"招引一", "招引二"}),
        ("light=green", {"谋划一", "招引一", "签约一", "开工一"}),
        ("light=red", set()),
        ("department_id=abc&sort=bogus&page=x", {"谋划一", "招引一", "招引二", "签约一", "落地一", "开工一", "投产一"}),
    ],
)
def test_list_filters(client, login_as, query, expected):
    login_as("admin")
    _seed_library()
    db.session.commit()
    html = client.get(f"/projects/?{query}&per_page=50").get_data(as_text=True)
    shown = {
        name
        for name in ("谋划一", "招引一", "招引二", "签约一", "落地一", "开工一", "投产一", "退出一")
        if f">{name}<" in html
    }
    assert shown == expected


def test_list_filters_by_department_leader_and_industry(client, login_as):
    login_as("admin")
    dept = factories.department()
    leader = factories.user(Role.LEADER)
    industry = ref_id(RefKind.INDUSTRY, "现代物流")
    fp.project(name="物流园", department=dept, leader=leader, industry_id=industry)
    fp.project(name="别的项目")
    db.session.commit()
    for query in (f"department_id={dept.id}", f"leader_id={leader.id}", f"industry_id={industry}"):
        html = client.get(f"/projects/?{query}").get_data(as_text=True)
        assert ">物流园<" in html and ">别的项目<" not in html, query


def test_list_shows_days_in_stage_light_reason_and_five_ones(client, login_as):
    login_as("admin")
    project = fp.complete_project(name="重点甲", stage_since=TODAY - dt.timedelta(days=9))
    fp.milestone(project, name="土地挂牌", due_on=TODAY - dt.timedelta(days=12))
    db.session.commit()
    html = client.get("/projects/").get_data(as_text=True)
    assert "9 天" in html
    assert "节点『土地挂牌』逾期 12 天" in html
    assert "已落实" in html
    assert "五个一落实率" in html and "100.0%" in html


def test_staff_list_is_limited_to_their_scope(client, login_as):
    staff = login_as("staff")
    mine = fp.project(name="本部门项目", department=staff.department)
    fp.project(name="外部门项目", department=factories.department())
    member = fp.project(name="专班项目", department=factories.department(), team=[staff])
    db.session.commit()
    html = client.get("/projects/").get_data(as_text=True)
    assert ">本部门项目<" in html and ">专班项目<" in html and ">外部门项目<" not in html
    assert "2 个" in html
    assert client.get(f"/projects/{mine.id}").status_code == 200
    assert client.get(f"/projects/{member.id}").status_code == 200


@pytest.mark.parametrize("path", ["/projects/", "/projects/kanban"])
def test_list_and_kanban_queries_do_not_grow_with_page_size(client, login_as, count_queries, path):
    login_as("staff", scope="all")
    leader = factories.user(Role.LEADER)

    def add(n: int) -> None:
        for i in range(n):
            project = fp.complete_project(leader=leader, name=f"项目{i}-{n}")
            fp.milestone(project, due_on=TODAY - dt.timedelta(days=i % 5))
            fp.problem(project, deadline=TODAY - dt.timedelta(days=i % 3))
        db.session.commit()

    add(3)
    with count_queries() as few:
        assert client.get(f"{path}?per_page=100").status_code == 200
    add(30)
    with count_queries() as many:
        assert client.get(f"{path}?per_page=100").status_code == 200
    assert many() == few(), (few(), many())
    assert many() <= 10, many()


def test_export_follows_the_filter(client, login_as):
    login_as("admin")
    _seed_library()
    db.session.commit()
    response = client.get("/projects/export.xlsx?library=attracting")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert "项目库台账" in rows[0][0] and "招引库" in rows[0][0]
    assert rows[1][1] == "项目名称"
    assert sorted(r[1] for r in rows[2:] if r[0] != "合计") == ["招引一", "招引二"]


def test_archived_projects_are_left_out_like_in_reports(client, login_as):
    admin = login_as("admin")
    fp.project(name="在用项目")
    fp.project(name="归档项目", archived_at=dt.datetime(2026, 1, 1), created_by_id=admin.id)
    db.session.commit()
    html = client.get("/projects/").get_data(as_text=True)
    assert ">在用项目<" in html and ">归档项目<" not in html
    html = client.get("/projects/?archived=1").get_data(as_text=True)
    assert ">归档项目<" in html and ">在用项目<" not in html
    client.post("/auth/logout")
    login_as("viewer")
    html = client.get("/projects/?archived=1").get_data(as_text=True)
    assert ">归档项目<" not in html and ">在用项目<" in html

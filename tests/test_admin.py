"""Admin: users, departments and reference lists; every change audited."""

from __future__ import annotations

import sqlalchemy as sa

from app.db import db
from app.models import AuditLog, DataScope, Department, RefItem, RefKind, Role, User
from tests import factories


def test_reference_lists_are_seeded_with_design_values(client, login_as):
    login_as("admin")
    html = client.get("/admin/lists/source").get_data(as_text=True)
    for name in ("外出招商", "产业链招商", "上级推介", "企业来访"):
        assert name in html
    names = db.session.scalars(sa.select(RefItem.name).where(RefItem.kind == RefKind.TIER)).all()
    assert "世界500强" in names and "专精特新" in names and len(names) == 11
    assert db.session.scalar(
        sa.select(RefItem.needs_note).where(RefItem.kind == RefKind.REASON, RefItem.name == "其他")
    )


def test_admin_creates_user_and_it_can_sign_in(client, login_as):
    login_as("admin")
    dept = factories.department("柳林镇")
    db.session.commit()
    response = client.post(
        "/admin/users/new",
        data={
            "username": "zhang.san",
            "name": "张三",
            "title": "招商专员",
            "role": "staff",
            "scope": "department",
            "department_id": str(dept.id),
            "password": "Strong-Pass-2026",
        },
    )
    assert response.status_code == 302
    user = db.session.scalar(sa.select(User).where(User.username == "zhang.san"))
    assert user.role is Role.STAFF and user.department_id == dept.id and user.scope is DataScope.DEPARTMENT
    assert (
        db.session.scalar(sa.select(sa.func.count()).where(AuditLog.entity == "user", AuditLog.action == "create")) == 1
    )
    client.post("/auth/logout")
    assert client.post("/auth/login", data={"username": "zhang.san", "password": "Strong-Pass-2026"}).status_code == 302


def test_staff_without_department_is_refused(client, login_as):
    login_as("admin")
    response = client.post(
        "/admin/users/new",
        data={
            "username": "nodept",
            "name": "无部门",
            "role": "staff",
            "scope": "department",
            "department_id": "",
            "password": "Strong-Pass-2026",
        },
    )
    assert response.status_code == 200
    assert "必须属于一个部门" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(User).where(User.username == "nodept")) is None


def test_unknown_department_id_is_refused_next_to_the_field(client, login_as):
    login_as("admin")
    response = client.post(
        "/admin/users/new",
        data={
            "username": "ghost",
            "name": "幽灵",
            "role": "staff",
            "scope": "department",
            "department_id": "999999",
            "password": "Strong-Pass-2026",
        },
    )
    assert response.status_code == 200
    assert "所选项不存在" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(User).where(User.username == "ghost")) is None


def test_duplicate_username_and_weak_password_refused(client, login_as):
    admin = login_as("admin")
    response = client.post(
        "/admin/users/new",
        data={
            "username": admin.username,
            "name": "重名",
            "role": "viewer",
            "scope": "all",
            "password": "Strong-Pass-2026",
        },
    )
    assert "用户名已被使用" in response.get_data(as_text=True)
    response = client.post(
        "/admin/users/new",
        data={
            "username": "weakling",
            "name": "弱密码",
            "role": "viewer",
            "scope": "all",
            "password": "password",
        },
    )
    assert "至少" in response.get_data(as_text=True) or "常见" in response.get_data(as_text=True)


def test_edit_user_role_and_deactivate(client, login_as):
    login_as("admin")
    user = factories.user("staff")
    db.session.commit()
    response = client.post(
        f"/admin/users/{user.id}",
        data={
            "username": user.username,
            "name": "改名",
            "title": "副区长",
            "role": "leader",
            "scope": "all",
            "department_id": "",
        },
    )
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.role is Role.LEADER and user.name == "改名" and user.title == "副区长"
    assert client.post(f"/admin/users/{user.id}/active", data={"active": "0"}).status_code == 302
    db.session.refresh(user)
    assert user.active is False


def test_admin_cannot_deactivate_self(client, login_as):
    admin = login_as("admin")
    client.post(f"/admin/users/{admin.id}/active", data={"active": "0"})
    db.session.refresh(admin)
    assert admin.active is True


def test_reset_password_invalidates_sessions(client, login_as, app):
    login_as("admin")
    user = factories.user("staff")
    db.session.commit()
    version = user.session_version
    response = client.post(f"/admin/users/{user.id}/password", data={"password": "Reset-Pass-2026"})
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.session_version == version + 1


def test_departments_with_parent_and_no_cycles(client, login_as):
    login_as("admin")
    response = client.post(
        "/admin/departments/new",
        data={"name": "经济技术开发区管委会", "kind": "zone", "sort_order": "1", "active": "y"},
    )
    assert response.status_code == 302
    parent = db.session.scalar(sa.select(Department).where(Department.name == "经济技术开发区管委会"))
    response = client.post(
        "/admin/departments/new",
        data={"name": "开发区招商一局", "kind": "zone", "parent_id": str(parent.id), "active": "y"},
    )
    assert response.status_code == 302
    child = db.session.scalar(sa.select(Department).where(Department.name == "开发区招商一局"))
    assert child.parent_id == parent.id
    response = client.post(
        f"/admin/departments/{parent.id}",
        data={"name": parent.name, "kind": "zone", "parent_id": str(child.id), "active": "y"},
    )
    assert "上级部门不能是本部门或其下属部门" in response.get_data(as_text=True)
    db.session.refresh(parent)
    assert parent.parent_id is None
    assert "开发区招商一局" in client.get("/admin/departments").get_data(as_text=True)


def test_reference_list_add_rename_deactivate(client, login_as):
    login_as("admin")
    assert (
        client.post("/admin/lists/industry", data={"name": "新能源", "sort_order": "130", "active": "y"}).status_code
        == 302
    )
    item = db.session.scalar(sa.select(RefItem).where(RefItem.name == "新能源"))
    assert item.kind is RefKind.INDUSTRY
    dup = client.post("/admin/lists/industry", data={"name": "新能源"})
    assert "已有同名" in dup.get_data(as_text=True)
    assert (
        client.post(f"/admin/lists/industry/{item.id}", data={"name": "新能源汽车", "sort_order": "130"}).status_code
        == 302
    )
    db.session.refresh(item)
    assert item.name == "新能源汽车" and item.active is False
    assert client.get("/admin/lists/nonsense").status_code == 404


def test_html_in_names_is_escaped(client, login_as):
    login_as("admin")
    client.post("/admin/departments/new", data={"name": "<script>alert(1)</script>", "kind": "other", "active": "y"})
    html = client.get("/admin/departments").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


def test_over_long_department_name_refused(client, login_as):
    login_as("admin")
    response = client.post("/admin/departments/new", data={"name": "长" * 10000, "kind": "other"})
    assert response.status_code == 200
    assert db.session.scalar(sa.select(sa.func.count(Department.id))) == 0


def test_audit_log_lists_and_filters_entries(client, login_as):
    admin = login_as("admin")
    client.post("/admin/departments/new", data={"name": "审计测试部门", "kind": "other", "active": "y"})
    dept = db.session.scalar(sa.select(Department).where(Department.name == "审计测试部门"))
    html = client.get(f"/admin/audit?entity=department&entity_id={dept.id}").get_data(as_text=True)
    assert "审计测试部门" in html and "新建" in html
    html = client.get(f"/admin/audit?entity=user&entity_id={admin.id}&action=login").get_data(as_text=True)
    assert "登录" in html and "审计测试部门" not in html
    bad = client.get("/admin/audit?date_from=2026-02-30&entity_id=abc")
    assert bad.status_code == 200
    assert "没有符合条件的记录" in bad.get_data(as_text=True)


def test_audit_log_is_admin_only_and_read_only(client, login_as, app):
    login_as("staff")
    assert client.get("/admin/audit").status_code == 403
    audit_rules = [r for r in app.url_map.iter_rules() if "audit" in r.rule]
    assert audit_rules and all(r.methods <= {"GET", "HEAD", "OPTIONS"} for r in audit_rules)

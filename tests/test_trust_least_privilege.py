"""Least privilege by default (issue 17): the new-user form preselects no
role and creating an administrator asks for confirmation; a company nobody
holds yet is edited by the department that entered it, its followers and
the admin — not by any department's staff — and only the admin archives one."""

from __future__ import annotations

import sqlalchemy as sa

from app.db import db
from app.models import Company, Role, User
from tests import factories
from tests import factories_leads as fl


def test_the_new_user_form_preselects_no_role(client, login_as):
    login_as("admin")
    page = client.get("/admin/users/new").get_data(as_text=True)
    select = page[page.index('name="role"') : page.index("</select>", page.index('name="role"'))]
    assert "selected" not in select.split("</option>", 1)[1]  # only the blank prompt may be chosen
    assert "— 请选择 —" in select


def test_creating_an_administrator_asks_for_confirmation(client, login_as):
    login_as("admin")
    data = {"username": "newboss", "name": "新局长", "role": "admin", "scope": "all", "password": "河南招商-Kf8q2Lx"}
    page = client.post("/admin/users/new", data=data).get_data(as_text=True)
    assert "将授予管理员权限" in page and 'name="confirm_admin"' in page
    assert db.session.scalar(sa.select(User).where(User.username == "newboss")) is None
    client.post("/admin/users/new", data={**data, "confirm_admin": "y"})
    assert db.session.scalar(sa.select(User.role).where(User.username == "newboss")) is Role.ADMIN


def _company_entered_by(department_name: str) -> tuple[Company, User]:
    entering = factories.department(department_name)
    creator = factories.user("staff", department=entering)
    company = fl.company("无人首报科技有限公司", created_by_id=creator.id)
    db.session.commit()
    return company, creator


def test_staff_of_another_department_cannot_rename_an_unheld_company(client, login_as):
    company, _creator = _company_entered_by("东城街道")
    login_as("staff", department=factories.department("西城街道"))
    response = client.post(f"/companies/{company.id}/edit", data={"name": "被改名的企业有限公司"})
    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(Company, company.id).name == "无人首报科技有限公司"


def test_the_entering_department_and_followers_may_edit(client, login_as):
    company, creator = _company_entered_by("东城街道")
    colleague = factories.user("staff", department=creator.department)
    db.session.commit()
    login_as(colleague)  # while nobody holds it: the department that entered it
    assert client.get(f"/companies/{company.id}/edit").status_code == 200
    follower_department = factories.department("南湖街道")
    follower = factories.user("staff", department=follower_department)
    fl.lead(company=company, department=follower_department, owner=follower)
    db.session.commit()
    client.post("/auth/logout")
    login_as(follower)  # a department following it
    assert client.get(f"/companies/{company.id}/edit").status_code == 200


def test_only_the_admin_archives_a_company(client, login_as):
    company, creator = _company_entered_by("东城街道")
    login_as(creator)
    assert client.post(f"/records/company/{company.id}/archive", data={"reason": "重复"}).status_code == 403
    client.post("/auth/logout")
    login_as("admin")
    client.post(f"/records/company/{company.id}/archive", data={"reason": "重复"})
    db.session.expire_all()
    assert db.session.get(Company, company.id).archived_at is not None

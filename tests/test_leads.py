"""Leads: entering them (with the company resolved and the 撞单 warning
before saving), bad input, the status pipeline and its maintained dates,
conversion to a project, optimistic locking."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import sqlalchemy as sa

from app import clock
from app.db import db
from app.leads import pipeline, services
from app.models import (
    AuditLog,
    Company,
    CompanyConflict,
    ConflictStatus,
    Lead,
    LeadStatus,
    LeadStatusChange,
    Project,
    RefKind,
    Stage,
)
from tests import factories
from tests import factories_leads as fl

TODAY = clock.today()


def form(dept, owner=None, **overrides):
    data = {
        "company_name": "华润置业有限公司",
        "credit_code": "",
        "title": "拟设立华中区域总部",
        "intended_investment": "50000",
        "owner_department_id": str(dept.id),
        "owner_user_id": str(owner.id) if owner else "",
        "received_on": TODAY.isoformat(),
    }
    data.update(dict(overrides.items()))
    return data


def count(model):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


@pytest.fixture
def two_departments():
    east, west = factories.department("东城街道"), factories.department("西城街道")
    alice = factories.user("staff", department=east, name="孙丽娜")
    bob = factories.user("staff", department=west, name="周伟")
    db.session.commit()
    return east, west, alice, bob


# --- entering a lead ----------------------------------------------------------------


def test_staff_enters_a_lead_with_a_new_company(client, login_as, two_departments):
    east, _west, alice, _bob = two_departments
    login_as(alice)
    page = client.get("/leads/new").get_data(as_text=True)
    assert f'<option selected value="{east.id}">' in page  # owner department defaults to one's own
    response = client.post("/leads/new", data=form(east, alice, credit_code="91110000600037341L"))
    assert response.status_code == 302
    lead = db.session.scalar(sa.select(Lead))
    company = db.session.get(Company, lead.company_id)
    assert company.name == "华润置业有限公司" and company.credit_code == "91110000600037341L"
    assert company.normalized_name == "华润置业有限公司"
    assert "hrzy" in company.search_text and "91110000600037341l" in company.search_text
    # 首报: the first department to report the company holds it.
    assert company.first_department_id == east.id and company.first_reported_on == TODAY
    assert lead.status is LeadStatus.NEW and lead.intended_investment == Decimal("50000")
    assert lead.owner_user_id == alice.id and lead.created_by_id == alice.id
    change = db.session.scalar(sa.select(LeadStatusChange).where(LeadStatusChange.lead_id == lead.id))
    assert change.to_status is LeadStatus.NEW and change.changed_by_id == alice.id
    assert db.session.scalar(sa.select(AuditLog).where(AuditLog.entity == "lead", AuditLog.action == "create"))


def test_credit_code_on_file_links_the_existing_company(client, login_as, two_departments):
    east, _west, alice, _bob = two_departments
    existing = fl.company("华润置业有限公司", credit_code="91110000600037341L")
    db.session.commit()
    login_as(alice)
    response = client.post(
        "/leads/new", data=form(east, alice, company_name="华润置业", credit_code="91110000600037341L")
    )
    assert response.status_code == 302
    assert db.session.scalar(sa.select(Lead.company_id)) == existing.id
    assert count(Company) == 1


def test_duplicate_warning_across_departments_names_department_and_date_only(client, login_as, two_departments):
    east, west, alice, bob = two_departments
    received = TODAY - dt.timedelta(days=20)
    holder_lead = fl.lead(
        company=fl.company("华润置业有限公司"),
        department=east,
        owner=alice,
        title="机密：拟投资三十亿元建设总部",
        contact_name="王秘书",
        received_on=received,
    )
    db.session.commit()
    login_as(bob)

    # 1. A variant spelling: the person is asked whether it is the company on file.
    response = client.post("/leads/new", data=form(west, bob, company_name="郑州华润置业有限责任公司"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "企业库中可能已有该企业" in html and "华润置业有限公司" in html
    assert "东城街道" in html and received.isoformat() in html
    assert count(Lead) == 1 and count(Company) == 1  # nothing saved

    # 2. They pick it: the 撞单 warning, before saving, with department and date only.
    company_id = holder_lead.company_id
    response = client.post(
        "/leads/new", data=form(west, bob, company_name="郑州华润置业有限责任公司", company_choice=str(company_id))
    )
    html = response.get_data(as_text=True)
    assert "撞单提醒" in html and f"东城街道 于 {received.isoformat()} 首报跟进" in html
    assert "机密" not in html and "王秘书" not in html and "三十亿" not in html
    assert count(Lead) == 1

    # 3. Saving anyway is allowed; both leads are flagged and admin sees the conflict.
    response = client.post(
        "/leads/new",
        data=form(
            west, bob, company_name="郑州华润置业有限责任公司", company_choice=str(company_id), confirm_duplicate="y"
        ),
    )
    assert response.status_code == 302
    new_lead = db.session.scalar(sa.select(Lead).where(Lead.owner_department_id == west.id))
    assert new_lead.company_id == company_id
    db.session.refresh(holder_lead)
    assert new_lead.has_conflict and holder_lead.has_conflict
    conflict = db.session.scalar(sa.select(CompanyConflict))
    assert (conflict.lead_id, conflict.holder_department_id, conflict.claimant_department_id) == (
        new_lead.id,
        east.id,
        west.id,
    )
    assert conflict.status is ConflictStatus.OPEN
    assert db.session.get(Company, company_id).first_department_id == east.id  # the holder keeps it


def test_choosing_new_company_when_it_is_another_one(client, login_as, two_departments):
    east, west, alice, bob = two_departments
    fl.lead(company=fl.company("华润置业有限公司"), department=east, owner=alice)
    db.session.commit()
    login_as(bob)
    response = client.post("/leads/new", data=form(west, bob, company_name="华润置业", company_choice="new"))
    assert response.status_code == 302
    assert count(Company) == 2
    assert count(CompanyConflict) == 0


def test_same_department_second_lead_is_no_conflict(client, login_as, two_departments):
    east, _west, alice, _bob = two_departments
    first = fl.lead(company=fl.company("华润置业有限公司"), department=east, owner=alice)
    db.session.commit()
    login_as(alice)
    response = client.post("/leads/new", data=form(east, alice, company_choice=str(first.company_id)))
    assert response.status_code == 302
    assert count(CompanyConflict) == 0
    assert not any(db.session.scalars(sa.select(Lead.has_conflict)))


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("credit_code", "91110000600037341M", "校验位不正确"),
        ("credit_code", "123", "18 位"),
        ("intended_investment", "-5", "不能为负数"),
        ("intended_investment", "很多", "意向投资额（万元）：金额格式无法识别"),
        ("owner_department_id", "999999", "所选项不存在"),
        ("owner_user_id", "999999", "所选项不存在"),
        ("title", "意" * 10000, "200"),
        ("company_name", "企" * 10000, "200"),
        ("received_on", (TODAY + dt.timedelta(days=3)).isoformat(), "不能晚于今天"),
        ("received_on", "2026-02-30", "日期"),
        ("contact_phone", "<script>", "电话"),
    ],
)
def test_bad_input_is_refused_next_to_the_field_and_nothing_saved(
    client, login_as, two_departments, field, value, message
):
    east, _west, alice, _bob = two_departments
    login_as(alice)
    response = client.post("/leads/new", data=form(east, alice, **{field: value}))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert message in html and "invalid-feedback" in html
    assert count(Lead) == 0 and count(Company) == 0


def test_owner_of_another_department_is_refused(client, login_as, two_departments):
    east, west, alice, bob = two_departments
    login_as(alice)
    # Bob's department is not in Alice's scope, and Bob is not in Alice's department.
    response = client.post("/leads/new", data=form(west, bob))
    assert response.status_code == 200 and count(Lead) == 0
    response = client.post("/leads/new", data=form(east, bob))
    assert response.status_code == 200 and count(Lead) == 0


def test_html_in_text_fields_is_shown_escaped(client, login_as, two_departments):
    east, _west, alice, _bob = two_departments
    login_as(alice)
    payload = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    response = client.post(
        "/leads/new", data=form(east, alice, company_name="恶意" + payload[:40], title=payload, description=payload)
    )
    assert response.status_code == 302
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;" in html


# --- the status pipeline --------------------------------------------------------------


def make(two_departments, **fields):
    east, _west, alice, _bob = two_departments
    return fl.lead(company=fl.company(), department=east, owner=alice, **fields), alice


def test_forward_moves_record_who_and_when(app, two_departments):
    lead, alice = make(two_departments)
    pipeline.advance(lead, LeadStatus.CONTACTED, alice, note="电话联系上")
    pipeline.advance(lead, LeadStatus.NEGOTIATING, alice)
    db.session.commit()
    assert lead.status is LeadStatus.NEGOTIATING
    assert lead.contacted_on == TODAY and lead.negotiating_on == TODAY
    changes = db.session.scalars(
        sa.select(LeadStatusChange).where(LeadStatusChange.lead_id == lead.id).order_by(LeadStatusChange.id)
    ).all()
    assert [(c.from_status, c.to_status) for c in changes] == [
        (None, LeadStatus.NEW),
        (LeadStatus.NEW, LeadStatus.CONTACTED),
        (LeadStatus.CONTACTED, LeadStatus.NEGOTIATING),
    ]
    assert all(c.changed_by_id == alice.id and c.changed_at for c in changes[1:])
    assert changes[1].note == "电话联系上"


def test_skipping_to_negotiating_fills_the_earlier_step(app, two_departments):
    lead, alice = make(two_departments)
    pipeline.advance(lead, LeadStatus.NEGOTIATING, alice, on=TODAY - dt.timedelta(days=2))
    assert lead.contacted_on == lead.negotiating_on == TODAY - dt.timedelta(days=2)


@pytest.mark.parametrize(
    ("status", "to"),
    [
        (LeadStatus.NEGOTIATING, LeadStatus.CONTACTED),
        (LeadStatus.CONTACTED, LeadStatus.CONTACTED),
        (LeadStatus.NEW, LeadStatus.CONVERTED),  # only through convert_lead
        (LeadStatus.NEW, LeadStatus.SHELVED),  # only through shelve (reason)
    ],
)
def test_refused_moves(app, two_departments, status, to):
    lead, alice = make(two_departments, status=status)
    with pytest.raises(services.LeadError):
        pipeline.advance(lead, to, alice)


def test_shelving_needs_a_reason_and_other_needs_a_note(app, two_departments):
    lead, alice = make(two_departments, status=LeadStatus.CONTACTED)
    other = fl.ref(RefKind.REASON, "其他")
    moved = fl.ref(RefKind.REASON, "选址他处")
    with pytest.raises(services.LeadError, match="搁置原因"):
        pipeline.shelve(lead, alice, reason_id=None)
    with pytest.raises(services.LeadError, match="搁置原因"):
        pipeline.shelve(lead, alice, reason_id=fl.ref(RefKind.SOURCE).id)  # not a reason
    with pytest.raises(services.LeadError, match="须填写说明"):
        pipeline.shelve(lead, alice, reason_id=other.id)
    pipeline.shelve(lead, alice, reason_id=moved.id)
    assert lead.status is LeadStatus.SHELVED and lead.status_before_shelve is LeadStatus.CONTACTED
    change = lead.status_changes[-1]
    assert change.reason_id == moved.id and change.changed_by_id == alice.id


def test_unshelving_returns_to_the_previous_status(app, two_departments):
    lead, alice = make(two_departments, status=LeadStatus.NEGOTIATING)
    pipeline.shelve(lead, alice, reason_id=fl.ref(RefKind.REASON, "其他").id, note="企业暂停扩张")
    pipeline.unshelve(lead, alice, note="企业重启计划")
    assert lead.status is LeadStatus.NEGOTIATING
    assert lead.shelve_reason_id is None and lead.status_before_shelve is None
    assert [c.to_status for c in lead.status_changes][-2:] == [LeadStatus.SHELVED, LeadStatus.NEGOTIATING]


def test_shelving_keeps_the_furthest_step_reached(app, two_departments):
    lead, alice = make(two_departments, status=LeadStatus.CONTACTED)
    pipeline.advance(lead, LeadStatus.NEGOTIATING, alice)
    pipeline.shelve(lead, alice, reason_id=fl.ref(RefKind.REASON, "选址他处").id)
    assert lead.negotiating_on == TODAY and lead.contacted_on is not None


def test_status_changed_at_follows_every_change(app, two_departments):
    old = dt.datetime(2026, 1, 5, 2, 0)
    lead, alice = make(two_departments, status_changed_at=old)
    pipeline.advance(lead, LeadStatus.CONTACTED, alice)
    assert lead.status_changed_at > old


def test_shelve_and_unshelve_through_the_page(client, login_as, two_departments):
    lead, alice = make(two_departments, status=LeadStatus.CONTACTED)
    db.session.commit()
    login_as(alice)
    reason = fl.ref(RefKind.REASON, "其他")
    response = client.post(
        f"/leads/{lead.id}/shelve", data={"reason_id": reason.id, "note": "", "version": lead.version}
    )
    assert response.status_code == 302
    assert "须填写说明" in client.get(f"/leads/{lead.id}").get_data(as_text=True)
    db.session.refresh(lead)
    assert lead.status is LeadStatus.CONTACTED
    client.post(
        f"/leads/{lead.id}/shelve", data={"reason_id": reason.id, "note": "资金链紧张", "version": lead.version}
    )
    db.session.refresh(lead)
    assert lead.status is LeadStatus.SHELVED and lead.shelve_note == "资金链紧张"
    client.post(f"/leads/{lead.id}/unshelve", data={"version": lead.version})
    db.session.refresh(lead)
    assert lead.status is LeadStatus.CONTACTED


def test_stale_status_form_is_refused(client, login_as, two_departments):
    lead, alice = make(two_departments)
    db.session.commit()
    login_as(alice)
    old_version = lead.version
    client.post(f"/leads/{lead.id}/status", data={"to": "contacted", "version": old_version})
    response = client.post(f"/leads/{lead.id}/status", data={"to": "negotiating", "version": old_version})
    assert response.status_code == 302
    db.session.refresh(lead)
    assert lead.status is LeadStatus.CONTACTED


# --- conversion --------------------------------------------------------------------


def test_convert_lead_creates_a_project_in_the_attracting_library(app, two_departments):
    industry = fl.ref(RefKind.INDUSTRY, "智能制造")
    lead, alice = make(
        two_departments,
        status=LeadStatus.CONTACTED,
        industry_id=industry.id,
        intended_investment=Decimal("120000.5"),
        intended_location="东城工业园",
    )
    visit = fl.visit(lead, by=alice)
    project = pipeline.convert_lead(lead, factories.user("admin"), {"is_key": True})
    db.session.commit()
    assert project.stage is Stage.ATTRACTING and project.lead_id == lead.id
    assert project.company_id == lead.company_id and project.industry_id == industry.id
    assert project.planned_investment == Decimal("120000.5") and project.location == "东城工业园"
    assert project.lead_department_id == lead.owner_department_id and project.is_key
    assert alice in project.team
    assert lead.status is LeadStatus.CONVERTED and lead.converted_on == TODAY
    # A lead converted straight after contact has reached 洽谈 too (the funnel).
    assert lead.negotiating_on == TODAY and lead.contacted_on is not None
    from app.leads.visits import project_visits

    assert visit in project_visits(project)
    with pytest.raises(services.LeadError):
        pipeline.convert_lead(lead, alice, {})


def test_converted_on_is_kept_when_the_lead_is_shelved_later(app, two_departments):
    lead, alice = make(two_departments, status=LeadStatus.NEGOTIATING)
    pipeline.convert_lead(lead, alice, {})
    pipeline.shelve(lead, alice, reason_id=fl.ref(RefKind.REASON, "资金不到位").id)
    assert lead.status is LeadStatus.SHELVED and lead.converted_on == TODAY
    pipeline.unshelve(lead, alice)
    assert lead.status is LeadStatus.CONVERTED


def test_convert_through_the_page(client, login_as, two_departments):
    lead, alice = make(two_departments, status=LeadStatus.NEGOTIATING, title="新建研发中心")
    db.session.commit()
    login_as(alice)
    page = client.get(f"/leads/{lead.id}/convert").get_data(as_text=True)
    assert "新建研发中心" in page
    response = client.post(
        f"/leads/{lead.id}/convert",
        data={
            "name": "新建研发中心项目",
            "planned_investment": "-1",
            "lead_department_id": lead.owner_department_id,
            "version": lead.version,
        },
    )
    assert response.status_code == 200 and "不能为负数" in response.get_data(as_text=True)
    assert count(Project) == 0
    response = client.post(
        f"/leads/{lead.id}/convert",
        data={
            "name": "新建研发中心项目",
            "planned_investment": "30000",
            "lead_department_id": lead.owner_department_id,
            "version": lead.version,
        },
    )
    assert response.status_code == 302
    project = db.session.scalar(sa.select(Project))
    assert project.name == "新建研发中心项目" and project.planned_investment == Decimal("30000")


# --- editing -----------------------------------------------------------------------


def test_concurrent_edit_loser_keeps_their_input(client, login_as, two_departments):
    lead, alice = make(two_departments, title="原标题")
    db.session.commit()
    login_as(alice)
    page = client.get(f"/leads/{lead.id}/edit").get_data(as_text=True)
    assert 'name="version" type="hidden" value="1"' in page or 'value="1"' in page
    base = form(db.session.get(Lead, lead.id).owner_department, alice, company_name=lead.company.name)
    base["company_id"] = str(lead.company_id)
    first = client.post(f"/leads/{lead.id}/edit", data={**base, "title": "甲的修改", "version": "1"})
    assert first.status_code == 302
    second = client.post(f"/leads/{lead.id}/edit", data={**base, "title": "乙的修改", "version": "1"})
    html = second.get_data(as_text=True)
    assert second.status_code == 409
    assert "尚未保存" in html and "乙的修改" in html  # the loser's input stays in the form
    db.session.refresh(lead)
    assert lead.title == "甲的修改"


def test_moving_a_lead_to_the_holder_withdraws_its_conflict(app, two_departments):
    east, west, alice, bob = two_departments
    company = fl.company("华润置业有限公司")
    fl.lead(company=company, department=east, owner=alice)
    claim = fl.lead(company=company, department=west, owner=bob)
    assert claim.has_conflict and count(CompanyConflict) == 1
    admin = factories.user("admin")
    data = {
        "company_id": company.id,
        "company_name": company.name,
        "title": claim.title,
        "owner_department_id": east.id,
        "owner_user_id": alice.id,
        "received_on": claim.received_on,
    }
    services.update_lead(claim, data, admin, version=claim.version, confirm_duplicate=True)
    db.session.flush()
    assert count(CompanyConflict) == 0
    assert not claim.has_conflict


def test_archiving_a_lead_withdraws_its_conflict(client, login_as, two_departments):
    east, west, alice, bob = two_departments
    company = fl.company("华润置业有限公司")
    held = fl.lead(company=company, department=east, owner=alice)
    claim = fl.lead(company=company, department=west, owner=bob)
    db.session.commit()
    login_as(bob)
    response = client.post(f"/leads/{claim.id}/archive", data={"reason": "录入重复"})
    assert response.status_code == 302
    db.session.refresh(held)
    assert count(CompanyConflict) == 0 and not held.has_conflict
    assert client.get(f"/leads/{claim.id}").status_code == 404
    assert "录入重复" in db.session.scalar(sa.select(AuditLog.summary).where(AuditLog.action == "archive"))


def test_admin_home_lists_open_conflicts(client, login_as, two_departments):
    east, west, alice, bob = two_departments
    company = fl.company("华润置业有限公司")
    fl.lead(company=company, department=east, owner=alice)
    fl.lead(company=company, department=west, owner=bob)
    db.session.commit()
    login_as("admin")
    assert "待裁定撞单" in client.get("/").get_data(as_text=True)

"""Companies: one record per company, the duplicate check on create/edit,
首报 and conflicts with admin's rulings (recorded), and merging two
records without losing anything."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from app import clock
from app.companies import conflicts, merge, services
from app.db import db
from app.models import AuditLog, Company, CompanyConflict, ConflictStatus, Lead, LeadStatus, Project, RefKind, Visit
from app.projects.services import create_project
from tests import factories
from tests import factories_leads as fl

TODAY = clock.today()


@pytest.fixture
def parties():
    east, west = factories.department("东城街道"), factories.department("西城街道")
    alice = factories.user("staff", department=east)
    bob = factories.user("staff", department=west)
    admin = factories.user("admin")
    db.session.commit()
    return east, west, alice, bob, admin


def count(model, *where):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


# --- the record -----------------------------------------------------------------------


def test_company_form_checks_the_credit_code_and_its_uniqueness(client, login_as, parties):
    login_as(parties[2])
    response = client.post("/companies/new", data={"name": "华润置业有限公司", "credit_code": "91110000600037341X"})
    assert response.status_code == 200 and "校验位不正确" in response.get_data(as_text=True)
    assert count(Company) == 0
    response = client.post("/companies/new", data={"name": "华润置业有限公司", "credit_code": "n2410105ma9xk2l3dk"})
    assert response.status_code == 302
    company = db.session.scalar(sa.select(Company))
    assert company.credit_code == "N2410105MA9XK2L3DK"  # cleaned, letter authority accepted
    response = client.post("/companies/new", data={"name": "另一家公司", "credit_code": "N2410105MA9XK2L3DK"})
    assert response.status_code == 200 and "已登记" in response.get_data(as_text=True)
    assert count(Company) == 1


def test_company_form_warns_of_a_likely_duplicate_before_saving(client, login_as, parties):
    east, _west, alice, bob, _admin = parties
    fl.lead(company=fl.company("华润置业有限公司"), department=east, owner=alice, received_on=TODAY)
    db.session.commit()
    login_as(bob)
    response = client.post("/companies/new", data={"name": "华润置业（河南）有限责任公司"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "可能已有该企业" in html and "东城街道" in html
    assert count(Company) == 1
    response = client.post("/companies/new", data={"name": "华润置业（河南）有限责任公司", "confirm_duplicate": "y"})
    assert response.status_code == 302 and count(Company) == 2


def test_ten_thousand_character_name_is_refused(client, login_as, parties):
    login_as(parties[2])
    response = client.post("/companies/new", data={"name": "华" * 10000})
    assert response.status_code == 200 and "200" in response.get_data(as_text=True)
    assert count(Company) == 0


def test_edit_keeps_names_and_search_text_in_step(client, login_as, parties):
    east, _west, alice, _bob, _admin = parties
    company = fl.company("宇通客车有限公司")
    fl.lead(company=company, department=east, owner=alice)
    tier = fl.ref(RefKind.TIER, "上市公司")
    db.session.commit()
    login_as(alice)
    response = client.post(
        f"/companies/{company.id}/edit",
        data={
            "name": "宇通客车股份有限公司",
            "credit_code": "91310115MA1K3BTP2B",
            "tier_ids": [tier.id],
            "version": company.version,
        },
    )
    assert response.status_code == 302
    db.session.refresh(company)
    assert company.normalized_name == "宇通客车股份公司"
    assert "ytkcgfyxgs" in company.search_text and "91310115ma1k3btp2b" in company.search_text
    assert [t.id for t in company.tiers] == [tier.id]


def test_check_fragment_names_department_and_date_only(client, login_as, parties):
    east, _west, alice, bob, _admin = parties
    fl.lead(
        company=fl.company("华润置业有限公司"),
        department=east,
        owner=alice,
        title="保密投资计划",
        contact_name="王秘书",
        received_on=TODAY - dt.timedelta(days=3),
    )
    db.session.commit()
    login_as(bob)
    html = client.get("/companies/check", query_string={"company_name": "郑州华润置业有限责任公司"}).get_data(
        as_text=True
    )
    assert "华润置业有限公司" in html and "东城街道" in html
    assert (TODAY - dt.timedelta(days=3)).isoformat() in html
    assert "保密投资计划" not in html and "王秘书" not in html
    html = client.get("/companies/check", query_string={"company_name": "x", "credit_code": "123"}).get_data(
        as_text=True
    )
    assert "18 位" in html


def test_find_matches_by_code_name_and_fuzzy(app):
    exact = fl.company("华润置业有限公司", credit_code="91110000600037341L")
    jsc = fl.company("华润置业股份有限公司")  # joint-stock: another company, a look-alike
    group = fl.company("华润置业集团有限公司")  # group: another entity, a look-alike
    fl.company("宇通客车股份有限公司")
    assert [(m.company.id, m.reason) for m in services.find_matches("随便", "91110000600037341L")] == [
        (exact.id, "credit_code")
    ]
    found = services.find_matches("郑州华润置业有限责任公司")
    assert [(m.company.id, m.reason) for m in found] == [(exact.id, "name"), (jsc.id, "fuzzy"), (group.id, "fuzzy")]
    assert [m.reason_label for m in found] == [
        "名称相近：仅地区、括号、空格或标点不同",
        "名称相近：公司类型不同（有限公司 / 股份有限公司）",
        "名称相近：一为集团",
    ]
    assert services.find_matches("华润置业有限公司")[0].reason_label == "名称相同"
    slip = services.find_matches("华润至业有限公司")
    assert (slip[0].company.id, slip[0].reason) == (exact.id, "fuzzy")
    # A different credit code means a different registered entity.
    other_code = services.find_matches("华润置业有限公司", "91310115MA1K3BTP2B")
    assert exact.id not in {m.company.id for m in other_code}


# --- 首报 and conflicts -----------------------------------------------------------------


@pytest.fixture
def clash(parties):
    east, west, alice, bob, _admin = parties
    company = fl.company("华润置业有限公司")
    held = fl.lead(company=company, department=east, owner=alice, received_on=TODAY - dt.timedelta(days=30))
    claim = fl.lead(company=company, department=west, owner=bob)
    db.session.commit()
    return company, held, claim, parties


def test_first_department_holds_and_later_department_conflicts(app, clash):
    company, held, claim, (east, west, *_rest) = clash
    assert company.first_department_id == east.id
    assert company.first_reported_on == TODAY - dt.timedelta(days=30)
    assert held.has_conflict and claim.has_conflict
    conflict = db.session.scalar(sa.select(CompanyConflict))
    assert conflict.status is ConflictStatus.OPEN and conflict.claimant_department_id == west.id


def test_ruling_share_clears_flags_and_covers_later_leads(client, login_as, clash):
    company, held, claim, (_east, west, _alice, bob, admin) = clash
    login_as(admin)
    conflict = db.session.scalar(sa.select(CompanyConflict))
    response = client.post(f"/companies/conflicts/{conflict.id}", data={"ruling": "share", "note": "两部门合作"})
    assert response.status_code == 302
    db.session.refresh(conflict)
    assert conflict.status is ConflictStatus.SHARED
    assert conflict.ruled_by_id == admin.id and conflict.ruled_at is not None and conflict.ruling_note == "两部门合作"
    assert db.session.scalar(
        sa.select(AuditLog).where(AuditLog.entity == "company_conflict", AuditLog.action == "rule")
    )
    db.session.refresh(held)
    db.session.refresh(claim)
    assert not held.has_conflict and not claim.has_conflict
    later = fl.lead(company=company, department=west, owner=bob)
    assert not later.has_conflict and count(CompanyConflict) == 1
    # A ruled conflict cannot be ruled again.
    response = client.post(f"/companies/conflicts/{conflict.id}", data={"ruling": "reassign"})
    assert response.status_code == 200 and count(CompanyConflict, CompanyConflict.status == ConflictStatus.SHARED) == 1


def test_ruling_reassign_to_holder_moves_the_lead(app, clash):
    _company, _held, claim, (east, _west, alice, _bob, admin) = clash
    conflict = db.session.scalar(sa.select(CompanyConflict))
    conflicts.rule_conflict(conflict, "reassign", admin, {"department_id": east.id, "owner_user_id": alice.id})
    db.session.flush()
    assert claim.owner_department_id == east.id and claim.owner_user_id == alice.id
    assert conflict.status is ConflictStatus.REASSIGNED
    db.session.refresh(claim)
    assert not claim.has_conflict


def test_ruling_reassign_to_claimant_moves_the_hold(app, clash):
    company, held, _claim, (_east, west, alice, bob, admin) = clash
    conflict = db.session.scalar(sa.select(CompanyConflict))
    with pytest.raises(services.CompanyError):  # the owner must belong to the chosen department
        conflicts.rule_conflict(conflict, "reassign", admin, {"department_id": west.id, "owner_user_id": alice.id})
    conflicts.rule_conflict(conflict, "reassign", admin, {"department_id": west.id, "owner_user_id": bob.id})
    db.session.flush()
    assert company.first_department_id == west.id
    assert held.owner_department_id == west.id  # the former holder's open lead moves too


def test_ruling_split_gives_the_lead_its_own_company(app, clash):
    company, _held, claim, (_east, west, _alice, _bob, admin) = clash
    conflict = db.session.scalar(sa.select(CompanyConflict))
    conflicts.rule_conflict(conflict, "split", admin, {"new_company_name": "华润置业（郑州）商业管理有限公司"})
    db.session.flush()
    assert claim.company_id != company.id
    new = db.session.get(Company, claim.company_id)
    assert new.first_department_id == west.id
    assert conflict.status is ConflictStatus.DISMISSED


def test_reassign_outside_the_two_departments_is_refused(client, login_as, clash):
    *_rest, (_east, _west, _alice, _bob, admin) = clash
    third = factories.department("南湖街道")
    db.session.commit()
    login_as(admin)
    conflict = db.session.scalar(sa.select(CompanyConflict))
    response = client.post(
        f"/companies/conflicts/{conflict.id}", data={"ruling": "reassign", "department_id": third.id}
    )
    assert response.status_code == 200 and "所选项不存在" in response.get_data(as_text=True)
    assert count(CompanyConflict, CompanyConflict.status == ConflictStatus.OPEN) == 1


# --- merge ----------------------------------------------------------------------------


def test_merge_moves_everything_and_loses_nothing(client, login_as, parties):
    east, west, alice, bob, admin = parties
    tier_a, tier_b = fl.ref(RefKind.TIER, "世界500强"), fl.ref(RefKind.TIER, "央企")
    survivor = fl.company("华润置业有限公司", tiers=[tier_a])
    duplicate = fl.company(
        "郑州华润置业有限责任公司", credit_code="91110000600037341L", tiers=[tier_b], hq_region="北京"
    )
    east_lead = fl.lead(company=survivor, department=east, owner=alice, received_on=TODAY - dt.timedelta(days=5))
    west_lead = fl.lead(company=duplicate, department=west, owner=bob, received_on=TODAY - dt.timedelta(days=9))
    fl.visit(east_lead, by=alice)
    fl.visit(west_lead, by=bob)
    fl.visit(west_lead, by=bob, visited_on=TODAY - dt.timedelta(days=1))
    project = create_project({"name": "华润项目", "company_id": duplicate.id}, admin)
    db.session.add(Visit(project_id=project.id, department_id=west.id, visited_on=TODAY, summary="项目拜访"))
    db.session.commit()
    before = merge.involvement([survivor.id, duplicate.id])
    assert before["leads"] == 2 and before["visits"] == 4 and before["projects"] == 1

    login_as(admin)
    page = client.get(f"/companies/{survivor.id}/merge").get_data(as_text=True)
    assert "郑州华润置业有限责任公司" in page  # offered as a likely duplicate
    response = client.post(f"/companies/{survivor.id}/merge", data={"other_id": duplicate.id})
    assert response.status_code == 200 and count(Company, Company.merged_into_id.is_not(None)) == 0  # not confirmed
    response = client.post(f"/companies/{survivor.id}/merge", data={"other_id": duplicate.id, "confirm": "y"})
    assert response.status_code == 302

    db.session.expire_all()
    after = merge.involvement([survivor.id])
    assert {k: after[k] for k in ("leads", "visits", "projects")} == {
        k: before[k] for k in ("leads", "visits", "projects")
    }
    assert count(Lead, Lead.company_id == duplicate.id) == 0 and count(Project, Project.company_id == duplicate.id) == 0
    survivor, duplicate = db.session.get(Company, survivor.id), db.session.get(Company, duplicate.id)
    assert duplicate.merged_into_id == survivor.id and duplicate.archived_at is not None
    assert survivor.credit_code == "91110000600037341L" and duplicate.credit_code is None
    assert {t.name for t in survivor.tiers} == {"世界500强", "央企"} and survivor.hq_region == "北京"
    # The earlier 首报 (west, nine days ago) holds the merged company; east now conflicts.
    assert survivor.first_department_id == west.id
    assert db.session.get(Lead, east_lead.id).has_conflict
    entry = db.session.scalar(sa.select(AuditLog).where(AuditLog.entity == "company", AuditLog.action == "merge"))
    assert entry.changes["before"]["leads"] == entry.changes["after"]["leads"] == 2
    # The merged record's page leads to the survivor.
    response = client.get(f"/companies/{duplicate.id}")
    assert response.status_code == 302 and f"/companies/{survivor.id}" in response.headers["Location"]


def test_merge_refuses_two_different_credit_codes(app, parties):
    admin = parties[4]
    a = fl.company("华润置业有限公司", credit_code="91110000600037341L")
    b = fl.company("华润置业有限责任公司", credit_code="91310115MA1K3BTP2B")
    with pytest.raises(services.CompanyError, match="不同的法人"):
        merge.merge_companies(a, b, admin)
    with pytest.raises(services.CompanyError):
        merge.merge_companies(a, a, admin)


def test_lead_on_a_merged_company_follows_to_the_survivor(client, login_as, parties):
    east, _west, alice, _bob, admin = parties
    survivor = fl.company("华润置业有限公司")
    old = fl.company("华润置业有限责任公司")
    merge.merge_companies(survivor, old, admin)
    db.session.commit()
    login_as(alice)
    response = client.post(
        "/leads/new",
        data={
            "company_id": str(old.id),
            "company_name": "华润置业有限责任公司",
            "title": "区域总部",
            "owner_department_id": east.id,
            "received_on": TODAY.isoformat(),
        },
    )
    assert response.status_code == 302
    assert db.session.scalar(sa.select(Lead.company_id)) == survivor.id
    assert db.session.scalar(sa.select(Lead.status)) is LeadStatus.NEW


def test_a_company_edit_on_a_stale_form_is_refused(client, login_as, parties):
    east, _west, alice, _bob, _admin = parties
    company = fl.company("宇通客车有限公司")
    fl.lead(company=company, department=east, owner=alice)
    db.session.commit()
    read = company.version
    login_as(alice)
    first = client.post(
        f"/companies/{company.id}/edit", data={"name": company.name, "hq_region": "郑州", "version": read}
    )
    assert first.status_code == 302
    second = client.post(
        f"/companies/{company.id}/edit", data={"name": company.name, "hq_region": "上海", "version": read}
    )
    assert "您的修改尚未保存" in second.get_data(as_text=True)
    db.session.refresh(company)
    assert company.hq_region == "郑州"

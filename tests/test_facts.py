"""Report facts (`app.facts`): after every kind of change, committed through
the services or the pages as people make it, the facts kept with the
records equal the facts `rebuild` computes from the records; the values
that matter are the counting rule's; `flask facts rebuild` restores them;
the funnel reads them (not the records) and sees its own transaction's
writes; the migration backfills them. Two writers refreshing one fact at
once on PostgreSQL both commit (the facts are upserted under a row lock)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
import sqlalchemy as sa
from openpyxl import Workbook

from app import archive, clock, facts, rollups
from app.agreements import services as agreements
from app.companies import conflicts, merge
from app.db import db
from app.leads import pipeline
from app.leads.services import edit_data, update_lead
from app.leads.visits import log_visit
from app.lookups import ref_id
from app.models import (
    Agreement,
    AgreementKind,
    Company,
    CompanyConflict,
    ImportBatch,
    Lead,
    LeadFact,
    LeadStatus,
    Project,
    ProjectFact,
    ProjectLevel,
    RefKind,
    ReportRollup,
    Stage,
)
from app.projects.assignment import assign_five_ones
from app.projects.services import move_stage, update_project
from app.reports import funnel
from app.reports.filters import parse_query
from tests import factories
from tests import factories_chains as fc
from tests import factories_leads as fl
from tests import factories_reports as fr

D = dt.date


@pytest.fixture
def district(app):
    return fr.district()


def kept() -> tuple[list[tuple], list[tuple], list[tuple]]:
    """Every column of both fact tables, ordered by id, and every rollup row."""
    lead_rows = db.session.execute(sa.select(LeadFact.__table__).order_by(LeadFact.id)).all()
    project_rows = db.session.execute(sa.select(ProjectFact.__table__).order_by(ProjectFact.id)).all()
    table = ReportRollup.__table__
    rollup_rows = db.session.execute(sa.select(table).order_by(*table.primary_key.columns)).all()
    return [tuple(r) for r in lead_rows], [tuple(r) for r in project_rows], [tuple(r) for r in rollup_rows]


def assert_rebuild_agrees() -> None:
    """The facts and rollups the commits kept equal those rebuilt from the
    records (the rebuild is rolled back: the next change starts from the
    kept ones)."""
    db.session.commit()
    before = kept()
    assert len(before[0]) == db.session.scalar(sa.select(sa.func.count(Lead.id)))
    assert len(before[1]) == db.session.scalar(sa.select(sa.func.count(Project.id)))
    assert before[2], "the rollups are kept"
    facts.rebuild(db.session.connection())
    rollups.rebuild(db.session.connection())
    after = kept()
    db.session.rollback()
    assert before == after


def lead_fact(lead_id: int) -> LeadFact:
    return db.session.execute(sa.select(LeadFact.__table__).where(LeadFact.id == lead_id)).one()


def project_fact(project_id: int) -> ProjectFact:
    return db.session.execute(sa.select(ProjectFact.__table__).where(ProjectFact.id == project_id)).one()


def fresh(model, record_id):
    db.session.expire_all()
    return db.session.get(model, record_id)


def test_the_check_notices_a_change_that_bypassed_the_facts(district):
    """The helper can fail: a write behind the ORM's back leaves the kept
    facts stale, and the comparison says so."""
    assert_rebuild_agrees()
    db.session.execute(
        sa.update(Lead.__table__).where(Lead.id == district.leads["L4"].id).values(intended_investment=777)
    )
    db.session.commit()
    with pytest.raises(AssertionError):
        assert_rebuild_agrees()


# --- leads ----------------------------------------------------------------------------


def test_a_visit_contacts_a_new_lead(district):
    l4 = district.leads["L4"].id
    data = {"visited_on": D(2025, 4, 8), "summary": "首次上门", "kind_id": ref_id(RefKind.VISIT_KIND, "外出拜访")}
    log_visit(data, district.staff_b, lead=fresh(Lead, l4))
    assert_rebuild_agrees()
    assert lead_fact(l4).contacted_on == D(2025, 4, 8) and lead_fact(l4).negotiating_on is None
    # An earlier visit recorded late moves the day back.
    log_visit({**data, "visited_on": D(2025, 4, 3)}, district.staff_b, lead=fresh(Lead, l4))
    assert_rebuild_agrees()
    assert lead_fact(l4).contacted_on == D(2025, 4, 3)


def test_status_moves_contacted_negotiating_shelve_and_reopen(district):
    l3, l4, l8 = (district.leads[k].id for k in ("L3", "L4", "L8"))
    pipeline.advance(fresh(Lead, l4), LeadStatus.CONTACTED, district.staff_b, on=D(2025, 4, 5))
    assert_rebuild_agrees()
    pipeline.advance(fresh(Lead, l4), LeadStatus.NEGOTIATING, district.staff_b, on=D(2025, 4, 20))
    assert_rebuild_agrees()
    assert (lead_fact(l4).contacted_on, lead_fact(l4).negotiating_on) == (D(2025, 4, 5), D(2025, 4, 20))
    reason = ref_id(RefKind.REASON, "选址他处")
    pipeline.shelve(fresh(Lead, l3), district.staff_b, reason_id=reason, note="暂缓", on=D(2025, 4, 1))
    assert_rebuild_agrees()
    pipeline.unshelve(fresh(Lead, l8), district.staff_b, on=D(2025, 6, 20))
    assert_rebuild_agrees()
    assert fresh(Lead, l8).status is LeadStatus.CONTACTED
    assert lead_fact(l8).contacted_on == D(2025, 6, 5)


def test_conversion_fills_the_lead_steps_and_adds_the_project(district):
    l4 = district.leads["L4"].id
    project = pipeline.convert_lead(fresh(Lead, l4), district.admin, {"on": D(2025, 5, 5)})
    assert_rebuild_agrees()
    # A lead converted without a recorded contact counts as contacted and negotiated.
    assert (lead_fact(l4).contacted_on, lead_fact(l4).negotiating_on) == (D(2025, 5, 5), D(2025, 5, 5))
    fact = project_fact(project.id)
    assert fact.lead_id == l4 and fact.stage is Stage.ATTRACTING and fact.signed_on is None
    assert fact.lead_department_id == district.b.id


def test_lead_department_industry_and_chain_edit(district):
    l3 = district.leads["L3"].id
    chain = fc.chain(district.admin)
    lead = fresh(Lead, l3)
    data = {
        **edit_data(lead),
        "owner_department_id": district.a.id,
        "owner_user_id": None,
        "industry_id": ref_id(RefKind.INDUSTRY, "智能制造"),
        "chain_id": chain.id,
        "intended_investment": Decimal("6000"),
    }
    update_lead(lead, data, district.admin, version=lead.version, confirm_duplicate=True)
    assert_rebuild_agrees()
    fact = lead_fact(l3)
    assert (fact.owner_department_id, fact.chain_id, fact.amount) == (district.a.id, chain.id, Decimal("6000"))
    assert fact.industry_id == ref_id(RefKind.INDUSTRY, "智能制造")


def test_lead_archive_and_restore(district):
    l3 = district.leads["L3"].id
    pipeline.archive_lead(fresh(Lead, l3), district.admin, "录入重复")
    assert_rebuild_agrees()
    assert lead_fact(l3).archived_at is not None
    archive.restore("lead", fresh(Lead, l3), district.admin)
    assert_rebuild_agrees()
    assert lead_fact(l3).archived_at is None


def test_a_lead_deleted_minutes_after_it_was_entered_loses_its_fact(district):
    lead = fl.lead(department=district.a, owner=district.admin)
    db.session.commit()
    lead_id = lead.id
    assert lead_fact(lead_id).id == lead_id
    archive.hard_delete("lead", fresh(Lead, lead_id), district.admin)
    assert_rebuild_agrees()
    assert db.session.scalar(sa.select(sa.func.count()).where(LeadFact.id == lead_id)) == 0


def test_a_conflict_ruling_that_moves_a_lead(app):
    east, west = factories.department("东城街道"), factories.department("西城街道")
    alice = factories.user("staff", department=east)
    bob = factories.user("staff", department=west)
    admin = factories.user("admin")
    company = fl.company("华润置业（郑州）有限公司")
    fl.lead(company=company, department=east, owner=alice)
    claim = fl.lead(company=company, department=west, owner=bob)
    db.session.commit()
    conflict = db.session.scalar(sa.select(CompanyConflict))
    conflicts.rule_conflict(conflict, "reassign", admin, {"department_id": east.id, "owner_user_id": alice.id})
    assert_rebuild_agrees()
    assert lead_fact(claim.id).owner_department_id == east.id


# --- projects -------------------------------------------------------------------------


def test_every_stage_move_and_the_first_days_reached(district):
    p3 = district.projects["P3"].id
    steps = [
        (Stage.SIGNED, D(2025, 6, 1), None),
        (Stage.LANDED, D(2025, 6, 10), None),
        (Stage.CONSTRUCTION, D(2025, 7, 1), "容缺开工"),
        (Stage.PRODUCTION, D(2025, 9, 1), None),
    ]
    for stage, on, note in steps:
        move_stage(fresh(Project, p3), stage, district.admin, on=on, note=note)
        assert_rebuild_agrees()
    fact = project_fact(p3)
    assert (fact.signed_on, fact.construction_on, fact.production_on) == (D(2025, 6, 1), D(2025, 7, 1), D(2025, 9, 1))
    # No agreement recorded: valued at the planned investment.
    assert fact.signed_amount == Decimal("3000") and fact.last_agreement_on is None
    reason = ref_id(RefKind.REASON, "选址他处")
    move_stage(fresh(Project, p3), Stage.EXITED, district.admin, on=D(2025, 10, 1), reason_id=reason, note="撤资")
    assert_rebuild_agrees()
    assert project_fact(p3).stage is Stage.EXITED
    move_stage(fresh(Project, p3), Stage.PRODUCTION, district.admin, on=D(2025, 11, 1), note="重新启用")
    assert_rebuild_agrees()


def test_project_lead_department_and_level_edit(district):
    p5 = district.projects["P5"].id
    project = fresh(Project, p5)
    assign_five_ones(
        project, {"lead_department_id": district.a.id, "team_ids": []}, district.admin, version=project.version
    )
    assert_rebuild_agrees()
    assert project_fact(p5).lead_department_id == district.a.id
    project = fresh(Project, p5)
    data = {
        "level": ProjectLevel.CITY,
        "planned_investment": Decimal("25000"),
        "kind_id": ref_id(RefKind.PROJECT_KIND, "产业项目"),
    }
    update_project(project, data, district.admin, version=project.version)
    assert_rebuild_agrees()
    fact = project_fact(p5)
    assert (fact.level, fact.planned_investment) == (ProjectLevel.CITY, Decimal("25000"))


def test_project_archive_and_restore(district):
    p1 = district.projects["P1"].id
    archive.archive("project", fresh(Project, p1), district.admin, "重复立项")
    assert_rebuild_agrees()
    assert project_fact(p1).archived_at is not None
    archive.restore("project", fresh(Project, p1), district.admin)
    assert_rebuild_agrees()
    assert project_fact(p1).archived_at is None


# --- agreements -----------------------------------------------------------------------


def _agreement(kind: AgreementKind, on: dt.date, amount: str, *, increase: bool = False) -> dict:
    return {"kind": kind, "signed_on": on, "agreed_investment": Decimal(amount), "is_capital_increase": increase}


def test_agreements_add_edit_and_archive_move_the_counted_amount(district):
    p3, admin = district.projects["P3"].id, district.admin
    framework = agreements.record_agreement(
        fresh(Project, p3), _agreement(AgreementKind.FRAMEWORK, D(2025, 6, 1), "10000"), admin
    )
    assert_rebuild_agrees()
    fact = project_fact(p3)
    assert (fact.stage, fact.signed_on, fact.signed_amount) == (Stage.SIGNED, D(2025, 6, 1), Decimal("10000"))

    # An investment agreement after the framework one is the project's value.
    investment = agreements.record_agreement(
        fresh(Project, p3), _agreement(AgreementKind.INVESTMENT, D(2025, 7, 1), "12000"), admin
    )
    assert_rebuild_agrees()
    fact = project_fact(p3)
    assert (fact.signed_on, fact.signed_amount, fact.last_agreement_on) == (
        D(2025, 6, 1),
        Decimal("12000"),
        D(2025, 7, 1),
    )

    # A capital increase adds; an amending supplementary agreement does not.
    increase = agreements.record_agreement(
        fresh(Project, p3), _agreement(AgreementKind.SUPPLEMENTARY, D(2025, 8, 1), "500", increase=True), admin
    )
    agreements.record_agreement(
        fresh(Project, p3), _agreement(AgreementKind.SUPPLEMENTARY, D(2025, 8, 5), "900"), admin
    )
    assert_rebuild_agrees()
    assert (project_fact(p3).signed_amount, project_fact(p3).last_agreement_on) == (Decimal("12500"), D(2025, 8, 5))

    # Edit the amount, then the date (after the increase, which then no longer adds).
    edited = fresh(Agreement, investment.id)
    data = {**_agreement(AgreementKind.INVESTMENT, D(2025, 7, 1), "13000")}
    agreements.update_agreement(edited, data, admin, version=edited.version)
    assert_rebuild_agrees()
    assert project_fact(p3).signed_amount == Decimal("13500")
    edited = fresh(Agreement, investment.id)
    agreements.update_agreement(edited, {**data, "signed_on": D(2025, 9, 1)}, admin, version=edited.version)
    assert_rebuild_agrees()
    assert (project_fact(p3).signed_amount, project_fact(p3).last_agreement_on) == (Decimal("13000"), D(2025, 9, 1))

    # Correcting the first agreement's date moves the signing day.
    first = fresh(Agreement, framework.id)
    data = _agreement(AgreementKind.FRAMEWORK, D(2025, 5, 25), "10000")
    agreements.update_agreement(first, data, admin, version=first.version)
    assert_rebuild_agrees()
    assert project_fact(p3).signed_on == D(2025, 5, 25)

    # Archiving the investment agreement moves the value back to the framework's plus the increase.
    agreements.archive_agreement(fresh(Agreement, investment.id), admin, "录入错误")
    assert_rebuild_agrees()
    assert (project_fact(p3).signed_amount, project_fact(p3).last_agreement_on) == (Decimal("10500"), D(2025, 8, 5))
    agreements.archive_agreement(fresh(Agreement, increase.id), admin, "录入错误")
    assert_rebuild_agrees()
    assert project_fact(p3).signed_amount == Decimal("10000")
    agreements.restore_agreement(fresh(Agreement, investment.id), admin)
    assert_rebuild_agrees()
    assert project_fact(p3).signed_amount == Decimal("13000")


def test_agreement_pages_keep_the_facts(district, client, login_as):
    p3 = district.projects["P3"].id
    login_as(district.admin)
    form = {"kind": "investment", "signed_on": "2025-06-18", "agreed_investment": "4000", "our_signatory": "王建国"}
    response = client.post(f"/agreements/project/{p3}/new", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    assert_rebuild_agrees()
    assert (project_fact(p3).signed_on, project_fact(p3).signed_amount) == (D(2025, 6, 18), Decimal("4000"))


# --- companies and imports ------------------------------------------------------------


def test_company_merge_moves_leads_and_projects(district):
    survivor = db.session.get(Company, district.leads["L1"].company_id)
    merged_id = district.leads["L3"].company_id
    p5 = district.projects["P5"].id
    fresh(Project, p5).company_id = merged_id
    db.session.commit()
    merge.merge_companies(db.session.get(Company, survivor.id), db.session.get(Company, merged_id), district.admin)
    assert_rebuild_agrees()
    assert lead_fact(district.leads["L3"].id).company_id == survivor.id
    assert project_fact(p5).company_id == survivor.id


LEAD_HEADER = ["投资意向", "企业名称", "统一社会信用代码", "招商方式", "产业类别", "意向投资额（万元）"]
LEAD_HEADER += ["联系人", "联系电话", "责任单位", "收集日期", "备注"]
PROJECT_HEADER = ["序号", "项目名称", "投资方", "统一社会信用代码", "产业类别", "计划总投资（万元）"]
PROJECT_HEADER += ["项目阶段", "责任单位", "分包领导", "是否重点项目", "项目地点", "备注"]


def _workbook(title: str, header: list[str], rows: list[list]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append([title])
    ws.append(header)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _import(client, kind: str, data: bytes) -> str:
    upload = client.post(
        f"/imports/{kind}", data={"file": (io.BytesIO(data), "台账.xlsx")}, content_type="multipart/form-data"
    )
    assert upload.status_code == 200, upload.get_data(as_text=True)[:300]
    batch_id = db.session.scalar(sa.select(sa.func.max(ImportBatch.id)))
    return client.post(f"/imports/batches/{batch_id}/commit").get_data(as_text=True)


def test_lead_import_new_and_updated_rows(district, client, login_as):
    login_as(district.staff_a)

    def row(title, company, amount):
        return [title, company, "", "外出招商", "智能制造", amount, "", "", "东城街道", "2025-03-03", ""]

    rows = [row("新能源电池", "宁德新能源有限公司", "5亿"), row("L1二期", "L1公司", "3000")]
    assert "导入完成" in _import(client, "leads", _workbook("线索台账", LEAD_HEADER, rows))
    assert_rebuild_agrees()
    rows[0] = row("新能源电池", "宁德新能源有限公司", "6亿")
    assert "导入完成" in _import(client, "leads", _workbook("线索台账", LEAD_HEADER, rows))
    assert_rebuild_agrees()
    battery = db.session.scalar(sa.select(Lead.id).where(Lead.title == "新能源电池"))
    assert lead_fact(battery).amount == Decimal("60000")


def test_project_import_new_and_updated_rows(district, client, login_as):
    login_as(district.admin)

    def row(n, name, company, amount, stage):
        return [n, name, company, "", "健康服务", amount, stage, "东城街道", "", "是", "", ""]

    rows = [
        row(1, "杉杉奥莱", "杉杉商业集团有限公司", "200000", "签约"),
        row(2, "唐久总部", "唐久便利店", "500", "招引"),
    ]
    assert "导入完成" in _import(client, "projects", _workbook("项目台账", PROJECT_HEADER, rows))
    assert_rebuild_agrees()
    rows[0] = row(1, "杉杉奥莱", "杉杉商业集团有限公司", "250000", "落地")
    assert "导入完成" in _import(client, "projects", _workbook("项目台账", PROJECT_HEADER, rows))
    assert_rebuild_agrees()
    outlet = db.session.scalar(sa.select(Project.id).where(Project.name == "杉杉奥莱"))
    fact = project_fact(outlet)
    assert (fact.stage, fact.planned_investment, fact.signed_on) == (Stage.LANDED, Decimal("250000"), clock.today())


# --- rebuild, reports, migration ------------------------------------------------------


def test_cli_rebuild_restores_facts_deleted_by_hand(district, app):
    assert_rebuild_agrees()
    before = kept()
    db.session.execute(LeadFact.__table__.delete())
    db.session.execute(ProjectFact.__table__.delete().where(ProjectFact.id == district.projects["P1"].id))
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["facts", "rebuild"])
    assert result.exit_code == 0, result.output
    assert "线索 8 条，项目 6 个，汇总" in result.output
    db.session.rollback()
    assert kept() == before


H1_2025 = {"period": "h1", "year": "2025"}


def cohort_counts() -> list[int]:
    report = funnel.funnel_report(parse_query(H1_2025, clock.today(), options={"view": "cohort"}))
    return [s.cell.count for s in report.steps]


def test_the_funnel_reads_the_rollups_kept_over_the_facts(district, app):
    assert cohort_counts() == [6, 5, 3, 2, 1, 0]
    db.session.execute(LeadFact.__table__.delete().where(LeadFact.id == district.leads["L3"].id))
    db.session.execute(ProjectFact.__table__.delete().where(ProjectFact.id == district.projects["P1"].id))
    db.session.commit()
    # Facts deleted by hand, behind the rollups' back: the report reads the
    # rollups, which still count them …
    assert cohort_counts() == [6, 5, 3, 2, 1, 0]
    # … until they are summed again from the facts; the facts alone say the same.
    rollups.rebuild(db.session.connection())
    db.session.commit()
    assert cohort_counts() == [5, 4, 3, 1, 0, 0]
    app.config["REPORT_ROLLUPS"] = False
    try:
        assert cohort_counts() == [5, 4, 3, 1, 0, 0]
    finally:
        app.config["REPORT_ROLLUPS"] = True
    facts.rebuild(db.session.connection())
    rollups.rebuild(db.session.connection())
    db.session.commit()
    assert cohort_counts() == [6, 5, 3, 2, 1, 0]


def test_a_report_in_the_same_transaction_sees_its_uncommitted_writes(district):
    assert cohort_counts() == [6, 5, 3, 2, 1, 0]
    l4 = district.leads["L4"].id
    pipeline.advance(fresh(Lead, l4), LeadStatus.NEGOTIATING, district.staff_b, on=D(2025, 4, 9))
    assert cohort_counts() == [6, 6, 4, 2, 1, 0]  # settled before the read, not committed
    # A write after that first read is settled by the next one.
    fresh(Lead, district.leads["L3"].id).archived_at = clock.utcnow()
    assert cohort_counts() == [5, 5, 4, 2, 1, 0]
    db.session.rollback()
    assert cohort_counts() == [6, 5, 3, 2, 1, 0]
    assert_rebuild_agrees()


def test_upgrade_to_0016_backfills_the_facts_of_existing_records(district, app):
    from flask_migrate import downgrade, upgrade

    assert_rebuild_agrees()
    before = kept()
    db.session.remove()
    downgrade(revision="0015")
    try:
        assert "lead_fact" not in sa.inspect(db.engine).get_table_names()
        upgrade(revision="0016")
    finally:
        upgrade()
    assert kept() == before
    assert_rebuild_agrees()


def test_refresh_in_chunks_agrees_with_rebuild(app, monkeypatch):
    """A commit that touched more records than one statement takes (an
    import, a merge) refreshes them chunk by chunk, with the same result."""
    monkeypatch.setattr(facts, "CHUNK", 3)
    d = fr.district()
    assert_rebuild_agrees()
    survivor, merged = (db.session.get(Company, d.leads[k].company_id) for k in ("L1", "L2"))
    for key in ("L3", "L4", "L5", "L6"):
        fresh(Lead, d.leads[key].id).company_id = merged.id
    for key in ("P3", "P4", "P5", "P6"):
        fresh(Project, d.projects[key].id).company_id = merged.id
    db.session.commit()
    assert_rebuild_agrees()
    merge.merge_companies(survivor, merged, d.admin)
    assert_rebuild_agrees()
    assert lead_fact(d.leads["L6"].id).company_id == project_fact(d.projects["P6"].id).company_id == survivor.id


# --- two writers at once (PostgreSQL) ---------------------------------------------------


@pytest.mark.parametrize("first", ["settle", "rebuild"])
def test_two_transactions_moving_one_project_at_once_both_commit(district, app, first):
    """While one transaction has rewritten P1's fact (a report read in the
    same request settled it, or `flask facts rebuild` is running), a
    colleague records an agreement on P1; both must commit."""
    import threading

    from app.models import User

    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite runs one writer at a time")
    p1, admin_id = district.projects["P1"].id, district.admin.id
    if first == "settle":
        project = fresh(Project, p1)
        update_project(project, {"planned_investment": Decimal("16000")}, district.admin, version=project.version)
        facts.settle()
    else:
        facts.rebuild(db.session.connection())
    outcome: dict[str, str] = {}

    def colleague() -> None:
        with app.app_context():
            try:
                actor = db.session.get(User, admin_id)
                data = _agreement(AgreementKind.SUPPLEMENTARY, D(2025, 9, 1), "800", increase=True)
                agreements.record_agreement(db.session.get(Project, p1), data, actor)
                db.session.commit()
                outcome["colleague"] = "ok"
            except Exception as exc:  # what the colleague's request would have met
                db.session.rollback()
                outcome["colleague"] = repr(exc)
            finally:
                db.session.remove()

    thread = threading.Thread(target=colleague)
    thread.start()
    thread.join(timeout=1.5)
    waited = thread.is_alive()  # on the fact row this transaction rewrote
    db.session.commit()
    thread.join(timeout=30)
    assert waited
    assert outcome == {"colleague": "ok"}
    assert_rebuild_agrees()
    assert project_fact(p1).signed_amount == Decimal("12800")


def test_a_settle_inside_a_rolled_back_savepoint_is_refreshed_again_at_commit(district):
    l4 = district.leads["L4"].id
    fresh(Lead, l4).intended_investment = Decimal("9999")
    db.session.flush()
    savepoint = db.session.begin_nested()
    facts.settle()  # refreshes L4's fact inside the savepoint …
    savepoint.rollback()  # … and that refresh is undone with it
    db.session.commit()
    assert lead_fact(l4).amount == Decimal("9999")
    assert_rebuild_agrees()


def test_the_kept_lights_are_the_rules_lights_and_a_stale_day_falls_back(district):
    from app.projects.lights import current_light, light_expression

    today = clock.today()
    p1 = district.projects["P1"]
    p1.is_key = True
    db.session.commit()
    worked_out = dict(db.session.execute(sa.select(Project.id, light_expression(today))).all())
    read = dict(db.session.execute(sa.select(Project.id, current_light(today))).all())
    assert facts.lights_fresh(today)
    assert read == worked_out
    assert worked_out[p1.id] is not None  # a key project is lit
    kept_light = db.session.scalar(sa.select(ProjectFact.light).where(ProjectFact.id == p1.id))
    assert kept_light == worked_out[p1.id]
    # The next day the kept lights are yesterday's: readers work them out
    # until the morning refresh (the worker) has run.
    tomorrow = today + dt.timedelta(days=1)
    assert not facts.lights_fresh(tomorrow)
    assert str(current_light(tomorrow)) == str(light_expression(tomorrow))
    facts.refresh_lights(db.session.connection())
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.min(ProjectFact.light_on))) == today


def test_the_workers_light_refresh_writes_the_lights_only(district):
    """The morning refresh rewrites every project's light; a fact value a
    colleague's commit kept meanwhile (here: set by hand, as if written
    after the worker read the records) is left as it is, lights renewed."""
    p1 = district.projects["P1"].id
    table = ProjectFact.__table__
    yesterday = clock.today() - dt.timedelta(days=1)
    db.session.execute(table.update().values(light_on=yesterday))
    db.session.execute(table.update().where(table.c.id == p1).values(planned_investment=Decimal("4242")))
    db.session.commit()
    facts.refresh_lights(db.session.connection())
    db.session.commit()
    assert project_fact(p1).planned_investment == Decimal("4242")
    assert db.session.scalar(sa.select(sa.func.min(ProjectFact.light_on))) == clock.today()
    facts.rebuild(db.session.connection())  # every column, from the records
    db.session.commit()
    assert project_fact(p1).planned_investment == fresh(Project, p1).planned_investment

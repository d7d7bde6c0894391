"""Report rollups (`app.rollups`): the funnel and 四库 reports give the same
numbers read from the rollups as from the facts, over whole years, half
years, single months, odd days at either end, one day, across a new year and
over nothing at all, with and without a department; they really read the
rollups when they may, and the facts when a filter the rollups do not keep
narrows them or an earlier period's 签约额 must be worked out as it stood.
The rollups kept with every kind of change equal a rebuild, the migration
backfills them, two writers on PostgreSQL both land in one bucket, and
`flask facts rebuild` restores them."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa

from app import archive, clock, facts, rollups
from app.agreements import services as agreements
from app.db import db
from app.leads import pipeline
from app.leads.services import edit_data, update_lead
from app.leads.visits import log_visit
from app.lookups import ref_id
from app.models import (
    AgreementKind,
    Department,
    Lead,
    LeadStatus,
    Project,
    ProjectLevel,
    RefKind,
    ReportRollup,
    Stage,
    User,
)
from app.projects.services import move_stage
from app.reports import funnel, library
from app.reports.filters import parse_query
from app.reports.periods import Period
from tests import factories_chains as fc
from tests import factories_leads as fl
from tests import factories_reports as fr

D = dt.date
TABLE = ReportRollup.__table__


# --- helpers ---------------------------------------------------------------------------


@pytest.fixture
def district(app):
    return fr.district()


@pytest.fixture
def edges(district):
    """The district plus records on the days the periods below start and end
    on, and a signed project with neither department nor industry."""
    d = district
    fr.lead("E1", d.a, D(2025, 1, 12), amount="700.5")
    fr.lead("E2", d.b, D(2025, 5, 15), industry="现代物流", amount=800, contacted=D(2025, 5, 31))
    fr.lead("E3", d.a, D(2024, 12, 31), amount=600, contacted=D(2025, 1, 1), negotiating=D(2025, 1, 16))
    p7 = fr.project("P7", d.a, "2500", d.admin, [(Stage.PLANNING, D(2025, 3, 2)), (Stage.SIGNED, D(2025, 3, 15))])
    p7.lead_department_id = None
    p7.industry_id = None
    db.session.commit()
    return d


@contextmanager
def facts_only(app) -> Iterator[None]:
    """Reports read the facts, not the rollups, inside the block."""
    before = app.config.get("REPORT_ROLLUPS", True)
    app.config["REPORT_ROLLUPS"] = False
    try:
        yield
    finally:
        app.config["REPORT_ROLLUPS"] = before


def _cells(cells: list[Any]) -> list[tuple[int, Any]]:
    return [(c.count, c.amount) for c in cells]


def funnel_numbers(args: dict[str, str], view: str) -> dict[str, Any]:
    """Every number of the funnel report: the steps, each department row, the total row."""
    report = funnel.funnel_report(parse_query(args, clock.today(), options={"view": view}))
    return {
        "steps": [(s.key, s.cell.count, s.cell.amount) for s in report.steps],
        "departments": [(name, _cells(cells)) for name, cells in report.by_department],
        "total": _cells(report.department_total),
    }


def library_numbers(args: dict[str, str]) -> dict[str, Any]:
    """Every number of the 四库 report: the libraries, by department, by industry, 三个一批."""
    report = library.library_report(parse_query(args, clock.today()))

    def table(t: library.Table) -> tuple[list[Any], list[Any]]:
        return [(name, _cells(cells)) for name, cells in t.rows], _cells(t.total)

    return {
        "libraries": [(name, c.count, c.amount) for name, c in report.libraries],
        "department": table(report.tables["department"]),
        "industry": table(report.tables["industry"]),
        "three": [(name, c.count, c.amount) for name, c in report.three],
        "three_by_department": table(report.three_by_department),
    }


def all_numbers(args: dict[str, str]) -> dict[str, Any]:
    return {
        "cohort": funnel_numbers(args, "cohort"),
        "flow": funnel_numbers(args, "flow"),
        "library": library_numbers(args),
    }


def counts_in(numbers: Any) -> list[int]:
    """Every count in a report's numbers (to tell an empty report from a full one)."""
    if isinstance(numbers, dict):
        return [n for value in numbers.values() for n in counts_in(value)]
    if isinstance(numbers, (list, tuple)):
        if len(numbers) == 2 and isinstance(numbers[0], int) and not isinstance(numbers[0], bool):
            return [numbers[0]]
        return [n for value in numbers for n in counts_in(value)]
    if isinstance(numbers, int):
        return [numbers]
    return []


def kept_rollups() -> list[tuple]:
    """Every rollup row, ordered by its primary key."""
    return [tuple(r) for r in db.session.execute(sa.select(TABLE).order_by(*TABLE.primary_key.columns))]


def assert_rollups_agree() -> None:
    """The rollups the commits kept equal those rebuilt from the records
    (facts, then rollups; rolled back afterwards)."""
    db.session.commit()
    before = kept_rollups()
    assert before, "the rollups are kept"
    facts.rebuild(db.session.connection())
    rollups.rebuild(db.session.connection())
    after = kept_rollups()
    db.session.rollback()
    assert before == after


def bucket(measure: str, dim_value: int, grain: str, on: dt.date, dim: str = "department") -> tuple[int, Decimal]:
    """One rollup row's (n, amount); (0, 0) when there is none."""
    db.session.commit()
    row = db.session.execute(
        sa.select(TABLE.c.n, TABLE.c.amount).where(
            TABLE.c.measure == measure,
            TABLE.c.dim == dim,
            TABLE.c.dim_value == dim_value,
            TABLE.c.grain == grain,
            TABLE.c.bucket == on,
        )
    ).one_or_none()
    return (row.n, Decimal(row.amount)) if row is not None else (0, Decimal(0))


def fresh(model, record_id):
    db.session.expire_all()
    return db.session.get(model, record_id)


def custom(start: dt.date, end: dt.date) -> dict[str, str]:
    return {"period": "custom", "start": start.isoformat(), "end": end.isoformat()}


# --- the same numbers both ways --------------------------------------------------------

# (period, the leads received in it — worked out from `fr.district` and `edges`)
PERIODS = {
    "year": ({"period": "year", "year": "2025"}, 9),
    "h1": ({"period": "h1", "year": "2025"}, 8),
    "month": (custom(D(2025, 3, 1), D(2025, 3, 31)), 1),
    "odd-days-both-ends": (custom(D(2025, 1, 12), D(2025, 5, 15)), 6),
    "one-day": (custom(D(2025, 3, 1), D(2025, 3, 1)), 1),
    "across-new-year": (custom(D(2024, 12, 15), D(2025, 1, 16)), 4),
    "no-data": (custom(D(2023, 2, 1), D(2023, 11, 30)), 0),
}


@pytest.mark.parametrize("name", list(PERIODS))
def test_every_number_is_the_same_read_from_the_rollups_or_the_facts(edges, app, name):
    args, received = PERIODS[name]
    for department in (None, edges.a, edges.b):
        query = {**args, **({"department_id": str(department.id)} if department else {})}
        rolled = all_numbers(query)
        with facts_only(app):
            from_facts = all_numbers(query)
        assert rolled == from_facts, (name, department and department.name)
        if department is None:
            leads_step = rolled["flow"]["steps"][0]
            assert leads_step[:2] == ("leads", received)
            # 四库 is the current stage, whatever the period; the rest is of the period.
            dated = [rolled["cohort"], rolled["flow"], rolled["library"]["three"]]
            assert any(counts_in(dated)) == (name != "no-data")
            assert any(counts_in(rolled["library"]["libraries"]))


def test_the_reports_read_the_rollups_when_they_may(edges, app):
    args = {"period": "year", "year": "2025"}
    before = all_numbers(args)
    # Rows deleted behind the facts' back: only a report that reads the rollups notices.
    db.session.execute(TABLE.delete().where(TABLE.c.dim == "department", TABLE.c.dim_value == edges.a.id))
    db.session.commit()
    after = all_numbers(args)
    for report in ("cohort", "flow", "library"):
        assert after[report] != before[report], report
    with facts_only(app):
        assert all_numbers(args) == before
    # 四库 by industry is kept by industry: untouched.
    assert after["library"]["industry"] == before["library"]["industry"]


# --- filters the rollups do not keep ---------------------------------------------------

FILTERS = ["industry_id", "source_id", "tier_id", "leader_id", "level", "kind_id", "chain_id"]


@pytest.mark.parametrize("name", FILTERS)
def test_a_filter_the_rollups_do_not_keep_reads_the_facts(district, app, name):
    d = district
    chain = fc.chain(d.admin)
    fresh(Lead, d.leads["L1"].id).chain_id = chain.id
    fresh(Project, d.projects["P1"].id).level = ProjectLevel.CITY
    fresh(Project, d.projects["P4"].id).kind_id = ref_id(RefKind.PROJECT_KIND, "产业项目")
    db.session.commit()
    value = {
        "industry_id": ref_id(RefKind.INDUSTRY, "智能制造"),
        "source_id": ref_id(RefKind.SOURCE, "以商招商"),
        "tier_id": ref_id(RefKind.TIER, "世界500强"),
        "leader_id": d.leader.id,
        "level": ProjectLevel.CITY.value,
        "kind_id": ref_id(RefKind.PROJECT_KIND, "产业项目"),
        "chain_id": chain.id,
    }[name]
    year = {"period": "year", "year": "2025"}
    filtered = {**year, name: str(value)}
    before = all_numbers(filtered)
    assert any(counts_in(before)), "the filter leaves something to count"
    unfiltered = all_numbers(year)
    db.session.execute(TABLE.delete())
    db.session.commit()
    assert all_numbers(year) != unfiltered  # the deletion shows where the rollups are read …
    assert all_numbers(filtered) == before  # … not here
    with facts_only(app):
        assert all_numbers(filtered) == before


# --- an earlier period, a later agreement -----------------------------------------------


def test_an_earlier_flow_period_values_its_projects_as_of_its_end(district, app):
    d = district
    p1 = d.projects["P1"].id
    data = {
        "kind": AgreementKind.SUPPLEMENTARY,
        "signed_on": D(2025, 9, 1),
        "agreed_investment": Decimal("2000"),
        "is_capital_increase": True,
    }
    agreements.record_agreement(fresh(Project, p1), data, d.admin)
    db.session.commit()
    h1 = {"period": "h1", "year": "2025"}
    numbers = all_numbers(h1)
    with facts_only(app):
        assert all_numbers(h1) == numbers
    # 签约 in H1: P1 (03-20, 12000 on 06-30; 14000 today) and P4 (02-01, 5000 planned, no agreement).
    steps = {key: (n, amount) for key, n, amount in numbers["flow"]["steps"]}
    assert steps["signed"] == (2, Decimal("17000"))
    assert numbers["library"]["three"][0][1:] == (2, Decimal("17000"))
    # The project steps come from the facts, the lead steps from the rollups.
    lead_keys = [funnel.measure_key("flow", k) for k, _l, kind, _r in funnel.STEPS if kind == "lead"]
    project_keys = [funnel.measure_key("flow", k) for k, _l, kind, _r in funnel.STEPS if kind == "project"]
    db.session.execute(TABLE.delete().where(TABLE.c.measure.in_(project_keys)))
    db.session.commit()
    assert all_numbers(h1) == numbers
    db.session.execute(TABLE.delete().where(TABLE.c.measure.in_(lead_keys)))
    db.session.commit()
    without_leads = funnel_numbers(h1, "flow")
    assert [n for _k, n, _a in without_leads["steps"]] == [0, 0, 0] + [n for _k, n, _a in numbers["flow"]["steps"][3:]]


# --- ranges -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (D(2026, 1, 1), D(2026, 12, 31), [(rollups.MONTH, D(2026, 1, 1), D(2026, 12, 1))]),
        (
            D(2026, 1, 15),
            D(2026, 3, 10),
            [
                (rollups.MONTH, D(2026, 2, 1), D(2026, 2, 1)),
                (rollups.DAY, D(2026, 1, 15), D(2026, 1, 31)),
                (rollups.DAY, D(2026, 3, 1), D(2026, 3, 10)),
            ],
        ),
        (D(2026, 1, 5), D(2026, 1, 20), [(rollups.DAY, D(2026, 1, 5), D(2026, 1, 20))]),
        (D(2026, 2, 1), D(2026, 2, 28), [(rollups.MONTH, D(2026, 2, 1), D(2026, 2, 1))]),
        (D(2024, 2, 1), D(2024, 2, 29), [(rollups.MONTH, D(2024, 2, 1), D(2024, 2, 1))]),
        (D(2026, 3, 1), D(2026, 3, 1), [(rollups.DAY, D(2026, 3, 1), D(2026, 3, 1))]),
        (D(2026, 1, 31), D(2026, 2, 1), [(rollups.DAY, D(2026, 1, 31), D(2026, 2, 1))]),
        (
            D(2025, 12, 15),
            D(2026, 1, 16),
            [(rollups.DAY, D(2025, 12, 15), D(2026, 1, 16))],
        ),
        (
            D(2025, 11, 20),
            D(2026, 2, 5),
            [
                (rollups.MONTH, D(2025, 12, 1), D(2026, 1, 1)),
                (rollups.DAY, D(2025, 11, 20), D(2025, 11, 30)),
                (rollups.DAY, D(2026, 2, 1), D(2026, 2, 5)),
            ],
        ),
        (
            D(2026, 1, 1),
            D(2026, 2, 10),
            [(rollups.MONTH, D(2026, 1, 1), D(2026, 1, 1)), (rollups.DAY, D(2026, 2, 1), D(2026, 2, 10))],
        ),
        (
            D(2026, 1, 10),
            D(2026, 2, 28),
            [(rollups.MONTH, D(2026, 2, 1), D(2026, 2, 1)), (rollups.DAY, D(2026, 1, 10), D(2026, 1, 31))],
        ),
    ],
)
def test_ranges_split_a_period_into_whole_months_and_odd_days(start, end, expected):
    assert rollups.ranges(Period(start, end, "custom")) == expected


def test_ranges_of_no_period_is_all_time():
    assert rollups.ranges(None) == [(rollups.ALL, rollups.ALL_TIME, rollups.ALL_TIME)]


# --- kept with every kind of change ------------------------------------------------------


def test_a_visit_contacts_a_lead(district):
    l4, b = district.leads["L4"].id, district.b.id
    assert bucket("funnel.flow.contacted", b, rollups.DAY, D(2025, 4, 8)) == (0, 0)
    cohort_april = bucket("funnel.cohort.contacted", b, rollups.MONTH, D(2025, 4, 1))
    data = {"visited_on": D(2025, 4, 8), "summary": "首次上门", "kind_id": ref_id(RefKind.VISIT_KIND, "外出拜访")}
    log_visit(data, district.staff_b, lead=fresh(Lead, l4))
    assert_rollups_agree()
    assert bucket("funnel.flow.contacted", b, rollups.DAY, D(2025, 4, 8))[0] == 1
    assert bucket("funnel.cohort.contacted", b, rollups.MONTH, D(2025, 4, 1))[0] == cohort_april[0] + 1


def test_a_status_move(district):
    l4, b = district.leads["L4"].id, district.b.id
    pipeline.advance(fresh(Lead, l4), LeadStatus.CONTACTED, district.staff_b, on=D(2025, 4, 5))
    assert_rollups_agree()
    month = bucket("funnel.flow.negotiating", b, rollups.MONTH, D(2025, 4, 1))
    pipeline.advance(fresh(Lead, l4), LeadStatus.NEGOTIATING, district.staff_b, on=D(2025, 4, 20))
    assert_rollups_agree()
    assert bucket("funnel.flow.negotiating", b, rollups.DAY, D(2025, 4, 20))[0] == 1
    assert bucket("funnel.flow.negotiating", b, rollups.MONTH, D(2025, 4, 1))[0] == month[0] + 1


def test_a_conversion(district):
    l3, b = district.leads["L3"].id, district.b.id
    attracting = bucket("library.attracting", b, rollups.ALL, rollups.ALL_TIME)
    pipeline.convert_lead(fresh(Lead, l3), district.admin, {"on": D(2025, 5, 5)})
    assert_rollups_agree()
    assert bucket("funnel.flow.negotiating", b, rollups.DAY, D(2025, 5, 5)) == (1, Decimal("5000"))
    assert bucket("library.attracting", b, rollups.ALL, rollups.ALL_TIME)[0] == attracting[0] + 1


def test_a_stage_move(district):
    p3, a = district.projects["P3"].id, district.a.id
    attracting = bucket("library.attracting", a, rollups.ALL, rollups.ALL_TIME)
    signed = bucket("library.signed", a, rollups.ALL, rollups.ALL_TIME)
    move_stage(fresh(Project, p3), Stage.SIGNED, district.admin, on=D(2025, 6, 3))
    assert_rollups_agree()
    # No agreement: valued at the planned investment.
    assert bucket("funnel.flow.signed", a, rollups.DAY, D(2025, 6, 3)) == (1, Decimal("3000"))
    assert bucket("library.attracting", a, rollups.ALL, rollups.ALL_TIME)[0] == attracting[0] - 1
    assert bucket("library.signed", a, rollups.ALL, rollups.ALL_TIME)[0] == signed[0] + 1


def test_an_agreement(district):
    p3, a = district.projects["P3"].id, district.a.id
    data = {
        "kind": AgreementKind.INVESTMENT,
        "signed_on": D(2025, 6, 10),
        "agreed_investment": Decimal("4000"),
        "is_capital_increase": False,
    }
    agreements.record_agreement(fresh(Project, p3), data, district.admin)
    assert_rollups_agree()
    assert bucket("funnel.flow.signed", a, rollups.DAY, D(2025, 6, 10)) == (1, Decimal("4000"))
    # The cohort's 签约 counts it under its lead's month (L5, received in May).
    cohort = bucket("funnel.cohort.signed", a, rollups.DAY, D(2025, 5, 1))
    assert cohort == (1, Decimal("4000"))


def test_a_lead_moved_to_another_department_takes_its_projects_cohort_steps(district):
    l1, a, b = district.leads["L1"].id, district.a.id, district.b.id
    received = D(2025, 1, 10)  # L1's day; P1, its project, signed
    signed = bucket("funnel.cohort.signed", a, rollups.DAY, received)
    assert signed[0] == 1
    lead = fresh(Lead, l1)
    data = {**edit_data(lead), "owner_department_id": b, "owner_user_id": None, "received_on": D(2025, 1, 11)}
    update_lead(lead, data, district.admin, version=lead.version, confirm_duplicate=True)
    assert_rollups_agree()
    assert bucket("funnel.cohort.signed", a, rollups.DAY, received) == (0, 0)
    assert bucket("funnel.cohort.signed", b, rollups.DAY, D(2025, 1, 11)) == signed


def test_many_buckets_at_once_recomputed_in_chunks(district, monkeypatch):
    """One commit moving records in many departments and months recomputes
    its buckets a few per statement, with the same result."""
    monkeypatch.setattr(rollups, "CHUNK", 2)
    d = district
    db.session.expire_all()
    for n, lead in enumerate(db.session.scalars(sa.select(Lead).order_by(Lead.id)), start=1):
        lead.owner_department_id = d.b.id if lead.owner_department_id == d.a.id else d.a.id
        lead.received_on += dt.timedelta(days=17 * n)
    for project in db.session.scalars(sa.select(Project)):
        project.lead_department_id = d.b.id
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).where(Lead.owner_department_id == d.a.id)) == 4
    assert_rollups_agree()
    assert bucket("library.all", d.a.id, rollups.ALL, rollups.ALL_TIME) == (0, 0)


def test_lead_archive_and_restore(district):
    l3, b = district.leads["L3"].id, district.b.id
    march = bucket("funnel.cohort.leads", b, rollups.MONTH, D(2025, 3, 1))
    assert march[0] >= 1
    pipeline.archive_lead(fresh(Lead, l3), district.admin, "录入重复")
    assert_rollups_agree()
    assert bucket("funnel.cohort.leads", b, rollups.MONTH, D(2025, 3, 1))[0] == march[0] - 1
    archive.restore("lead", fresh(Lead, l3), district.admin)
    assert_rollups_agree()
    assert bucket("funnel.cohort.leads", b, rollups.MONTH, D(2025, 3, 1)) == march


def test_project_archive_and_restore(district):
    p1, a = district.projects["P1"].id, district.a.id
    everything = bucket("library.all", a, rollups.ALL, rollups.ALL_TIME)
    archive.archive("project", fresh(Project, p1), district.admin, "重复立项")
    assert_rollups_agree()
    assert bucket("library.all", a, rollups.ALL, rollups.ALL_TIME)[0] == everything[0] - 1
    archive.restore("project", fresh(Project, p1), district.admin)
    assert_rollups_agree()
    assert bucket("library.all", a, rollups.ALL, rollups.ALL_TIME) == everything


def test_a_lead_deleted_minutes_after_it_was_entered(district):
    a = district.a.id
    lead = fl.lead(department=district.a, owner=district.admin, received_on=D(2025, 2, 14))
    db.session.commit()
    assert bucket("funnel.cohort.leads", a, rollups.DAY, D(2025, 2, 14)) == (1, Decimal("1000"))
    assert_rollups_agree()
    archive.hard_delete("lead", fresh(Lead, lead.id), district.admin)
    assert_rollups_agree()
    assert bucket("funnel.cohort.leads", a, rollups.DAY, D(2025, 2, 14)) == (0, 0)


# --- migration, CLI ----------------------------------------------------------------------


def test_upgrade_to_0017_backfills_the_rollups(district, app):
    from flask_migrate import downgrade, upgrade

    assert_rollups_agree()
    before = kept_rollups()
    db.session.remove()
    downgrade(revision="0016")
    try:
        tables = sa.inspect(db.engine).get_table_names()
        assert "report_rollup" not in tables and "lead_fact" in tables
        upgrade(revision="0017")
        backfilled = kept_rollups()
        db.session.remove()
    finally:
        upgrade()
    assert backfilled == before
    assert_rollups_agree()


def test_cli_rebuild_restores_rollup_rows_deleted_by_hand(district, app):
    assert_rollups_agree()
    before = kept_rollups()
    db.session.execute(TABLE.delete().where(TABLE.c.dim == "department"))
    db.session.execute(TABLE.delete().where(TABLE.c.measure == "library.all"))
    db.session.commit()
    assert len(kept_rollups()) < len(before)
    result = app.test_cli_runner().invoke(args=["facts", "rebuild"])
    assert result.exit_code == 0, result.output
    assert f"汇总 {len(before)} 行" in result.output
    db.session.rollback()
    assert kept_rollups() == before


# --- two writers at once (PostgreSQL) -----------------------------------------------------


@pytest.mark.parametrize("change", ["new lead", "to negotiating"])
def test_two_writers_in_one_department_and_month_both_land(district, app, change):
    """This transaction has recomputed a bucket (a report read in the same
    request settled it) when a colleague writes to the same bucket; both
    commit and the bucket counts both."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite runs one writer at a time")
    d = district
    if change == "new lead":
        measure, dept, month = "funnel.cohort.leads", d.a.id, D(2025, 2, 1)
    else:
        measure, dept, month = "funnel.flow.negotiating", d.b.id, D(2025, 4, 1)
    n_before = bucket(measure, dept, rollups.MONTH, month)[0]
    admin_id, staff_b_id, a_id = d.admin.id, d.staff_b.id, d.a.id
    l3, l4 = d.leads["L3"].id, d.leads["L4"].id

    def write(mine: bool) -> None:
        if change == "new lead":
            department = db.session.get(Department, a_id)
            owner = db.session.get(User, admin_id)
            fl.lead(department=department, owner=owner, received_on=D(2025, 2, 14 if mine else 20))
        else:
            lead = db.session.get(Lead, l3 if mine else l4)
            staff = db.session.get(User, staff_b_id)
            pipeline.advance(lead, LeadStatus.NEGOTIATING, staff, on=D(2025, 4, 10 if mine else 12))

    write(mine=True)
    facts.settle()
    outcome: dict[str, str] = {}

    def colleague() -> None:
        with app.app_context():
            try:
                write(mine=False)
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
    waited = thread.is_alive()  # on the bucket this transaction recomputed
    db.session.commit()
    thread.join(timeout=30)
    assert waited
    assert outcome == {"colleague": "ok"}
    assert_rollups_agree()
    assert bucket(measure, dept, rollups.MONTH, month)[0] == n_before + 2

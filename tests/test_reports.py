"""Reports on a district with known numbers (tests/factories_reports.py):
every cell of the funnel (both views), 四库, 三个一批, activity, targets and
ranking, speed and key projects; empty periods, zero denominators, 亿元
rounding after summing, and the .xlsx carrying the same numbers."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from app import clock
from app.db import db
from app.models import Target, TargetMetric
from app.reports import activity, funnel, keyprojects, library, speed, targets
from app.reports.filters import parse_query
from app.reports.periods import ReportInputError
from app.reports.render import yi_number
from tests import factories_reports as fr

H1_2025 = {"period": "h1", "year": "2025"}


def q(args=None, **options):
    return parse_query({**H1_2025, **(args or {})}, clock.today(), options=options)


def counts(cells):
    return [c.count for c in cells]


def yis(cells):
    return [str(yi_number(c.amount)) for c in cells]


@pytest.fixture
def district(app):
    return fr.district()


# --- funnel ---------------------------------------------------------------------


def test_cohort_funnel_counts_leads_received_in_the_period_and_how_far_they_got(district):
    report = funnel.funnel_report(q(view="cohort"))
    cells = [s.cell for s in report.steps]
    assert counts(cells) == [6, 5, 3, 2, 1, 0]
    # 线索/已对接/洽谈: intended investment; 签约+: signed amount by now
    # (P1 latest agreement 12000; P2 8000 + capital increase 1000).
    assert yis(cells) == ["3.3", "3.3", "2.7", "2.1", "1.2", "0.0"]
    assert [s.step_rate for s in report.steps] == [
        None,
        Decimal("83.3"),
        Decimal("60.0"),
        Decimal("66.7"),
        Decimal("50.0"),
        Decimal("0.0"),
    ]
    assert [s.overall_rate for s in report.steps][1:] == [
        Decimal("83.3"),
        Decimal("50.0"),
        Decimal("33.3"),
        Decimal("16.7"),
        Decimal("0.0"),
    ]
    rows = {name: counts(cells) for name, cells in report.by_department}
    assert rows == {"东城街道": [3, 3, 3, 2, 1, 0], "西城街道": [3, 2, 0, 0, 0, 0]}
    assert counts(report.department_total) == [sum(col) for col in zip(*rows.values(), strict=True)]


def test_flow_funnel_counts_what_reached_each_step_during_the_period(district):
    report = funnel.funnel_report(q(view="flow"))
    cells = [s.cell for s in report.steps]
    # L6 (received 2024) was contacted and negotiated in 2025; P4 (no lead)
    # enters at 签约 and skipped to 投产, which counts 开工 as reached too.
    assert counts(cells) == [6, 6, 4, 2, 2, 1]
    # 签约 as it stood on 2025-06-30: P1 12000 + P4 (no agreement: planned) 5000.
    assert yis(cells) == ["3.3", "3.6", "3.0", "1.7", "1.7", "0.5"]
    assert [s.step_rate for s in report.steps][1:] == [
        Decimal("100.0"),
        Decimal("66.7"),
        Decimal("50.0"),
        Decimal("100.0"),
        Decimal("50.0"),
    ]
    rows = {name: counts(cells) for name, cells in report.by_department}
    assert rows == {"东城街道": [3, 4, 4, 1, 1, 0], "西城街道": [3, 2, 0, 1, 1, 1]}


def test_converting_straight_after_contact_counts_as_negotiated(district):
    report = funnel.funnel_report(
        q({"department_id": str(district.a.id), "source_id": _ref("source", "以商招商")}, view="cohort")
    )
    # L2 and L5 (L5 has no negotiating date, only converted).
    assert counts([s.cell for s in report.steps])[:3] == [2, 2, 2]


def test_yi_is_rounded_after_summing(district):
    report = funnel.funnel_report(q({"industry_id": _ref("industry", "智能制造")}, view="cohort"))
    first = report.steps[0].cell
    assert first.count == 2 and first.amount == Decimal("24695")  # 12345 + 12350
    assert str(yi_number(first.amount)) == "2.5"  # rounding each first would give 1.2 + 1.2 = 2.4


def test_empty_period_has_zero_counts_and_dashes_for_rates(district, client, login_as):
    report = funnel.funnel_report(q({"period": "custom", "start": "2024-01-01", "end": "2024-01-31"}, view="flow"))
    assert counts([s.cell for s in report.steps]) == [0] * 6
    assert all(s.step_rate is None and s.overall_rate is None for s in report.steps)
    login_as(district.admin)
    html = client.get("/reports/funnel?view=flow&period=custom&start=2024-01-01&end=2024-01-31").get_data(as_text=True)
    assert html.count(">—<") >= 10


def test_tier_and_leader_filters(district):
    tier = _ref("tier", "世界500强")
    flow = funnel.funnel_report(q({"tier_id": tier}, view="flow"))
    assert counts([s.cell for s in flow.steps]) == [0, 0, 0, 1, 1, 1]  # P4 only
    led = funnel.funnel_report(q({"leader_id": str(district.leader.id)}, view="flow"))
    # L1 became P1, which the leader leads; P1 and P4 from 签约 on.
    assert counts([s.cell for s in led.steps]) == [1, 1, 1, 2, 2, 1]


# --- 四库 and 三个一批 -------------------------------------------------------------


def test_library_counts_current_stage_with_planned_investment(district):
    report = library.library_report(q())
    assert [(name, c.count, str(yi_number(c.amount))) for name, c in report.libraries] == [
        ("谋划库", 1, "2.0"),
        ("招引库", 1, "0.3"),
        ("签约库", 1, "1.0"),
        ("落地库", 2, "2.0"),
        ("合计", 5, "5.3"),
    ]
    by_dept = {name: (counts(cells), yis(cells)) for name, cells in report.tables["department"].rows}
    assert by_dept["东城街道"] == ([0, 1, 1, 1, 3], ["0.0", "0.3", "1.0", "1.5", "2.8"])
    assert by_dept["西城街道"] == ([1, 0, 0, 1, 2], ["2.0", "0.0", "0.0", "0.5", "2.5"])
    for table in report.tables.values():  # totals equal the sum of rows
        for i, total in enumerate(table.total):
            assert total.count == sum(cells[i].count for _n, cells in table.rows)
            assert total.amount == sum(cells[i].amount for _n, cells in table.rows)
    assert [(name, c.count, str(yi_number(c.amount))) for name, c in report.three] == [
        ("签约一批", 2, "1.7"),
        ("开工一批", 2, "1.7"),
        ("投产一批", 1, "0.5"),
    ]


# --- activity ---------------------------------------------------------------------


def test_activity_per_department_and_person(district):
    report = activity.activity_report(q())
    assert counts(report.totals) == [6, 3, 4]  # leads, companies, visits
    kinds = dict(zip([name for _k, name in report.kinds], counts(report.kind_totals), strict=True))
    assert kinds["外出拜访"] == 1 and kinds["洽谈会"] == 1 and kinds["电话沟通"] == 1 and kinds["实地考察"] == 1
    rows = {name: counts(main) for name, main, _k in report.by_department}
    assert rows == {"东城街道": [3, 1, 2], "西城街道": [3, 2, 2]}
    people = {name: counts(main) for name, main, _k in report.by_user}
    # 王五 logged the phone call without participants: counted as its author.
    assert people == {"张三": [2, 1, 2], "李四": [1, 1, 1], "王五": [2, 2, 2]}


# --- targets --------------------------------------------------------------------------


def _targets(district):
    targets.save_targets(
        2025,
        {
            (district.a.id, TargetMetric.SIGNED_AMOUNT): Decimal("24000"),
            (district.b.id, TargetMetric.SIGNED_AMOUNT): Decimal("4000"),
            (None, TargetMetric.SIGNED_AMOUNT): Decimal("30000"),
            (district.a.id, TargetMetric.SIGNED_PROJECTS): Decimal("2"),
        },
    )
    db.session.commit()


def test_targets_ranking_and_district_summary(district):
    _targets(district)
    report = targets.targets_report(
        parse_query({"period": "year", "year": "2025"}, clock.today(), options={"metric": "signed_amount"})
    )
    ranked = [(r.rank, r.name, r.value, r.target, r.completion) for r in report.ranking]
    # Signed in 2025 (valued at 2025-12-31): A = P1 12000 + P2 9000, B = P4 5000.
    assert ranked == [
        (1, "西城街道", Decimal("5000"), Decimal("4000"), Decimal("125.0")),
        (2, "东城街道", Decimal("21000"), Decimal("24000"), Decimal("87.5")),
    ]
    summary = {s.metric: (s.value, s.target, s.allocated, s.completion) for s in report.district}
    assert summary[TargetMetric.SIGNED_AMOUNT] == (
        Decimal("26000"),
        Decimal("30000"),
        Decimal("28000"),
        Decimal("86.7"),
    )
    assert summary[TargetMetric.SIGNED_PROJECTS] == (Decimal("3"), None, Decimal("2"), None)
    assert summary[TargetMetric.BILLION_PROJECTS][0] == 1  # P1 only
    assert summary[TargetMetric.TOP_TIER_PROJECTS][0] == 1  # P4's company is 世界500强
    assert summary[TargetMetric.FUNDS_RECEIVED][0] == Decimal("6500")
    assert summary[TargetMetric.LEADS_COLLECTED][0] == 7  # L7 (July) counts for the year
    assert summary[TargetMetric.VISITS][0] == 4
    matrix = dict(report.matrix)
    assert matrix["东城街道"][0] == Decimal("100.0")  # 2 signed projects of a target of 2


def test_district_target_row_is_never_duplicated(district):
    for value in ("100", "200"):
        targets.save_targets(2025, {(None, TargetMetric.VISITS): Decimal(value)})
        db.session.commit()
    rows = db.session.scalars(sa.select(Target).where(Target.department_id.is_(None))).all()
    assert [(r.metric, r.value) for r in rows] == [(TargetMetric.VISITS, Decimal("200"))]
    targets.save_targets(2025, {(None, TargetMetric.VISITS): None})
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count(Target.id))) == 0


@pytest.mark.parametrize(
    ("metric", "raw", "ok"),
    [
        (TargetMetric.SIGNED_PROJECTS, "3", True),
        (TargetMetric.SIGNED_PROJECTS, "2.5", False),
        (TargetMetric.SIGNED_AMOUNT, "12,000.5", True),
        (TargetMetric.SIGNED_AMOUNT, "-1", False),
        (TargetMetric.SIGNED_AMOUNT, "1e400", False),
        (TargetMetric.VISITS, "abc", False),
        (TargetMetric.VISITS, "", True),
        (TargetMetric.SIGNED_AMOUNT, "3.5亿", True),
        (TargetMetric.SIGNED_AMOUNT, "1.2万美元", False),
    ],
)
def test_target_values_are_checked(app, metric, raw, ok):
    if ok:
        targets.parse_value(raw, metric)
        if raw == "3.5亿":  # amounts go through the one money parser
            assert targets.parse_value(raw, metric) == 35000
    else:
        with pytest.raises(targets.TargetError):
            targets.parse_value(raw, metric)


# --- speed ---------------------------------------------------------------------------


def test_speed_medians_and_80th_percentiles(district):
    report = speed.speed_report(q(by="department"))
    rows = {r.key: r for r in report.overall}
    new = rows["lead.new"]
    # Left 新线索 in H1: 4, 5, 5, 9, 9, 16 days → median 7.0, P80 9.0.
    assert (new.completed.n, new.completed.median, new.completed.p80) == (6, Decimal("7.0"), Decimal("9.0"))
    assert new.current.n == 2  # L4 and L7 are still new
    planning = rows["stage.planning"]
    # P4 30 days, P6 88 days → median 59.0, P80 30 + 0.8 × 58 = 76.4.
    assert (planning.completed.n, planning.completed.median, planning.completed.p80) == (
        2,
        Decimal("59.0"),
        Decimal("76.4"),
    )
    signing = rows["received_signed"]
    assert (signing.completed.n, signing.completed.median) == (1, Decimal("69.0"))  # L1 01-10 → P1 03-20
    groups = dict(report.groups)
    keys = speed.STEP_KEYS
    assert groups["东城街道"][keys.index("lead.new")].n == 4  # L1, L2, L5, L6


# --- key projects ------------------------------------------------------------------------


def test_key_projects_lights_five_ones_and_overdue_problems(district):
    report = keyprojects.key_projects_report(q())
    # red, yellow, green, key, complete
    assert counts(report.summary.cells) == [1, 0, 1, 2, 1]
    assert report.summary.rate == Decimal("50.0")
    by_leader = {g.name: counts(g.cells) for g in report.groups["leader"]}
    assert by_leader == {"王建国（常务副区长）": [1, 0, 1, 2, 1]}
    assert [(name, c.count) for name, c in report.problems] == [("红色督办", 0), ("黄色督办", 1), ("蓝色督办", 0)]
    assert [(name, counts(cells)) for name, cells in report.problems_by_department] == [("西城街道", [0, 1, 0])]


# --- export -------------------------------------------------------------------------------


def test_xlsx_has_the_page_numbers_and_a_caption(district, client, login_as):
    login_as(district.admin)
    response = client.get(f"/reports/funnel?view=flow&period=h1&year=2025&department_id={district.a.id}&format=xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    sheet = book["招商漏斗"]
    rows = list(sheet.iter_rows(values_only=True))
    assert "招商漏斗" in rows[0][0] and "部门：东城街道" in rows[0][0] and "导出时间" in rows[0][0]
    assert rows[1][:3] == ("步骤", "数量", "金额（亿元）")
    assert [r[1] for r in rows[2:8]] == [3, 4, 4, 1, 1, 0]
    assert rows[2][2] == pytest.approx(2.7)  # 12345 + 12350 + 2000 = 26695 万元
    assert rows[3][3] == pytest.approx(133.3)  # 4 ÷ 3


def test_meeting_pack_is_one_page_and_one_workbook(district, client, login_as):
    login_as(district.leader)
    page = client.get("/reports/pack?meeting=monthly&period=h1&year=2025")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for part in ("招商漏斗", "四库与三个一批", "龙虎榜", "红黄灯项目", "逾期问题督办"):
        assert part in html
    assert "P1" in html and "节点『土地挂牌』逾期 12 天" in html
    book = load_workbook(io.BytesIO(client.get("/reports/pack?meeting=monthly&period=h1&year=2025&format=xlsx").data))
    assert len(book.sheetnames) >= 6 and "红黄灯项目" in book.sheetnames


def test_every_report_function_raises_clear_errors_on_bad_input(app):
    with pytest.raises(ReportInputError, match="早于开始日期"):
        parse_query({"period": "custom", "start": "2025-03-01", "end": "2025-02-01"}, clock.today())


def _ref(kind: str, name: str) -> str:
    from app.lookups import ref_id
    from app.models import RefKind

    return str(ref_id(RefKind(kind), name))


def test_demo_targets_cover_the_district_once_and_seed_idempotently(district):
    from app.demo import DemoContext
    from app.demo import reports as demo_reports

    first = demo_reports.seed(DemoContext(today=dt.date(2025, 7, 1)))
    again = demo_reports.seed(DemoContext(today=dt.date(2025, 7, 1)))
    assert "新增 0 项" in again and "新增 0 项" not in first
    district_rows = db.session.scalars(sa.select(Target).where(Target.department_id.is_(None), Target.year == 2025))
    assert sorted(t.metric.value for t in district_rows) == sorted(m.value for m in TargetMetric)

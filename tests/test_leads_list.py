"""The lead list: filters, pinyin search, sorting, the .xlsx export with the
same filters, the clocks (overdue, stale) in SQL, the home panels and a
constant number of queries whatever the page size."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from app import clock, workdays
from app.db import db
from app.leads import clocks
from app.models import Lead, LeadStatus, RefKind, User
from tests import factories
from tests import factories_leads as fl

TODAY = clock.today()


def days_ago(n: int) -> dt.date:
    return TODAY - dt.timedelta(days=n)


def at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(2, 0))


@pytest.fixture
def desk():
    east = factories.department("东城街道")
    alice = factories.user("staff", department=east)
    db.session.commit()
    return east, alice


def titles(html: str, *candidates: str) -> set[str]:
    return {t for t in candidates if t in html}


def test_pinyin_initials_find_the_company(client, login_as, desk):
    east, alice = desk
    fl.lead(company=fl.company("华润置业有限公司"), department=east, owner=alice, title="甲意向")
    fl.lead(company=fl.company("宇通客车股份有限公司"), department=east, owner=alice, title="乙意向")
    db.session.commit()
    login_as(alice)
    for q in ("hrzy", "huarun", "华润", "HRZY"):
        html = client.get("/leads/", query_string={"q": q}).get_data(as_text=True)
        assert titles(html, "甲意向", "乙意向") == {"甲意向"}, q
    html = client.get("/leads/", query_string={"q": "乙意向"}).get_data(as_text=True)
    assert titles(html, "甲意向", "乙意向") == {"乙意向"}
    # Terms may hit the company and the title.
    html = client.get("/leads/", query_string={"q": "ytkc 乙"}).get_data(as_text=True)
    assert titles(html, "甲意向", "乙意向") == {"乙意向"}
    # LIKE metacharacters are literal.
    html = client.get("/leads/", query_string={"q": "%"}).get_data(as_text=True)
    assert titles(html, "甲意向", "乙意向") == set()


def test_filters(client, login_as, desk):
    east, alice = desk
    west = factories.department("西城街道")
    admin = factories.user("admin")
    tier = fl.ref(RefKind.TIER, "世界500强")
    source = fl.ref(RefKind.SOURCE, "展会论坛")
    industry = fl.ref(RefKind.INDUSTRY, "智能制造")
    fl.lead(
        company=fl.company(tiers=[tier]),
        department=east,
        owner=alice,
        title="A500强",
        received_on=days_ago(40),
        source_id=source.id,
    )
    fl.lead(
        company=fl.company(),
        department=west,
        title="B西城",
        status=LeadStatus.NEGOTIATING,
        received_on=days_ago(5),
        industry_id=industry.id,
        last_visit_on=days_ago(1),
    )
    fl.lead(company=fl.company(), department=east, title="C搁置", status=LeadStatus.SHELVED, received_on=days_ago(90))
    db.session.commit()
    login_as(admin)
    all_three = ("A500强", "B西城", "C搁置")

    def shown(**params):
        response = client.get("/leads/", query_string=params)
        assert response.status_code == 200
        return titles(response.get_data(as_text=True), *all_three)

    assert shown() == set(all_three)
    assert shown(status="negotiating") == {"B西城"}
    assert shown(status="open") == {"A500强", "B西城"}
    assert shown(status="new,shelved") == {"A500强", "C搁置"}
    assert shown(department_id=west.id) == {"B西城"}
    assert shown(owner_id=alice.id) == {"A500强"}
    assert shown(industry_id=industry.id) == {"B西城"}
    assert shown(source_id=source.id) == {"A500强"}
    assert shown(tier_id=tier.id) == {"A500强"}
    assert shown(received_from=days_ago(50).isoformat(), received_to=days_ago(10).isoformat()) == {"A500强"}
    assert shown(no_visit_days=3) == {"A500强", "C搁置"}
    assert shown(reached="negotiating") == {"B西城"}
    assert shown(reached="contacted") == {"B西城"}


@pytest.mark.parametrize(
    "params",
    [
        {"status": "bogus"},
        {"department_id": "abc"},
        {"owner_id": "-1"},
        {"tier_id": "1e9"},
        {"received_from": "2026-13-01"},
        {"received_from": "2026-05-01", "received_to": "2026-01-01"},
        {"no_visit_days": "lots"},
        {"sort": "drop table"},
        {"page": "x", "per_page": "-5"},
        {"reached": "moon"},
    ],
)
def test_invalid_parameters_give_a_chinese_message_not_a_500(client, login_as, desk, params):
    login_as(desk[1])
    response = client.get("/leads/", query_string=params)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    if set(params) - {"page", "per_page"}:
        assert "已忽略" in html or "已按收到日期排序" in html
    export = client.get("/leads/export.xlsx", query_string=params)
    assert export.status_code in (200, 400)
    if export.status_code == 400:
        assert "筛选条件" in export.get_data(as_text=True)


@pytest.mark.parametrize(
    ("sort", "first"),
    [
        ("amount", "小·旧"),
        ("-amount", "大·新"),
        ("received", "小·旧"),
        ("-received", "大·新"),
        ("last_visit", "小·旧"),  # never visited comes first
        ("-last_visit", "大·新"),
    ],
)
def test_sorting(client, login_as, desk, sort, first):
    east, alice = desk
    fl.lead(department=east, owner=alice, title="小·旧", intended_investment=Decimal("10"), received_on=days_ago(9))
    fl.lead(
        department=east,
        owner=alice,
        title="大·新",
        intended_investment=Decimal("90000"),
        received_on=days_ago(1),
        last_visit_on=days_ago(1),
    )
    db.session.commit()
    login_as(alice)
    html = client.get("/leads/", query_string={"sort": sort}).get_data(as_text=True)
    other = "大·新" if first == "小·旧" else "小·旧"
    assert html.index(first) < html.index(other)


def test_export_uses_the_same_filters_and_scope(client, login_as, desk):
    east, alice = desk
    west = factories.department("西城街道")
    fl.lead(company=fl.company("华润置业有限公司"), department=east, owner=alice, title="本部门线索")
    fl.lead(company=fl.company("宇通客车股份有限公司"), department=east, owner=alice, title="另一条")
    fl.lead(company=fl.company("比亚迪股份有限公司"), department=west, title="西城机密线索")
    db.session.commit()
    login_as(alice)
    response = client.get("/leads/export.xlsx", query_string={"q": "hrzy"})
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(response.data)).active
    values = [" ".join(str(c) for c in row if c is not None) for row in sheet.iter_rows(values_only=True)]
    assert "hrzy" in values[0]  # the caption states the filter
    body = "\n".join(values[2:])
    assert "本部门线索" in body and "另一条" not in body
    everything = load_workbook(io.BytesIO(client.get("/leads/export.xlsx").data)).active
    text = "\n".join(str(c) for row in everything.iter_rows(values_only=True) for c in row if c)
    assert "本部门线索" in text and "另一条" in text and "西城机密线索" not in text


def test_list_runs_the_same_number_of_queries_whatever_the_page_size(client, login_as, desk, count_queries):
    east, alice = desk
    tier = fl.ref(RefKind.TIER, "上市公司")
    for n in range(60):
        fl.lead(
            company=fl.company(tiers=[tier]),
            department=east,
            owner=alice if n % 2 else factories.user("staff", department=east),
            source_id=fl.ref(RefKind.SOURCE).id,
            industry_id=fl.ref(RefKind.INDUSTRY).id,
        )
    db.session.commit()
    login_as(alice)
    counts = []
    for per_page in (5, 50):
        with count_queries() as n:
            response = client.get("/leads/", query_string={"per_page": per_page, "q": "测试"})
        assert response.status_code == 200
        counts.append(n())
    assert counts[0] == counts[1] <= 10, counts


# --- clocks ------------------------------------------------------------------------


def test_working_days_skip_the_weekend():
    friday = dt.date(2026, 11, 20)
    assert workdays.calendar().add_workdays(friday, 1) == dt.date(2026, 11, 23)  # Monday
    assert workdays.calendar().add_workdays(dt.date(2026, 11, 21), 1) == dt.date(2026, 11, 23)  # Saturday → Monday
    # Received Friday, one working day: overdue from Tuesday, not on Monday.
    assert clocks.first_contact_cutoff(dt.date(2026, 11, 23), 1) < friday
    assert clocks.first_contact_cutoff(dt.date(2026, 11, 24), 1) >= friday


def overdue_of(lead: Lead, today: dt.date = TODAY):
    return db.session.execute(
        sa.select(clocks.overdue_expr(today), clocks.stale_expr(today)).where(Lead.id == lead.id)
    ).one()


def test_clocks(app, desk):
    east, alice = desk
    recent = fl.lead(department=east, owner=alice, received_on=TODAY, status_changed_at=at(TODAY))
    uncontacted = fl.lead(department=east, owner=alice, received_on=days_ago(7), status_changed_at=at(days_ago(7)))
    unassessed = fl.lead(
        department=east,
        owner=alice,
        status=LeadStatus.CONTACTED,
        received_on=days_ago(6),
        last_visit_on=days_ago(5),
        status_changed_at=at(days_ago(5)),
    )
    quiet = fl.lead(
        department=east,
        owner=alice,
        status=LeadStatus.NEGOTIATING,
        received_on=days_ago(60),
        last_visit_on=days_ago(35),
        status_changed_at=at(days_ago(40)),
    )
    busy = fl.lead(
        department=east,
        owner=alice,
        status=LeadStatus.NEGOTIATING,
        received_on=days_ago(60),
        last_visit_on=days_ago(3),
        status_changed_at=at(days_ago(40)),
    )
    closed = fl.lead(
        department=east,
        owner=alice,
        status=LeadStatus.SHELVED,
        received_on=days_ago(200),
        status_changed_at=at(days_ago(150)),
    )
    assert overdue_of(recent) == (None, False)
    assert overdue_of(uncontacted)[0] == clocks.FIRST_CONTACT
    assert overdue_of(unassessed)[0] == clocks.ASSESSMENT
    assert overdue_of(quiet) == (clocks.FOLLOW_UP, True)  # and stale: no visit in 30 days
    assert overdue_of(busy) == (None, False)
    assert overdue_of(closed) == (None, False)  # shelved leads have no clock


def test_overdue_and_stale_filters_and_home_panel(client, login_as, desk):
    east, alice = desk
    fl.lead(
        department=east, owner=alice, title="超期未对接", received_on=days_ago(10), status_changed_at=at(days_ago(10))
    )
    fl.lead(
        department=east,
        owner=alice,
        title="正常跟进",
        status=LeadStatus.NEGOTIATING,
        received_on=days_ago(10),
        last_visit_on=TODAY,
    )
    other = factories.user("staff", department=east)
    fl.lead(
        department=east, owner=other, title="同事的逾期", received_on=days_ago(10), status_changed_at=at(days_ago(10))
    )
    db.session.commit()
    login_as(alice)
    html = client.get("/leads/", query_string={"overdue": 1}).get_data(as_text=True)
    assert titles(html, "超期未对接", "正常跟进", "同事的逾期") == {"超期未对接", "同事的逾期"}
    assert "首次对接超期" in html
    html = client.get("/leads/", query_string={"overdue": 1, "owner_id": "me"}).get_data(as_text=True)
    assert titles(html, "超期未对接", "同事的逾期") == {"超期未对接"}
    home = client.get("/").get_data(as_text=True)
    assert "逾期线索" in home and "超期未对接" in home and "同事的逾期" not in home
    html = client.get("/leads/", query_string={"stale": 1}).get_data(as_text=True)
    assert titles(html, "超期未对接", "正常跟进") == set()


def test_every_list_shows_days_in_status(client, login_as, desk):
    east, alice = desk
    fl.lead(department=east, owner=alice, status_changed_at=at(days_ago(12)))
    db.session.commit()
    login_as(alice)
    assert "12 天" in client.get("/leads/").get_data(as_text=True)


def test_owner_filter_narrows_to_a_department_on_a_large_platform(client, login_as, monkeypatch):
    """Past OWNER_FILTER_MAX people the owner filter asks for a department
    first; choosing one redraws the select (htmx) with that department's
    people, and a chosen owner keeps its name in the filter."""
    from app.leads import choices

    monkeypatch.setattr(choices, "OWNER_FILTER_MAX", 2)
    east, west = factories.department("东城街道"), factories.department("西城街道")
    for n in range(2):
        factories.user("staff", department=east, name=f"东城{n}号")
    west_person = factories.user("staff", department=west, name="西城甲")
    db.session.commit()
    login_as("admin")

    html = client.get("/leads/").get_data(as_text=True)
    assert "人员较多：请先选择责任单位" in html
    assert "东城0号" not in html and "西城甲" not in html

    html = client.get("/leads/", query_string={"department_id": east.id}).get_data(as_text=True)
    assert "东城0号" in html and "东城1号" in html and "西城甲" not in html
    assert "人员较多" not in html

    html = client.get("/leads/", query_string={"owner_id": west_person.id}).get_data(as_text=True)
    assert f'<option value="{west_person.id}" selected>西城甲 · 西城街道</option>' in html
    assert "东城0号" not in html

    response = client.get("/leads/", query_string={"department_id": east.id}, headers={"HX-Target": "f-owner"})
    fragment = response.get_data(as_text=True)
    assert response.status_code == 200
    assert fragment.lstrip().startswith('<select class="form-select form-select-sm" id="f-owner" name="owner_id">')
    assert "东城0号" in fragment and "西城甲" not in fragment and "<html" not in fragment


def test_staff_owner_filter_stays_within_scope(client, login_as):
    east, west = factories.department("东城街道"), factories.department("西城街道")
    factories.user("staff", department=east, name="东城同事")
    factories.user("staff", department=west, name="西城某人")
    db.session.commit()
    login_as("staff", department=east)
    html = client.get("/leads/", query_string={"department_id": west.id}, headers={"HX-Target": "f-owner"})
    assert "西城某人" not in html.get_data(as_text=True)
    html = client.get("/leads/").get_data(as_text=True)
    assert "东城同事" in html and "西城某人" not in html
    # Naming someone outside the scope as the owner does not reveal their name.
    outsider = db.session.scalar(sa.select(User.id).where(User.name == "西城某人"))
    html = client.get("/leads/", query_string={"owner_id": outsider}).get_data(as_text=True)
    assert "西城某人" not in html


@pytest.mark.parametrize("listed_max", [2000, 3])
def test_keyword_total_and_pages_agree_whether_matches_are_listed_or_not(
    client, login_as, desk, monkeypatch, listed_max
):
    """The keyword is searched once and its ids listed (up to KEYWORD_IDS_MAX);
    past that the search stays a sub-select. Both give the same total, the
    same pages and respect the other filters and the scope."""
    from app.leads import queries

    monkeypatch.setattr(queries, "KEYWORD_IDS_MAX", listed_max)
    east, alice = desk
    west = factories.department("西城街道")
    for n in range(5):
        fl.lead(company=fl.company(f"华润第{n}分公司"), department=east, owner=alice, title=f"华润项目{n}")
    fl.lead(company=fl.company("华润西城分公司"), department=west, title="西城华润")
    fl.lead(company=fl.company("宇通客车股份有限公司"), department=east, owner=alice, title="宇通")
    db.session.commit()
    login_as(alice)
    first = client.get("/leads/", query_string={"q": "hr", "per_page": 3}).get_data(as_text=True)
    assert "共 5 条" in first
    second = client.get("/leads/", query_string={"q": "hr", "per_page": 3, "page": 2}).get_data(as_text=True)
    shown = titles(first, *[f"华润项目{n}" for n in range(5)]) | titles(second, *[f"华润项目{n}" for n in range(5)])
    assert shown == {f"华润项目{n}" for n in range(5)}
    assert "西城华润" not in first + second and "宇通" not in first + second
    none = client.get("/leads/", query_string={"q": "zzzz"}).get_data(as_text=True)
    assert "共 0 条" in none

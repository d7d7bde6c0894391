"""The phone journey of issue 20: during a trip, a staff member logs the trip
and three visits from a phone — the activity (外出招商 to 上海、苏州, led by a
district leader) is registered from the menu, the visits go in through
批量记录拜访 in one go (one company picked through a row's search, two new
companies typed), and the activity's page then counts what the trip produced;
the month calendar shows the trip on the phone too."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import sqlalchemy as sa

from app import clock
from tests.browser.conftest import LiveServer, has_horizontal_scroll, sign_in
from tests.browser.journey_setup import Console, app_session
from tests.browser.test_journeys import flash, follow, nav_to

TITLE = "赴上海、苏州开展集成电路产业链招商"
NEW_COMPANIES = ("上海澜芯微电子有限公司", "苏州禾沐生物医药科技有限公司")


def staff_lead(server: LiveServer) -> tuple[int, str, str]:
    """(id, company, 投资意向) of an open lead the staff member owns, no trip's."""
    from app.leads.services import OPEN_STATUSES
    from app.models import Lead, User

    with app_session(server) as session:
        staff = session.scalar(sa.select(User).where(User.username == "staff"))
        lead = session.scalar(
            sa.select(Lead)
            .where(
                Lead.owner_user_id == staff.id,
                Lead.status.in_(OPEN_STATUSES),
                Lead.archived_at.is_(None),
                Lead.activity_id.is_(None),
            )
            .order_by(Lead.id)
        )
        assert lead is not None, "the demo district has no open lead of the staff member"
        return lead.id, lead.company.name, lead.title


def leader_label(server: LiveServer, username: str = "leader") -> tuple[str, str]:
    """(name, label) of a district leader as the people selects list them."""
    from app.models import User

    with app_session(server) as session:
        leader = session.scalar(sa.select(User).where(User.username == username))
        return leader.name, f"{leader.name}（{leader.title}）"


def choose(page: Any, select_id: str, label: str, name: str) -> None:
    """Pick one person in a multiple select the way it is shown: the
    searchable picker (type the name, tap the match, a chip appears) once
    the page has turned the select into one, else the plain list."""
    if page.locator(f"#{select_id}.tomselected").count():
        control = page.locator(f"#{select_id}-ts-control")
        control.click()
        control.fill(name)
        page.locator(".ts-dropdown .option", has_text=name).first.click()
        page.locator(f"#{select_id}-ts-control").press("Escape")
        wrapper = page.locator(f"#{select_id} + .ts-wrapper")
        wrapper.locator(".item", has_text=name).first.wait_for()
    else:
        page.locator(f"#{select_id}").select_option(label=label)


def activity_state(server: LiveServer, activity_id: int) -> dict[str, Any]:
    """What the database holds for the activity and what was credited to it."""
    from app.models import Activity, Lead, Visit

    with app_session(server) as session:
        activity = session.get(Activity, activity_id)
        visits = session.scalars(sa.select(Visit).where(Visit.activity_id == activity_id).order_by(Visit.id)).all()
        leads = session.scalars(sa.select(Lead).where(Lead.activity_id == activity_id).order_by(Lead.id)).all()
        return {
            "kind": activity.kind.name,
            "title": activity.title,
            "start_on": activity.start_on,
            "end_on": activity.end_on,
            "away": activity.away,
            "regions": list(activity.region_names),
            "leaders": [u.username for u in activity.leaders],
            "department": activity.department.name,
            "visits": [
                (v.lead.company.name if v.lead else None, v.lead_id, v.visited_on, v.summary, v.created_by.username)
                for v in visits
            ],
            "leads": [(lead.company.name, lead.owner_department.name, lead.received_on) for lead in leads],
        }


def outcome(page: Any, key: str) -> int:
    return int(page.locator(f"#outcome [data-outcome={key}]").inner_text().replace(",", ""))


def search_row(page: Any, row: Any, index: int, name: str) -> Any:
    """Type a company into a row and wait for the row's search to answer;
    the row's choices (radio buttons) are returned."""
    with page.expect_response(lambda r: "/visits/search" in r.url and f"row={index}" in r.url):
        row.get_by_label("企业名称").fill(name)
    picks = page.locator(f"#row-{index}-picks")
    picks.locator("input[type=radio]").first.wait_for()
    return picks


def test_staff_logs_a_trip_and_three_visits_from_a_phone(phone, live_server):
    console = Console(phone)
    lead_id, company, lead_title = staff_lead(live_server)
    leader_name, leader_option = leader_label(live_server)
    today = clock.today()
    yesterday, tomorrow = today - dt.timedelta(days=1), today + dt.timedelta(days=1)

    # The trip, registered from the menu.
    sign_in(phone, live_server, "staff")
    nav_to(phone, "招商活动")
    phone.wait_for_url(live_server.path("/activities/"))
    assert not has_horizontal_scroll(phone)
    follow(phone, phone.get_by_role("link", name="登记活动"))
    phone.wait_for_url(live_server.path("/activities/new"))
    phone.get_by_label("活动类型").select_option(label="外出招商")
    phone.get_by_label("活动名称").fill(TITLE)
    phone.get_by_label("开始日期").fill(yesterday.isoformat())
    phone.get_by_label("结束日期").fill(tomorrow.isoformat())
    phone.get_by_label("前往地区").fill("上海、苏州")
    assert phone.get_by_label("外出招商（赴区外开展").is_checked()
    choose(phone, "leader_ids", leader_option, leader_name)
    assert not has_horizontal_scroll(phone)
    follow(phone, phone.get_by_role("button", name="保存"))

    phone.wait_for_url(re.compile(r"/activities/\d+$"))
    activity_id = int(phone.url.rsplit("/", 1)[1])
    assert f"已登记招商活动「{TITLE}」" in flash(phone)
    assert phone.locator("h1").inner_text() == TITLE
    facts = phone.locator("dl").first.inner_text()
    assert f"{yesterday.isoformat()} 至 {tomorrow.isoformat()}（3 天）" in facts
    assert "上海、苏州" in facts and leader_option in facts
    assert [outcome(phone, key) for key in ("companies", "visits", "leads")] == [0, 0, 0]
    assert not has_horizontal_scroll(phone)

    # Three visits in one go: a lead picked through the row's search, two new companies.
    follow(phone, phone.get_by_role("link", name="批量记录拜访"))
    phone.wait_for_url(live_server.path(f"/activities/{activity_id}/visits"))
    rows = [phone.locator(f"#row-{n}") for n in (1, 2, 3)]
    assert all(row.get_by_label("拜访日期").input_value() == today.isoformat() for row in rows)

    picks = search_row(phone, rows[0], 0, company)
    choice = picks.get_by_label(re.compile(rf"^线索：{re.escape(company)} · {re.escape(lead_title)}"))
    choice.check()
    assert choice.is_checked()
    rows[0].get_by_label("拜访内容").fill("拜访企业总部，商谈区域结算中心落地事宜。")
    for index, (row, name) in enumerate(zip(rows[1:], NEW_COMPANIES, strict=True), start=1):
        picks = search_row(phone, row, index, name)
        new = picks.get_by_label("新企业：按填写的名称登记为新线索")
        assert new.is_checked(), f"row {index + 1}: {name} is taken for a company on file"
        row.get_by_label("拜访内容").fill(f"实地考察{name}，了解其华中布局计划。")
    rows[1].get_by_label("投资意向（新线索）").fill("拟设华中区域研发中心")
    assert not has_horizontal_scroll(phone)
    follow(phone, phone.get_by_role("button", name="保存全部"))

    # The trip's page counts what it produced.
    phone.wait_for_url(live_server.path(f"/activities/{activity_id}"))
    assert "已记录 3 条拜访" in flash(phone)
    assert outcome(phone, "visits") == 3
    assert outcome(phone, "leads") == 2
    assert outcome(phone, "companies") == 3
    visits = phone.locator("#visits li")
    assert visits.count() == 3
    assert {company, *NEW_COMPANIES} == {v.locator(".fw-semibold").inner_text() for v in visits.all()}
    collected = phone.locator("#leads li")
    assert sorted(c.locator(".fw-semibold").inner_text() for c in collected.all()) == sorted(NEW_COMPANIES)
    assert "拟设华中区域研发中心" in phone.locator("#leads").inner_text()
    assert not has_horizontal_scroll(phone)

    state = activity_state(live_server, activity_id)
    assert state["kind"] == "外出招商" and state["title"] == TITLE and state["away"]
    assert (state["start_on"], state["end_on"]) == (yesterday, tomorrow)
    assert state["regions"] == ["上海", "苏州"] and state["leaders"] == ["leader"]
    assert state["department"] == "东城街道"
    assert [v[0] for v in state["visits"]] == [company, *NEW_COMPANIES]
    assert state["visits"][0][1] == lead_id  # onto the lead that was picked, not a new one
    assert all(v[2] == today and v[4] == "staff" for v in state["visits"])
    assert state["leads"] == [(name, "东城街道", today) for name in NEW_COMPANIES]

    # The month calendar shows the trip on the phone: today is its second day.
    phone.goto(live_server.path("/activities/calendar"))
    assert phone.locator(".cal").is_hidden()  # the desk grid gives way to the day list
    entry = phone.locator(f".cal-list li[data-activity='{activity_id}'][data-day='{today.isoformat()}']")
    assert entry.is_visible()
    assert TITLE in entry.inner_text() and "第 2/3 天" in entry.inner_text()
    assert not has_horizontal_scroll(phone)
    follow(phone, entry.get_by_role("link", name=TITLE))
    assert phone.url == live_server.path(f"/activities/{activity_id}")
    console.assert_clean()

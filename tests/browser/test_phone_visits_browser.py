"""The phone visit flow of issue 16, as a staff member does it between two
meetings: 记录拜访 from the home page's shortcuts (pick the lead from a
searchable list, fill the form, land on the lead with the visit on its
timeline); and 记录拜访 on a lead's page, which opens the form at the top
with the cursor in its first field and, saved, lands back on the timeline.
A new lead shows when its clocks fall due from day 0 (时限：首次对接截止 …)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from app import clock
from tests.browser.conftest import LiveServer, has_horizontal_scroll, sign_in
from tests.browser.journey_setup import Console, app_session
from tests.browser.test_journeys import flash, follow

# --- arranged through the services --------------------------------------------------------


def staff_open_lead(server: LiveServer) -> tuple[int, str, str]:
    """(id, company, 投资意向) of an open lead the staff member owns."""
    from app.leads.services import OPEN_STATUSES
    from app.models import Lead, User

    with app_session(server) as session:
        staff = session.scalar(sa.select(User).where(User.username == "staff"))
        lead = session.scalar(
            sa.select(Lead)
            .where(Lead.owner_user_id == staff.id, Lead.status.in_(OPEN_STATUSES), Lead.archived_at.is_(None))
            .order_by(Lead.id)
        )
        assert lead is not None, "the demo district has no open lead of the staff member"
        return lead.id, lead.company.name, lead.title


def new_lead(server: LiveServer, company: str) -> tuple[int, list[tuple[str, dt.date]]]:
    """A lead received today by the staff member (状态：新线索), and its
    clocks as the rules read them: [(label, due date)]."""
    from app.leads import clocks, services
    from app.models import User

    with app_session(server) as session:
        staff = session.scalar(sa.select(User).where(User.username == "staff"))
        lead = services.create_lead(
            {
                "company_name": company,
                "title": "拟设立华中区域智能制造基地",
                "owner_department_id": staff.department_id,
                "owner_user_id": staff.id,
                "received_on": clock.today(),
            },
            staff,
        )
        session.flush()
        return lead.id, [(d.label, d.due_on) for d in clocks.deadlines(lead)]


def visits_of(server: LiveServer, lead_id: int) -> list[dict[str, Any]]:
    from app.models import Lead, Visit

    with app_session(server) as session:
        rows = session.scalars(sa.select(Visit).where(Visit.lead_id == lead_id).order_by(Visit.id)).all()
        status = session.get(Lead, lead_id).status.value
        return [
            {
                "visited_on": v.visited_on,
                "kind": v.kind.name if v.kind else None,
                "summary": v.summary,
                "next_step": v.next_step,
                "follow_up_on": v.follow_up_on,
                "by": v.created_by.username,
                "lead_status": status,
            }
            for v in rows
        ]


# --- what the phone shows ------------------------------------------------------------------

FOCUSED_FIELD = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const box = el.getBoundingClientRect();
    const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
    const label = el.id ? document.querySelector(`label[for="${el.id}"]`) : null;
    return {
        id: el.id,
        label: label ? label.textContent.trim() : '',
        inForm: !!el.closest('#quick-visit form'),
        firstField: el === document.querySelector('#quick-visit form input:not([type=hidden]), #quick-visit form select, #quick-visit form textarea'),
        top: box.top, bottom: box.bottom, height: window.innerHeight,
        uncovered: hit === el || el.contains(hit),
    };
}"""


def settled(page: Any, script: str) -> Any:
    """What `script` reads once the page has stopped scrolling (Bootstrap
    scrolls smoothly): the same answer twice, 150 ms apart."""
    before = page.evaluate(script)
    for _attempt in range(40):
        page.wait_for_timeout(150)
        now = page.evaluate(script)
        if now == before:
            return now
        before = now
    return before


def in_view(box: dict[str, float]) -> bool:
    return box["top"] >= 0 and box["bottom"] <= box["height"]


TIMELINE_BOX = """() => {
    const box = document.querySelector('#visits').getBoundingClientRect();
    return {top: box.top, bottom: Math.min(box.bottom, box.top + 40), height: window.innerHeight};
}"""


# --- 1. 记录拜访 from the phone home ---------------------------------------------------------


def test_staff_records_a_visit_from_the_phone_home_shortcut(phone, live_server):
    console = Console(phone)
    lead_id, company, title = staff_open_lead(live_server)
    today = clock.today()
    next_week = today + dt.timedelta(days=7)
    summary = "赴企业总部拜访财务总监，确认区域结算中心选址要求。"

    sign_in(phone, live_server, "staff")
    shortcuts = phone.locator(".home-shortcuts")
    assert [t.strip() for t in shortcuts.get_by_role("link").all_inner_texts()] == [
        "登记线索",
        "记录拜访",
        "我的待跟进",
    ]
    assert all(link.is_visible() for link in shortcuts.get_by_role("link").all())
    assert not has_horizontal_scroll(phone)
    follow(phone, shortcuts.get_by_role("link", name="记录拜访"))

    # Pick the lead: search the list, tap the company.
    phone.wait_for_url(live_server.path("/leads/visits/new"))
    assert phone.locator("h1").inner_text() == "记录拜访"
    assert phone.locator(".list-group-item").count() > 1
    phone.get_by_label("搜索线索").fill(company)
    follow(phone, phone.get_by_role("button", name="搜索"))
    found = phone.locator("a.list-group-item", has_text=company)
    assert found.count() >= 1
    assert not has_horizontal_scroll(phone)
    follow(phone, found.filter(has_text=title).first)

    # The visit form for that lead.
    phone.wait_for_url(live_server.path(f"/leads/visits/new?lead_id={lead_id}"))
    assert f"{company} · {title}" in phone.locator("main p").first.inner_text()
    phone.get_by_label("拜访日期").fill(today.isoformat())
    phone.get_by_label("对接方式").select_option(label="外出拜访")
    phone.get_by_label("对接情况").fill(summary)
    phone.get_by_label("下一步计划").fill("整理选址需求，报区发改委研判")
    phone.get_by_label("下次跟进日期").fill(next_week.isoformat())
    assert not has_horizontal_scroll(phone)
    follow(phone, phone.get_by_role("button", name="保存"))

    # Back on the lead, the visit on its timeline.
    assert phone.url == live_server.path(f"/leads/{lead_id}")
    assert "拜访记录已保存" in flash(phone)
    assert phone.locator("h1").inner_text() == company
    entry = phone.locator("#visits li", has_text=summary)
    assert entry.count() == 1
    assert today.isoformat() in entry.inner_text() and "外出拜访" in entry.inner_text()
    assert "整理选址需求" in entry.inner_text()
    assert not has_horizontal_scroll(phone)

    saved = visits_of(live_server, lead_id)[-1]
    assert saved["summary"] == summary and saved["by"] == "staff" and saved["kind"] == "外出拜访"
    assert (saved["visited_on"], saved["follow_up_on"]) == (today, next_week)
    console.assert_clean()


# --- 2. 记录拜访 on a lead's page ------------------------------------------------------------


def test_lead_page_opens_the_visit_form_at_the_top_and_lands_back_on_the_timeline(phone, live_server):
    console = Console(phone)
    company = "河南豫芯智能装备有限公司"
    lead_id, deadlines = new_lead(live_server, company)
    first_contact = dict(deadlines)["首次对接截止"]
    today = clock.today()
    summary = "企业总经理来访，介绍智能装备基地的用地和厂房需求。"

    sign_in(phone, live_server, "staff")
    phone.goto(live_server.path(f"/leads/{lead_id}"))
    # From day 0 the lead says when each clock falls due.
    line = phone.locator("[data-testid=lead-deadlines]").inner_text().strip()
    assert line.startswith(f"时限：首次对接截止 {first_contact.isoformat()}"), line
    assert line == "时限：" + " · ".join(f"{label} {due.isoformat()}" for label, due in deadlines)
    assert not has_horizontal_scroll(phone)

    # 记录拜访 opens the form in sight, the cursor in its first field.
    phone.get_by_role("button", name="记录拜访").click()
    phone.locator("#quick-visit.show").wait_for()
    phone.wait_for_function("() => document.activeElement && document.activeElement.closest('#quick-visit form')")
    field = settled(phone, FOCUSED_FIELD)
    assert field["inForm"] and field["firstField"], field
    assert field["label"] == "拜访日期", field
    assert in_view(field) and field["uncovered"], f"the focused field is out of sight: {field}"
    assert not has_horizontal_scroll(phone)

    form = phone.locator("#quick-visit form")
    form.get_by_label("拜访日期").fill(today.isoformat())
    form.get_by_label("对接方式").select_option(label="来访接待")
    form.get_by_label("对接情况").fill(summary)
    follow(phone, form.get_by_role("button", name="保存拜访记录"))

    # Saved, the phone is back at the timeline with the new visit.
    assert phone.url == live_server.path(f"/leads/{lead_id}#visits")
    assert "拜访记录已保存" in flash(phone)
    timeline = settled(phone, TIMELINE_BOX)
    assert in_view(timeline), f"the timeline is out of sight after saving: {timeline}"
    assert phone.locator("#visits li", has_text=summary).is_visible()
    assert phone.locator(".badge", has_text="已对接").first.is_visible()
    # Contacted: the first-contact clock has stopped, the others run on.
    line = phone.locator("[data-testid=lead-deadlines]").inner_text()
    assert "首次对接截止" not in line and "研判截止" in line and "下次跟进" in line

    saved = visits_of(live_server, lead_id)
    assert len(saved) == 1
    assert saved[0]["summary"] == summary and saved[0]["visited_on"] == today and saved[0]["kind"] == "来访接待"
    assert saved[0]["lead_status"] == "contacted"
    console.assert_clean()


# --- 3. the form's date is the app's today -------------------------------------------------


def test_the_visit_form_opens_on_the_district_s_today(phone, live_server):
    """Between 00:00 and 08:00 Beijing time a server on UTC is still on the
    day before. The app's one clock (app/clock.py) is set to 03:00 Beijing
    time on the day after the server's own date — the moment a staff member
    logs an early-morning visit — and the visit form must open on that day."""
    lead_id, _company, _title = staff_open_lead(live_server)
    server_day = dt.date.today()
    district_day = server_day + dt.timedelta(days=1)
    clock.set_to(dt.datetime.combine(district_day, dt.time(3, 0), tzinfo=clock.zone()))
    try:
        assert clock.today() == district_day
        sign_in(phone, live_server, "staff")
        phone.goto(live_server.path(f"/leads/visits/new?lead_id={lead_id}"))
        shown = phone.get_by_label("拜访日期").input_value()
        phone.goto(live_server.path(f"/leads/{lead_id}"))
        quick = phone.locator("#quick-visit form").get_by_label("拜访日期").input_value()
    finally:
        clock.set_to(None)
    assert (shown, quick) == (district_day.isoformat(),) * 2, (
        f"the visit form opens on {shown} (full form) / {quick} (lead page), the server's date, "
        f"not the district's today {district_day}: VisitForm.visited_on defaults to dt.date.today "
        "instead of app.clock.today (app/leads/forms.py)"
    )

"""Daily use on a phone (issue 16): the clocks are shown from the day a lead
is received (首次对接截止, 研判截止, 下次跟进) on the lead, in the list and on
the home page, read forwards from the very rules that mark a lead overdue;
the home page's shortcuts (登记线索, 记录拜访, 我的待跟进); 记录拜访 without a
lead picks one first; the lead page's visit form comes first on the page;
the visit list names the company first."""

from __future__ import annotations

import datetime as dt
import re

import sqlalchemy as sa

from app.db import db
from app.leads import clocks
from app.models import Lead, LeadStatus, Role
from tests import factories
from tests import factories_leads as fl

MONDAY = dt.date(2026, 12, 7)


def _staff(login_as):
    dept = factories.department("东城街道")
    return login_as("staff", department=dept)


def test_lead_page_and_list_show_each_clock_from_day_zero(client, login_as, set_today):
    set_today(MONDAY)
    staff = _staff(login_as)
    lead = fl.lead(owner=staff, received_on=MONDAY, title="新收到的线索")
    db.session.commit()

    page = client.get(f"/leads/{lead.id}").get_data(as_text=True)
    line = re.search(r'data-testid="lead-deadlines">(.*?)</div>', page, re.S).group(1)
    assert "首次对接截止 2026-12-08" in line  # one working day
    assert "研判截止 2026-12-10" in line
    assert "下次跟进 2026-12-21" in line

    listing = client.get("/leads/?owner_id=me").get_data(as_text=True)
    assert "首次对接截止 12-08" in listing


def test_a_lead_received_on_friday_is_due_for_first_contact_on_monday(client, login_as, set_today):
    set_today(dt.date(2026, 12, 4))
    staff = _staff(login_as)
    lead = fl.lead(owner=staff, received_on=dt.date(2026, 12, 4))
    db.session.commit()
    assert clocks.next_deadline(lead).label == "首次对接截止"
    assert clocks.next_deadline(lead).due_on == MONDAY


def test_contacted_and_closed_leads_run_only_their_clocks(app, set_today):
    set_today(MONDAY)
    contacted = fl.lead(received_on=MONDAY, status=LeadStatus.CONTACTED)
    negotiating = fl.lead(received_on=MONDAY - dt.timedelta(days=2), status=LeadStatus.NEGOTIATING)
    shelved = fl.lead(received_on=MONDAY, status=LeadStatus.SHELVED)
    assert [d.label for d in clocks.deadlines(contacted)] == ["研判截止", "下次跟进"]
    assert [d.label for d in clocks.deadlines(negotiating)] == ["下次跟进"]
    assert clocks.deadlines(shelved) == []


def test_deadlines_read_forwards_agree_with_the_overdue_rules(app, set_today):
    """For leads received on each of the last 20 days in each open status,
    a lead is past one of its deadlines exactly when the SQL marks it overdue."""
    set_today(MONDAY)
    leads = [
        fl.lead(received_on=MONDAY - dt.timedelta(days=n), status=status)
        for n in range(0, 20)
        for status in clocks.OPEN_STATUSES
    ]
    visited = fl.lead(received_on=MONDAY - dt.timedelta(days=19), status=LeadStatus.NEGOTIATING)
    visited.last_visit_on = MONDAY - dt.timedelta(days=10)
    leads.append(visited)
    db.session.flush()
    overdue = set(db.session.scalars(sa.select(Lead.id).where(clocks.overdue_condition(MONDAY))))
    assert overdue, "the sample has overdue leads"
    for lead in leads:
        past = any(d.overdue(MONDAY) for d in clocks.deadlines(lead))
        assert past == (lead.id in overdue), (lead.status, lead.received_on)
    assert visited.id not in overdue


def test_home_lists_leads_whose_clock_falls_due_within_three_days(client, login_as, set_today):
    set_today(MONDAY)
    staff = _staff(login_as)
    fl.lead(owner=staff, received_on=MONDAY, company=fl.company("今日收到科技有限公司"))
    fl.lead(
        owner=staff,
        received_on=MONDAY,
        status=LeadStatus.NEGOTIATING,
        company=fl.company("洽谈之中科技有限公司"),
    )
    fl.lead(owner=staff, received_on=MONDAY - dt.timedelta(days=20), company=fl.company("早已逾期科技有限公司"))
    db.session.commit()

    home = client.get("/").get_data(as_text=True)
    panel = home[home.index('id="due-soon"') :]
    panel = panel[: panel.index("</ul>")]
    assert "今日收到科技有限公司" in panel and "首次对接截止 2026-12-08" in panel
    assert "洽谈之中科技有限公司" not in panel  # follow-up due 12-21: not yet
    assert "早已逾期科技有限公司" not in panel  # overdue: the 逾期线索 panel has it
    assert "早已逾期科技有限公司" in home


def test_staff_home_has_the_three_shortcuts_a_leader_has_none(client, login_as):
    _staff(login_as)
    home = client.get("/").get_data(as_text=True)
    shortcuts = home[home.index("home-shortcuts") :]
    shortcuts = shortcuts[: shortcuts.index("</nav>")]
    assert 'href="/leads/new"' in shortcuts
    assert 'href="/leads/visits/new"' in shortcuts
    assert 'href="/leads/visits?due=1"' in shortcuts

    client.post("/auth/logout")
    login_as("leader")
    assert "home-shortcuts" not in client.get("/").get_data(as_text=True)


def test_record_visit_without_a_lead_picks_one_first(client, login_as):
    staff = _staff(login_as)
    mine = fl.lead(owner=staff, company=fl.company("本人负责科技有限公司"))
    colleague = factories.user(Role.STAFF, department=staff.department)
    fl.lead(owner=colleague, company=fl.company("同事负责科技有限公司"), last_visit_on=None)
    fl.lead(owner=staff, status=LeadStatus.SHELVED, company=fl.company("已搁置科技有限公司"))
    fl.lead(department=factories.department("西城街道"), company=fl.company("外部门科技有限公司"))
    db.session.commit()

    page = client.get("/leads/visits/new").get_data(as_text=True)
    assert page.index("本人负责科技有限公司") < page.index("同事负责科技有限公司")
    assert "已搁置科技有限公司" not in page and "外部门科技有限公司" not in page
    assert f'href="/leads/visits/new?lead_id={mine.id}"' in page

    found = client.get("/leads/visits/new?q=同事").get_data(as_text=True)
    assert "同事负责科技有限公司" in found and "本人负责科技有限公司" not in found

    client.post("/auth/logout")
    login_as("leader")
    assert client.get("/leads/visits/new").status_code == 404


def test_lead_page_opens_the_visit_form_above_status_and_history(client, login_as):
    staff = _staff(login_as)
    lead = fl.lead(owner=staff)
    db.session.commit()
    page = client.get(f"/leads/{lead.id}").get_data(as_text=True)
    form = page.index('id="quick-visit"')
    assert form < page.index(">状态</h2>") < page.index(">操作记录</h2>")

    refused = client.post(f"/leads/{lead.id}/visits", data={"visited_on": "", "summary": ""})
    assert refused.status_code == 400
    assert 'id="quick-visit" data-open-focus' in refused.get_data(as_text=True)


def test_visit_list_names_the_company_first(client, login_as):
    staff = _staff(login_as)
    lead = fl.lead(owner=staff, company=fl.company("拜访对象科技有限公司"), title="新建生产基地")
    fl.visit(lead, by=staff)
    db.session.commit()
    page = client.get("/leads/visits").get_data(as_text=True)
    assert page.index("拜访对象科技有限公司") < page.index("新建生产基地")

"""The supervisor's (督查, role viewer) home of issue 16, at a desk: what he
opens the system for — the key projects on red and yellow with their
reasons, the overdue problems by responsible department, and the 龙虎榜 —
each leading to its records; and the project pages he reads carry no
action-styled buttons and no forms to submit."""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa

from app import clock
from tests.browser.conftest import LiveServer, has_horizontal_scroll, sign_in
from tests.browser.journey_setup import Console, app_session
from tests.browser.test_journeys import canvas_pixels, follow

# Button styles that invite an action (save, add, issue, delete …): solid
# ones, and the blue outline of 录入协议 / 录入到位资金 / 落实五个一. Neutral
# grey buttons (问题台账) and plain links may stay on a read-only page.
SOLID_ACTIONS = ".btn-primary, .btn-success, .btn-danger, .btn-warning"
ACTION_BUTTONS = f"{SOLID_ACTIONS}, .btn-outline-primary, .btn-outline-success, .btn-outline-danger"


def key_project_lights(server: LiveServer) -> dict[str, int]:
    """Red and yellow key projects, each project's light worked out one by
    one as its own page does (`light_details`), not by the panel's query."""
    from app.models import Light, Project
    from app.projects.lights import light_details

    with app_session(server) as session:
        ids = session.scalars(
            sa.select(Project.id).where(Project.is_key.is_(True), Project.archived_at.is_(None))
        ).all()
        lights = [info.light for info in light_details(ids, clock.today()).values()]
        return {"红灯": lights.count(Light.RED), "黄灯": lights.count(Light.YELLOW)}


def pager_total(page: Any) -> int:
    match = re.search(r"共 (\d+) 条", page.locator("main").inner_text())
    assert match, f"{page.url}: no 共 n 条"
    return int(match.group(1))


def badge_count(badge: Any) -> int:
    return int(re.search(r"\d+", badge.inner_text()).group(0))


def test_supervisor_home_leads_to_lit_projects_overdue_problems_and_the_ranking(page, live_server):
    console = Console(page)
    expected = key_project_lights(live_server)
    assert expected["红灯"] and expected["黄灯"], "the demo district has no lit key project"

    sign_in(page, live_server, "viewer")
    main = page.locator("main")
    assert "暂无待办事项" not in main.inner_text()
    assert main.locator(ACTION_BUTTONS).count() == 0, "the supervisor's home shows action buttons"

    # Red and yellow key projects, with their reasons, red first.
    lights = page.locator("section", has=page.locator("#lights-panel-title"))
    red, yellow = lights.locator("a.badge", has_text="红灯"), lights.locator("a.badge", has_text="黄灯")
    assert {"红灯": badge_count(red), "黄灯": badge_count(yellow)} == expected
    rows = lights.locator("li")
    assert 0 < rows.count() <= 10
    shown = [row.locator(".light-badge").inner_text().strip() for row in rows.all()]
    assert set(shown) <= {"红灯", "黄灯"} and shown == sorted(shown, key=["红灯", "黄灯"].index)
    assert all(row.locator("div.text-muted").inner_text().strip() for row in rows.all()), "a light without reason"

    # The first one's page shows the same light and reasons, and nothing to act on.
    first = rows.first
    name = first.get_by_role("link").inner_text().strip()
    reasons = first.locator("div.text-muted").inner_text().strip().split("；")
    follow(page, first.get_by_role("link", name=name))
    page.wait_for_url(re.compile(r"/projects/\d+$"))
    assert page.locator("h1").first.inner_text().startswith(name)
    project_light = page.locator(".project-light").inner_text()
    assert project_light.startswith(shown[0])
    assert all(reason in project_light for reason in reasons), (reasons, project_light)
    column = page.locator("main .row > .col-lg-8").first
    assert column.locator("#problems, #instructions, #plan").count() >= 1
    assert column.locator("form[method=post]").count() == 0, "a read-only project page offers a form"
    assert main.locator("form[method=post]").count() == 0
    assert main.locator(SOLID_ACTIONS).count() == 0, main.locator(SOLID_ACTIONS).all_inner_texts()
    page.go_back()

    # 黄灯 n opens the list of those n key projects.
    follow(page, yellow)
    page.wait_for_url(re.compile(r"/projects/\?.*light=yellow"))
    assert pager_total(page) == expected["黄灯"]
    assert set(page.locator("table tbody .light-badge").all_inner_texts()) == {"黄灯"}
    page.go_back()

    # Overdue problems by responsible department: each total opens its problems.
    overdue = page.locator("section", has=page.locator("#overdue-panel-title"))
    total = int(overdue.locator("#overdue-panel-title .badge").inner_text())
    departments = overdue.locator("tbody tr")
    assert departments.count() >= 1
    totals = [int(row.locator("td").last.inner_text()) for row in departments.all()]
    assert sum(totals) == total > 0
    department = departments.first.locator("td").first.inner_text().strip()
    follow(page, departments.first.locator("td").last.get_by_role("link"))
    page.wait_for_url(re.compile(r"/problems/\?.*overdue=1"))
    assert pager_total(page) == totals[0]
    listed = page.locator("table tbody tr")
    assert listed.count() == min(totals[0], live_server.app.config["PER_PAGE"])
    assert all(department in row.inner_text() and "超期" in row.inner_text() for row in listed.all())
    page.go_back()

    # The 龙虎榜 opens, drawn and ranked.
    board = page.locator("section", has=page.locator("#supervisor-panel-title"))
    follow(page, board.get_by_role("link", name=re.compile("龙虎榜")))
    page.wait_for_url(live_server.path("/reports/ranking"))
    assert page.locator("h1").inner_text() == "比学赶超综合排名"
    assert "龙虎榜" in page.locator("main h2").first.inner_text()
    assert page.locator("table.report-table").first.locator("tbody tr").count() > 0
    assert canvas_pixels(page) > 2000
    console.assert_clean()


def key_project_with_a_plan(server: LiveServer) -> int:
    """A lit key project on this year's 重点项目计划: its page shows the
    年度计划与投资月报 panel."""
    from app.models import AnnualPlan, Project

    with app_session(server) as session:
        ident = session.scalar(
            sa.select(Project.id)
            .join(AnnualPlan, AnnualPlan.project_id == Project.id)
            .where(Project.is_key.is_(True), Project.archived_at.is_(None), AnnualPlan.year == clock.today().year)
            .order_by(Project.id)
        )
        assert ident is not None, "the demo district has no key project on this year's plan"
        return ident


def test_a_project_page_shows_the_supervisor_no_action_styled_button(page, live_server):
    """Issue 16: read-only pages show no action-styled buttons (the blue
    资金到位 button of the agreements panel became a plain link for readers).
    The delivery panel still shows its 全部月报 as a blue button to readers."""
    console = Console(page)
    project_id = key_project_with_a_plan(live_server)
    sign_in(page, live_server, "viewer")
    page.goto(live_server.path(f"/projects/{project_id}"))
    delivery = page.locator("#delivery")
    assert delivery.is_visible()
    monthly = delivery.get_by_role("link", name="全部月报")
    assert monthly.is_visible()  # the reader may open the reports: a link
    styled = {text.strip() for text in page.locator("main").locator(ACTION_BUTTONS).all_inner_texts()}
    console.assert_clean()
    assert styled == set(), (
        f"the supervisor's (read-only) project page shows action-styled buttons {sorted(styled)}: "
        "templates/delivery/_project_panel.html renders 全部月报 as btn-outline-primary for every reader; "
        "readers who cannot report (dp.can_report false) should get a plain link, as 查看资金到位明细 in "
        "templates/agreements/_project_panel.html"
    )


def test_supervisor_home_fits_a_phone(phone, live_server):
    console = Console(phone)
    sign_in(phone, live_server, "viewer")
    for title in ("#lights-panel-title", "#overdue-panel-title", "#supervisor-panel-title"):
        assert phone.locator(title).is_visible(), title
    assert not has_horizontal_scroll(phone)
    console.assert_clean()
